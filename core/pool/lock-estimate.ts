/**
 * How many entries of the server's shared lock table one tenant's provisioning
 * transaction occupies. The lock table holds one entry per locked object and
 * backend, whatever the number of modes held on it, and fast-path locks (weak
 * locks on at most 16 relations per backend) stay out of it. Creating a relation
 * locks it until commit, a table with variable-length columns also locks its
 * TOAST table and TOAST index, and an index, sequence or view locks itself.
 * Calibrated against pg_locks inside real provisioning transactions
 * (test/integration/pool/lock-budget.test.ts: generated 20- and 100-table
 * templates and lago, estimate 1.04–1.17x of the measured entries): the
 * estimate is meant to be a little above the truth, never below it.
 */
export interface SnapshotObjectCounts {
  /** CREATE TABLE (each may bring a TOAST table and its index). */
  tables: number;
  /** CREATE INDEX and PRIMARY KEY / UNIQUE / EXCLUDE constraints (each builds an index). */
  indexes: number;
  /** CREATE SEQUENCE and identity columns. */
  sequences: number;
  views: number;
  /** Materialized views: a relation with storage, like a table. */
  materializedViews: number;
  /** Types, domains, functions, procedures, aggregates, operators: one object lock each at most. */
  routinesAndTypes: number;
  /** Foreign keys: the referenced table is locked too (already counted when it is in the tenant). */
  foreignKeys: number;
  /** Statements of the snapshot, for reporting. */
  statements: number;
}

/** Entries a transaction needs besides the tenant's objects (schema, advisory lock, catalogs outside the fast path). */
export const LOCK_ESTIMATE_BASE = 16;

/** Estimated lock table entries one tenant's provisioning transaction holds at commit. */
export function estimateTenantLocks(counts: SnapshotObjectCounts): number {
  return (
    LOCK_ESTIMATE_BASE +
    3 * counts.tables +
    3 * counts.materializedViews +
    counts.indexes +
    counts.sequences +
    counts.views +
    counts.routinesAndTypes +
    // A foreign key to a table of the tenant locks nothing new; to one outside it does. Count a quarter.
    Math.ceil(counts.foreignKeys / 4)
  );
}
