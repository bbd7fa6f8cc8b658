/**
 * Citus (issue 17): provisioning per tenant and batch throughput on a
 * three-node Citus cluster (a coordinator and two workers; each tenant a
 * distributed schema) next to a single PostgreSQL server, in one run, with
 * the same snapshot of the same generated template, through Tenantry's driver
 * path. All nodes and the single server run on this one machine and share its
 * cores, which the report says: the figures show Citus's coordination cost
 * (distributed DDL, two-phase commit to the worker), not scale-out.
 * Skipped with a message where Citus is not installed. Nothing is asserted.
 */
import { execFile } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { promisify } from 'node:util';
import type { ConnectionProfile } from '../core/connection/profile.js';
import { createProvisioner } from '../electron/services/provision/provisioner.js';
import { citusSkipReason, startCitusCluster, type CitusCluster } from '../support/citus-cluster.js';
import { startCluster, type Cluster } from '../support/cluster.js';
import { generateTemplateSql } from '../support/generate-template.js';
import { makeBenchSnapshot, type BenchSnapshot } from './bench-snapshot.js';
import { formatMs, formatRatio, markdownTable, median } from './stats.js';

const DB = 'bench_citus';

export interface CitusBenchOptions {
  /** Tables of the generated template. */
  tables: number;
  /** Tenants provisioned one at a time (per-tenant figure: the median). */
  single: number;
  /** Tenants in the batch. */
  batch: number;
  concurrency: number;
  /** PostgreSQL's durable settings on every node (BENCH_DURABLE=1); else the test clusters' fsync off. */
  durable: boolean;
  log: (line: string) => void;
}

interface TargetResult {
  perTenantMs: number[];
  batchSeconds: number;
  /** Tenants of the batch that are distributed schemas (Citus), and on how many nodes they landed. */
  distributed?: number;
  nodes?: number;
}

export type CitusBenchResult =
  | { skipped: string }
  | { options: Omit<CitusBenchOptions, 'log'>; cores: number; single: TargetResult; citus: TargetResult; totalSeconds: number; load: { start: number; end: number } };

/** Options from BENCH_* variables (BENCH_QUICK=1: 10 tables, 3 single tenants, a batch of 8). */
export function readCitusOptions(env: NodeJS.ProcessEnv, log: (line: string) => void): CitusBenchOptions {
  const quick = env.BENCH_QUICK === '1';
  return {
    tables: Number(env.BENCH_CITUS_TABLES ?? (quick ? 10 : 20)),
    single: quick ? 3 : 5,
    batch: Number(env.BENCH_CITUS_BATCH ?? (quick ? 8 : 20)),
    concurrency: 2,
    durable: env.BENCH_DURABLE === '1',
    log,
  };
}

async function snapshotOf(cluster: Cluster, tables: number): Promise<BenchSnapshot> {
  await cluster.query(generateTemplateSql({ schema: 'tmpl', tables }), DB);
  const { stdout: dump } = await promisify(execFile)('pg_dump', ['--schema-only', '--schema=tmpl', '--strict-names', '-d', cluster.url(DB)], { maxBuffer: 256 * 2 ** 20 });
  const client = await cluster.connect(DB);
  try {
    return await makeBenchSnapshot(client, dump, 'tmpl');
  } finally {
    await client.end();
  }
}

async function measure(cluster: Cluster, bench: BenchSnapshot, opts: CitusBenchOptions, name: string): Promise<TargetResult> {
  const profile: ConnectionProfile = { host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database: DB, sslmode: 'disable' };
  const one = await createProvisioner(profile, { via: 'driver', concurrency: 1 });
  const perTenantMs: number[] = [];
  try {
    for (let i = 0; i < opts.single; i++) {
      const started = performance.now();
      await one.provisionTenant(bench.source, `one_${i}`);
      perTenantMs.push(performance.now() - started);
      opts.log(`[${name}] tenant ${i + 1}/${opts.single}: ${formatMs(perTenantMs.at(-1)!)}`);
    }
  } finally {
    await one.close();
  }
  const many = await createProvisioner(profile, { via: 'driver', concurrency: opts.concurrency });
  let batchSeconds: number;
  try {
    const tenants = Array.from({ length: opts.batch }, (_, i) => `batch_${i}`);
    const started = performance.now();
    const summary = await many.provisionMany(bench.source, tenants, { concurrency: opts.concurrency });
    batchSeconds = (performance.now() - started) / 1000;
    if (summary.failed > 0) throw new Error(`${name}: ${summary.failed} tenant(s) of the batch failed`);
    opts.log(`[${name}] batch of ${opts.batch}: ${batchSeconds.toFixed(1)} s`);
  } finally {
    await many.close();
  }
  return { perTenantMs, batchSeconds };
}

