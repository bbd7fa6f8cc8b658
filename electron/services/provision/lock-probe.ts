/**
 * Measures what each kind of object costs in the target server's lock table
 * (core/provision/lock-probe.ts) by running a miniature tenant in a PL/pgSQL
 * subtransaction that always rolls back: nothing is ever committed, nothing
 * of the user's is touched (the probe's schema has a random name), and the
 * entries it holds are released before the statement ends. The result is kept
 * per server version string, so a process measures each server build once.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { buildLockProbe, deriveLockCosts } from '../../../core/provision/lock-probe.js';
import { DEFAULT_LOCK_COSTS, type LockCosts } from '../../../core/provision/lock-estimate.js';
import type { Queryable } from './lock-budget.js';

export interface MeasuredLockCosts {
  costs: LockCosts;
  /** The server's version() string, the cache key. */
  server: string;
  /** False when the probe could not run (for example no CREATE privilege on the database): the costs are DEFAULT_LOCK_COSTS. */
  calibrated: boolean;
  /** Why the probe could not run. */
  reason?: string;
}

/** Entries of the transaction's lock table, as PostgreSQL counts them (one per locked object, fast-path locks excluded). */
const COUNT_LOCKS = `SELECT count(DISTINCT (locktype, database, relation, page, tuple, virtualxid, transactionid::text, classid, objid, objsubid))::int
  FROM pg_catalog.pg_locks WHERE pid = pg_catalog.pg_backend_pid() AND NOT fastpath`;

/** The rollback is on purpose: this SQLSTATE is caught inside the block and never reaches the client or the log. */
const PROBE_ROLLBACK = 'TLP01';
const RESULT_SETTING = 'tenantry.lock_probe';

const dollar = (text: string): string => `$tenantry_probe$${text}$tenantry_probe$`;

/** One statement (a DO block, then a SELECT of its result) that runs the probe and rolls it back. */
export function buildLockProbeSql(schema: string): { sql: string; steps: ReturnType<typeof buildLockProbe> } {
  const steps = buildLockProbe(`"${schema}"`);
  const body = [
    'DECLARE counts int[] := ARRAY[]::int[]; n int;',
    'BEGIN',
    '  BEGIN',
    `    EXECUTE ${dollar(COUNT_LOCKS)} INTO n; counts := counts || n;`,
    ...steps.map((s) => `    EXECUTE ${dollar(s.sql)}; EXECUTE ${dollar(COUNT_LOCKS)} INTO n; counts := counts || n;`),
    `    RAISE EXCEPTION USING ERRCODE = '${PROBE_ROLLBACK}', MESSAGE = 'lock probe rolled back';`,
    `  EXCEPTION WHEN SQLSTATE '${PROBE_ROLLBACK}' THEN`,
    `    PERFORM pg_catalog.set_config('${RESULT_SETTING}', pg_catalog.array_to_string(counts, ','), true);`,
    '  END;',
    'END',
  ].join('\n');
  // Both statements run in one implicit transaction (one simple query), so the setting is local to it.
  const sql = `DO $tenantry_probe_block$\n${body}\n$tenantry_probe_block$;\nSELECT pg_catalog.current_setting('${RESULT_SETTING}') AS counts, pg_catalog.version() AS server`;
  return { sql, steps };
}

const cache = new Map<string, LockCosts>();

/** Forgets every measurement (tests). */
export function forgetLockCosts(): void {
  cache.clear();
}

/** The lock costs of the server behind `db`, measured once per server version string. */
export async function measureLockCosts(db: Queryable): Promise<MeasuredLockCosts> {
  const { rows } = await db.query('SELECT pg_catalog.version() AS server');
  const server = (rows[0] as { server: string }).server;
  const cached = cache.get(server);
  if (cached) return { costs: cached, server, calibrated: true };
  const { sql, steps } = buildLockProbeSql(`tenantry_lock_probe_${randomBytes(6).toString('hex')}`);
  let counts: number[];
  try {
    // A multi-statement simple query returns one result per statement.
    const results = (await db.query(sql)) as unknown as pg.QueryResult[];
    const last = results[results.length - 1]?.rows[0] as { counts: string } | undefined;
    counts = (last?.counts ?? '').split(',').map(Number);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { costs: DEFAULT_LOCK_COSTS, server, calibrated: false, reason };
  }
  if (counts.length !== steps.length + 1 || counts.some((n) => !Number.isFinite(n))) {
    return { costs: DEFAULT_LOCK_COSTS, server, calibrated: false, reason: 'the lock probe returned no counts' };
  }
  const costs = deriveLockCosts(steps, counts[0]!, counts.slice(1));
  cache.set(server, costs);
  return { costs, server, calibrated: true };
}
