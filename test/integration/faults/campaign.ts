/**
 * Fault campaign (not part of the suite: it takes minutes). Runs
 * `tenantry provision` batches through the real CLI against a throwaway
 * cluster and strikes at a random moment, N tries per fault and path:
 *
 * - terminate: pg_terminate_backend of every Tenantry backend of the database
 * - immediate: pg_ctl stop -m immediate (then start again, crash recovery)
 * - sigkill:   SIGKILL of the CLI process (no summary possible)
 *
 * For each try it counts crashes (unhandled errors, no parsable summary),
 * half-built tenants (a tenant schema without every table of the template),
 * summary-vs-catalog mismatches (said created but absent, said not created
 * but present; "outcome unknown" is counted on its own), and pgpass files
 * left in the run's TMPDIR.
 *
 *   [CAMPAIGN_FAULTS=terminate,immediate,sigkill] node --import tsx test/integration/faults/campaign.ts [tries per cell, default 5]
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../../electron/cli/command.js';
import { main } from '../../../electron/cli/main.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { spawnCli, startAgain, stopImmediately, waitFor } from '../harness/faults.js';

const DB = 'app';
const TABLES = 60;
const BATCH = 6;
const tries = Number(process.argv[2] ?? 5);

interface Cell {
  fault: 'terminate' | 'immediate' | 'sigkill';
  via: 'driver' | 'psql';
  runs: number;
  crashes: number;
  halfBuilt: number;
  mismatches: number;
  unknown: number;
  committedAfterKill: number;
  pgpassLeft: number;
  struckMidTenant: number;
}

interface Summary {
  tenants: { tenant: string; status: string; error?: { code: string } }[];
}

async function tenantTableCounts(cluster: Cluster, names: string[]): Promise<Map<string, number>> {
  const list = names.map((n) => `'${n}'`).join(',');
  const { rows } = await cluster.query(
    `select n.nspname, count(c.oid)::int as tables from pg_namespace n left join pg_class c on c.relnamespace = n.oid and c.relkind = 'r' where n.nspname in (${list}) group by n.nspname`,
    DB,
  );
  return new Map(rows.map((r) => [String(r.nspname), Number(r.tables)]));
}

async function tenantryBackends(cluster: Cluster): Promise<number[]> {
  const { rows } = await cluster.query(`select pid from pg_stat_activity where datname = '${DB}' and application_name like 'tenantry%' and pid <> pg_backend_pid()`);
  return rows.map((r) => Number(r.pid));
}

async function runTry(cluster: Cluster, cell: Cell, n: number, snapshot: string, dir: string): Promise<void> {
  const names = Array.from({ length: BATCH }, (_, i) => `c_${cell.fault}_${cell.via}_${n}_${i}`);
  const tmp = join(dir, `tmp-${cell.fault}-${cell.via}-${n}`);
  mkdirSync(tmp);
  const args = ['provision', '--snapshot', snapshot, '--url', cluster.url(DB), '--via', cell.via, '--concurrency', '2', '--no-pool', '--json'];
  if (n % 2 === 0) args.push('--continue-on-error');
  for (const t of names) args.push('--tenant', t);
  const run = spawnCli(args, { cwd: dir, env: { TMPDIR: tmp } });
  // Strike once 0..3 tenants exist and a Tenantry backend is busy: somewhere in the middle of a tenant.
  const after = n % 4;
  await waitFor('progress', async () => {
    const created = (await tenantTableCounts(cluster, names)).size;
    const busy = (await cluster.query(`select 1 from pg_stat_activity where datname = '${DB}' and application_name like 'tenantry%' and state = 'active' and pid <> pg_backend_pid()`)).rowCount;
    if (created >= after && busy) return true;
    if (run.child.exitCode !== null) return true;
    return undefined;
  }, 60_000);
  if (run.child.exitCode === null) cell.struckMidTenant++;
  if (cell.fault === 'terminate') {
    for (const pid of await tenantryBackends(cluster)) await cluster.query(`select pg_terminate_backend(${pid})`).catch(() => undefined);
  } else if (cell.fault === 'immediate') {
    await stopImmediately(cluster);
  } else {
    run.child.kill('SIGKILL');
  }
  const exit = await run.exited;
  if (cell.fault === 'immediate') await startAgain(cluster);
  cell.runs++;
  let summary: Summary | undefined;
  if (cell.fault !== 'sigkill') {
    try {
      summary = JSON.parse(run.stdout) as Summary;
    } catch {
      summary = undefined;
    }
    if (!summary || /Unhandled|unexpected error \(a bug\)/.test(run.stderr) || exit.signal !== null) {
      cell.crashes++;
      process.stderr.write(`CRASH ${cell.fault}/${cell.via}#${n}: exit ${exit.code} ${exit.signal}\n${run.stderr.slice(-800)}\n`);
    }
  } else {
    // Orphaned psql children (and their backends) may still finish: wait until nothing of ours runs.
    await waitFor('orphans to finish', async () => ((await tenantryBackends(cluster)).length === 0 ? true : undefined), 120_000);
  }
  const counts = await tenantTableCounts(cluster, names);
  for (const [name, tables] of counts) {
    if (tables !== TABLES) {
      cell.halfBuilt++;
      process.stderr.write(`HALF-BUILT ${name}: ${tables}/${TABLES} tables\n`);
    }
  }
  if (summary) {
    for (const t of summary.tenants) {
      const present = counts.has(t.tenant);
      if (t.error?.code === 'PROVISION_OUTCOME_UNKNOWN') {
        cell.unknown++;
        continue;
      }
      if ((t.status === 'created') !== present) {
        cell.mismatches++;
        process.stderr.write(`MISMATCH ${cell.fault}/${cell.via}#${n}: ${t.tenant} said ${t.status}${t.error ? ` [${t.error.code}]` : ''}, catalog ${present ? 'has it' : 'lacks it'}\n`);
      }
    }
  }
  if (cell.fault === 'sigkill') cell.committedAfterKill += counts.size;
  const left = readdirSync(tmp, { recursive: true }).map(String).filter((f) => /pgpass/.test(f));
  cell.pgpassLeft += left.length;
  rmSync(tmp, { recursive: true, force: true });
  if (counts.size > 0) await cluster.query(`drop schema ${[...counts.keys()].join(', ')} cascade`, DB);
}

async function campaign(): Promise<void> {
  const cluster = await startCluster({ conf: { synchronous_commit: 'on' } });
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-campaign-'));
  try {
    await cluster.createDatabase(DB);
    const tables = Array.from({ length: TABLES }, (_, i) => `CREATE TABLE tpl.t${i} (id serial PRIMARY KEY, name text, payload jsonb, created timestamptz default now()); CREATE INDEX ON tpl.t${i} (name);`).join('\n');
    await cluster.query(`CREATE SCHEMA tpl;\n${tables}`, DB);
    const snapshot = join(dir, 'tpl.snap.sql');
    const io: CliIo = { stdout: () => undefined, stderr: (t) => void process.stderr.write(t), env: { PATH: process.env.PATH ?? '', HOME: dir }, cwd: dir };
    if ((await main(['snapshot', '--schema', 'tpl', '-o', snapshot, '--url', cluster.url(DB)], io)) !== 0) throw new Error('snapshot failed');
    const cells: Cell[] = [];
    const only = (process.env.CAMPAIGN_FAULTS ?? 'terminate,immediate,sigkill').split(',');
    for (const fault of (['terminate', 'immediate', 'sigkill'] as const).filter((f) => only.includes(f))) {
      for (const via of ['driver', 'psql'] as const) {
        const cell: Cell = { fault, via, runs: 0, crashes: 0, halfBuilt: 0, mismatches: 0, unknown: 0, committedAfterKill: 0, pgpassLeft: 0, struckMidTenant: 0 };
        for (let n = 0; n < tries; n++) await runTry(cluster, cell, n, snapshot, dir);
        cells.push(cell);
        process.stdout.write(`${JSON.stringify(cell)}\n`);
      }
    }
    process.stdout.write('\nfault      via     runs  mid-tenant  crashes  half-built  mismatches  unknown  pgpass-left  tenants-after-kill\n');
    for (const c of cells) {
      process.stdout.write(
        `${c.fault.padEnd(10)} ${c.via.padEnd(7)} ${String(c.runs).padStart(4)}  ${String(c.struckMidTenant).padStart(10)}  ${String(c.crashes).padStart(7)}  ${String(c.halfBuilt).padStart(10)}  ${String(c.mismatches).padStart(10)}  ${String(c.unknown).padStart(7)}  ${String(c.pgpassLeft).padStart(11)}  ${c.fault === 'sigkill' ? String(c.committedAfterKill).padStart(18) : '                 -'}\n`,
      );
    }
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await campaign();
