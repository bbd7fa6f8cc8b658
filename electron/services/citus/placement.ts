/**
 * Where each tenant (distributed schema) lives on a Citus cluster and how big
 * it is, read on the coordinator from pg_dist_schema and citus_shards (whose
 * sizes come from the workers), and tenant moves with citus_schema_move.
 */
import type pg from 'pg';
import { TenantryError } from '../../../core/errors.js';
import { SPARE_PREFIX } from '../../../core/pool/spare-name.js';
import { planRebalanceBySize, type RebalancePlan, type TenantPlacement } from '../../../core/citus/rebalance-plan.js';
import { detectCitus } from './detect-citus.js';

type Queryable = Pick<pg.ClientBase, 'query'>;

export interface CitusNode {
  /** host:port as registered with citus_add_node. */
  node: string;
  /** Whether Citus places new shards there (workers; the coordinator only when asked). */
  shouldHaveShards: boolean;
}

export interface PlacementReport {
  nodes: CitusNode[];
  tenants: (TenantPlacement & { tables: number })[];
}

/** Refuses anything but a Citus coordinator (CITUS_NOT_AVAILABLE). */
export async function assertCoordinator(db: Queryable): Promise<void> {
  const facts = await detectCitus(db);
  if (!facts.installed) throw new TenantryError('CITUS_NOT_AVAILABLE', 'This database does not run Citus (no citus extension), so tenants have no placement to show or move.');
  if (facts.role !== 'coordinator') throw new TenantryError('CITUS_NOT_AVAILABLE', 'This database is a Citus worker node; placement and moves are read and run on the coordinator. Connect to the coordinator and try again.');
}

/** The primary nodes and every distributed schema with its node and size (warm-pool spares left out). */
export async function readPlacement(db: Queryable): Promise<PlacementReport> {
  await assertCoordinator(db);
  const nodes = await db.query<{ node: string; should: boolean }>(
    `select nodename || ':' || nodeport as node, shouldhaveshards as should from pg_catalog.pg_dist_node
      where noderole = 'primary' and isactive order by groupid, nodename, nodeport`,
  );
  const tenants = await db.query<{ tenant: string; node: string | null; bytes: string; tables: number }>(
    `select n.nspname as tenant, min(sh.nodename || ':' || sh.nodeport) as node,
            coalesce(sum(sh.shard_size), 0)::bigint as bytes, count(sh.shardid)::int as tables
       from pg_catalog.pg_dist_schema s
       join pg_catalog.pg_namespace n on n.oid = s.schemaid
       left join pg_catalog.citus_shards sh on sh.colocation_id = s.colocationid
      where not starts_with(n.nspname, $1)
      group by n.nspname order by n.nspname`,
    [SPARE_PREFIX],
  );
  return {
    nodes: nodes.rows.map((r) => ({ node: r.node, shouldHaveShards: r.should })),
    tenants: tenants.rows.map((r) => ({ tenant: r.tenant, ...(r.node !== null ? { node: r.node } : {}), bytes: Number(r.bytes), tables: r.tables })),
  };
}

/**
 * The proposed rebalance by size for a placement (`tenantry placement --rebalance` and `citus:rebalance-plan`):
 * moves between the nodes Citus places shards on; nothing moves.
 */
export function proposeRebalance(report: PlacementReport): RebalancePlan {
  return planRebalanceBySize(report.tenants, report.nodes.filter((n) => n.shouldHaveShards).map((n) => n.node));
}

export type MoveMode = 'auto' | 'force_logical' | 'block_writes';

export interface MoveRequest {
  tenant: string;
  /** host:port of the target node, as `tenantry placement` lists it. */
  node: string;
  mode?: MoveMode;
}

export interface MoveResult {
  tenant: string;
  from: string;
  to: string;
  mode: MoveMode;
  bytes: number;
  elapsedMs: number;
}

function moveError(message: string, detail?: string): TenantryError {
  return new TenantryError('CITUS_MOVE_FAILED', message, detail !== undefined ? { detail } : {});
}

/**
 * Checks a move before it starts: the tenant is a distributed schema with tables (Citus cannot move an empty one),
 * the target is another active primary node, and logical replication (auto, force_logical) has wal_level=logical on
 * the source node and a primary key or replica identity on every table. Returns the tenant's placement.
 */
