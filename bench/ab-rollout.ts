/**
 * A/B harness for the rollout's per-tenant cost (issue 15), outside `npm run bench`: one kept cluster with a fleet
 * (built once), contenders run in child processes under nice -n 5 (each its own build of the code, so old and new run
 * side by side), alternating, the migration undone and the cluster settled (vacuum, checkpoint, backends gone) before
 * each, untimed. A child reports CPU over runRollout (after plan, record and opening the connections, as the bench's
 * "run alone"): its own (process.cpuUsage) and the cluster's (utime + stime of every server process, live or reaped),
 * split user/system, with page faults, context switches, blocks read from outside shared_buffers, the machine's
 * /proc/stat over the window (busy, idle, steal), and speed probes (a compute loop and random reads, before and after
 * the window and every 100 ms during it). It printed the figures of session 12 in migrate.ts's file comment.
 *
 *   npx tsc -p bench/tsconfig.build.json --outDir DIR      (once per build to compare; DIR must reach node_modules)
 *   node DIR/bench/ab-rollout.js driver ROUNDS old=OLDDIR,new=DIR,floor > results.jsonl
 *
 * Env: AB_TENANTS (1000), AB_TABLES (20), AB_K (4), AB_KEEP (the kept cluster, /var/tmp/tenantry-ab-TxN),
 * AB_MIGRATION=cheap (the one-statement migration), AB_SUBSET=N (the first N tenants: the fixed part of a run),
 * AB_PGSS=1 (pg_stat_statements: the server's statements of a Tenantry window to stderr), AB_NODE_ARGS (e.g.
 * --cpu-prof; the child prints its window's hrtime bounds to stderr), AB_WARM=N (N runs before the measured one in
 * the same child, as the bench runs Tenantry), AB_TRACE=1 (each query's backend CPU from
 * /proc/PID/schedstat around it, by statement, and every server process's CPU over the window, to stderr as `trace`).
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { ConnectionProfile } from '../core/connection/profile.js';
import { planAgainstTemplate, recordRollout } from '../electron/services/migrate/prepare-migration.js';
import { openRolloutConnections, runRollout } from '../electron/services/migrate/run-rollout.js';
import { createPool } from '../electron/services/connection/open-connection.js';
import type { RolloutSettings } from '../electron/services/migrate/rollout-store.js';
import { startCluster } from '../support/cluster.js';
import { generateTemplateSql } from '../support/generate-template.js';
import { waitForBackendsGone } from './server-cpu.js';
import { vacuumOwnTables } from './vacuum-own-tables.js';
import { CHEAP_DOWN, CHEAP_UP, DOWN as TYPICAL_DOWN, settleCluster, UP as TYPICAL_UP } from './migrate.js';

// AB_MIGRATION=cheap: the one-statement migration, so the bookkeeping stands out of the noise.
const cheap = process.env.AB_MIGRATION === 'cheap';
const UP = cheap ? CHEAP_UP : TYPICAL_UP;
const DOWN = cheap ? CHEAP_DOWN : TYPICAL_DOWN;
const upFor = (t: string) => UP.replaceAll('tpl.', `${t}.`);

interface Conn {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  dataDir: string;
  tenants: string[];
  k: number;
}

const TICK = 10; // ms per clock tick (CLK_TCK 100)

function stat(pid: number | 'self'): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** The cluster's totals: user/system ms, faults, context switches (live children + reaped). */
interface ClusterMark {
  user: number;
  sys: number;
  minflt: number;
  majflt: number;
  vcsw: number;
  ivcsw: number;
}

