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
 * Bookkeeping is Tenantry's run against the floor at the same K. The no-op row
 * runs a new rollout of the same migration once everything has it. Between
 * contenders the migration is undone (untimed). BENCH_QUICK=1: 100×20, 40×100.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
import { formatMs, formatRatio, markdownTable } from './stats.js';

export interface MigrateBenchOptions {
  sizes: { tenants: number; tables: number }[];
  /** Tenants the psql loop is timed on (then extrapolated). */
  psqlSample: number;
  ks: number[];
  log: (line: string) => void;
}

export function readMigrateOptions(env: NodeJS.ProcessEnv, log: (line: string) => void): MigrateBenchOptions {
  const quick = env.BENCH_QUICK === '1';
  return {
    sizes: quick ? [{ tenants: 100, tables: 20 }, { tenants: 40, tables: 100 }] : [{ tenants: 1000, tables: 20 }, { tenants: 200, tables: 100 }],
    psqlSample: Number(env.BENCH_PSQL_SAMPLE ?? (quick ? 30 : 100)),
    ks: [1, 2, 4, 8],
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
}

export interface MigrateBenchResult {
  sizes: MigrateSizeResult[];
  totalSeconds: number;
}

async function forEachConcurrently(target: BenchTarget, items: readonly string[], k: number, sql: (t: string) => string): Promise<number> {
  const clients = await Promise.all(Array.from({ length: k }, () => openBenchClient(target)));
  try {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      clients.map(async (c) => {
        while (next < items.length) await c.query(sql(items[next++] as string));
      }),
    );
    return performance.now() - t0;
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

  const warm = await forEachConcurrently(target, tenants, 1, (t) => `BEGIN;\n${upFor(t)}\nCOMMIT;`);
  await undo(tenants);
  opts.log(`warm sequential: ${formatMs(warm)}`);
  const floor: { k: number; ms: number }[] = [];
  for (const k of opts.ks) {
    floor.push({ k, ms: await forEachConcurrently(target, tenants, k, (t) => `BEGIN;\n${upFor(t)}\nCOMMIT;`) });
    await undo(tenants);
    opts.log(`floor K=${k}: ${formatMs(floor.at(-1)?.ms ?? NaN)}`);
  }
  const best = floor.reduce((a, b) => (b.ms < a.ms ? b : a));

  const migrationDir = mkdtempSync(join(tmpdir(), 'tenantry-bench-migration-'));
  try {
    writeFileSync(join(migrationDir, 'V2__typical.sql'), UP);
    const settings: RolloutSettings = { lockTimeoutMs: 3000, statementTimeoutMs: 600_000, retries: 5, concurrency: best.k, canary: 0, continueOnError: false };
    const once = async (): Promise<{ total: number; run: number; done: number }> => {
      const t0 = performance.now();
      // As the CLI does it: one pool for the command.
      const pool = await createPool(profile, settings.concurrency + 2);
      let result: RolloutResult;
      let t1: number;
      try {
        const plan = await planAgainstTemplate(profile, [{ name: 'V2__typical.sql', sql: UP }], { template: 'tpl' }, pool);
        const tp = performance.now();
        const rollout = await recordRollout(profile, plan, { tenants, includeTemplate: false, settings }, pool);
        t1 = performance.now();
        opts.log(`plan ${formatMs(tp - t0)}, record ${formatMs(t1 - tp)}`);
        result = await runRollout(profile, rollout, { pool });
      } finally {
        await pool.end();
      }
      const t2 = performance.now();
      if (result.failed > 0) throw new Error(`bench rollout failed: ${JSON.stringify(result.failures[0])}`);
      return { total: t2 - t0, run: t2 - t1, done: result.done };
    };
    const first = await once();
    opts.log(`tenantry: ${formatMs(first.total)} (run ${formatMs(first.run)}, ${first.done} done)`);
    const noop = await once();
    opts.log(`tenantry no-op: ${formatMs(noop.total)}`);
    await undo(tenants);
    return { ...size, psqlLoopMs: psqlMs, psqlSample: sample.length, warmSequentialMs: warm, floor, bestK: best.k, floorMs: best.ms, tenantryMs: first.total, tenantryRunMs: first.run, noopMs: noop.total };
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
    ['', `floor (K=${s.bestK}; ${s.floor.map((f) => `K=${f.k} ${formatMs(f.ms)}`).join(', ')})`, formatMs(s.floorMs), '1.00x'],
    ['', `Tenantry (plan + record + run, K=${s.bestK})`, formatMs(s.tenantryMs), formatRatio(s.tenantryMs / s.floorMs)],
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
