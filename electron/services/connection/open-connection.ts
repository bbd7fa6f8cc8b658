/**
 * The one place where the dump/provision/verify services turn a
 * ConnectionProfile into a node-postgres client, a pool or a child
 * environment. The translations themselves are the connection service's
 * (electron/services/connection/); this file adds the error mapping these
 * services want.
 */
import pg from 'pg';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { TenantryError, isTenantryError } from '../../../core/errors.js';
import { quoteIdentifier } from '../../../core/sql/quote.js';
import { buildChildEnvironment } from './child-env.js';
import { absorbConnectionErrors, chooseDriverConfig, connectDriver } from './driver-config.js';

const AUTH_SQLSTATES = new Set(['28P01', '28000']);

/** Translates a connect failure into a TenantryError. */
export function toConnectionError(error: unknown, profile: ConnectionProfile): TenantryError {
  if (isTenantryError(error)) return error;
  const sqlstate = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const where = `${profile.user ?? '(default user)'}@${profile.host ?? 'localhost'}:${profile.port ?? 5432}/${profile.database ?? '(default database)'}`;
  if (sqlstate && AUTH_SQLSTATES.has(sqlstate)) {
    return new TenantryError('PG_AUTH_FAILED', `Authentication failed for ${where}. Check the user name and password.`, { detail: message, cause: error });
  }
  if (sqlstate === '3D000') {
    const server = `${profile.host ?? 'localhost'}:${profile.port ?? 5432}`;
    return new TenantryError('PG_CONNECTION_FAILED', `The server at ${server} answered, but it has no database "${profile.database ?? profile.user ?? ''}". Check the database name (names are case-sensitive; \`psql -l\` lists them).`, {
      detail: `${sqlstate}: ${message}`,
      cause: error,
    });
  }
  if (sqlstate === '42501') {
    const db = profile.database ?? '(default database)';
    const role = profile.user ?? '(default user)';
    return new TenantryError('PG_CONNECTION_FAILED', `Role "${role}" may not connect to database "${db}". Ask an administrator to run: GRANT CONNECT ON DATABASE ${quoteIdentifier(db)} TO ${quoteIdentifier(role)};`, {
      detail: `${sqlstate}: ${message}`,
      cause: error,
    });
  }
  return new TenantryError('PG_CONNECTION_FAILED', `Could not connect to ${where}. Check that the server runs and the connection settings are right.`, {
    detail: sqlstate ? `${sqlstate}: ${message}` : message,
    cause: error,
  });
}

/** Opens one connected client; close it with end(). */
export async function openClient(profile: ConnectionProfile): Promise<pg.Client> {
  try {
    return await connectDriver(profile);
  } catch (error) {
    throw toConnectionError(error, profile);
  }
}

/** Connection recycling for long runs: a backend's catalog caches grow with every schema it reads, so a long run ends connections after some uses or some time. */
export interface PoolRecycling {
  maxUses?: number;
  maxLifetimeSeconds?: number;
}

/** A pool of connections for one profile (connects once to settle TLS vs plaintext). */
export async function createPool(profile: ConnectionProfile, max: number, recycling: PoolRecycling = {}): Promise<pg.Pool> {
  let config: pg.ClientConfig;
  try {
    config = await chooseDriverConfig(profile);
  } catch (error) {
    throw toConnectionError(error, profile);
  }
  return absorbConnectionErrors(new pg.Pool({ ...config, max, ...recycling }));
}

/** The complete environment for a pg_dump/psql child of libpq `libpqMajor`; call cleanup() when the child is done. */
export async function buildChildEnv(profile: ConnectionProfile, libpqMajor: number, baseEnv?: NodeJS.ProcessEnv): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
  return buildChildEnvironment(profile, { libpqMajor, ...(baseEnv ? { baseEnv } : {}) });
}
