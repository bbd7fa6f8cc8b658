import { TenantryError } from '../errors.js';

/** The server settings that size the shared lock table (read from pg_settings). */
export interface LockSettings {
  maxLocksPerTransaction: number;
  maxConnections: number;
  maxPreparedTransactions: number;
  /** Background processes that also get lock table room (PostgreSQL's MaxBackends); 0 when unknown. */
  autovacuumMaxWorkers: number;
  maxWorkerProcesses: number;
  maxWalSenders: number;
}

export interface LockBudget {
  /** Estimated lock table entries per tenant transaction. */
  locksPerTenant: number;
  /** Entries the server's lock table holds. */
  capacity: number;
  /** Tenants that fit side by side, leaving a share of the table to everyone else. */
  maxConcurrency: number;
  /** The concurrency to use: the requested one, capped by maxConcurrency. */
  concurrency: number;
  /** Whether the requested concurrency was lowered. */
  capped: boolean;
}

/** Share of the lock table provisioning may use when running tenants side by side; the rest stays for the application. */
export const LOCK_TABLE_SHARE = 0.75;

/**
 * Entries of the shared lock table: max_locks_per_transaction × (MaxBackends +
 * max_prepared_transactions), where MaxBackends counts max_connections plus
 * autovacuum workers, the launcher, background workers and WAL senders
 * (src/backend/storage/lmgr/lock.c, NLOCKENTS). The documentation's shorter
 * formula, max_locks_per_transaction × (max_connections + max_prepared_transactions),
 * is the same without the background processes.
 */
export function computeLockTableCapacity(s: LockSettings): number {
  const backends = s.maxConnections + s.autovacuumMaxWorkers + (s.autovacuumMaxWorkers > 0 ? 1 : 0) + s.maxWorkerProcesses + s.maxWalSenders;
  return s.maxLocksPerTransaction * (backends + s.maxPreparedTransactions);
}

/** The smallest max_locks_per_transaction (rounded up to a multiple of 64) that lets `tenants` tenants fit. */
export function suggestMaxLocksPerTransaction(locksPerTenant: number, tenants: number, s: LockSettings): number {
  const slots = computeLockTableCapacity({ ...s, maxLocksPerTransaction: 1 });
  const needed = Math.ceil((locksPerTenant * tenants) / LOCK_TABLE_SHARE / Math.max(slots, 1));
  return Math.max(64, Math.ceil(needed / 64) * 64);
}

/**
 * Decides how many tenants may be provisioned side by side without running the
 * server out of lock table entries ("out of shared memory"). Throws
 * LOCK_TABLE_TOO_SMALL, naming the setting and a value, when one tenant alone
 * does not fit.
 */
export function planLockBudget(input: { locksPerTenant: number; settings: LockSettings; requestedConcurrency: number }): LockBudget {
  const { locksPerTenant, settings } = input;
  const requested = Math.max(1, Math.floor(input.requestedConcurrency));
  const capacity = computeLockTableCapacity(settings);
  if (locksPerTenant > capacity) {
    const value = suggestMaxLocksPerTransaction(locksPerTenant, 1, settings);
    throw new TenantryError(
      'LOCK_TABLE_TOO_SMALL',
      `One tenant of this snapshot needs about ${locksPerTenant} locks in a single transaction, but the server's lock table holds ${capacity}. ` +
        `Set max_locks_per_transaction to at least ${value} (now ${settings.maxLocksPerTransaction}) and restart PostgreSQL.`,
      {
        detail:
          `lock table = max_locks_per_transaction ${settings.maxLocksPerTransaction} × (max_connections ${settings.maxConnections} + background processes ` +
          `${settings.autovacuumMaxWorkers + (settings.autovacuumMaxWorkers > 0 ? 1 : 0) + settings.maxWorkerProcesses + settings.maxWalSenders} + max_prepared_transactions ${settings.maxPreparedTransactions}) = ${capacity}\n` +
          `ALTER SYSTEM SET max_locks_per_transaction = ${value};  -- then restart the server`,
      },
    );
  }
  const maxConcurrency = Math.max(1, Math.floor((capacity * LOCK_TABLE_SHARE) / Math.max(locksPerTenant, 1)));
  const concurrency = Math.min(requested, maxConcurrency);
  return { locksPerTenant, capacity, maxConcurrency, concurrency, capped: concurrency < requested };
}
