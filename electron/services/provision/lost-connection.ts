/**
 * What to report when a tenant's connection breaks (a backend terminated, the
 * server stopped, the network gone). Before COMMIT was sent the server rolls
 * the transaction back; once it may have been sent, only the catalog knows.
 * So the answer comes from a fresh connection, never from a guess: the
 * schema exists (the commit went through), it does not, or nobody can tell
 * because the server cannot be reached.
 */
import type pg from 'pg';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { TenantryError } from '../../../core/errors.js';
import { openClient } from '../connection/open-connection.js';
import { formatPgError } from '../errors/pg-error.js';

/** SQLSTATEs of a session the server ended: admin_shutdown, crash_shutdown, cannot_connect_now, idle_session_timeout. */
const SESSION_ENDED = new Set(['57P01', '57P02', '57P03', '57P05']);
const LOST_TEXT = /Connection terminated|not queryable|server closed the connection|connection to server was lost|no connection to the server|terminating connection|SSL SYSCALL error|could not receive data from server|could not send data to server/i;
const LOST_ERRNO = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Whether an error from a driver query means the connection is gone (not a statement that failed). */
export function isConnectionLost(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (SESSION_ENDED.has(code) || code.startsWith('08') || LOST_ERRNO.has(code)) return true;
  return typeof e.message === 'string' && LOST_TEXT.test(e.message);
}

/** How a tenant whose connection broke ended. */
export type LostTenantOutcome = { exists: true; note: string } | { exists: false; error: TenantryError };

export interface LostTenantFacts {
  tenant: string;
  /** Whether COMMIT may have reached the server (false: the server rolled back; nothing was created). */
  commitMayHaveBeenSent: boolean;
  /** The broken connection's backend pid: if it still runs (the network broke, not the backend) it is ended first. */
  backendPid?: number;
  /** For psql, whose pid is unknown: the unique application_name its transaction set, to find the backend by. */
  backendApplicationName?: string;
  cause: unknown;
  /** How long to wait for a fresh connection, in seconds (default 10). */
  connectTimeoutSeconds?: number;
}

/** A fresh connection to ask the catalog on. */
export interface FreshConnection {
  query(sql: string, values?: unknown[]): Promise<{ rowCount: number | null }>;
  close(): Promise<void>;
}

/** Fresh connections from a profile (a new client each time, with a bounded connect timeout). */
export function freshFromProfile(profile: ConnectionProfile, connectTimeoutSeconds = 10): () => Promise<FreshConnection> {
  return async () => {
    const client = await openClient({ ...profile, connect_timeout: Math.min(profile.connect_timeout ?? Infinity, connectTimeoutSeconds) });
    return { query: (sql, values) => client.query(sql, values), close: () => client.end() };
  };
}

/** Fresh connections from a pool (it replaces the broken one with a new connection). */
export function freshFromPool(pool: pg.Pool): () => Promise<FreshConnection> {
  return async () => {
    const client = await pool.connect();
    return {
      query: (sql, values) => client.query(sql, values),
      close: async () => client.release(),
    };
  };
}

/** Settles a tenant whose connection broke: asks the catalog on a fresh connection when the commit may have gone through. */
export async function settleLostTenant(profile: ConnectionProfile | (() => Promise<FreshConnection>), facts: LostTenantFacts): Promise<LostTenantOutcome> {
  const { tenant, cause } = facts;
  const openFresh = typeof profile === 'function' ? profile : freshFromProfile(profile, facts.connectTimeoutSeconds);
  const lost = formatPgError(cause);
  if (!facts.commitMayHaveBeenSent) {
    return {
      exists: false,
      error: new TenantryError('PG_CONNECTION_LOST', `The connection broke while tenant "${tenant}" was being created, before COMMIT; the server rolled it back and nothing was created.`, { detail: lost, cause }),
    };
  }
  let client: FreshConnection;
  try {
    client = await openFresh();
  } catch (error) {
    return {
      exists: false,
      error: new TenantryError(
        'PROVISION_OUTCOME_UNKNOWN',
        `The connection broke while tenant "${tenant}" was being committed, and the server cannot be reached to check whether the commit went through: unknown whether schema "${tenant}" exists. When the server is back, check with \`tenantry schemas\` (or verify it) before retrying.`,
        { detail: `${lost}\nreconnecting: ${error instanceof Error ? error.message : String(error)}`, cause },
      ),
    };
  }
  try {
    if (facts.backendPid !== undefined || facts.backendApplicationName !== undefined) await endOldBackend(client, facts.backendPid ?? null, facts.backendApplicationName ?? null);
    const { rowCount } = await client.query('select 1 from pg_catalog.pg_namespace where nspname = $1', [tenant]);
    if (rowCount) return { exists: true, note: `The connection broke during COMMIT; a fresh connection shows schema "${tenant}" exists, so the commit went through.` };
    return {
      exists: false,
      error: new TenantryError('PG_CONNECTION_LOST', `The connection broke while tenant "${tenant}" was being created; a fresh connection shows schema "${tenant}" does not exist, so nothing was created.`, { detail: lost, cause }),
    };
  } catch (error) {
    return {
      exists: false,
      error: new TenantryError('PROVISION_OUTCOME_UNKNOWN', `The connection broke while tenant "${tenant}" was being committed, and checking the catalog failed too: unknown whether schema "${tenant}" exists. Check with \`tenantry schemas\` before retrying.`, {
        detail: `${lost}\nchecking: ${error instanceof Error ? error.message : String(error)}`,
        cause,
      }),
    };
  } finally {
    await client.close().catch(() => undefined);
  }
}

/**
 * A backend whose client vanished (a network fault, not a terminated backend)
 * still runs the statement it was sent, COMMIT included. End it and wait until
 * it is gone, so the catalog read afterwards is final.
 */
async function endOldBackend(client: FreshConnection, pid: number | null, applicationName: string | null): Promise<void> {
  const match = 'from pg_catalog.pg_stat_activity where (pid = $1 or application_name = $2) and pid <> pg_catalog.pg_backend_pid()';
  const alive = async () => ((await client.query(`select 1 ${match}`, [pid, applicationName])).rowCount ?? 0) > 0;
  if (!(await alive())) return;
  await client.query(`select pg_catalog.pg_terminate_backend(pid) ${match}`, [pid, applicationName]);
  const deadline = Date.now() + 10_000;
  while (await alive()) {
    if (Date.now() > deadline) throw new Error(`the backend of the broken connection (${pid ?? applicationName}) is still running after pg_terminate_backend`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
