/**
 * The one place where the dump/provision/verify services turn a
 * ConnectionProfile into a node-postgres client, a pool or a child
 * environment. The translations themselves are the connection service's
 * (driver-config.ts, child-env.ts); a failed connect is translated by
 * connection-errors.ts.
 */
import pg from 'pg';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { buildChildEnvironment } from './child-env.js';
import { absorbConnectionErrors, chooseDriverConfig, connectDriver } from './driver-config.js';
import { toConnectionError } from './connection-errors.js';

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

/**
 * Opens `count` of the pool's connections now, all at once, and leaves them idle in the pool for the work that follows
 * (a rollout's lanes and runner: a connection opened in the middle of the run costs it the new backend's start).
 * Best effort: a connection that fails to open is left for the work to open and report. `count` must leave the pool
 * room for nothing else at the same time: call it before other work uses the pool, never beside it.
 */
export async function openPoolConnections(pool: pg.Pool, count: number): Promise<void> {
  const opened = await Promise.allSettled(Array.from({ length: Math.max(0, count) }, () => pool.connect()));
  for (const c of opened) if (c.status === 'fulfilled') c.value.release();
}

/** Runs work on a pool of `max` connections for the profile and ends the pool afterwards, whatever happens. */
export async function withPool<T>(profile: ConnectionProfile, work: (db: pg.Pool) => Promise<T>, max = 2): Promise<T> {
  const db = await createPool(profile, max);
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}

/** The complete environment for a pg_dump/psql child of libpq `libpqMajor`; call cleanup() when the child is done. */
export async function buildChildEnv(profile: ConnectionProfile, libpqMajor: number, baseEnv?: NodeJS.ProcessEnv): Promise<{ env: Record<string, string>; cleanup: () => Promise<void> }> {
  return buildChildEnvironment(profile, { libpqMajor, ...(baseEnv ? { baseEnv } : {}) });
}
