/**
 * The rollout benchmark (issue 15): a typical migration (a column with a
 * default, an index, a replaced function, a foreign key) over 1,000 tenants of a
 * generated 20-table template and 200 of a 100-table one, side by side:
 *
 * - Tenantry: `tenantry migrate` as the CLI runs it (plan against the live
 *   template, record the rollout, run it), concurrency = the floor's best K;
 * - a sequential loop of `psql -1 -f` per tenant (what framework loops do),
 *   timed on a sample of tenants and extrapolated (said in the table);
 * - a sequential loop on one warm connection;
 * - the floor: the same statements as one transaction per tenant over K warm
 *   connections, best K of 1, 2, 4, 8, no bookkeeping.
 *
 * The K sweep picks the floor's best K; then the floor at that K and Tenantry run
 * alternately for BENCH_MIGRATE_ROUNDS rounds (default 3) and the medians are
 * compared: on a machine shared with other work one run of each is mostly the
 * neighbours' noise. CPU time is reported beside wall time: the bench process
 * (client side) and the server backends that did the work.
 *
 * Bookkeeping is Tenantry's run against the floor at the same K. The no-op row
 * runs a new rollout of the same migration once everything has it. Between
 * contenders the migration is undone (untimed). BENCH_QUICK=1: 100×20, 40×100.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionProfile } from '../core/connection/profile.js';
import { planAgainstTemplate, recordRollout } from '../electron/services/migrate/prepare-migration.js';
import { runRollout, type RolloutResult } from '../electron/services/migrate/run-rollout.js';
import { createPool } from '../electron/services/connection/open-connection.js';
import type { RolloutSettings } from '../electron/services/migrate/rollout-store.js';
import { startCluster, type Cluster } from '../support/cluster.js';
import { generateTemplateSql } from '../support/generate-template.js';
import { runPsqlFile } from './alternatives/psql-file.js';
import { openBenchClient, type BenchTarget } from './alternatives/target.js';
import { formatMs, formatRatio, markdownTable, median } from './stats.js';

export interface MigrateBenchOptions {
  sizes: { tenants: number; tables: number }[];
  /** Tenants the psql loop is timed on (then extrapolated). */
  psqlSample: number;
  ks: number[];
  /** Alternating rounds of the floor (best K) and Tenantry: on a shared machine one run of each is mostly noise. */
  rounds: number;
  log: (line: string) => void;
}

export function readMigrateOptions(env: NodeJS.ProcessEnv, log: (line: string) => void): MigrateBenchOptions {
  const quick = env.BENCH_QUICK === '1';
  return {
    sizes: quick ? [{ tenants: 100, tables: 20 }, { tenants: 40, tables: 100 }] : [{ tenants: 1000, tables: 20 }, { tenants: 200, tables: 100 }],
    psqlSample: Number(env.BENCH_PSQL_SAMPLE ?? (quick ? 30 : 100)),
    ks: [1, 2, 4, 8],
    rounds: Number(env.BENCH_MIGRATE_ROUNDS ?? 3),
    log,
  };
}

const UP = `ALTER TABLE tpl.t_1 ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
CREATE INDEX t_1_name_idx ON tpl.t_1 (name);
CREATE OR REPLACE FUNCTION tpl.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := clock_timestamp();
  RETURN NEW;
END;
$$;
ALTER TABLE tpl.t_2 ADD COLUMN owner_id bigint;
ALTER TABLE tpl.t_2 ADD CONSTRAINT t_2_owner_fk FOREIGN KEY (owner_id) REFERENCES tpl.t_1 (id);
`;

const DOWN = (t: string) => `ALTER TABLE ${t}.t_2 DROP COLUMN IF EXISTS owner_id; DROP INDEX IF EXISTS ${t}.t_1_name_idx; ALTER TABLE ${t}.t_1 DROP COLUMN IF EXISTS tags;
CREATE OR REPLACE FUNCTION ${t}.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END; $$;`;

