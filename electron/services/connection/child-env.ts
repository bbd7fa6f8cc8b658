/**
 * The complete environment for psql and pg_dump. Every PG* variable of the
 * parent is dropped and the ones libpq needs are set on purpose, so the child
 * means what the driver means: no ~/.postgresql/postgresql.crt, root.crt or
 * root.crl, no ~/.pgpass, no pg_service.conf is consulted behind the profile's
 * back (see ../shared/docs/postgres-ssl.md, "The story this tool exists for").
 */
import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatPgpassLine } from '../../../core/connection/pgpass.js';
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
  /** Removes the private directory (passfile included). Safe to call twice. */
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
  const dir = await mkdtemp(join(tmpdir(), 'tenantry-libpq-'));
  await chmod(dir, 0o700);
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    // Paths inside our private 0700 directory that nothing ever creates: libpq
    // stat()s them, gets ENOENT and uses no file, instead of ~/.postgresql/*.
    const absent = (name: string) => join(dir, 'absent', name);

    env.PGHOST = full.host ?? '';
    env.PGPORT = String(full.port);
    env.PGDATABASE = full.database ?? '';
    env.PGUSER = full.user ?? '';
    env.PGAPPNAME = full.application_name ?? 'tenantry';
    if (full.connect_timeout !== undefined) env.PGCONNECT_TIMEOUT = String(full.connect_timeout);
    env.PGSSLMODE = full.sslmode ?? 'prefer';
    // GSS encryption would win over SSL where a Kerberos ticket exists; the driver never uses it.
    env.PGGSSENCMODE = 'disable';
    // No service file and no system psqlrc behind the profile's back.
    env.PGSYSCONFDIR = join(dir, 'sysconf');
    env.PGSERVICEFILE = absent('pg_service.conf');

    if (full.password !== undefined) {
      // A .pgpass line cannot hold a line break; one would even start a second entry.
      if (/[\r\n]/.test(full.password)) throw new TenantryError('CONNECTION_PARAMETER_INVALID', 'The password contains a line break, which psql and pg_dump cannot be given.');
      const passfile = join(dir, 'pgpass');
      // One line matching any server: the file exists for this one child only.
      await writeFile(passfile, formatPgpassLine({}, full.password), { mode: 0o600 });
      env.PGPASSFILE = passfile;
    } else {
      env.PGPASSFILE = absent('pgpass');
    }

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
