/** Citus facts of a provisioning target, read once per pool. */
import type pg from 'pg';
import type { CitusFacts } from '../../../core/citus/citus-facts.js';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { toConnectionError } from '../connection/connection-errors.js';
import { detectCitus } from './detect-citus.js';

const byPool = new WeakMap<pg.Pool, Promise<CitusFacts>>();

/**
 * detectCitus on one of the pool's connections (or `held`, a connection of the pool the caller holds: a pool of
 * one would otherwise wait for itself), remembered for the pool's life; a failed read is retried next time.
 */
export async function readCitusFacts(pool: pg.Pool, profile?: ConnectionProfile, held?: pg.PoolClient): Promise<CitusFacts> {
  let facts = byPool.get(pool);
  if (!facts) {
    facts = (async () => {
      if (held) return detectCitus(held);
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw profile ? toConnectionError(error, profile) : error;
      }
      try {
        return await detectCitus(client);
      } finally {
        client.release();
      }
    })();
    byPool.set(pool, facts);
    facts.catch(() => byPool.delete(pool));
  }
  return facts;
}

/**
 * Whether Citus is installed in the pool's database: the facts the pool has read already, or pg_extension alone. A
 * rollout needs no more at its start, and detectCitus's other half (is Citus available on the server,
 * pg_available_extensions) reads every extension's control file: ~1.5 of its ~2.7 ms of server CPU on a fresh backend
 * (issue 15).
 */
export async function readCitusInstalled(pool: pg.Pool, profile?: ConnectionProfile): Promise<boolean> {
  const known = byPool.get(pool);
  if (known) return (await known).installed;
  try {
    const { rows } = await pool.query<{ installed: boolean }>("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'citus') AS installed");
    return rows[0]?.installed === true;
  } catch (error) {
    throw profile ? toConnectionError(error, profile) : error;
  }
}
