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
