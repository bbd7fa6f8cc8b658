/**
 * The catalog side of a snapshot at scale (issue 11): `tenantry snapshot` of
 * GitLab's schema against its bare `pg_dump -s` (budget 1.5x), and snapshot
 * time in a database that holds 0, 200 and 1,000 tenants beside the template
 * (it should stay flat: the catalog queries start from the template's objects).
 * The cluster runs with autovacuum off, so the catalogs stay unanalysed, the
 * state in which the previous shared-objects query took 82 s.
 * BENCH_QUICK=1: 0, 50 and 200 tenants and one round.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startCluster, type Cluster } from '../support/cluster.js';
import type { ConnectionProfile } from '../core/connection/profile.js';
import { readSharedObjects } from '../electron/services/catalog/read-shared-objects.js';
import { createTenantSnapshot } from '../electron/services/snapshot/create-tenant-snapshot.js';
import { generateTemplateSql } from '../support/generate-template.js';
import { repoRoot } from './paths.js';
import { formatMs, formatRatio, markdownTable, median } from './stats.js';
import { backendPid, readOtherCpu, timeBackend } from './server-cpu.js';
import { checkForeignPartitions, readTemplateCatalogForSnapshot } from '../electron/services/snapshot/dump-template.js';

const run = promisify(execFile);

export interface CatalogScaleOptions {
  tenantCounts: number[];
  /** Tables of the template and of each tenant. */
  tables: number;
  rounds: number;
  gitlab: boolean;
  quick: boolean;
  log(line: string): void;
}

/** CPU milliseconds of one operation, by whom (medians over the rounds; NaN where /proc cannot tell). */
export interface CpuSplit {
  /** Everything: total of the three below. */
  total: number;
  /** This process (Tenantry's own work: templating, hashing, the drivers' parsing). */
  own: number;
  /** The programs it ran and waited for: pg_dump. */
  pgDump: number;
  /** The cluster's backends (catalog queries, pg_dump's queries). */
  server: number;
}

export interface TenantCountRow {
  tenants: number;
  pgDumpMs: number;
  snapshotMs: number;
  sharedObjectsMs: number;
  /** CPU time (this process, pg_dump and the server's backends; NaN where /proc cannot tell). */
  pgDumpCpuMs: number;
  snapshotCpuMs: number;
  /** The snapshot's CPU time apart: Tenantry's process, pg_dump, the server. */
  snapshotCpu: CpuSplit;
  pgDumpCpu: CpuSplit;
  /** Server CPU of Tenantry's own catalog queries of a snapshot, on a new connection (NaN where /proc cannot tell). */
  catalogServerCpuMs: number;
}

export interface CatalogScaleResult {
  options: Omit<CatalogScaleOptions, 'log'>;
  gitlab?: {
    dumpBytes: number;
    pgDumpMs: number;
    snapshotMs: number;
    sharedObjectsMs: number;
    ratio: number;
    pgDumpCpuMs: number;
    snapshotCpuMs: number;
    cpuRatio: number;
    snapshotCpu: CpuSplit;
    pgDumpCpu: CpuSplit;
    catalogServerCpuMs: number;
  };
  tenants: TenantCountRow[];
  /** Snapshot time with the most tenants ÷ with none (wall clock, and CPU time). */
  flatness: number;
  cpuFlatness: number;
  /** The same for Tenantry's own process CPU alone (pg_dump and the server left out). */
  ownCpuFlatness: number;
  /** The same for Tenantry's part: its process plus the server CPU of its catalog queries (pg_dump and its queries left out). */
  tenantryCpuFlatness: number;
}

/** Options from the environment (BENCH_QUICK=1 for the short run). */
export function readCatalogScaleOptions(env: NodeJS.ProcessEnv, log: (line: string) => void): CatalogScaleOptions {
  const quick = env.BENCH_QUICK === '1';
  return {
    quick,
    tenantCounts: (env.BENCH_TENANT_COUNTS ?? (quick ? '0,50,200' : '0,200,1000')).split(',').map(Number),
    tables: 10,
    rounds: Number(env.BENCH_CATALOG_ROUNDS ?? (quick ? 1 : 3)),
    gitlab: env.BENCH_GITLAB !== '0',
    log,
  };
}

function profileOf(cluster: Cluster, database: string): ConnectionProfile {
  return { host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database, sslmode: 'disable' };
}

