/** `tenantry placement` and `tenantry move`: where tenants live on a Citus cluster, and moving them. */
import type { RebalancePlan } from '../../../core/citus/rebalance-plan.js';
import { openClient } from '../../services/connection/open-connection.js';
import { moveTenant, proposeRebalance, readPlacement, type MoveMode, type MoveResult, type PlacementReport } from '../../services/citus/placement.js';
import { UsageError, type CliCommand, type CliIo } from '../command.js';
import { parseOptions, requireOption, resolveCliProfile, stringOption, type OptionValues } from './parse-options.js';
import { SSH_OPTIONS, SSH_USAGE } from './ssh-options.js';

const MODES: readonly MoveMode[] = ['auto', 'force_logical', 'block_writes'];

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** The placement table: one line per tenant, then the bytes per node. */
export function formatPlacement(report: PlacementReport): string {
  const lines = report.tenants.length === 0 ? ['No distributed schemas (tenants) on this cluster.'] : [];
  const width = Math.max(6, ...report.tenants.map((t) => t.tenant.length));
  if (report.tenants.length > 0) lines.push(`${'tenant'.padEnd(width)}  node                   size      tables`);
  for (const t of report.tenants) lines.push(`${t.tenant.padEnd(width)}  ${(t.node ?? '(empty: not placed)').padEnd(21)}  ${formatBytes(t.bytes).padEnd(8)}  ${t.tables}`);
  lines.push('', 'Nodes:');
  for (const n of report.nodes) {
    const held = report.tenants.filter((t) => t.node === n.node);
    lines.push(`  ${n.node}${n.shouldHaveShards ? '' : ' (no new shards)'}: ${held.length} tenant${held.length === 1 ? '' : 's'}, ${formatBytes(held.reduce((s, t) => s + t.bytes, 0))}`);
  }
  return lines.join('\n') + '\n';
}

function formatPlan(plan: RebalancePlan): string {
  if (plan.moves.length === 0) return 'Balanced by size: no move would narrow the gap between the nodes.\n';
  const lines = ['Proposed moves (by size; nothing has moved):'];
  for (const m of plan.moves) lines.push(`  ${m.tenant}: ${m.from} -> ${m.to} (${formatBytes(m.bytes)})`);
  lines.push('Bytes per node before -> after:');
  for (const node of Object.keys(plan.before)) lines.push(`  ${node}: ${formatBytes(plan.before[node] ?? 0)} -> ${formatBytes(plan.after[node] ?? 0)}`);
  return lines.join('\n') + '\n';
}

async function withClients<T>(values: OptionValues, io: CliIo, run: (db: Awaited<ReturnType<typeof openClient>>, monitor: Awaited<ReturnType<typeof openClient>>) => Promise<T>): Promise<T> {
  // With --ssh both sessions go through the one tunnel to the coordinator.
  const profile = await resolveCliProfile(typeof values.url === 'string' ? values.url : undefined, io, values);
  const db = await openClient(profile);
  try {
    const monitor = await openClient(profile);
    try {
      return await run(db, monitor);
    } finally {
      await monitor.end().catch(() => undefined);
    }
  } finally {
    await db.end().catch(() => undefined);
  }
}

function parseMode(text: string | undefined): MoveMode {
  const mode = (text ?? 'auto') as MoveMode;
  if (!MODES.includes(mode)) throw new UsageError(`--mode must be one of ${MODES.join(', ')}.`);
  return mode;
}

function progressPrinter(io: CliIo, json: boolean) {
  return json ? undefined : (p: { tenant: string; elapsedMs: number; copiedBytes?: number; totalBytes: number }) => io.stderr(`moving ${p.tenant}: ${Math.round(p.elapsedMs / 1000)} s${p.copiedBytes !== undefined ? `, ${formatBytes(p.copiedBytes)} of ${formatBytes(p.totalBytes)} copied` : ''}\n`);
}

