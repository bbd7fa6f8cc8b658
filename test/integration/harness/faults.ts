/**
 * Faults for integration tests: the CLI as a real child process (so an
 * unhandled 'error' event really ends it), waiting for backends in
 * pg_stat_activity (no fixed sleeps), terminating them, and stopping and
 * starting a cluster the hard way (`pg_ctl -m immediate`).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Cluster } from '../../../support/cluster.js';

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