function readCluster(dataDir: string): ClusterMark {
  for (let attempt = 0; attempt < 20; attempt++) {
    const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const p0 = stat(postmaster);
    const m: ClusterMark = { user: (Number(p0[11]) + Number(p0[13])) * TICK, sys: (Number(p0[12]) + Number(p0[14])) * TICK, minflt: Number(p0[7]) + Number(p0[8]), majflt: Number(p0[9]) + Number(p0[10]), vcsw: 0, ivcsw: 0 };
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const f = stat(Number(entry));
        if (Number(f[1]) !== postmaster) continue;
        m.user += Number(f[11]) * TICK;
        m.sys += Number(f[12]) * TICK;
        m.minflt += Number(f[7]);
        m.majflt += Number(f[9]);
        const status = readFileSync(`/proc/${entry}/status`, 'utf8');
        m.vcsw += Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0);
        m.ivcsw += Number(/nonvoluntary_ctxt_switches:\s+(\d+)/.exec(status)?.[1] ?? 0);
      } catch {
        // ended meanwhile
      }
    }
    const p1 = stat(postmaster);
    if (p1[13] === p0[13] && p1[14] === p0[14]) return m;
  }
  throw new Error('cluster CPU read kept racing with reaps');
}

/** /proc/stat's cpu line in ms: user, nice, system, idle, iowait, irq, softirq, steal. */
function readMachine(): number[] {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] as string;
  return line.trim().split(/\s+/).slice(1, 9).map((x) => Number(x) * TICK);
}

interface Mark {
  client: NodeJS.CpuUsage;
  cluster: ClusterMark;
  machine: number[];
  wall: number;
}

function mark(dataDir: string): Mark {
  const cluster = readCluster(dataDir);
  const machine = readMachine();
  return { client: process.cpuUsage(), cluster, machine, wall: performance.now() };
}

async function closeAndMark(c: Conn, close: () => Promise<unknown>): Promise<Mark> {
  await close();
  const client = process.cpuUsage();
  const wall = performance.now();
  await waitForBackendsGone(c.dataDir, c.database);
  return { client, cluster: readCluster(c.dataDir), machine: readMachine(), wall };
}

function between(a: Mark, b: Mark): Record<string, number> {
  const m = b.machine.map((x, i) => x - (a.machine[i] ?? 0));
  return {
    clientMs: (b.client.user - a.client.user + b.client.system - a.client.system) / 1000,
    clientSysMs: (b.client.system - a.client.system) / 1000,
    serverUserMs: b.cluster.user - a.cluster.user,
    serverSysMs: b.cluster.sys - a.cluster.sys,
    minflt: b.cluster.minflt - a.cluster.minflt,
    majflt: b.cluster.majflt - a.cluster.majflt,
    vcsw: b.cluster.vcsw - a.cluster.vcsw,
    ivcsw: b.cluster.ivcsw - a.cluster.ivcsw,
    wallMs: b.wall - a.wall,
    machineBusyMs: (m[0] ?? 0) + (m[1] ?? 0) + (m[2] ?? 0) + (m[5] ?? 0) + (m[6] ?? 0),
    machineIdleMs: (m[3] ?? 0) + (m[4] ?? 0),
    stealMs: m[7] ?? 0,
  };
}

function clientFor(c: Conn): pg.Client {
  const client = new pg.Client({ host: c.host, port: c.port, user: c.user, password: c.password, database: c.database, ssl: false });
  client.on('error', () => undefined);
  return client;
}

/**
 * AB_TRACE=1: the backend CPU of every query (its backend's /proc/PID/schedstat before the query is sent and after its
 * answer: a backend runs nothing else between), summed by statement (tenant names and literals folded), and each
 * server process's CPU between two points of the window. Diagnostic only: the reads cost this process CPU.
 */