export async function checkMove(db: Queryable, request: MoveRequest): Promise<TenantPlacement & { tables: number }> {
  const mode = request.mode ?? 'auto';
  const report = await readPlacement(db);
  const tenant = report.tenants.find((t) => t.tenant === request.tenant);
  if (!tenant) {
    const exists = await db.query('select 1 from pg_catalog.pg_namespace where nspname = $1', [request.tenant]);
    throw moveError(exists.rowCount ? `Schema "${request.tenant}" is not a distributed schema, so Citus has nothing to move; it stays on the coordinator (provisioned with --local, or before Citus).` : `There is no schema "${request.tenant}" in this database.`);
  }
  if (tenant.tables === 0 || tenant.node === undefined) throw moveError(`Tenant "${request.tenant}" is an empty distributed schema (no tables), and Citus cannot move an empty schema; it is placed when its first table is created.`);
  if (!report.nodes.some((n) => n.node === request.node)) throw moveError(`No active primary node ${request.node} in this cluster. Nodes: ${report.nodes.map((n) => n.node).join(', ')}.`);
  if (tenant.node === request.node) throw moveError(`Tenant "${request.tenant}" is already on ${request.node}.`);
  if (mode !== 'block_writes') {
    const [host, port] = splitNode(tenant.node);
    const wal = await db.query<{ result: string; success: boolean }>(
      `select success, result from pg_catalog.run_command_on_workers('show wal_level') where nodename = $1 and nodeport = $2`,
      [host, port],
    );
    const level = wal.rows[0]?.result;
    if (level !== 'logical') {
      throw moveError(`Moving "${request.tenant}" online needs logical replication from ${tenant.node}, whose wal_level is ${level ?? 'unknown'} (it must be logical, set in postgresql.conf with a restart). Use --mode block_writes to move it with writes blocked instead.`);
    }
    const noIdentity = await db.query<{ name: string }>(
      `select c.relname as name from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname = $1 and c.relkind in ('r', 'p') and c.relreplident <> 'f'
          and not (c.relreplident = 'd' and exists (select 1 from pg_catalog.pg_index i where i.indrelid = c.oid and i.indisprimary))
          and not (c.relreplident = 'i' and exists (select 1 from pg_catalog.pg_index i where i.indrelid = c.oid and i.indisreplident))
        order by 1`,
      [request.tenant],
    );
    if (noIdentity.rows.length > 0) {
      throw moveError(`Moving "${request.tenant}" online replicates its tables logically, which needs a primary key or REPLICA IDENTITY on each; ${noIdentity.rows.map((r) => r.name).join(', ')} ${noIdentity.rows.length === 1 ? 'has' : 'have'} none. Use --mode block_writes (writes wait during the copy), or add a primary key.`);
    }
  }
  return tenant;
}

function splitNode(node: string): [string, number] {
  const at = node.lastIndexOf(':');
  return [node.slice(0, at), Number(node.slice(at + 1))];
}

export interface MoveProgress {
  tenant: string;
  elapsedMs: number;
  /** Bytes copied to the target so far, when Citus reports it (get_rebalance_progress). */
  copiedBytes?: number;
  totalBytes: number;
}

export interface MoveOptions {
  onProgress?: (p: MoveProgress) => void;
  pollMs?: number;
  /** Aborting cancels the move (pg_cancel_backend of its connection, sent on `monitor`): Citus rolls it back and the tenant stays. */
  signal?: AbortSignal;
}

/**
 * Moves a tenant with citus_schema_move after checkMove; `onProgress` gets what get_rebalance_progress() reports,
 * read every `pollMs` on `monitor` (a second connection: the move holds the first), which also sends the cancel.
 */
export async function moveTenant(db: Queryable, monitor: Queryable | undefined, request: MoveRequest, options: MoveOptions = {}): Promise<MoveResult> {
  const mode = request.mode ?? 'auto';
  const tenant = await checkMove(db, request);
  const cancelled = () => new TenantryError('CANCELLED', `The move of "${request.tenant}" to ${request.node} was cancelled; Citus rolled it back and the tenant stays on ${tenant.node ?? '?'}.`);
  if (options.signal?.aborted) throw cancelled();
  const pid = options.signal && monitor ? (await db.query<{ pid: number }>('select pg_catalog.pg_backend_pid() as pid')).rows[0]?.pid : undefined;
  const cancel = () => void monitor?.query('select pg_catalog.pg_cancel_backend($1)', [pid]).catch(() => undefined);
  if (pid !== undefined) options.signal?.addEventListener('abort', cancel, { once: true });
  if (options.signal?.aborted) {
    options.signal.removeEventListener('abort', cancel);
    throw cancelled();
  }
  const started = performance.now();
  const [host, port] = splitNode(request.node);
  let polling = true;
  const poll = async () => {
    while (polling && monitor && options.onProgress) {
      const { rows } = await monitor.query<{ target: string | null }>(
        `select sum(target_shard_size)::bigint as target from pg_catalog.get_rebalance_progress() p
           join pg_catalog.pg_class c on c.oid = p.table_name join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname = $1`,
        [request.tenant],
      ).catch(() => ({ rows: [] as { target: string | null }[] }));
      const copied = rows[0]?.target;
      if (!polling) break;
      options.onProgress({ tenant: request.tenant, elapsedMs: Math.round(performance.now() - started), totalBytes: tenant.bytes, ...(copied != null ? { copiedBytes: Number(copied) } : {}) });
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
    }
  };
  const watcher = poll();
  try {
    await db.query('select pg_catalog.citus_schema_move($1::regnamespace, $2, $3, $4::citus.shard_transfer_mode)', [request.tenant, host, port, mode]);
  } catch (error) {
    if (options.signal?.aborted) throw cancelled();
    throw moveError(`Citus refused or failed the move of "${request.tenant}" to ${request.node}; the tenant stays on ${tenant.node ?? '?'}.`, (error as Error).message);
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    polling = false;
    await watcher;
  }
  return { tenant: request.tenant, from: tenant.node ?? '', to: request.node, mode, bytes: tenant.bytes, elapsedMs: Math.round(performance.now() - started) };
}