/** Where the batch's tenants live on the Citus cluster: how many are distributed schemas, on how many nodes. */
async function readSpread(citus: CitusCluster): Promise<{ distributed: number; nodes: number }> {
  const { rows } = await citus.coordinator.query(
    `SELECT count(DISTINCT n.nspname)::int AS distributed, count(DISTINCT sh.nodeport)::int AS nodes
       FROM pg_dist_schema s JOIN pg_namespace n ON n.oid = s.schemaid JOIN citus_shards sh ON sh.colocation_id = s.colocationid
      WHERE n.nspname LIKE 'batch\\_%'`,
    DB,
  );
  return rows[0] as { distributed: number; nodes: number };
}

/** Runs the section: the single server first, then the Citus cluster, with snapshots of the same generated template. */
export async function runCitusBench(opts: CitusBenchOptions): Promise<CitusBenchResult> {
  const skip = citusSkipReason();
  if (skip) return { skipped: skip };
  const started = performance.now();
  const loadStart = loadavg()[0] ?? 0;
  const conf = { max_locks_per_transaction: 512, ...(opts.durable ? { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' } : {}) };
  const single = await startCluster({ conf });
  let singleResult: TargetResult;
  let bench: BenchSnapshot;
  try {
    await single.createDatabase(DB);
    opts.log('[single] snapshot of the generated template');
    bench = await snapshotOf(single, opts.tables);
    singleResult = await measure(single, bench, opts, 'single');
  } finally {
    await single.stop();
  }
  const citus = await startCitusCluster({ database: DB, conf });
  let citusResult: TargetResult;
  try {
    citusResult = { ...(await measure(citus.coordinator, bench, opts, 'citus')), ...(await readSpread(citus)) };
  } finally {
    await citus.stop();
  }
  const { log: _log, ...options } = opts;
  return { options, cores: cpus().length, single: singleResult, citus: citusResult, totalSeconds: (performance.now() - started) / 1000, load: { start: loadStart, end: loadavg()[0] ?? 0 } };
}

/** The results as Markdown. */
export function formatCitusReport(result: CitusBenchResult): string {
  const out = ['## Citus: a three-node cluster next to a single server', ''];
  if ('skipped' in result) return `${out.join('\n')}Skipped: ${result.skipped}. Citus is in no package registry these machines reach; build it into this PostgreSQL to run this section.\n`;
  const { options: o, single, citus } = result;
  out.push(
    `- **All nodes share this machine's ${result.cores} cores**: the coordinator, both workers and the single server are processes on one ${result.cores}-core machine, so Citus here can only show its coordination cost (distributed DDL, two-phase commit to the worker that gets the tenant), never more capacity. On real hardware each worker brings its own.`,
    `- Template: generated, ${o.tables} tables; one snapshot, taken on the single server, provisioned on both through Tenantry's driver path; Citus tenants are distributed schemas (citus.enable_schema_based_sharding in the tenant's transaction)`,
    `- Settings on every node: ${o.durable ? 'fsync, synchronous_commit and full_page_writes on (BENCH_DURABLE=1)' : "the test clusters' fsync=off, synchronous_commit=off, full_page_writes=off (BENCH_DURABLE=1 for durable)"}`,
    `- ${result.totalSeconds.toFixed(0)} s in all; 1-minute load average ${result.load.start.toFixed(1)} at the start, ${result.load.end.toFixed(1)} at the end`,
    '',
  );
  const perTenant = (r: TargetResult) => median(r.perTenantMs);
  const throughput = (r: TargetResult) => o.batch / r.batchSeconds;
  out.push(
    markdownTable(
      ['', 'single server', 'Citus, 3 nodes', 'Citus / single'],
      [
        [`per tenant, one at a time (median of ${o.single})`, formatMs(perTenant(single)), formatMs(perTenant(citus)), formatRatio(perTenant(citus) / perTenant(single))],
        [`batch of ${o.batch}, ${o.concurrency} at a time: tenants per second`, throughput(single).toFixed(2), throughput(citus).toFixed(2), formatRatio(throughput(citus) / throughput(single))],
      ],
    ),
  );
  out.push('', `- Citus batch: ${citus.distributed ?? 0} of ${o.batch} tenants are distributed schemas, on ${citus.nodes ?? 0} worker node(s)`);
  return out.join('\n') + '\n';
}
