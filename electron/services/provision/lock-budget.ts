/**
 * The lock budget of provisioning: how many lock table entries a tenant of a
 * snapshot needs (its statements counted by kind, each kind's cost measured
 * on the server by the lock probe, lock-probe.ts) against what the server's
 * lock table holds (the server's settings). provisionMany and the warm pool
 * call planProvisionLocks before they start, so a snapshot that cannot fit
 * fails with LOCK_TABLE_TOO_SMALL instead of "out of shared memory" halfway.
 */
import type pg from 'pg';
import { countSnapshotObjects } from '../../../core/pool/count-objects.js';
import { planLockBudget, type LockBudget, type LockSettings } from '../../../core/provision/lock-budget.js';
import { estimateTenantLocks, type SnapshotObjectCounts } from '../../../core/provision/lock-estimate.js';
import { measureLockCosts, type MeasuredLockCosts } from './lock-probe.js';

/** Anything that runs a query: a pg.Client, a pg.Pool or a pooled client. */
export interface Queryable {
  query(text: string): Promise<pg.QueryResult>;
}

const SETTINGS: Record<keyof LockSettings, string> = {
  maxLocksPerTransaction: 'max_locks_per_transaction',
  maxConnections: 'max_connections',
  maxPreparedTransactions: 'max_prepared_transactions',
  autovacuumMaxWorkers: 'autovacuum_max_workers',
  maxWorkerProcesses: 'max_worker_processes',
  maxWalSenders: 'max_wal_senders',
};

/**
 * Reads the settings that size the server's lock table (0 for one the server does not have). current_setting() rather
 * than pg_settings, whose view formats every setting of the server to return six: on a fresh backend ~0.6 against
 * ~2.7 ms of server CPU (a rollout reads them at its start, issue 15). These six have no unit, so the text is the
 * number pg_settings.setting gives.
 */
export async function readLockSettings(db: Queryable): Promise<LockSettings> {
  const entries = Object.entries(SETTINGS) as [keyof LockSettings, string][];
  const { rows } = await db.query(`SELECT ${entries.map(([key, name]) => `pg_catalog.current_setting('${name}', true) AS "${key}"`).join(', ')}`);
  const row = (rows[0] ?? {}) as Record<string, string | null>;
  const settings = {} as LockSettings;
  for (const [key] of entries) settings[key] = Number(row[key] ?? 0) || 0;
  return settings;
}

const countCache = new WeakMap<object, SnapshotObjectCounts>();

/** What a snapshot body creates, counted once per body string holder. */
export function countSnapshotBody(body: string | (() => string), cacheKey?: object): SnapshotObjectCounts {
  const cached = cacheKey ? countCache.get(cacheKey) : undefined;
  if (cached) return cached;
  const text = typeof body === 'string' ? body : body();
  const counts = countSnapshotObjects(text);
  if (cacheKey) countCache.set(cacheKey, counts);
  return counts;
}

export interface ProvisionLockPlan extends LockBudget {
  counts: SnapshotObjectCounts;
  settings: LockSettings;
  /** What each kind of object costs on this server, measured by the lock probe (or the defaults when it could not run). */
  costs: MeasuredLockCosts;
}

/**
 * The concurrency provisioning may use for this snapshot on this server; throws
 * LOCK_TABLE_TOO_SMALL (naming max_locks_per_transaction and a value) when one
 * tenant alone does not fit. `body` may be a function (called only when
 * counting is needed); `cacheKey` (e.g. the Snapshot or TenantSource object)
 * avoids re-counting the same body.
 */
export async function planProvisionLocks(db: Queryable, body: string | (() => string), requestedConcurrency: number, cacheKey?: object): Promise<ProvisionLockPlan> {
  const counts = countSnapshotBody(body, cacheKey);
  const settings = await readLockSettings(db);
  const costs = await measureLockCosts(db);
  const budget = planLockBudget({ locksPerTenant: estimateTenantLocks(counts, costs.costs), settings, requestedConcurrency });
  return { ...budget, counts, settings, costs };
}
