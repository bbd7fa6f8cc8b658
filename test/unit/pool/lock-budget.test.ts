import { describe, expect, it } from 'vitest';
import { computeLockTableCapacity, planLockBudget, suggestMaxLocksPerTransaction, type LockSettings } from '../../../core/pool/lock-budget.js';
import { estimateTenantLocks, LOCK_ESTIMATE_BASE } from '../../../core/pool/lock-estimate.js';
import { countSnapshotObjects } from '../../../core/pool/count-objects.js';
import { splitStatements } from '../../../core/pool/split-statements.js';
import type { TenantryError } from '../../../core/errors.js';

const defaults: LockSettings = { maxLocksPerTransaction: 64, maxConnections: 100, maxPreparedTransactions: 0, autovacuumMaxWorkers: 3, maxWorkerProcesses: 8, maxWalSenders: 10 };

describe('lock table capacity', () => {
  it('is max_locks_per_transaction × (MaxBackends + max_prepared_transactions)', () => {
    // MaxBackends = 100 + 3 autovacuum workers + 1 launcher + 8 workers + 10 WAL senders = 122
    expect(computeLockTableCapacity(defaults)).toBe(64 * 122);
    expect(computeLockTableCapacity({ ...defaults, maxPreparedTransactions: 10 })).toBe(64 * 132);
    expect(computeLockTableCapacity({ ...defaults, autovacuumMaxWorkers: 0, maxWorkerProcesses: 0, maxWalSenders: 0 })).toBe(6400);
  });
});

describe('planLockBudget', () => {
  it('keeps the requested concurrency when it fits', () => {
    const plan = planLockBudget({ locksPerTenant: 500, settings: defaults, requestedConcurrency: 4 });
    expect(plan).toMatchObject({ concurrency: 4, capped: false, capacity: 7808 });
    expect(plan.maxConcurrency).toBe(Math.floor((7808 * 0.75) / 500));
  });

  it('caps concurrency to what the lock table holds', () => {
    const plan = planLockBudget({ locksPerTenant: 3500, settings: defaults, requestedConcurrency: 4 });
    expect(plan).toMatchObject({ concurrency: 1, maxConcurrency: 1, capped: true });
  });

  it('fails before starting when one tenant cannot fit, naming the setting and a value that works', () => {
    let error: TenantryError | undefined;
    try {
      planLockBudget({ locksPerTenant: 9000, settings: defaults, requestedConcurrency: 2 });
    } catch (e) {
      error = e as TenantryError;
    }
    expect(error?.code).toBe('LOCK_TABLE_TOO_SMALL');
    const value = suggestMaxLocksPerTransaction(9000, 1, defaults);
    expect(error?.userMessage).toContain(`max_locks_per_transaction to at least ${value}`);
    expect(error?.detail).toContain(`ALTER SYSTEM SET max_locks_per_transaction = ${value}`);
    // The suggested value really makes one tenant fit.
    expect(() => planLockBudget({ locksPerTenant: 9000, settings: { ...defaults, maxLocksPerTransaction: value }, requestedConcurrency: 1 })).not.toThrow();
    expect(value % 64).toBe(0);
  });
});

describe('estimateTenantLocks', () => {
  it('counts what each statement creates', () => {
    const sql = `
-- Name: t; Type: TABLE
CREATE TABLE s.t (id integer, body text);
CREATE UNLOGGED TABLE s.u (id integer);
CREATE SEQUENCE s.t_id_seq;
ALTER TABLE s.t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME s.t_id2_seq);
ALTER TABLE ONLY s.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);
ALTER TABLE ONLY s.t ADD CONSTRAINT "odd name" UNIQUE (body);
ALTER TABLE ONLY s.u ADD CONSTRAINT u_fk FOREIGN KEY (id) REFERENCES s.t(id);
CREATE INDEX t_body_idx ON s.t (body);
CREATE UNIQUE INDEX t_x ON s.t (id);
CREATE VIEW s.v AS SELECT 1;
CREATE MATERIALIZED VIEW s.m AS SELECT 1;
CREATE TYPE s.e AS ENUM ('a');
CREATE DOMAIN s.d AS int;
CREATE FUNCTION s.f() RETURNS int LANGUAGE sql AS $$ CREATE TABLE s.not_counted (x int); SELECT 1 $$;
CREATE TRIGGER tr AFTER INSERT ON s.t FOR EACH ROW EXECUTE FUNCTION s.f();
COMMENT ON TABLE s.t IS 'CREATE TABLE x (y int);';
`;
    const counts = countSnapshotObjects(splitStatements(sql).map((s) => s.text));
    expect(counts).toEqual({ tables: 2, indexes: 4, sequences: 2, views: 1, materializedViews: 1, routinesAndTypes: 3, foreignKeys: 1, statements: 16 });
    expect(estimateTenantLocks(counts)).toBe(LOCK_ESTIMATE_BASE + 6 + 3 + 4 + 2 + 1 + 3 + 1);
  });
});