async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** Wall-clock and CPU milliseconds of fn: this process (process.cpuUsage), its waited-for children and the cluster (readOtherCpu). */
async function timeWithCpu(dataDir: string, fn: () => Promise<unknown>): Promise<{ wall: number; cpu: CpuSplit }> {
  const before = readOtherCpu(dataDir);
  const usage = process.cpuUsage();
  const wall = await timeMs(fn);
  const used = process.cpuUsage(usage);
  const after = readOtherCpu(dataDir);
  const own = (used.user + used.system) / 1000;
  const pgDump = before === undefined || after === undefined ? Number.NaN : after.children - before.children;
  const server = before === undefined || after === undefined ? Number.NaN : after.server - before.server;
  return { wall, cpu: { total: own + pgDump + server, own, pgDump, server } };
}

/** Medians of each part over the rounds. */
function medianSplit(splits: CpuSplit[]): CpuSplit {
  return { total: median(splits.map((c) => c.total)), own: median(splits.map((c) => c.own)), pgDump: median(splits.map((c) => c.pgDump)), server: median(splits.map((c) => c.server)) };
}

/** Bare pg_dump --schema-only of one schema, output discarded. */
async function pgDump(cluster: Cluster, database: string, schema: string): Promise<number> {
  const { stdout } = await run('pg_dump', ['--schema-only', `--schema=${schema}`, '-d', cluster.url(database)], { maxBuffer: 512 * 1024 * 1024 });
  return stdout.length;
}

/** Median times (wall and CPU) of the bare dump, the whole snapshot and the shared-objects read, in rounds interleaved. */
async function measure(
  cluster: Cluster,
  database: string,
  schema: string,
  rounds: number,
): Promise<{ pgDumpMs: number; snapshotMs: number; sharedObjectsMs: number; dumpBytes: number; pgDumpCpuMs: number; snapshotCpuMs: number; pgDumpCpu: CpuSplit; snapshotCpu: CpuSplit; catalogServerCpuMs: number }> {
  const dumps: number[] = [];
  const snapshots: number[] = [];
  const dumpsCpu: CpuSplit[] = [];
  const snapshotsCpu: CpuSplit[] = [];
  const shared: number[] = [];
  const catalogCpu: number[] = [];
  let dumpBytes = 0;
  const client = await cluster.connect(database);
  try {
    for (let r = 0; r < rounds; r++) {
      const d = await timeWithCpu(cluster.dataDir, async () => (dumpBytes = await pgDump(cluster, database, schema)));
      dumps.push(d.wall);
      dumpsCpu.push(d.cpu);
      const s = await timeWithCpu(cluster.dataDir, () => createTenantSnapshot(profileOf(cluster, database), { schema, carryPartitions: true }));
      snapshots.push(s.wall);
      snapshotsCpu.push(s.cpu);
      shared.push(await timeMs(() => readSharedObjects(client, schema)));
      catalogCpu.push(await catalogQueriesServerCpu(cluster, database, schema));
    }
  } finally {
    await client.end();
  }
  const pgDumpCpu = medianSplit(dumpsCpu);
  const snapshotCpu = medianSplit(snapshotsCpu);
  return { pgDumpMs: median(dumps), snapshotMs: median(snapshots), sharedObjectsMs: median(shared), dumpBytes, pgDumpCpuMs: pgDumpCpu.total, snapshotCpuMs: snapshotCpu.total, pgDumpCpu, snapshotCpu, catalogServerCpuMs: median(catalogCpu) };
}

/**
 * Server CPU of the catalog queries a snapshot runs itself (the partitions check, then the facts, shared objects,
 * ledgers, schema grants, configuration hints and Citus facts), on a new connection as in a snapshot (cold catalog
 * caches included; the backend's start is not). The snapshot's server CPU also holds pg_dump's queries, which grow
 * with every schema in the database; this part is Tenantry's alone.
 */
async function catalogQueriesServerCpu(cluster: Cluster, database: string, schema: string): Promise<number> {
  const client = await cluster.connect(database);
  try {
    const pid = await backendPid(client);
    const { cpu } = await timeBackend(pid, async () => {
      await checkForeignPartitions(client, schema, true);
      await readTemplateCatalogForSnapshot(client, { schema, readCitusTarget: true });
    });
    return cpu ?? Number.NaN;
  } finally {
    await client.end();
  }
}

