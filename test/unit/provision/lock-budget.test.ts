import { describe, expect, it } from 'vitest';
import { computeLockTableCapacity, planLockBudget, suggestMaxLocksPerTransaction, type LockSettings } from '../../../core/provision/lock-budget.js';
import { DEFAULT_LOCK_COSTS, estimateTenantLocks, LOCK_ESTIMATE_BASE, type LockCosts } from '../../../core/provision/lock-estimate.js';
import { buildLockProbe, deriveLockCosts } from '../../../core/provision/lock-probe.js';
import { countSnapshotObjects } from '../../../core/pool/count-objects.js';
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
    const counts = countSnapshotObjects(sql);
    expect(counts).toEqual({ tables: 2, indexes: 4, sequences: 2, views: 1, materializedViews: 1, routinesAndTypes: 3, foreignKeys: 1, statements: 16 });
    // PostgreSQL 15.18's costs: 3 per table and materialized view, 1 per index, sequence, view, routine or type; a quarter per foreign key.
    const pg1518: LockCosts = { base: LOCK_ESTIMATE_BASE, table: 3, materializedView: 3, index: 1, sequence: 1, view: 1, routineOrType: 1, foreignKey: 0 };
    expect(estimateTenantLocks(counts, pg1518)).toBe(LOCK_ESTIMATE_BASE + 6 + 3 + 4 + 2 + 1 + 3 + 1);
    // 15.20 also locks each table's row type and each index's or foreign key's constraint.
    const pg1520: LockCosts = { ...pg1518, table: 4, materializedView: 4, index: 2, view: 2, foreignKey: 1 };
    expect(estimateTenantLocks(counts, pg1520)).toBe(LOCK_ESTIMATE_BASE + 8 + 4 + 8 + 2 + 2 + 3 + 1 + 1);
  });

  it('counts the statements after a column named begin (the previous splitter joined them into one)', () => {
    const counts = countSnapshotObjects('CREATE TABLE s.t (begin int);\nCREATE INDEX t_i ON s.t (begin);\nALTER TABLE ONLY s.t ADD COLUMN x int, ADD CONSTRAINT t_pkey PRIMARY KEY (x);\n');
    expect(counts).toEqual({ tables: 1, indexes: 2, sequences: 0, views: 0, materializedViews: 0, routinesAndTypes: 0, foreignKeys: 0, statements: 3 });
  });

  it('without a measurement, errs high: the defaults are the largest costs measured on any server', () => {
    const counts = { tables: 10, indexes: 10, sequences: 10, views: 10, materializedViews: 10, routinesAndTypes: 10, foreignKeys: 10, statements: 70 };
    for (const measured of [
      { base: 16, table: 3, materializedView: 3, index: 1, sequence: 1, view: 1, routineOrType: 1, foreignKey: 0 },
      { base: 16, table: 4, materializedView: 4, index: 2, sequence: 1, view: 2, routineOrType: 1, foreignKey: 1 },
    ]) {
      expect(estimateTenantLocks(counts, DEFAULT_LOCK_COSTS)).toBeGreaterThanOrEqual(estimateTenantLocks(counts, measured));
    }
  });
});

describe('deriveLockCosts', () => {
  const steps = buildLockProbe('"probe"');
  /** Lock counts after each probe step when every step of a kind adds `perKind[kind]` entries and the first of each kind `firstExtra` more. */
  function simulate(perKind: Partial<Record<string, number>>, firstExtra: number, start = 5): number[] {
    const seen = new Set<string>();
    let n = start;
    return steps.map((s) => {
      n += perKind[s.kind] ?? 0;
      if (!seen.has(s.kind)) {
        seen.add(s.kind);
        n += firstExtra;
      }
      return n;
    });
  }

  it('every kind appears in pairs so the second object shows the marginal cost', () => {
    const counts = new Map<string, number>();
    for (const s of steps) counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
    for (const [kind, n] of counts) if (kind !== 'other') expect(n % 2, kind).toBe(0);
    expect([...counts.keys()].sort()).toEqual(['foreignKey', 'index', 'materializedView', 'other', 'routineOrType', 'sequence', 'table', 'view']);
    for (const s of steps) expect(s.sql).toMatch(/"probe"/);
  });

  it('takes the marginal cost per kind and puts one-off entries into the base', () => {
    const locks = simulate({ table: 4, index: 2, sequence: 1, view: 2, materializedView: 4, foreignKey: 1, routineOrType: 0 }, 3);
    const costs = deriveLockCosts(steps, 5, locks);
    expect(costs).toMatchObject({ table: 4, index: 2, sequence: 1, view: 2, materializedView: 4, foreignKey: 1, routineOrType: 0 });
    // Eight kinds paid 3 one-off entries each on their first step.
    expect(costs.base).toBe(LOCK_ESTIMATE_BASE + 8 * 3);
  });

  it('never derives a cost below what the probe itself took', () => {
    const locks = simulate({ table: 3, index: 1, sequence: 1, view: 1, materializedView: 3, foreignKey: 0, routineOrType: 1, other: 1 }, 0);
    const costs = deriveLockCosts(steps, 5, locks);
    const probeCounts = { tables: 4, indexes: 6, sequences: 4, views: 2, materializedViews: 2, routinesAndTypes: 10, foreignKeys: 2, statements: steps.length };
    expect(estimateTenantLocks(probeCounts, costs)).toBeGreaterThanOrEqual(locks[locks.length - 1]! - 5);
  });
});
