/**
 * Faults for integration tests: the CLI as a real child process (so an
 * unhandled 'error' event really ends it), waiting for backends in
 * pg_stat_activity (no fixed sleeps), terminating them, and stopping and
 * starting a cluster the hard way (`pg_ctl -m immediate`).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { CliIo } from '../../../electron/cli/command.js';
import { main } from '../../../electron/cli/main.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = join(root, 'node_modules/tsx/dist/esm/index.mjs');
const entry = join(root, 'electron/cli/index.ts');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export interface CliChild {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves with the exit status (or 128 + signal number style text for a signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `tenantry ARGS…` from source as a child process with a clean environment. */
export function spawnCli(argv: string[], options: { cwd: string; env?: Record<string, string> }): CliChild {
  const child = spawn(process.execPath, ['--import', tsx, entry, ...argv], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: options.cwd, TMPDIR: process.env.TMPDIR ?? '/tmp', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr?.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
  };
}

/** Polls `check` until it returns a value other than undefined (every 25 ms, up to `timeoutMs`: generous, a loaded machine starts the CLI slowly). */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Waits for a backend of `database` other than ours that waits on a lock (e.g. a tenant's advisory lock); returns its pid. */
export async function waitForLockWaiter(cluster: Cluster, database: string, lockType = 'advisory'): Promise<number> {
  return waitFor(`a backend waiting on a ${lockType} lock`, async () => {
    const { rows } = await cluster.query(
      `select a.pid from pg_stat_activity a join pg_locks l on l.pid = a.pid and not l.granted
        where a.datname = '${database}' and l.locktype = '${lockType}' and a.pid <> pg_backend_pid() order by a.backend_start limit 1`,
    );
    return rows[0] ? Number(rows[0].pid) : undefined;
  });
}

/** Whether schema `name` exists in `database`. */
export async function schemaExists(cluster: Cluster, database: string, name: string): Promise<boolean> {
  const { rowCount } = await cluster.query(`select 1 from pg_namespace where nspname = '${name.replace(/'/g, "''")}'`, database);
  return (rowCount ?? 0) > 0;
}

/** The schemas among `names` that exist in `database`. */
export async function existingSchemas(cluster: Cluster, database: string, names: readonly string[]): Promise<string[]> {
  const list = names.map((n) => `'${n.replace(/'/g, "''")}'`).join(',');
  const { rows } = await cluster.query(`select nspname from pg_namespace where nspname in (${list}) order by nspname`, database);
  return rows.map((r) => String(r.nspname));
}

async function pgCtl(cluster: Cluster, args: string[]): Promise<void> {
  const binary = join(cluster.binDir, 'pg_ctl');
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
  await run(cmd, argv);
}

/** `pg_ctl stop -m immediate`: every backend dies at once, nothing is shut down cleanly. */
export async function stopImmediately(cluster: Cluster): Promise<void> {
  await pgCtl(cluster, ['-D', cluster.dataDir, 'stop', '-m', 'immediate', '-w']);
}

/** Starts a cluster stopped with stopImmediately again (crash recovery) and waits until it accepts connections. */
export async function startAgain(cluster: Cluster): Promise<void> {
  await pgCtl(cluster, ['-D', cluster.dataDir, '-l', join(dirname(cluster.dataDir), 'server.log'), '-w', '-t', '180', 'start']);
}

/** A cluster with a template schema `tpl` snapshotted to a file, and a test session that can hold locks (useFaultCluster). */
export interface FaultCluster {
  readonly cluster: Cluster;
  /** A private folder: HOME and cwd of the CLI runs. */
  readonly dir: string;
  /** The snapshot file of `tpl`. */
  readonly snapshot: string;
  /** A test session in an open transaction; rolled back and closed after each test. */
  openHolder(): Promise<pg.Client>;
  /** Holds an advisory lock (key2 a number, or a name hashed with hashtext) in the holder's transaction. */
  holdAdvisoryLock(key1: number, key2: number | string): Promise<pg.Client>;
}

/**
 * Registers the hooks of a fault suite: a cluster with synchronous_commit on (the harness turns it off for speed,
 * and then a crash by pg_ctl -m immediate may lose commits it already acknowledged), database `database` made by
 * templateSql (which creates schema tpl), tpl snapshotted by the real CLI, and the holder ended after each test.
 */
export function useFaultCluster(database: string, templateSql: string): FaultCluster {
  let holder: pg.Client | undefined;
  const state = { cluster: undefined as Cluster | undefined, dir: '', snapshot: '' };
  const fixture: FaultCluster = {
    get cluster(): Cluster {
      if (!state.cluster) throw new Error('the fault cluster is used before beforeAll started it');
      return state.cluster;
    },
    get dir() {
      return state.dir;
    },
    get snapshot() {
      return state.snapshot;
    },
    async openHolder() {
      const client = await fixture.cluster.connect(database);
      client.on('error', () => undefined);
      holder = client;
      await client.query('BEGIN');
      return client;
    },
    async holdAdvisoryLock(key1, key2) {
      const client = await fixture.openHolder();
      if (typeof key2 === 'string') await client.query('select pg_advisory_xact_lock($1, hashtext($2))', [key1, key2]);
      else await client.query('select pg_advisory_xact_lock($1, $2)', [key1, key2]);
      return client;
    },
  };
  beforeAll(async () => {
    const cluster = await startCluster({ conf: { synchronous_commit: 'on' } });
    state.cluster = cluster;
    await cluster.createDatabase(database);
    await cluster.query(templateSql, database);
    state.dir = mkdtempSync(join(tmpdir(), 'tenantry-faults-'));
    state.snapshot = join(state.dir, 'tpl.snap.sql');
    const io: CliIo = { stdout: () => undefined, stderr: () => undefined, env: { PATH: process.env.PATH ?? '', HOME: state.dir }, cwd: state.dir };
    expect(await main(['snapshot', '--schema', 'tpl', '-o', state.snapshot, '--url', cluster.url(database)], io)).toBe(0);
  });
  afterAll(async () => {
    await state.cluster?.stop();
    if (state.dir) rmSync(state.dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await holder?.end().catch(() => undefined);
    holder = undefined;
  });
  return fixture;
}
