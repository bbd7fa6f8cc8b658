/**
 * The provisioning benchmark: Tenantry's driver and psql paths, the warm
 * pool's claim, the classic alternatives and the floor, per tenant and in
 * batches, for generated templates and the largest corpus schema; time per
 * tenant as the database fills up; memory while provisioning many tenants.
 * Starts its own cluster (TLS enabled, so the same server serves plain and
 * TLS connections). Sizes and rounds come from the environment
 * (readProvisioningOptions); nothing here is asserted.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { exposeGc } from './gc.js';
import pg from 'pg';
import { startCluster, type Cluster } from '../support/cluster.js';
import { CORPUS_DIR } from './paths.js';
import { estimateTenantLocks } from '../core/provision/lock-estimate.js';
import { planLockBudget, type LockSettings } from '../core/provision/lock-budget.js';
import { splitStatements } from '../core/sql/split-statements.js';
import { countSnapshotBody, readLockSettings } from '../electron/services/provision/lock-budget.js';
import { createProvisioner, type Provisioner } from '../electron/services/provision/provisioner.js';
import { buildClaimSqlFor, claimSpare, fillPool, getClaimPlan } from '../electron/services/pool/warm-pool.js';
import { traceQueries } from './query-trace.js';
import type { ConnectionProfile } from '../core/connection/profile.js';
import { runFloor } from './alternatives/floor.js';
import { LEDGER_SQL, runMigrationReplay } from './alternatives/migration-replay.js';
import { runPsqlFile } from './alternatives/psql-file.js';
import { runRoundTrips } from './alternatives/round-trips.js';
import { openBenchClient, type BenchTarget } from './alternatives/target.js';
import { makeBenchSnapshot, type BenchSnapshot } from './bench-snapshot.js';
import { describeMachine, formatMachine, type MachineInfo } from './machine.js';
import { generateTemplateSql } from '../support/generate-template.js';
import { formatMs, formatRatio, markdownTable, median } from './stats.js';

const run = promisify(execFile);
const LAGO = join(CORPUS_DIR, 'lago.sql');

export interface ProvisioningBenchOptions {
  quick: boolean;
  /** Generated template sizes (tables). */
  sizes: number[];
  /** Also the largest corpus schema (lago). */
  corpus: boolean;
  /** Per-tenant rounds (each method once per round, order rotated). */
  rounds: number;
  /** Tenants per worker in a batch. */
  batchPerWorker: number;
  concurrency: number[];
  /** Tenants already in the database when time per tenant is measured; the last is also the memory run. */
  growth: number[];
  /** Template size of the growth and memory run. */
  growthTables: number;
  maxLocksPerTransaction: number;
  /**
   * Run the server with PostgreSQL's durable defaults (fsync, synchronous_commit,
   * full_page_writes on), as production servers run; BENCH_DURABLE=0 keeps the
   * test harness's fast, non-durable settings.
   */
  durable: boolean;
  /** Per-tenant methods to run (the floor always runs); BENCH_METHODS=floor,pool-claim for a targeted run. */
  methods: string[];
  /** Also the batches and the step breakdown (BENCH_BATCHES=0 skips them). */
  batches: boolean;
  log: (line: string) => void;
}

function numbers(value: string | undefined, fallback: number[]): number[] {
  if (value === undefined) return fallback;
  if (value.trim() === '') return [];
  return value.split(',').map((s) => Number(s.trim())).filter((n) => Number.isFinite(n) && n >= 0);
}

/** Options from BENCH_* environment variables; BENCH_QUICK=1 is the smoke run. */
export function readProvisioningOptions(env: NodeJS.ProcessEnv, log: (line: string) => void = (l) => process.stdout.write(l + '\n')): ProvisioningBenchOptions {
  const quick = env.BENCH_QUICK === '1';
  return {
    quick,
    sizes: numbers(env.BENCH_SIZES, quick ? [20] : [20, 100, 400]),
    corpus: (env.BENCH_CORPUS ?? (quick ? '0' : '1')) !== '0',
    rounds: Number(env.BENCH_ROUNDS ?? (quick ? 3 : 5)),
    batchPerWorker: Number(env.BENCH_BATCH ?? 2),
    concurrency: numbers(env.BENCH_CONCURRENCY, [1, 2, 4]),
    growth: numbers(env.BENCH_GROWTH, quick ? [0, 20, 50] : [0, 200, 1000]),
    growthTables: Number(env.BENCH_GROWTH_TABLES ?? 20),
    maxLocksPerTransaction: Number(env.BENCH_MAX_LOCKS ?? 512),
    durable: env.BENCH_DURABLE !== '0',
    methods: env.BENCH_METHODS ? ['floor', ...env.BENCH_METHODS.split(',').map((m) => m.trim())] : [],
    batches: env.BENCH_BATCHES !== '0',
    log,
  };
}

