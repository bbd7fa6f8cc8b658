/**
 * Throwaway PostgreSQL clusters for integration tests: each starts on a free
 * port on 127.0.0.1 in its own temporary directory and is removed on stop().
 * initdb and postgres refuse to run as root, so as root they run as the
 * `postgres` OS user through runuser with a directory that user owns.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export interface ClusterSsl {
  /** Server certificate (PEM), copied into the data directory. */
  certFile: string;
  keyFile: string;
  /** CA file the server uses to verify client certificates (ssl_ca_file). */
  caFile?: string;
}

export interface ClusterOptions {
  /** Directory holding initdb, pg_ctl and postgres. Default: PostgreSQL 15 from Debian. */
  binDir?: string;
  ssl?: ClusterSsl;
  /** pg_hba.conf lines replacing the default (scram-sha-256 on 127.0.0.1). */
  hba?: string[];
  /** Extra postgresql.conf settings. */
  conf?: Record<string, string | number>;
  /** Password of the superuser `postgres`. */
  password?: string;
  /**
   * A directory to keep the cluster in: created (and initdb run) when it holds none, started again as it was when it
   * holds one from an earlier run, and not removed by stop(). For benchmarks whose fixture takes long to build.
   */
  keepAt?: string;
  /** The directory the throwaway cluster's own directory is made in (default the system's temporary directory). */
  parentDir?: string;
}

export interface Cluster {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  binDir: string;
  dataDir: string;
  /** Server major version, e.g. 15. */
  major: number;
  /** A libpq URI to `database` (default `postgres`). */
  url(database?: string): string;
  /** A connected node-postgres client as the superuser; close it yourself. */
  connect(database?: string): Promise<pg.Client>;
  /** Runs SQL as the superuser in `database`. */
  query(sql: string, database?: string): Promise<pg.QueryResult>;
  /** Creates a database and returns its name. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** Where this machine's PostgreSQL server binaries are (the newest /usr/lib/postgresql/N/bin). */
export function findSystemBinDir(): string {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql; install the postgresql package.');
  const majors = readdirSync(root).filter((d) => /^\d+$/.test(d) && existsSync(join(root, d, 'bin', 'postgres'))).map(Number).sort((a, b) => b - a);
  if (majors.length === 0) throw new Error('No PostgreSQL server binaries under /usr/lib/postgresql/*/bin.');
  return join(root, String(majors[0]), 'bin');
}

/** A free TCP port on 127.0.0.1. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
let postgresIds: { uid: number; gid: number } | undefined;

function postgresUser(): { uid: number; gid: number } {
  if (!postgresIds) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    postgresIds = { uid, gid };
  }
  return postgresIds;
}

/** Hands a path to the OS user the server runs as (postgres when we are root). */
export function giveToServerUser(path: string): void {
  if (!isRoot) return;
  const { uid, gid } = postgresUser();
  chownSync(path, uid, gid);
}

async function runAsServerUser(binary: string, args: string[]): Promise<string> {
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
  const { stdout } = await run(cmd, argv, { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

const live = new Set<Cluster>();
process.once('exit', () => {
  for (const c of live) {
    try {
      execFileSync(isRoot ? 'runuser' : join(c.binDir, 'pg_ctl'), isRoot ? ['-u', 'postgres', '--', join(c.binDir, 'pg_ctl'), '-D', c.dataDir, 'stop', '-m', 'immediate'] : ['-D', c.dataDir, 'stop', '-m', 'immediate'], { stdio: 'ignore' });
    } catch {
      // best effort at exit
    }
  }
});

/** Starts a fresh cluster and waits until it accepts connections. */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const binDir = options.binDir ?? findSystemBinDir();
  const base = options.keepAt ?? mkdtempSync(join(options.parentDir ?? tmpdir(), 'tenantry-pg-'));
  const dataDir = join(base, 'data');
  const kept = options.keepAt !== undefined && existsSync(join(dataDir, 'PG_VERSION'));
  // A kept cluster's password is kept beside it (the data directory holds only its hash).
  const keptPassword = join(base, 'password');
  const password = kept ? readFileSync(keptPassword, 'utf8').trim() : (options.password ?? 'pw-' + Math.random().toString(36).slice(2));
  if (!kept) {
    mkdirSync(base, { recursive: true });
    chmodSync(base, 0o755);
    giveToServerUser(base);
    const pwFile = join(base, 'pwfile');
    writeFileSync(pwFile, password + '\n', { mode: 0o600 });
    giveToServerUser(pwFile);
    await runAsServerUser(join(binDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--pwfile', pwFile, '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
    rmSync(pwFile);
    if (options.keepAt !== undefined) writeFileSync(keptPassword, password + '\n', { mode: 0o600 });
  }

  const port = await findFreePort();
  const conf: Record<string, string | number> = {
    listen_addresses: "'127.0.0.1'",
    port,
    unix_socket_directories: `'${base}'`,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: 50,
    ...options.conf,
  };
  if (options.ssl) {
    for (const [name, src] of [['server.crt', options.ssl.certFile], ['server.key', options.ssl.keyFile], ['ca.crt', options.ssl.caFile]] as const) {
      if (!src) continue;
      const dest = join(dataDir, name);
      copyFileSync(src, dest);
      chmodSync(dest, 0o600);
      giveToServerUser(dest);
    }
    conf.ssl = 'on';
    conf.ssl_cert_file = "'server.crt'";
    conf.ssl_key_file = "'server.key'";
    if (options.ssl.caFile) conf.ssl_ca_file = "'ca.crt'";
  }
  const confText = Object.entries(conf).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n';
  writeFileSync(join(dataDir, 'postgresql.auto.conf'), confText);
  giveToServerUser(join(dataDir, 'postgresql.auto.conf'));
  if (options.hba) {
    writeFileSync(join(dataDir, 'pg_hba.conf'), ['local all all trust', ...options.hba].join('\n') + '\n');
    giveToServerUser(join(dataDir, 'pg_hba.conf'));
  }

  await runAsServerUser(join(binDir, 'pg_ctl'), ['-D', dataDir, '-l', join(base, 'server.log'), '-w', '-t', '60', 'start']);
  const version = await runAsServerUser(join(binDir, 'postgres'), ['--version']);
  const major = Number(/(\d+)(?:\.\d+)?/.exec(version)?.[1] ?? 0);

  const cluster: Cluster = {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password,
    database: 'postgres',
    binDir,
    dataDir,
    major,
    url: (database = 'postgres') => `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    async connect(database = 'postgres') {
      // Local superuser connection over the Unix socket (trust): works for SSL-only hba set-ups too.
      const client = new pg.Client({ host: base, port, user: 'postgres', database });
      await client.connect();
      return client;
    },
    async query(sql, database = 'postgres') {
      const client = await cluster.connect(database);
      try {
        return await client.query(sql);
      } finally {
        await client.end();
      }
    },
    async createDatabase(name) {
      await cluster.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      return name;
    },
    async stop() {
      live.delete(cluster);
      if (options.keepAt !== undefined) {
        // Kept for the next run: a clean shutdown, so that it starts without recovery.
        await runAsServerUser(join(binDir, 'pg_ctl'), ['-D', dataDir, 'stop', '-m', 'fast']);
        return;
      }
      try {
        await runAsServerUser(join(binDir, 'pg_ctl'), ['-D', dataDir, 'stop', '-m', 'immediate']);
      } finally {
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
  live.add(cluster);
  return cluster;
}