const traced = new Map<string, { calls: number; ms: number; firstMs: number; pids: Set<number> }>();
function traceQueries(): void {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const cpu = (pid: number) => Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  proto.query = function (this: pg.Client & { processID?: number }, ...args: unknown[]) {
    const pid = this.processID;
    const first = args[0] as string | { text: string; name?: string };
    const text = typeof first === 'string' ? first : first.text;
    const key = text.replace(/\s+/g, ' ').replace(/'[^']*'/g, "'…'").replace(/\bt\d{4}\b/g, 'T').slice(0, 90);
    const before = pid !== undefined ? cpu(pid) : 0;
    const note = () => {
      if (pid === undefined) return;
      const ms = cpu(pid) - before;
      const e = traced.get(key) ?? { calls: 0, ms: 0, firstMs: 0, pids: new Set<number>() };
      if (!e.pids.has(pid)) e.firstMs += ms;
      e.pids.add(pid);
      e.calls++;
      e.ms += ms;
      traced.set(key, e);
    };
    const cb = args.at(-1);
    if (typeof cb === 'function') {
      args[args.length - 1] = (...r: unknown[]) => {
        note();
        return (cb as (...x: unknown[]) => unknown)(...r);
      };
      return original.apply(this, args);
    }
    const out = original.apply(this, args);
    if (out instanceof Promise) return out.finally(note);
    return out;
  };
}