type Method = 'floor' | 'driver' | 'psql' | 'psql-f' | 'psql-f-tls' | 'round-trips' | 'migration-replay' | 'pool-claim';
const METHODS: Method[] = ['floor', 'driver', 'psql', 'psql-f', 'psql-f-tls', 'round-trips', 'migration-replay', 'pool-claim'];
const METHOD_LABEL: Record<Method, string> = {
  floor: 'floor (one query, open connection)',
  driver: 'Tenantry driver path',
  psql: 'Tenantry psql path',
  'psql-f': 'psql -f temp file (TCP)',
  'psql-f-tls': 'psql -f temp file (TLS)',
  'round-trips': 'one round trip per statement',
  'migration-replay': 'migration replay + ledger',
  'pool-claim': 'warm pool claim',
};

interface TemplateResult {
  name: string;
  tables: number | null;
  statements: number;
  dumpBytes: number;
  templateMs: number;
  renderMs: number;
  spareBuildMs: number;
  /** Per-tenant rounds run for this template. */
  rounds: number;
  /** Statements a claim runs after the rename (rewrites of what stores the name as text, and grants). */
  claimStatements: number;
  locks: { estimate: number; defaultCapacity: number; defaultMaxConcurrency: number | string; benchCapacity: number; benchMaxConcurrency: number };
  perTenant: Record<Method, number[]>;
  /** Per-round ratio to the floor of the same round. */
  ratios: Record<Method, number[]>;
  /** Median throughput (tenants/s) over batch rounds, and the median of per-round ratios to the floor. */
  batches: { concurrency: number; tenants: number; rounds: number; floor: number; driver: number; psql: number; driverRatio: number; psqlRatio: number }[];
  /** Median ms per step: the driver path's queries (traced) and the claim's parts. */
  breakdown: { driver: Record<string, number>; claim: Record<string, number>; claimBackToBack?: number };
}

interface GrowthResult {
  existing: number;
  floorMs: number;
  driverMs: number;
}

interface MemoryResult {
  tenants: number;
  rssStartMb: number;
  rssPeakMb: number;
  rssEndMb: number;
  heapStartMb: number;
  heapPeakMb: number;
  /** Heap after GC at each checkpoint. */
  heapAfterGc: { tenants: number; mb: number }[];
  /** Least-squares slope of heap-after-GC in bytes per tenant over the second half of the run. */
  heapSlopeBytesPerTenant: number;
  gcAvailable: boolean;
}

export interface ProvisioningBenchResult {
  machine: MachineInfo;
  options: Omit<ProvisioningBenchOptions, 'log'>;
  templates: TemplateResult[];
  growth: GrowthResult[];
  memory?: MemoryResult;
  totalSeconds: number;
  /** 1-minute load average when the run started and ended (other work on the machine skews timings). */
  load: { start: number; end: number };
}

const DEFAULT_SERVER: LockSettings = { maxLocksPerTransaction: 64, maxConnections: 100, maxPreparedTransactions: 0, autovacuumMaxWorkers: 3, maxWorkerProcesses: 8, maxWalSenders: 10 };

async function makeCertificate(dir: string): Promise<{ certFile: string; keyFile: string }> {
  const certFile = join(dir, 'server.crt');
  const keyFile = join(dir, 'server.key');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=localhost']);
  return { certFile, keyFile };
}

async function dump(cluster: Cluster, database: string, schema: string): Promise<string> {
  const { stdout } = await run('pg_dump', ['--schema-only', `--schema=${schema}`, '--strict-names', '-d', cluster.url(database)], { maxBuffer: 512 * 1024 * 1024 });
  return stdout;
}

