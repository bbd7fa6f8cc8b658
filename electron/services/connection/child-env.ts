/**
 * The complete environment for psql and pg_dump. Every PG* variable of the
 * parent is dropped and the ones libpq needs are set on purpose, so the child
 * means what the driver means: no ~/.postgresql/postgresql.crt, root.crt or
 * root.crl, no ~/.pgpass, no pg_service.conf is consulted behind the profile's
 * back (https://www.postgresql.org/docs/current/libpq-envars.html and
 * https://www.postgresql.org/docs/current/libpq-ssl.html: libpq reads those
 * files by default when a setting does not name others).
 */
import { CONNECTION_STARTUP_OPTIONS } from '../../../core/provision/session-preamble.js';
import { chmod, lstat, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSslPolicy } from '../../../core/connection/ssl-policy.js';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { TenantryError } from '../../../core/errors.js';
import { applyDefaults } from './defaults.js';
import { checkProfileSsl } from './driver-config.js';

export interface ChildEnvironmentOptions {
  /** Major version of the libpq the child uses (psql --version). */
  libpqMajor: number;
  /** The environment to start from (PG* variables are removed); default process.env. */
  baseEnv?: NodeJS.ProcessEnv;
}

export interface ChildEnvironment {
  env: Record<string, string>;
  /** Removes the private directory (the sslpassword service file included). Safe to call twice. */
  cleanup: () => Promise<void>;
}

function unsupported(option: string, needs: number, have: number): TenantryError {
  return new TenantryError(
    'CONNECTION_OPTION_UNSUPPORTED_BY_CLIENT',
    `${option} needs libpq ${needs} or newer, and the psql/pg_dump in use has libpq ${have}. Install newer PostgreSQL client tools or remove ${option.split('=')[0]} from the connection settings.`,
  );
}

/** Refuses options the child's libpq does not know instead of letting it ignore or misread them. */
export function checkClientSupport(profile: ConnectionProfile, libpqMajor: number): void {
  if (profile.sslrootcert === 'system' && libpqMajor < 16) throw unsupported('sslrootcert=system', 16, libpqMajor);
  // sslcertmode=disable/allow can be reproduced on older libpq (see below); require cannot.
  if (profile.sslcertmode === 'require' && libpqMajor < 16) throw unsupported('sslcertmode=require', 16, libpqMajor);
  if (profile.sslnegotiation === 'direct' && libpqMajor < 17) throw unsupported('sslnegotiation=direct', 17, libpqMajor);
}

/** A service-file value cannot be quoted (libpq trims it); refuse what it cannot carry. */
function serviceFileValue(value: string): string {
  if (/[\r\n]/.test(value) || value !== value.trim()) {
    throw new TenantryError('CONNECTION_PARAMETER_INVALID', 'sslpassword has a line break or leading/trailing spaces, which psql cannot be given.');
  }
  return value;
}

const CHILD_DIR_PREFIX = 'tenantry-libpq-';
/** Directories of earlier versions had no pid in the name (and held a plaintext passfile): swept once this old. */
const LEGACY_DIR_AGE_MS = 3600_000;

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else (the pid was reused), so it is alive for our purposes.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes private directories that a killed Tenantry process left in `base`
 * (SIGKILL skips every cleanup): only directories (never symlinks) owned by
 * this user, named with a pid that no longer runs, or, from earlier versions
 * without a pid in the name, untouched for an hour. Returns what it removed.
 */
export async function sweepStaleChildDirs(base = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const names = await readdir(base).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(CHILD_DIR_PREFIX)) continue;
    const path = join(base, name);
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isDirectory() || (uid !== undefined && info.uid !== uid)) continue;
    const pid = /^tenantry-libpq-(\d+)-/.exec(name)?.[1];
    const stale = pid !== undefined ? Number(pid) !== process.pid && !isProcessAlive(Number(pid)) : Date.now() - info.mtimeMs > LEGACY_DIR_AGE_MS;
    if (!stale) continue;
    await rm(path, { recursive: true, force: true }).catch(() => undefined);
    removed.push(path);
  }
  return removed;
}

let swept: Promise<unknown> | undefined;

