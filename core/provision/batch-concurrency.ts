/**
 * How many tenants one batch provisions (or one rollout migrates) at once, where a caller chooses it: the app's
 * Concurrency and "At a time" fields, the contract's validators for provision:start, migrate:start and
 * migrate:resume, and the CLI's --concurrency. The lock budget
 * (core/provision/lock-budget.ts) may lower a chosen value further for the server at hand.
 */

/** The most tenants a batch may be asked to provision at once. */
export const MAX_BATCH_CONCURRENCY = 64;

/** Tenants at once when none is asked for. */
export const DEFAULT_BATCH_CONCURRENCY = 4;