/** Every server process's CPU ms (schedstat), with what it is (its title). */
function readProcesses(dataDir: string): Map<number, { title: string; ms: number }> {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const out = new Map<number, { title: string; ms: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(stat(Number(entry))[1]) !== postmaster) continue;
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim().replace(/\d+\.\d+\.\d+\.\d+\(\d+\)/, '').replace(/\s+/g, ' ');
      out.set(Number(entry), { title, ms: Number(readFileSync(`/proc/${entry}/schedstat`, 'utf8').split(' ')[0]) / 1e6 });
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

/**
 * The server processes' CPU between two reads (schedstat, nanoseconds) of those alive at the second: more precise than
 * the clock ticks of utime/stime (10 ms per process), without the backends' exits (alike in both contenders, but for
 * the runner's one backend more).
 */
function liveCpuMs(a: Map<number, { ms: number }>, b: Map<number, { ms: number }>): number {
  let sum = 0;
  for (const [pid, p] of b) sum += p.ms - (a.get(pid)?.ms ?? 0);
  return sum;
}

function reportProcesses(label: string, a: Map<number, { title: string; ms: number }>, b: Map<number, { title: string; ms: number }>): void {
  const rows = [...b].map(([pid, p]) => ({ pid, title: p.title, ms: Math.round((p.ms - (a.get(pid)?.ms ?? 0)) * 100) / 100, fresh: !a.has(pid) }));
  process.stderr.write(`trace ${JSON.stringify({ label, procs: rows.filter((r) => r.ms > 0.01) })}\n`);
}

function reportTraced(label: string): void {
  const rows = [...traced].map(([q, e]) => ({ q, calls: e.calls, ms: Math.round(e.ms * 100) / 100, firstMs: Math.round(e.firstMs * 100) / 100, backends: e.pids.size })).sort((x, y) => y.ms - x.ms);
  process.stderr.write(`trace ${JSON.stringify({ label, queries: rows })}\n`);
  traced.clear();
}

async function forEach(c: Conn, items: readonly string[], k: number, sql: (t: string) => string): Promise<Record<string, number>> {
  const clients = Array.from({ length: k }, () => clientFor(c));
  await Promise.all(clients.map((x) => x.connect()));
  const p0 = readProcesses(c.dataDir);
  const m0 = mark(c.dataDir);
  let next = 0;
  await Promise.all(clients.map(async (x) => {
    while (next < items.length) await x.query(sql(items[next++] as string));
  }));
  const p1 = readProcesses(c.dataDir);
  if (process.env.AB_TRACE === '1') reportProcesses('floor', p0, p1);
  const m1 = await closeAndMark(c, () => Promise.all(clients.map((x) => x.end())));
  return { ...between(m0, m1), serverLiveMs: liveCpuMs(p0, p1) };
}

async function child(kind: string, connFile: string): Promise<void> {
  const c = JSON.parse(readFileSync(connFile, 'utf8')) as Conn;
  // AB_SUBSET=N: the first N tenants only (the fixed part of a run against the part per tenant).
  if (process.env.AB_SUBSET !== undefined) c.tenants = c.tenants.slice(0, Number(process.env.AB_SUBSET));
  const trace = process.env.AB_TRACE === '1';
  if (trace) traceQueries();
  if (kind === 'floor') {
    process.stdout.write(JSON.stringify(await forEach(c, c.tenants, c.k, (t) => `BEGIN;\n${upFor(t)}\nCOMMIT;`)) + '\n');
    if (trace) reportTraced('floor');
    return;
  }
  // AB_WARM=N: N runs of the rollout (each undone) before the measured one, in this process: as the bench, which runs
  // Tenantry several times in one process, measures it (V8 has compiled its code by then).
  for (let i = 0; i < Number(process.env.AB_WARM ?? 0); i++) {
    await tenantryOnce(c, false);
    await undoInChild(c);
  }
  process.stdout.write(JSON.stringify(await tenantryOnce(c, trace)) + '\n');
}

/** The migration undone and the cluster settled, from a child (the driver's undo, without its Cluster). */
async function undoInChild(c: Conn): Promise<void> {
  await forEach(c, c.tenants, 4, DOWN);
  const query = async (sql: string) => {
    const x = clientFor(c);
    await x.connect();
    try {
      return await x.query(sql);
    } finally {
      await x.end();
    }
  };
  await query('DELETE FROM _tenantry.migrations_applied; DELETE FROM _tenantry.rollouts;');
  await settleCluster({ query, dataDir: c.dataDir } as unknown as Parameters<typeof settleCluster>[0], c.database);
}

/** One rollout of the migration over the fleet, its run measured (see the file comment). */
async function tenantryOnce(c: Conn, trace: boolean): Promise<Record<string, number>> {
  const profile: ConnectionProfile = { host: c.host, port: c.port, user: c.user, password: c.password, database: c.database, sslmode: 'disable' };
  const settings: RolloutSettings = { lockTimeoutMs: 3000, statementTimeoutMs: 600_000, retries: 5, concurrency: c.k, canary: 0, continueOnError: false };
  const pool = await createPool(profile, settings.concurrency + 2);
  const plan = await planAgainstTemplate(profile, [{ name: 'V2__typical.sql', sql: UP }], { template: 'tpl' }, pool);
  const rollout = await recordRollout(profile, plan, { tenants: c.tenants, includeTemplate: false, settings }, pool);
  await openRolloutConnections(pool, rollout);
  if (process.env.AB_PGSS === '1') await pool.query('SELECT pg_stat_statements_reset()');
  traced.clear();
  const th0 = threadCpu();
  const p0 = readProcesses(c.dataDir);
  const m0 = mark(c.dataDir);
  const h0 = process.hrtime.bigint() / 1000n;
  const result = await runRollout(profile, rollout, { pool });
  const th1 = threadCpu();
  process.stderr.write(`threads ${JSON.stringify(Object.fromEntries(Object.entries(th1).map(([k, v]) => [k, v - (th0[k] ?? 0)])))}\n`);
  process.stderr.write(`window-us ${h0} ${process.hrtime.bigint() / 1000n}\n`);
  const p1 = readProcesses(c.dataDir);
  if (trace) reportTraced('run');
  const vacuum = await vacuumOwnTables(pool);
  const p2 = readProcesses(c.dataDir);
  if (trace) {
    reportTraced('vacuum');
    reportProcesses('run', p0, p1);
    reportProcesses('vacuum', p1, p2);
  }
  if (process.env.AB_PGSS === '1') {
    const { rows } = await pool.query("SELECT calls, round(total_exec_time::numeric, 1) AS exec_ms, round(total_plan_time::numeric, 1) AS plan_ms, toplevel, left(regexp_replace(query, '\\s+', ' ', 'g'), 140) AS q FROM pg_stat_statements WHERE query NOT LIKE 'COMMENT ON%' ORDER BY total_exec_time + total_plan_time DESC LIMIT 30");
    for (const r of rows) process.stderr.write(`pgss ${JSON.stringify(r)}\n`);
  }
  const m1 = await closeAndMark(c, () => pool.end());
  if (result.done !== c.tenants.length) throw new Error(`rollout: ${JSON.stringify(result).slice(0, 500)}`);
  const res = between(m0, m1);
  // The vacuum's scan of pg_class is not the rollout's (vacuum-own-tables.ts): out of the cluster's user time, where it runs.
  res.serverUserMs = (res.serverUserMs ?? 0) - vacuum.notOwnMs;
  res.vacuumScanMs = vacuum.scanMs ?? Number.NaN;
  res.serverLiveMs = liveCpuMs(p0, p2) - vacuum.notOwnMs;
  return res;
}

/** CPU ms per thread of this process, by thread name. */
function threadCpu(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const text = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      out[name] = (out[name] ?? 0) + (Number(f[11]) + Number(f[12])) * TICK;
    } catch {
      // gone
    }
  }
  return out;
}