/** Builds the child environment for psql/pg_dump from a profile; call cleanup() when the child has exited. */
export async function buildChildEnvironment(profile: ConnectionProfile, options: ChildEnvironmentOptions): Promise<ChildEnvironment> {
  const full = applyDefaults(profile);
  const major = options.libpqMajor;
  checkClientSupport(full, major);
  checkProfileSsl(full, describeSslPolicy(full));

  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.baseEnv ?? process.env)) {
    if (value !== undefined && !key.startsWith('PG')) env[key] = value;
  }
  swept ??= sweepStaleChildDirs().catch(() => undefined);
  await swept;
  // The pid in the name tells a later run whether the directory's owner still lives (sweepStaleChildDirs).
  const dir = await mkdtemp(join(tmpdir(), `${CHILD_DIR_PREFIX}${process.pid}-`));
  await chmod(dir, 0o700);
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    // Paths inside our private 0700 directory that nothing ever creates: libpq
    // stat()s them, gets ENOENT and uses no file, instead of ~/.postgresql/*.
    const absent = (name: string) => join(dir, 'absent', name);

    env.PGHOST = full.host ?? '';
    // libpq connects to hostaddr and still checks the certificate (verify-full) against PGHOST.
    if (full.hostaddr !== undefined) env.PGHOSTADDR = full.hostaddr;
    env.PGPORT = String(full.port);
    env.PGDATABASE = full.database ?? '';
    env.PGUSER = full.user ?? '';
    env.PGAPPNAME = full.application_name ?? 'tenantry';
    // pg_dump then writes literals for standard_conforming_strings = on, and psql reads the script with it on.
    env.PGOPTIONS = CONNECTION_STARTUP_OPTIONS;
    if (full.connect_timeout !== undefined) env.PGCONNECT_TIMEOUT = String(full.connect_timeout);
    env.PGSSLMODE = full.sslmode ?? 'prefer';
    // GSS encryption would win over SSL where a Kerberos ticket exists; the driver never uses it.
    env.PGGSSENCMODE = 'disable';
    // No service file and no system psqlrc behind the profile's back.
    env.PGSYSCONFDIR = join(dir, 'sysconf');
    env.PGSERVICEFILE = absent('pg_service.conf');

    // The password travels in the child's environment only: nothing on disk that a killed process could leave
    // behind (a passfile did: SIGKILL skipped its cleanup). A process's environment is readable by its own user
    // and root only (/proc/PID/environ is 0400), like a 0600 file, and it never appears in argv. libpq cannot
    // read a passfile from a pipe (it must be a plain file), so /dev/fd/N is no alternative.
    if (full.password !== undefined) env.PGPASSWORD = full.password;
    env.PGPASSFILE = absent('pgpass');

    env.PGSSLROOTCERT = full.sslrootcert ?? absent('root.crt');
    env.PGSSLCRL = full.sslcrl ?? absent('root.crl');

    const sendCert = full.sslcert !== undefined && full.sslcertmode !== 'disable';
    if (sendCert) {
      env.PGSSLCERT = full.sslcert ?? '';
      env.PGSSLKEY = full.sslkey ?? '';
      if (full.sslcertmode !== undefined) env.PGSSLCERTMODE = full.sslcertmode;
    } else {
      // Explicit absent paths work on every libpq version; on 16+ also say so directly.
      env.PGSSLCERT = absent('postgresql.crt');
      env.PGSSLKEY = absent('postgresql.key');
      if (major >= 16) env.PGSSLCERTMODE = 'disable';
    }
    if (full.sslminprotocolversion !== undefined) env.PGSSLMINPROTOCOLVERSION = full.sslminprotocolversion;
    if (full.sslnegotiation === 'direct') env.PGSSLNEGOTIATION = 'direct';

    if (full.sslpassword !== undefined && sendCert) {
      // libpq has no variable for sslpassword; a private 0600 service file carries it
      // instead of the command line.
      const serviceFile = join(dir, 'pg_service.conf');
      await writeFile(serviceFile, `[tenantry]\nsslpassword=${serviceFileValue(full.sslpassword)}\n`, { mode: 0o600 });
      env.PGSERVICEFILE = serviceFile;
      env.PGSERVICE = 'tenantry';
    }
    return { env, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