/** What a loop does: the template's name replaced as text. */
const upFor = (t: string) => UP.replaceAll('tpl.', `${t}.`);

export interface MigrateSizeResult {
  tenants: number;
  tables: number;
  psqlLoopMs: number;
  psqlSample: number;
  warmSequentialMs: number;
  floor: { k: number; ms: number }[];
  bestK: number;
  floorMs: number;
  tenantryMs: number;
  tenantryRunMs: number;
  noopMs: number;
  /** Rounds of (floor at the best K, Tenantry) run alternately; the times above are their medians. */
  rounds: number;
  floorRoundsMs: number[];
  tenantryRunRoundsMs: number[];
  /** CPU (median over the rounds): the bench process (client side) and the server backends of the run. */
  floorCpu: CpuUse;
  tenantryCpu: CpuUse;
}

export interface CpuUse {
  clientMs: number;
  serverMs: number;
}

export interface MigrateBenchResult {
  sizes: MigrateSizeResult[];
  totalSeconds: number;
}

/** CPU time of server processes (utime + stime from /proc, in ms); 0 for a pid that is gone or unreadable. */
function processCpuMs(pids: readonly number[]): number {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux.
  let ms = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ms += (Number(fields[11]) + Number(fields[12])) * tick;
    } catch {
      // Not on Linux, or the backend ended.
    }
  }
  return ms;
}

function clientCpuMs(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
}

async function forEachConcurrently(target: BenchTarget, items: readonly string[], k: number, sql: (t: string) => string): Promise<{ ms: number; cpu: CpuUse }> {
  const clients = await Promise.all(Array.from({ length: k }, () => openBenchClient(target)));
  try {
    const pids = clients.map((c) => (c as pg.Client & { processID: number }).processID);
    const server0 = processCpuMs(pids);
    const client0 = process.cpuUsage();
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (c) => {
        while (next < items.length) await c.query(sql(items[next++] as string));
      }),
    );
    const ms = performance.now() - t0;
    return { ms, cpu: { clientMs: clientCpuMs(client0), serverMs: processCpuMs(pids) - server0 } };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