/**
 * How fast this machine runs fixed work right now: CPU ms of `aluIters` steps of a compute loop and of `reads` random
 * reads over `memory` (cache misses, as a backend walking catalogs has). When the identical work of a window costs
 * more CPU, a slower machine shows here too. Two sizes: probeSpeed (64 MB) right before and after a window, probeSmall
 * (about a millisecond; 8 MB, beyond L2, within L3) every 100 ms during it.
 */
function probe(aluIters: number, memory: Int32Array, reads: number): { aluMs: number; memMs: number } {
  const t0 = process.cpuUsage();
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < aluIters; i++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  const t1 = process.cpuUsage();
  let j = x & (memory.length - 1);
  let sum = 0;
  for (let i = 0; i < reads; i++) {
    j = (Math.imul(j, 1103515245) + 12345) & (memory.length - 1);
    sum += memory[j] as number;
    memory[j] = i;
  }
  const t2 = process.cpuUsage();
  const ms = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => (b.user - a.user + b.system - a.system) / 1000;
  return { aluMs: ms(t0, t1) + (sum === -1 ? 1 : 0), memMs: ms(t1, t2) };
}
const probeMemory = new Int32Array(16 * 1024 * 1024);
const probeCache = new Int32Array(2 * 1024 * 1024);
const probeSpeed = () => probe(30_000_000, probeMemory, 3_000_000);
const probeSmall = () => probe(1_000_000, probeCache, 200_000);

function runChild(dist: string, kind: string, connFile: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const extra = process.env.AB_NODE_ARGS ? process.env.AB_NODE_ARGS.split(' ') : [];
    const p = spawn('nice', ['-n', '5', process.execPath, ...extra, join(dist, 'bench/ab-rollout.js'), 'child', kind, connFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1) as string) as Record<string, number>) : reject(new Error(`child ${kind} ${dist} exit ${code}`))));
  });
}

