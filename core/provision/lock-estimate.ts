/**
 * How many entries of the server's shared lock table one tenant's provisioning
 * transaction occupies. The lock table holds one entry per locked object and
 * backend, whatever the number of modes held on it, and fast-path locks (weak
 * locks on at most 16 relations per backend) stay out of it. Creating a relation
 * locks it until commit, a table with variable-length columns also locks its
 * TOAST table and TOAST index, and an index, sequence or view locks itself;
 * newer minors also lock objects the new ones depend on (LockCosts below).
 * The per-kind costs are measured on the target server by the lock probe and
 * checked against pg_locks inside real provisioning transactions
 * (test/integration/pool/lock-budget.test.ts: generated 20- and 100-table
 * templates and lago on 14.23, 15.18, 15.20 and 17.10, estimate 1.04–1.41x of
 * the measured entries): the estimate is meant to be a little above the
 * truth, never below it.
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

/**
 * Lock table entries per object a tenant creates. They differ between servers,
 * minors included: PostgreSQL 15.20 also takes an object lock on each object a
 * new object's dependencies point at (a table's row type, the constraint behind
 * a primary key or foreign key, a type's element type, a trigger's function),
 * which 15.18, 14.23 and 17.10 do not. Measure them on the target server with
 * the lock probe (lock-probe.ts); DEFAULT_LOCK_COSTS is for when that cannot run.
 */
export interface LockCosts {
  /** Entries besides the tenant's objects. */
  base: number;
  table: number;
  materializedView: number;
  index: number;
  sequence: number;
  view: number;
  routineOrType: number;
  /** A foreign key between two of the tenant's tables. */
  foreignKey: number;
}

/**
 * Costs that hold on every server measured (14.23, 15.18, 15.20, 17.10):
 * the largest of each, so an uncalibrated estimate errs high.
 */
export const DEFAULT_LOCK_COSTS: LockCosts = { base: LOCK_ESTIMATE_BASE, table: 4, materializedView: 4, index: 2, sequence: 1, view: 2, routineOrType: 1, foreignKey: 1 };

/** Estimated lock table entries one tenant's provisioning transaction holds at commit. */
export function estimateTenantLocks(counts: SnapshotObjectCounts, costs: LockCosts = DEFAULT_LOCK_COSTS): number {
  return (
    costs.base +
    costs.table * counts.tables +
    costs.materializedView * counts.materializedViews +
    costs.index * counts.indexes +
    costs.sequence * counts.sequences +
    costs.view * counts.views +
    costs.routineOrType * counts.routinesAndTypes +
    costs.foreignKey * counts.foreignKeys +
    // A foreign key to a table outside the tenant also locks that table and its key's index. Count a quarter.
    Math.ceil(counts.foreignKeys / 4)
  );
}