async function benchSize(cluster: Cluster, opts: MigrateBenchOptions, size: { tenants: number; tables: number }): Promise<MigrateSizeResult> {
  const database = await cluster.createDatabase(`migrate_${size.tables}_${size.tenants}`);
  const target: BenchTarget = { host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database };
  const profile: ConnectionProfile = { host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database, sslmode: 'disable' };
  const tenants = Array.from({ length: size.tenants }, (_, i) => `t${String(i + 1).padStart(4, '0')}`);
  opts.log(`${size.tenants} tenants of ${size.tables} tables: creating`);
  await cluster.query(generateTemplateSql({ schema: 'tpl', tables: size.tables }), database);
  await forEachConcurrently(target, tenants, 4, (t) => generateTemplateSql({ schema: t, tables: size.tables }));
  await cluster.query('CHECKPOINT', database);
  await cluster.query('VACUUM ANALYZE', database);
  const undo = async (which: readonly string[]) => {
    await forEachConcurrently(target, which, 4, DOWN);
    const exists = await cluster.query("SELECT to_regclass('_tenantry.migrations_applied') IS NOT NULL AS ok", database);
    if (exists.rows[0]?.ok === true) await cluster.query('DELETE FROM _tenantry.migrations_applied; DELETE FROM _tenantry.rollouts;', database);
  };

  // psql loop on a sample.
  const sample = tenants.slice(0, Math.min(opts.psqlSample, tenants.length));
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-bench-migrate-'));
  let psqlMs: number;
  try {
    const t0 = performance.now();
    for (const t of sample) await runPsqlFile(target, upFor(t), { tls: false, psql: join(cluster.binDir, 'psql') });
    psqlMs = ((performance.now() - t0) / sample.length) * tenants.length;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await undo(sample);
  opts.log(`psql loop: ${formatMs(psqlMs)} (extrapolated from ${sample.length})`);

  const warm = (await forEachConcurrently(target, tenants, 1, (t) => `BEGIN;\n${upFor(t)}\nCOMMIT;`)).ms;
  await undo(tenants);
  opts.log(`warm sequential: ${formatMs(warm)}`);
  const floor: { k: number; ms: number }[] = [];
  for (const k of opts.ks) {
    floor.push({ k, ms: (await forEachConcurrently(target, tenants, k, (t) => `BEGIN;\n${upFor(t)}\nCOMMIT;`)).ms });
    await undo(tenants);
    opts.log(`floor K=${k}: ${formatMs(floor.at(-1)?.ms ?? NaN)}`);
  }
  const best = floor.reduce((a, b) => (b.ms < a.ms ? b : a));

  const migrationDir = mkdtempSync(join(tmpdir(), 'tenantry-bench-migration-'));
  try {
    writeFileSync(join(migrationDir, 'V2__typical.sql'), UP);
    const settings: RolloutSettings = { lockTimeoutMs: 3000, statementTimeoutMs: 600_000, retries: 5, concurrency: best.k, canary: 0, continueOnError: false };
    const once = async (): Promise<{ total: number; run: number; done: number; cpu: CpuUse }> => {
      const client0 = process.cpuUsage();
      const t0 = performance.now();
      // As the CLI does it: one pool for the command.
      const pool = await createPool(profile, settings.concurrency + 2);
      let result: RolloutResult;
      let t1: number;
      let serverMs = 0;
      try {
        const plan = await planAgainstTemplate(profile, [{ name: 'V2__typical.sql', sql: UP }], { template: 'tpl' }, pool);
        const tp = performance.now();
        const rollout = await recordRollout(profile, plan, { tenants, includeTemplate: false, settings }, pool);
        t1 = performance.now();
        opts.log(`plan ${formatMs(tp - t0)}, record ${formatMs(t1 - tp)}`);
        result = await runRollout(profile, rollout, { pool });
      } finally {
        // The pool's backends were all opened for this run: their whole CPU time is the run's (read before they end).
        const { rows } = await pool.query<{ pid: number }>("SELECT pid FROM pg_catalog.pg_stat_activity WHERE datname = pg_catalog.current_database() AND backend_type = 'client backend'").catch(() => ({ rows: [] }));
        serverMs = processCpuMs(rows.map((r) => r.pid));
        await pool.end();
      }
      const t2 = performance.now();
      if (result.failed > 0) throw new Error(`bench rollout failed: ${JSON.stringify(result.failures[0])}`);
      return { total: t2 - t0, run: t2 - t1, done: result.done, cpu: { clientMs: clientCpuMs(client0), serverMs } };
    };
    const floorRounds: { ms: number; cpu: CpuUse }[] = [];
    const runs: Awaited<ReturnType<typeof once>>[] = [];
    let noopMs = Number.NaN;
    for (let round = 0; round < Math.max(1, opts.rounds); round++) {
      floorRounds.push(await forEachConcurrently(target, tenants, best.k, (t) => `BEGIN;\n${upFor(t)}\nCOMMIT;`));
      await undo(tenants);
      const run = await once();
      runs.push(run);
      opts.log(`round ${round + 1}: floor K=${best.k} ${formatMs(floorRounds.at(-1)?.ms ?? NaN)}; tenantry ${formatMs(run.total)} (run ${formatMs(run.run)}, ${run.done} done)`);
      if (round === 0) {
        noopMs = (await once()).total;
        opts.log(`tenantry no-op: ${formatMs(noopMs)}`);
      }
      await undo(tenants);
    }
    const cpuMedian = (list: CpuUse[]): CpuUse => ({ clientMs: median(list.map((c) => c.clientMs)), serverMs: median(list.map((c) => c.serverMs)) });
    return {
      ...size,
      psqlLoopMs: psqlMs,
      psqlSample: sample.length,
      warmSequentialMs: warm,
      floor,
      bestK: best.k,
      floorMs: median(floorRounds.map((f) => f.ms)),
      tenantryMs: median(runs.map((r) => r.total)),
      tenantryRunMs: median(runs.map((r) => r.run)),
      noopMs,
      rounds: runs.length,
      floorRoundsMs: floorRounds.map((f) => f.ms),
      tenantryRunRoundsMs: runs.map((r) => r.run),
      floorCpu: cpuMedian(floorRounds.map((f) => f.cpu)),
      tenantryCpu: cpuMedian(runs.map((r) => r.cpu)),
    };
  } finally {
    rmSync(migrationDir, { recursive: true, force: true });
  }
}

export async function runMigrateBench(opts: MigrateBenchOptions): Promise<MigrateBenchResult> {
  const started = performance.now();
  let cluster: Cluster | undefined;
  try {
    cluster = await startCluster({ conf: { max_locks_per_transaction: 256 } });
    const sizes: MigrateSizeResult[] = [];
    for (const size of opts.sizes) sizes.push(await benchSize(cluster, opts, size));
    return { sizes, totalSeconds: (performance.now() - started) / 1000 };
  } finally {
    await cluster?.stop();
  }
}

export function formatMigrateReport(result: MigrateBenchResult): string {
  const rows = result.sizes.flatMap((s) => [
    [`${s.tenants} × ${s.tables} tables`, `psql -1 -f loop (${s.psqlSample} timed, extrapolated)`, formatMs(s.psqlLoopMs), formatRatio(s.psqlLoopMs / s.floorMs)],
    ['', 'one warm connection, sequential', formatMs(s.warmSequentialMs), formatRatio(s.warmSequentialMs / s.floorMs)],
    ['', `floor (K sweep: ${s.floor.map((f) => `K=${f.k} ${formatMs(f.ms)}`).join(', ')}; median of ${s.rounds} rounds at K=${s.bestK}: ${s.floorRoundsMs.map(formatMs).join(', ')}; CPU client ${formatMs(s.floorCpu.clientMs)}, server ${formatMs(s.floorCpu.serverMs)})`, formatMs(s.floorMs), '1.00x'],
    ['', `Tenantry (plan + record + run, K=${s.bestK}; median of ${s.rounds} rounds alternating with the floor, runs ${s.tenantryRunRoundsMs.map(formatMs).join(', ')}; CPU client ${formatMs(s.tenantryCpu.clientMs)}, server ${formatMs(s.tenantryCpu.serverMs)})`, formatMs(s.tenantryMs), formatRatio(s.tenantryMs / s.floorMs)],
    ['', 'Tenantry no-op (everything applied)', formatMs(s.noopMs), ''],
  ]);
  const targets = result.sizes.map((s) => {
    const vsPsql = s.psqlLoopMs / s.tenantryMs;
    const vsFloor = s.tenantryMs / s.floorMs;
    const bookkeeping = Math.max(0, (s.tenantryRunMs - s.floorMs) / s.tenantryRunMs);
    return `- ${s.tenants} × ${s.tables}: ${vsPsql.toFixed(1)}x faster than the psql loop (goal ≥ 3x) ${vsPsql >= 3 ? 'met' : 'NOT met'}; ${formatRatio(vsFloor)} of the floor (goal ≤ 1.15x) ${vsFloor <= 1.15 ? 'met' : 'NOT met'}; bookkeeping ${(bookkeeping * 100).toFixed(1)} % of the run (goal ≤ 5 %) ${bookkeeping <= 0.05 ? 'met' : 'NOT met'}${s.tenants >= 1000 ? `; no-op ${formatMs(s.noopMs)} (goal ≤ 2 s) ${s.noopMs <= 2000 ? 'met' : 'NOT met'}` : ''}`;
  });
  return ['## Rollout of a typical migration', '', markdownTable(['fleet', 'how', 'time', 'vs floor'], rows), '', ...targets, '', `Total ${result.totalSeconds.toFixed(0)} s.`].join('\n');
}