async function driver(rounds: number, contenders: { name: string; dist: string }[]): Promise<void> {
  const tenantsN = Number(process.env.AB_TENANTS ?? 1000);
  const tables = Number(process.env.AB_TABLES ?? 20);
  const k = Number(process.env.AB_K ?? 4);
  const keepAt = process.env.AB_KEEP ?? `/var/tmp/tenantry-ab-${tenantsN}x${tables}`;
  const pgss: Record<string, string> = process.env.AB_PGSS === '1' ? { shared_preload_libraries: "'pg_stat_statements'", 'pg_stat_statements.track': 'all' } : {};
  const cluster = await startCluster({ keepAt, conf: { max_locks_per_transaction: 256, autovacuum: 'off', ...pgss } });
  try {
    const database = 'ab';
    const exists = await cluster.query(`SELECT 1 FROM pg_database WHERE datname = '${database}'`);
    const tenants = Array.from({ length: tenantsN }, (_, i) => `t${String(i + 1).padStart(4, '0')}`);
    const conn: Conn = { host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database, dataDir: cluster.dataDir, tenants, k };
    if (exists.rowCount === 0) {
      await cluster.createDatabase(database);
      await cluster.query(generateTemplateSql({ schema: 'tpl', tables }), database);
      await forEach(conn, tenants, 2, (t) => generateTemplateSql({ schema: t, tables }));
      await cluster.query('VACUUM ANALYZE', database);
      console.error('fleet created');
    }
    if (process.env.AB_PGSS === '1') await cluster.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements', database);
    const connFile = join(keepAt, 'conn.json');
    writeFileSync(connFile, JSON.stringify(conn));
    const undo = async () => {
      await forEach(conn, tenants, 4, DOWN);
      const t = await cluster.query("SELECT to_regclass('_tenantry.migrations_applied') IS NOT NULL AS ok", database);
      if (t.rows[0]?.ok === true) await cluster.query('DELETE FROM _tenantry.migrations_applied; DELETE FROM _tenantry.rollouts;', database);
      await settleCluster(cluster, database);
    };
    // A first undo: the migration may be half there from an interrupted run.
    await undo();
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? contenders : [...contenders].reverse();
      for (const ct of order) {
        const catalog = await cluster.query("SELECT pg_relation_size('pg_class') AS class, pg_relation_size('pg_attribute') AS attr, (SELECT n_dead_tup FROM pg_stat_all_tables WHERE relid = 'pg_attribute'::regclass) AS attr_dead", database);
        const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
        const io = async () => (await cluster.query("SELECT (SELECT blks_read FROM pg_stat_database WHERE datname = current_database())::bigint AS read, (SELECT blks_hit FROM pg_stat_database WHERE datname = current_database())::bigint AS hit, buffers_backend::bigint AS backend_writes, buffers_clean::bigint AS clean, buffers_alloc::bigint AS alloc FROM pg_stat_bgwriter", database)).rows[0] as Record<string, string>;
        const io0 = await io();
        const before = probeSpeed();
        // A small probe during the window, every 100 ms: how fast fixed work runs beside the contender.
        const during: { alu: number[]; cache: number[] } = { alu: [], cache: [] };
        const timer = setInterval(() => {
          const p = probeSmall();
          during.alu.push(p.aluMs);
          during.cache.push(p.memMs);
        }, 100);
        const res = await runChild(ct.dist, ct.name === 'floor' ? 'floor' : 'tenantry', connFile);
        clearInterval(timer);
        const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1] ?? Number.NaN;
        res.duringAluMs = med(during.alu) * 1000;
        res.duringCacheMs = med(during.cache) * 1000;
        const after = probeSpeed();
        res.probeAluMs = (before.aluMs + after.aluMs) / 2;
        res.probeMemMs = (before.memMs + after.memMs) / 2;
        const io1 = await io();
        for (const key of Object.keys(io0)) res[`io_${key}`] = Number(io1[key]) - Number(io0[key]);
        const cpu = (res.clientMs ?? 0) + (res.serverUserMs ?? 0) + (res.serverSysMs ?? 0);
        console.log(JSON.stringify({ round: r + 1, name: ct.name, cpuMs: Math.round(cpu), load, ...Object.fromEntries(Object.entries(res).map(([key, v]) => [key, Math.round(v)])), catalog: catalog.rows[0] }));
        await undo();
      }
    }
  } finally {
    await cluster.stop();
  }
}

const [mode, a, b, c2] = process.argv.slice(2);
if (mode === 'child') await child(a as string, b as string);
else if (mode === 'driver') {
  const contenders = (b ?? '').split(',').map((s) => {
    const [name, dist] = s.split('=');
    return { name: name as string, dist: dist ?? '' };
  });
  for (const ct of contenders) if (ct.dist === '') ct.dist = contenders.find((x) => x.dist !== '')?.dist ?? '';
  await driver(Number(a), contenders);
} else throw new Error(`usage: ab-rollout driver ROUNDS NAME=DIST,… ${c2 ?? ''}`);