/** Rounds for a template: BENCH_ROUNDS for large ones, 4x for about 20 tables, 2x up to about 100 tables / 2,000 statements. */
function roundsFor(opts: ProvisioningBenchOptions, statements: number): number {
  return opts.rounds * (statements <= 500 ? 4 : statements <= 2500 ? 2 : 1);
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

interface TemplateContext {
  target: BenchTarget;
  profile: ConnectionProfile;
  snapshot: BenchSnapshot;
  statements: string[];
  driver: Provisioner;
  psql: Provisioner;
  pgPool: pg.Pool;
  /** A utility connection (settings); the measured methods use fresh ones. */
  floorClient: pg.Client;
}

/** A small seeded PRNG (mulberry32), so runs shuffle the same way. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Waits (untimed, at most 3 s) until no autovacuum worker runs, so no measurement inherits another's background work. */
async function settle(client: pg.Client): Promise<void> {
  const deadline = performance.now() + 3000;
  while (performance.now() < deadline) {
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_catalog.pg_stat_activity WHERE backend_type = 'autovacuum worker'`);
    if ((rows[0] as { n: number }).n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Every measured method starts on a FRESH, already-open connection (opened
 * and used once, untimed). A long-lived backend that created thousands of
 * relations keeps them in its relcache, and PostgreSQL walks that cache on
 * every invalidation reset (other sessions' bulk DDL overflows the shared
 * invalidation queue), so a reused connection gets slower tenant after tenant
 * while a pool's connections (closed after 10 s idle) do not. Same age for
 * everyone keeps the comparison fair.
 */
/** What a used connection has done already: a query, and PL/pgSQL loaded (the guard's DO block needs it). */
const WARM_UP = 'SELECT 1; DO $$BEGIN END$$;';

async function freshPool(pool: pg.Pool, n: number): Promise<void> {
  while (pool.idleCount > 0) {
    const client = await pool.connect();
    client.release(true);
  }
  const clients = await Promise.all(Array.from({ length: n }, () => pool.connect()));
  await Promise.all(clients.map((client) => client.query(WARM_UP)));
  for (const client of clients) client.release();
}

/** A fresh client for the floor (see freshPool), used once. */
async function withFreshClient<T>(target: BenchTarget, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await openBenchClient(target);
  try {
    await client.query(WARM_UP);
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function measureOne(ctx: TemplateContext, method: Method, tenant: string): Promise<number> {
  switch (method) {
    case 'floor': {
      const sql = ctx.snapshot.sql(tenant);
      return withFreshClient(ctx.target, (client) => time(() => runFloor(client, sql)));
    }
    case 'driver':
      await freshPool(ctx.driver.pool, 1);
      return time(() => ctx.driver.provisionTenant(ctx.snapshot.source, tenant));
    case 'psql':
      return time(() => ctx.psql.provisionTenant(ctx.snapshot.source, tenant));
    case 'psql-f':
    case 'psql-f-tls': {
      const sql = ctx.snapshot.sql(tenant);
      return time(() => runPsqlFile(ctx.target, sql, { tls: method === 'psql-f-tls' }));
    }
    case 'round-trips': {
      const statements = splitStatements(ctx.snapshot.sql(tenant)).filter((s) => s.kind === 'sql').map((s) => s.text);
      return withFreshClient(ctx.target, (client) => time(() => runRoundTrips(client, statements)));
    }
    case 'migration-replay': {
      // Each migration is its own transaction: the preamble must be session-wide there.
      const statements = splitStatements(ctx.snapshot.sql(tenant).replace(/^SET LOCAL /gm, 'SET ')).filter((s) => s.kind === 'sql').map((s) => s.text);
      return withFreshClient(ctx.target, (client) => time(() => runMigrationReplay(client, tenant, statements)));
    }
    case 'pool-claim':
      await freshPool(ctx.pgPool, 1);
      return time(() => claimSpare(ctx.pgPool, ctx.snapshot.pool, tenant));
  }
}

async function measureBatch(ctx: TemplateContext, kind: 'floor' | 'driver' | 'psql', concurrency: number, tenants: string[]): Promise<number> {
  if (kind === 'floor') {
    const clients = await Promise.all(Array.from({ length: concurrency }, () => openBenchClient(ctx.target)));
    await Promise.all(clients.map((client) => client.query(WARM_UP)));
    const sqls = tenants.map((t) => ctx.snapshot.sql(t));
    try {
      let next = 0;
      return await time(() =>
        Promise.all(
          clients.map(async (client) => {
            for (let i = next++; i < sqls.length; i = next++) await runFloor(client, sqls[i]!);
          }),
        ),
      );
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  }
  const provisioner = kind === 'driver' ? ctx.driver : ctx.psql;
  if (kind === 'driver') await freshPool(provisioner.pool, concurrency);
  let failed = 0;
  const ms = await time(async () => {
    const summary = await provisioner.provisionMany(ctx.snapshot.source, tenants, { concurrency });
    failed = summary.failed + summary.exists;
  });
  if (failed) throw new Error(`${kind} batch at concurrency ${concurrency}: ${failed} tenant(s) failed`);
  return ms;
}

function medianSteps(samples: Record<string, number>[]): Record<string, number> {
  const keys = [...new Set(samples.flatMap((s) => Object.keys(s)))];
  return Object.fromEntries(keys.map((k) => [k, median(samples.map((s) => s[k] ?? 0))]));
}

/**
 * The driver path's queries, traced (what provisioner.ts really sends), and
 * the claim split into its parts: rendering, the guard + rename (lock, DO
 * block), the rewrites and grants, the final SELECT and COMMIT.
 */
async function measureBreakdown(ctx: TemplateContext, samples: number): Promise<TemplateResult['breakdown']> {
  const driver: Record<string, number>[] = [];
  for (let i = 0; i < samples; i++) {
    await freshPool(ctx.driver.pool, 1);
    const { queries, wallMs } = await traceQueries(() => ctx.driver.provisionTenant(ctx.snapshot.source, `bd_driver_${i}`));
    const steps: Record<string, number> = {};
    for (const q of queries) steps[q.label] = (steps[q.label] ?? 0) + q.ms;
    steps['client side (render, JS)'] = wallMs - queries.reduce((sum, q) => sum + q.ms, 0);
    steps.total = wallMs;
    driver.push(steps);
  }
  const claim: Record<string, number>[] = [];
  await fillPool(ctx.pgPool, ctx.snapshot.pool, { target: samples });
  const client = await ctx.pgPool.connect();
  try {
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      const sql = buildClaimSqlFor(ctx.snapshot.pool, `bd_claim_${i}`);
      const render = performance.now() - started;
      const rewritesAt = sql.indexOf('SET LOCAL check_function_bodies = false;');
      const finalAt = sql.lastIndexOf('SELECT pg_catalog.current_setting(');
      const steps: Record<string, number> = { 'render rewrites': render };
      steps['BEGIN, lock, guard + rename (DO)'] = await time(() => client.query(sql.slice(0, rewritesAt)));
      steps[`rewrites + grants (${getClaimPlan(ctx.snapshot.pool).claim.length} statements)`] = await time(() => client.query(sql.slice(rewritesAt, finalAt)));
      steps['SELECT + COMMIT'] = await time(() => client.query(sql.slice(finalAt)));
      steps.total = performance.now() - started;
      claim.push(steps);
    }
  } finally {
    client.release();
  }
  // Claims back to back on a warm connection: no other session's DDL in between (see the report for why that matters).
  await fillPool(ctx.pgPool, ctx.snapshot.pool, { target: 4 });
  await freshPool(ctx.pgPool, 1);
  const backToBack: number[] = [];
  for (let i = 0; i < 4; i++) backToBack.push(await time(() => claimSpare(ctx.pgPool, ctx.snapshot.pool, `bd_b2b_${i}`)));
  return { driver: medianSteps(driver), claim: medianSteps(claim), claimBackToBack: median(backToBack.slice(1)) };
}

async function benchTemplate(cluster: Cluster, opts: ProvisioningBenchOptions, name: string, tables: number | null): Promise<TemplateResult> {
  const database = `bench_${name}`;
  await cluster.createDatabase(database);
  const schema = tables === null ? 'public' : 'tmpl';
  opts.log(`[${name}] loading template`);
  if (tables === null) {
    await cluster.query('CREATE EXTENSION IF NOT EXISTS pgcrypto; CREATE EXTENSION IF NOT EXISTS unaccent;', database);
    await cluster.query(readFileSync(LAGO, 'utf8'), database);
  } else {
    await cluster.query(generateTemplateSql({ schema, tables }), database);
  }
  await cluster.query(LEDGER_SQL, database);
  const text = await dump(cluster, database, schema);
  const catalogClient = await cluster.connect(database);
  const snapshot = await makeBenchSnapshot(catalogClient, text, schema).finally(() => catalogClient.end());
  const renderTimes: number[] = [];
  for (let i = 0; i < 20; i++) renderTimes.push(await time(async () => snapshot.source.render(`render_probe_${i}`)));
  const sample = snapshot.sql('lock_probe');
  const counts = countSnapshotBody(sample);
  const estimate = estimateTenantLocks(counts);

  const target: BenchTarget = { host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database };
  const profile: ConnectionProfile = { host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database, sslmode: 'disable' };
  const maxConcurrency = Math.max(...opts.concurrency, 1);
  const ctx: TemplateContext = {
    target,
    profile,
    snapshot,
    statements: [],
    driver: await createProvisioner(profile, { via: 'driver', concurrency: maxConcurrency }),
    psql: await createProvisioner(profile, { via: 'psql', concurrency: maxConcurrency }),
    pgPool: new pg.Pool({ host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database, max: 2, ssl: false }),
    floorClient: await openBenchClient(target),
  };
  ctx.pgPool.on('error', () => undefined);
  try {
    const settings = await readLockSettings(ctx.floorClient);
    const benchBudget = planLockBudget({ locksPerTenant: estimate, settings, requestedConcurrency: 64 });
    let defaultMaxConcurrency: number | string;
    try {
      defaultMaxConcurrency = planLockBudget({ locksPerTenant: estimate, settings: DEFAULT_SERVER, requestedConcurrency: 64 }).maxConcurrency;
    } catch {
      defaultMaxConcurrency = 'too small';
    }

    // Small templates are cheap and noisy: more rounds for them (the median needs them on a busy machine).
    const rounds = roundsFor(opts, counts.statements);
    opts.log(`[${name}] building ${rounds} pool spares`);
    const fillMs = await time(() => fillPool(ctx.pgPool, snapshot.pool, { target: rounds }));

    const perTenant = Object.fromEntries(METHODS.map((m) => [m, [] as number[]])) as Record<Method, number[]>;
    const ratios = Object.fromEntries(METHODS.map((m) => [m, [] as number[]])) as Record<Method, number[]>;
    const methods = opts.methods.length ? METHODS.filter((m) => opts.methods.includes(m)) : METHODS;
    const random = seededRandom(rounds * 7919 + counts.statements);
    for (let r = 0; r < rounds; r++) {
      // A new random order every round: a fixed cyclic order gives every method the same predecessor, and the
      // background work one method leaves behind (autovacuum of the catalogs after migration replay) lands on the next.
      const order = shuffle(methods, random);
      const round: Partial<Record<Method, number>> = {};
      for (const method of order) {
        await settle(ctx.floorClient);
        const ms = await measureOne(ctx, method, `t_${method.replace(/-/g, '_')}_${r}`);
        round[method] = ms;
        perTenant[method].push(ms);
      }
      for (const method of methods) ratios[method].push(round[method]! / round.floor!);
      opts.log(`[${name}] round ${r + 1}/${rounds}: ` + methods.map((m) => `${m} ${formatMs(round[m]!)}`).join(', '));
    }

    // Batches: each concurrency in several rounds, the three kinds in rotated order per round, ratio per round.
    const batches: TemplateResult['batches'] = [];
    const perWorker = counts.statements > 2500 ? Math.max(1, opts.batchPerWorker - 1) : opts.batchPerWorker;
    const batchRounds = counts.statements > 2500 ? 2 : 3;
    const kinds = ['floor', 'driver', 'psql'] as const;
    for (const c of opts.batches ? opts.concurrency : []) {
      const n = c * perWorker;
      const samples: Record<(typeof kinds)[number], number[]> = { floor: [], driver: [], psql: [] };
      const driverRatios: number[] = [];
      const psqlRatios: number[] = [];
      for (let br = 0; br < batchRounds; br++) {
        const round: Partial<Record<(typeof kinds)[number], number>> = {};
        for (let k = 0; k < kinds.length; k++) {
          const kind = kinds[(k + br) % kinds.length]!;
          const names = Array.from({ length: n }, (_, i) => `b_${kind}_c${c}_${br}_${i}`);
          await settle(ctx.floorClient);
          const ms = await measureBatch(ctx, kind, c, names);
          round[kind] = n / (ms / 1000);
          samples[kind].push(round[kind]);
        }
        driverRatios.push(round.driver! / round.floor!);
        psqlRatios.push(round.psql! / round.floor!);
      }
      const row = { concurrency: c, tenants: n, rounds: batchRounds, floor: median(samples.floor), driver: median(samples.driver), psql: median(samples.psql), driverRatio: median(driverRatios), psqlRatio: median(psqlRatios) };
      batches.push(row);
      opts.log(`[${name}] batch c=${c} (${n} tenants × ${batchRounds}): floor ${row.floor.toFixed(2)}/s, driver ${row.driver.toFixed(2)}/s (${formatRatio(row.driverRatio)}), psql ${row.psql.toFixed(2)}/s (${formatRatio(row.psqlRatio)})`);
    }

    opts.log(`[${name}] where the time goes`);
    const breakdown = opts.batches ? await measureBreakdown(ctx, Math.min(rounds, 5)) : { driver: {}, claim: {} };

    return {
      name,
      tables,
      breakdown,
      statements: counts.statements,
      dumpBytes: snapshot.dumpBytes,
      templateMs: snapshot.templateMs,
      renderMs: median(renderTimes),
      spareBuildMs: fillMs / Math.max(rounds, 1),
      rounds,
      claimStatements: getClaimPlan(snapshot.pool).claim.length,
      locks: { estimate, defaultCapacity: 64 * 122, defaultMaxConcurrency, benchCapacity: benchBudget.capacity, benchMaxConcurrency: benchBudget.maxConcurrency },
      perTenant,
      ratios,
      batches,
    };
  } finally {
    await ctx.floorClient.end();
    await ctx.pgPool.end();
    await ctx.driver.close();
    await ctx.psql.close();
    await cluster.query(`DROP DATABASE ${database} WITH (FORCE)`);
  }
}

function slope(points: { x: number; y: number }[]): number {
  if (points.length < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function benchGrowth(cluster: Cluster, opts: ProvisioningBenchOptions): Promise<{ growth: GrowthResult[]; memory?: MemoryResult }> {
  const database = 'bench_growth';
  await cluster.createDatabase(database);
  await cluster.query(generateTemplateSql({ schema: 'tmpl', tables: opts.growthTables }), database);
  const catalogClient = await cluster.connect(database);
  const snapshot = await makeBenchSnapshot(catalogClient, await dump(cluster, database, 'tmpl'), 'tmpl').finally(() => catalogClient.end());
  const target: BenchTarget = { host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database };
  const profile: ConnectionProfile = { host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database, sslmode: 'disable' };
  const driver = await createProvisioner(profile, { via: 'driver', concurrency: 2 });
  const gc = exposeGc();
  const growth: GrowthResult[] = [];
  let existing = 0;
  let probe = 0;
  // Memory is sampled over every tenant the growth run provisions (0 → the last checkpoint), not the probes.
  const checkpoints = [...new Set(opts.growth)].sort((a, b) => a - b);
  const total = checkpoints.at(-1) ?? 0;
  const every = Math.max(1, Math.round(total / 20));
  gc?.();
  const start = process.memoryUsage();
  let rssPeak = start.rss;
  let heapPeak = start.heapUsed;
  const heapAfterGc: { tenants: number; mb: number }[] = [];
  let done = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rssPeak = Math.max(rssPeak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  }, 25);
  try {
    for (const checkpoint of checkpoints) {
      if (checkpoint > existing) {
        const names = Array.from({ length: checkpoint - existing }, (_, i) => `g_${existing + i}`);
        opts.log(`[growth] provisioning ${names.length} tenants (${existing} → ${checkpoint}), sampling memory`);
        const summary = await driver.provisionMany(snapshot.source, names, {
          concurrency: 2,
          onProgress: (p) => {
            if (p.status === 'running') return;
            done++;
            if (done % every === 0) {
              gc?.();
              heapAfterGc.push({ tenants: done, mb: process.memoryUsage().heapUsed / 2 ** 20 });
            }
          },
        });
        if (summary.created !== names.length) throw new Error(`growth: ${names.length - summary.created} tenant(s) not created`);
        existing = checkpoint;
      }
      const floorTimes: number[] = [];
      const driverTimes: number[] = [];
      for (let r = 0; r < opts.rounds; r++) {
        const f = `p_floor_${probe}`;
        const d = `p_driver_${probe++}`;
        const sql = snapshot.sql(f);
        floorTimes.push(await withFreshClient(target, (client) => time(() => runFloor(client, sql))));
        await freshPool(driver.pool, 1);
        driverTimes.push(await time(() => driver.provisionTenant(snapshot.source, d)));
      }
      growth.push({ existing: checkpoint, floorMs: median(floorTimes), driverMs: median(driverTimes) });
      opts.log(`[growth] ${checkpoint} tenants: floor ${formatMs(median(floorTimes))}, driver ${formatMs(median(driverTimes))}`);
    }
  } finally {
    clearInterval(sampler);
    await driver.close();
    await cluster.query(`DROP DATABASE ${database} WITH (FORCE)`).catch(() => undefined);
  }
  if (done === 0) return { growth };
  const end = process.memoryUsage();
  const half = heapAfterGc.filter((p) => p.tenants >= done / 2).map((p) => ({ x: p.tenants, y: p.mb * 2 ** 20 }));
  const memory: MemoryResult = {
    tenants: done,
    rssStartMb: start.rss / 2 ** 20,
    rssPeakMb: rssPeak / 2 ** 20,
    rssEndMb: end.rss / 2 ** 20,
    heapStartMb: start.heapUsed / 2 ** 20,
    heapPeakMb: heapPeak / 2 ** 20,
    heapAfterGc,
    heapSlopeBytesPerTenant: slope(half),
    gcAvailable: gc !== undefined,
  };
  return { growth, memory };
}

/** Runs the whole provisioning benchmark. */
export async function runProvisioningBench(opts: ProvisioningBenchOptions): Promise<ProvisioningBenchResult> {
  const started = performance.now();
  const loadStart = loadavg()[0] ?? 0;
  const certDir = mkdtempSync(join(tmpdir(), 'tenantry-bench-cert-'));
  let cluster: Cluster | undefined;
  try {
    const ssl = await makeCertificate(certDir);
    const durability: Record<string, string> = opts.durable ? { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' } : {};
    cluster = await startCluster({ ssl, conf: { max_locks_per_transaction: opts.maxLocksPerTransaction, ...durability } });
    const client = await cluster.connect();
    const machine = await describeMachine(client);
    await client.end();
    opts.log(`provisioning bench on ${machine.cpuModel} (${machine.cores} cores), ${machine.server ?? ''}`);
    const templates: TemplateResult[] = [];
    for (const tables of opts.sizes) templates.push(await benchTemplate(cluster, opts, `gen${tables}`, tables));
    if (opts.corpus) templates.push(await benchTemplate(cluster, opts, 'lago', null));
    const { growth, memory } = opts.growth.length ? await benchGrowth(cluster, opts) : { growth: [], memory: undefined };
    const { log: _log, ...options } = opts;
    return { machine, options, templates, growth, ...(memory ? { memory } : {}), totalSeconds: (performance.now() - started) / 1000, load: { start: loadStart, end: loadavg()[0] ?? 0 } };
  } finally {
    await cluster?.stop();
    rmSync(certDir, { recursive: true, force: true });
  }
}

/** The results as Markdown: medians, ratios to the floor, batches, growth, memory, targets. */
export function formatProvisioningReport(result: ProvisioningBenchResult): string {
  const out: string[] = ['## Provisioning', '', formatMachine(result.machine), `- Run: ${result.options.quick ? 'quick (BENCH_QUICK=1)' : 'full'}; BENCH_ROUNDS=${result.options.rounds}; ${result.totalSeconds.toFixed(0)} s in all; 1-minute load average ${result.load.start.toFixed(1)} at the start, ${result.load.end.toFixed(1)} at the end (${result.machine.cores} cores)`, ''];
  const t = result.templates;
  const label = (r: TemplateResult) => (r.tables === null ? `${r.name} (${r.statements} stmts)` : `${r.tables} tables (${r.statements} stmts)`);
  out.push(`### Per tenant, sequential (median ms; ratio = median of per-round ratios to the floor of the same round; rounds: ${t.map((r) => `${r.name} ${r.rounds}`).join(', ')})`, '');
  out.push(
    markdownTable(
      ['method', ...t.map(label)],
      METHODS.map((m) => [METHOD_LABEL[m], ...t.map((r) => `${formatMs(median(r.perTenant[m]))} (${formatRatio(median(r.ratios[m]))})`)]),
    ),
  );
  out.push('', '### Batches: median throughput in tenants/s (median of per-round ratios to the floor at the same concurrency)', '');
  const batchRows: string[][] = [];
  for (const r of t) {
    for (const b of r.batches) {
      batchRows.push([label(r), String(b.concurrency), `${b.tenants} × ${b.rounds}`, b.floor.toFixed(2), `${b.driver.toFixed(2)} (${formatRatio(b.driverRatio)})`, `${b.psql.toFixed(2)} (${formatRatio(b.psqlRatio)})`]);
    }
  }
  out.push(markdownTable(['template', 'concurrency', 'tenants × rounds', 'floor', 'driver', 'psql'], batchRows));
  out.push('', '### Snapshot, renderer, pool and lock budget', '');
  out.push(
    markdownTable(
      ['template', 'dump', 'templating', 'throughput', 'render / tenant', 'spare build', 'claim statements', 'locks / tenant (est.)', 'max concurrency, default server', `max concurrency, bench server`],
      t.map((r) => [
        label(r),
        `${(r.dumpBytes / 1024).toFixed(0)} KiB`,
        formatMs(r.templateMs),
        `${(r.dumpBytes / 2 ** 20 / (r.templateMs / 1000)).toFixed(1)} MB/s`,
        formatMs(r.renderMs),
        formatMs(r.spareBuildMs),
        String(r.claimStatements),
        String(r.locks.estimate),
        String(r.locks.defaultMaxConcurrency),
        String(r.locks.benchMaxConcurrency),
      ]),
    ),
  );
  out.push('', '### Where the time goes (median ms per step; the claim split into three queries here to time its parts, so its total is a little above the one-query claim)', '');
  for (const r of t) {
    const fmt = (steps: Record<string, number>) => Object.entries(steps).map(([k, v]) => `${k} ${formatMs(v)}`).join('; ');
    out.push(`- ${label(r)} — driver path: ${fmt(r.breakdown.driver)}`);
    out.push(`- ${label(r)} — pool claim: ${fmt(r.breakdown.claim)}`);
    if (r.breakdown.claimBackToBack !== undefined) out.push(`- ${label(r)} — pool claim back to back on a warm connection (no other session's DDL in between): ${formatMs(r.breakdown.claimBackToBack)}`);
  }
  if (result.growth.length) {
    out.push('', `### Time per tenant as the database fills (${result.options.growthTables}-table template, median of ${result.options.rounds})`, '');
    out.push(markdownTable(['tenants already in the database', 'floor', 'driver', 'driver / floor'], result.growth.map((g) => [String(g.existing), formatMs(g.floorMs), formatMs(g.driverMs), formatRatio(g.driverMs / g.floorMs)])));
  }
  if (result.memory) {
    const m = result.memory;
    out.push('', `### Memory of the Tenantry process while provisioning ${m.tenants} tenants (driver path, concurrency 2)`, '');
    out.push(
      markdownTable(
        ['RSS start', 'RSS peak', 'RSS end', 'heap start', 'heap peak', 'heap after GC (first → last checkpoint)', 'heap slope, 2nd half'],
        [[`${m.rssStartMb.toFixed(0)} MB`, `${m.rssPeakMb.toFixed(0)} MB`, `${m.rssEndMb.toFixed(0)} MB`, `${m.heapStartMb.toFixed(1)} MB`, `${m.heapPeakMb.toFixed(1)} MB`, `${m.heapAfterGc[0]?.mb.toFixed(1) ?? '–'} → ${m.heapAfterGc.at(-1)?.mb.toFixed(1) ?? '–'} MB${m.gcAvailable ? '' : ' (no --expose-gc)'}`, `${m.heapSlopeBytesPerTenant.toFixed(0)} B/tenant`]],
      ),
    );
  }
  out.push('', '### Targets', '', ...formatTargets(result));
  return out.join('\n') + '\n';
}

function formatTargets(result: ProvisioningBenchResult): string[] {
  const lines: string[] = [];
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  for (const r of result.templates) {
    const ratio = median(r.ratios.driver);
    lines.push(`- Driver path within 1.10x of the floor, ${r.name}: ${formatRatio(ratio)} — ${verdict(ratio <= 1.1)}`);
  }
  for (const r of result.templates) {
    const b = r.batches.find((x) => x.concurrency === 2);
    if (b) lines.push(`- Batch throughput at concurrency 2 within 0.9x of the floor's, ${r.name}: ${formatRatio(b.driverRatio)} — ${verdict(b.driverRatio >= 0.9)}`);
  }
  const small = result.templates.find((r) => r.tables === 20);
  if (small) {
    const tls = median(small.perTenant['psql-f-tls']) / median(small.perTenant.driver);
    const mig = median(small.perTenant['migration-replay']) / median(small.perTenant.driver);
    lines.push(`- ≥ 1.5x faster than psql -f over TLS (20 tables): ${formatRatio(tls)} — ${verdict(tls >= 1.5)}`);
    lines.push(`- ≥ 3x faster than migration replay (20 tables): ${formatRatio(mig)} — ${verdict(mig >= 3)}`);
  }
  if (result.memory) {
    const m = result.memory;
    const growthMb = ((m.heapAfterGc.at(-1)?.mb ?? 0) - (m.heapAfterGc[0]?.mb ?? 0));
    // Flat: what the second-half slope would add over the whole run stays under 2 MB (GC noise is about that).
    const projectedMb = (m.heapSlopeBytesPerTenant * m.tenants) / 2 ** 20;
    lines.push(`- Memory flat over ${m.tenants} tenants: heap after GC ${growthMb >= 0 ? 'grew' : 'shrank'} ${Math.abs(growthMb).toFixed(1)} MB first → last checkpoint, slope ${m.heapSlopeBytesPerTenant.toFixed(0)} B/tenant (${projectedMb.toFixed(1)} MB over the run), RSS peak ${m.rssPeakMb.toFixed(0)} MB — ${verdict(projectedMb < 2 && m.gcAvailable)}`);
  }
  const biggest = [...result.templates].filter((r) => r.tables !== null).sort((a, b) => (b.tables ?? 0) - (a.tables ?? 0))[0];
  if (biggest) {
    const claim = median(biggest.perTenant['pool-claim']);
    const speedup = median(biggest.perTenant.floor) / claim;
    const b2b = biggest.breakdown.claimBackToBack;
    lines.push(
      `- Pool claim < 10 ms and ≥ 20x faster than the floor (${biggest.tables} tables): ${formatMs(claim)} in the rounds (each right after another session's bulk DDL), ${speedup.toFixed(0)}x — ${verdict(claim < 10 && speedup >= 20)}` +
        (b2b !== undefined ? `; back to back on a warm connection ${formatMs(b2b)} — ${verdict(b2b < 10)}` : ''),
    );
  }
  return lines;
}
