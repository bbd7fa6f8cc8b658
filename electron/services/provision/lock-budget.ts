/**
 * The lock budget of provisioning: how many lock table entries a tenant of a
 * snapshot needs (its statements counted by kind, each kind's cost measured
 * on the server by the lock probe, lock-probe.ts) against what the server's
 * lock table holds (read from pg_settings). provisionMany and the warm pool
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

/** Reads the settings that size the server's lock table. */
export async function readLockSettings(db: Queryable): Promise<LockSettings> {
  const names = Object.values(SETTINGS).map((n) => `'${n}'`).join(', ');
  const { rows } = await db.query(`SELECT name, setting FROM pg_catalog.pg_settings WHERE name IN (${names})`);
  const byName = new Map<string, number>((rows as { name: string; setting: string }[]).map((r) => [r.name, Number(r.setting)]));
  const settings = {} as LockSettings;
  for (const [key, name] of Object.entries(SETTINGS) as [keyof LockSettings, string][]) settings[key] = byName.get(name) ?? 0;
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