/** Runs the section. */
export async function runCatalogScaleBench(opts: CatalogScaleOptions): Promise<CatalogScaleResult> {
  const cluster = await startCluster({ conf: { autovacuum: 'off', max_locks_per_transaction: 256 } });
  try {
    let gitlab: CatalogScaleResult['gitlab'];
    if (opts.gitlab) {
      opts.log('loading GitLab structure.sql');
      await cluster.createDatabase('gitlab');
      await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', cluster.url('gitlab'), '-f', join(repoRoot(), '../shared/realworld/gitlab.sql')], {
        env: { PATH: process.env.PATH ?? '', PGOPTIONS: '-c client_min_messages=warning' },
        maxBuffer: 64 * 1024 * 1024,
      });
      opts.log('timing GitLab: pg_dump -s vs snapshot');
      const m = await measure(cluster, 'gitlab', 'public', opts.rounds);
      gitlab = { ...m, ratio: m.snapshotMs / m.pgDumpMs, cpuRatio: m.snapshotCpuMs / m.pgDumpCpuMs };
    }
    await cluster.createDatabase('tenants');
    await cluster.query(generateTemplateSql({ schema: 'tmpl', tables: opts.tables }), 'tenants');
    const tenants: TenantCountRow[] = [];
    let made = 0;
    for (const count of [...opts.tenantCounts].sort((a, b) => a - b)) {
      while (made < count) {
        const batch: string[] = [];
        for (let i = 0; i < 50 && made < count; i++, made++) batch.push(generateTemplateSql({ schema: `tenant_${made}`, tables: opts.tables }));
        await cluster.query(batch.join('\n'), 'tenants');
      }
      opts.log(`timing the snapshot with ${count} tenants`);
      const { pgDumpMs, snapshotMs, sharedObjectsMs, pgDumpCpuMs, snapshotCpuMs, pgDumpCpu, snapshotCpu, catalogServerCpuMs } = await measure(cluster, 'tenants', 'tmpl', opts.rounds);
      tenants.push({ tenants: count, pgDumpMs, snapshotMs, sharedObjectsMs, pgDumpCpuMs, snapshotCpuMs, pgDumpCpu, snapshotCpu, catalogServerCpuMs });
    }
    const first = tenants[0];
    const last = tenants[tenants.length - 1];
    const { log: _log, ...options } = opts;
    return {
      options,
      ...(gitlab ? { gitlab } : {}),
      tenants,
      flatness: first && last ? last.snapshotMs / first.snapshotMs : Number.NaN,
      cpuFlatness: first && last ? last.snapshotCpuMs / first.snapshotCpuMs : Number.NaN,
      ownCpuFlatness: first && last ? last.snapshotCpu.own / first.snapshotCpu.own : Number.NaN,
      tenantryCpuFlatness: first && last ? tenantryCpu(last) / tenantryCpu(first) : Number.NaN,
    };
  } finally {
    await cluster.stop();
  }
}

/** Tenantry's part of a snapshot's CPU: its process and the server CPU of its own catalog queries. */
function tenantryCpu(r: Pick<TenantCountRow, 'snapshotCpu' | 'catalogServerCpuMs'>): number {
  return r.snapshotCpu.own + r.catalogServerCpuMs;
}

/** CPU time apart: "own + pg_dump + server". */
function formatSplit(c: CpuSplit): string {
  return `${formatMs(c.own)} + ${formatMs(c.pgDump)} + ${formatMs(c.server)}`;
}