export const placementCommand: CliCommand = {
  name: 'placement',
  summary: 'Show which Citus node holds each tenant and its size; propose (and with --yes run) a rebalance by size',
  usage: [
    'Usage: tenantry placement [--json] [--rebalance [--yes] [--mode auto|force_logical|block_writes]] [--url URL]',
    '',
    'On a Citus coordinator: every distributed schema (tenant) with the node that',
    'holds its tables (pg_dist_schema, citus_shards) and its size, then the bytes',
    'per node. Warm-pool spares are left out.',
    '',
    '  --rebalance      propose moves, largest tenant first, from the fullest node to',
    '                   the emptiest while a move narrows the gap; nothing moves',
    '  --yes            run the proposed moves (one citus_schema_move each)',
    '  --mode M         the moves\' shard transfer mode (default auto)',
    '  --json           print {"nodes", "tenants"} (and "plan", "moved") as JSON',
    SSH_USAGE,
  ].join('\n'),
  async run(argv, io) {
    const values = parseOptions(argv, { url: { type: 'string' }, json: { type: 'boolean' }, rebalance: { type: 'boolean' }, yes: { type: 'boolean' }, mode: { type: 'string' }, ...SSH_OPTIONS });
    const json = values.json === true;
    if (values.yes === true && values.rebalance !== true) throw new UsageError('--yes confirms a --rebalance; name --rebalance too.');
    const mode = parseMode(stringOption(values, 'mode'));
    return withClients(values, io, async (db, monitor) => {
      const report = await readPlacement(db);
      if (values.rebalance !== true) {
        io.stdout(json ? JSON.stringify(report, null, 2) + '\n' : formatPlacement(report));
        return 0;
      }
      const plan = proposeRebalance(report);
      const moved: MoveResult[] = [];
      if (values.yes === true) {
        for (const m of plan.moves) moved.push(await moveTenant(db, monitor, { tenant: m.tenant, node: m.to, mode }, { ...(progressPrinter(io, json) ? { onProgress: progressPrinter(io, json)! } : {}) }));
      }
      if (json) io.stdout(JSON.stringify({ ...report, plan, moved }, null, 2) + '\n');
      else {
        io.stdout(formatPlan(plan));
        if (values.yes === true) io.stdout(moved.length > 0 ? `Moved ${moved.length} tenant${moved.length === 1 ? '' : 's'}.\n` : '');
        else if (plan.moves.length > 0) io.stdout('Run again with --yes to make these moves.\n');
      }
      return 0;
    });
  },
};

export const moveCommand: CliCommand = {
  name: 'move',
  summary: 'Move a tenant (distributed schema) to another Citus node',
  usage: [
    'Usage: tenantry move --tenant T --node HOST:PORT [--mode auto|force_logical|block_writes] [--json] [--url URL]',
    '',
    'Moves every table of tenant T to the node HOST:PORT (as `tenantry placement`',
    'lists it) with citus_schema_move, run on the coordinator. Checked first: T is',
    'a distributed schema with tables (Citus cannot move an empty one), the node is',
    'another active primary, and for online moves (auto, force_logical: logical',
    'replication, writes keep going) that the source node has wal_level=logical',
    'and every table a primary key or replica identity. block_writes copies with',
    'writes to the tenant waiting until the move ends. Progress goes to stderr.',
    SSH_USAGE,
    '',
    'Exit status: 0 when the tenant moved, 1 when a check or Citus refused (the',
    'tenant stays where it was).',
  ].join('\n'),
  async run(argv, io) {
    const values = parseOptions(argv, { url: { type: 'string' }, tenant: { type: 'string' }, node: { type: 'string' }, mode: { type: 'string' }, json: { type: 'boolean' }, ...SSH_OPTIONS });
    const tenant = requireOption(values, 'tenant');
    const node = requireOption(values, 'node');
    if (!/^[^:\s]+:\d{1,5}$/.test(node)) throw new UsageError('--node needs HOST:PORT, as `tenantry placement` lists the nodes.');
    const mode = parseMode(stringOption(values, 'mode'));
    const json = values.json === true;
    return withClients(values, io, async (db, monitor) => {
      const printer = progressPrinter(io, json);
      const result = await moveTenant(db, monitor, { tenant, node, mode }, printer ? { onProgress: printer } : {});
      io.stdout(json ? JSON.stringify(result, null, 2) + '\n' : `Moved ${result.tenant} from ${result.from} to ${result.to} (${formatBytes(result.bytes)}, ${result.mode}) in ${(result.elapsedMs / 1000).toFixed(1)} s.\n`);
      return 0;
    });
  },
};