/** The section as Markdown. */
export function formatCatalogScaleReport(result: CatalogScaleResult): string {
  const out: string[] = ['## Snapshot at scale (catalog queries)', ''];
  out.push(`Fresh cluster, autovacuum off (catalogs never analysed); medians of ${result.options.rounds} round(s)${result.options.quick ? ' (BENCH_QUICK)' : ''}.`, '');
  out.push(
    'CPU time is split as Tenantry + pg_dump + server: this process (process.cpuUsage: templating, hashing, parsing the catalog rows), the pg_dump it runs (its children\'s CPU from /proc), the cluster\'s backends (catalog queries, and pg_dump\'s own queries).',
    '',
  );
  if (result.gitlab) {
    const g = result.gitlab;
    out.push(
      markdownTable(
        ['GitLab (public, 1,001 tables)', 'median wall', 'vs pg_dump -s', 'median CPU', 'vs pg_dump -s (CPU)', 'CPU: Tenantry + pg_dump + server'],
        [
          [`bare pg_dump -s (${(g.dumpBytes / 1e6).toFixed(1)} MB)`, formatMs(g.pgDumpMs), '1.00x', formatMs(g.pgDumpCpuMs), '1.00x', formatSplit(g.pgDumpCpu)],
          ['tenantry snapshot (dump + catalog facts + shared objects + templating + SHA-256)', formatMs(g.snapshotMs), formatRatio(g.ratio), formatMs(g.snapshotCpuMs), formatRatio(g.cpuRatio), formatSplit(g.snapshotCpu)],
          ['· of which readSharedObjects', formatMs(g.sharedObjectsMs), formatRatio(g.sharedObjectsMs / g.pgDumpMs), '', '', ''],
          ["· Tenantry's catalog queries alone, server CPU (new connection)", '', '', formatMs(g.catalogServerCpuMs), formatRatio(g.catalogServerCpuMs / g.pgDumpCpuMs), ''],
        ],
      ),
      '',
      `Snapshot of the GitLab schema vs its bare pg_dump -s: **${formatRatio(g.ratio)}** wall clock, ${formatRatio(g.cpuRatio)} CPU time (budget 1.5x: ${g.ratio <= 1.5 ? 'within' : 'OVER'} wall, ${g.cpuRatio <= 1.5 ? 'within' : 'OVER'} CPU). CPU time is this process, pg_dump and the server's backends together; what the snapshot adds to the bare dump is ${formatMs(g.snapshotCpuMs - g.pgDumpCpuMs)} of CPU, of which ${formatMs(g.snapshotCpu.own)} in Tenantry's process.`,
      '',
    );
  }
  const base = result.tenants[0];
  out.push(
    markdownTable(
      [
        `tenants beside a ${result.options.tables}-table template`,
        'pg_dump -s',
        'snapshot',
        'snapshot vs 0 tenants',
        'snapshot − pg_dump -s',
        'readSharedObjects',
        'snapshot CPU',
        'CPU vs 0 tenants',
        'CPU: Tenantry + pg_dump + server',
        'Tenantry CPU vs 0 tenants',
        'pg_dump -s CPU: pg_dump + server',
        "Tenantry's catalog queries, server CPU",
        "Tenantry's part (process + its queries)",
        "Tenantry's part vs 0 tenants",
      ],
      result.tenants.map((r) => [
        String(r.tenants),
        formatMs(r.pgDumpMs),
        formatMs(r.snapshotMs),
        formatRatio(r.snapshotMs / (base?.snapshotMs ?? Number.NaN)),
        formatMs(r.snapshotMs - r.pgDumpMs),
        formatMs(r.sharedObjectsMs),
        formatMs(r.snapshotCpuMs),
        formatRatio(r.snapshotCpuMs / (base?.snapshotCpuMs ?? Number.NaN)),
        formatSplit(r.snapshotCpu),
        formatRatio(r.snapshotCpu.own / (base?.snapshotCpu.own ?? Number.NaN)),
        `${formatMs(r.pgDumpCpu.pgDump)} + ${formatMs(r.pgDumpCpu.server)}`,
        formatMs(r.catalogServerCpuMs),
        formatMs(tenantryCpu(r)),
        formatRatio(tenantryCpu(r) / (base ? tenantryCpu(base) : Number.NaN)),
      ]),
    ),
    '',
    `Snapshot time with ${result.tenants[result.tenants.length - 1]?.tenants ?? '?'} tenants vs none: **${formatRatio(result.tenantryCpuFlatness)} for Tenantry's part** (its process and the server CPU of its own catalog queries; target: flat), ${formatRatio(result.ownCpuFlatness)} in Tenantry's process alone; the whole snapshot ${formatRatio(result.flatness)} wall clock, ${formatRatio(result.cpuFlatness)} CPU time. pg_dump itself reads every schema's catalog rows before it filters, so its own time (and its queries' server time, in the snapshot's server CPU) grows with the database: that growth is pg_dump's, not Tenantry's, and is the same for the bare pg_dump -s.`,
    '',
  );
  return out.join('\n');
}
