/**
 * The vacuum and analyze of Tenantry's own tables after a rollout, run inside Tenantry's CPU window (the bench
 * clusters run with autovacuum off: this is where autovacuum's work for the bookkeeping's garbage is charged), and how
 * much of it is not the rollout's.
 *
 * On PostgreSQL 15 and older every VACUUM command ends by scanning all of pg_class (vac_update_datfrozenxid), whatever
 * it vacuumed: at 200 tenants of 100 tables (206,000 rows of pg_class, 47 MB) a VACUUM of a one-row table that was
 * clean already cost 19-27 ms of backend CPU, the analyze of the three tables 1-1.5 ms (session 13). Autovacuum runs
 * that scan once per visit of a database (once per autovacuum_naptime, do_autovacuum: also when it found nothing to
 * do), rollout or not, and vacuums a rollout's tables within that visit: the scan is not work the rollout causes.
 * It is measured as a VACUUM of the smallest table again, just vacuumed, on the same backend; left out of
 * Tenantry's figures are that second VACUUM (run only to measure) and as much again for the scan inside the first.
 * What the second VACUUM spends on the clean table itself (well under a millisecond) is left out once too much.
 * PostgreSQL 16 and later skip the scan when asked (SKIP_DATABASE_STATS): nothing is measured or left out there.
 */
import type pg from 'pg';
import { APPLIED_TABLE, ROLLOUT_TENANTS_TABLE, ROLLOUTS_TABLE } from '../core/migrate/rollout-sql.js';
import { readProcessCpuMs } from './server-cpu.js';

export interface OwnVacuum {
  /** Server CPU (ms) in the window that is not the rollout's: the second VACUUM and the scan inside the first. */
  notOwnMs: number;
  /** The database-wide scan as measured (the second VACUUM); undefined where it was not measured. */
  scanMs?: number;
}

/** Vacuums and analyses rollouts, rollout_tenants and migrations_applied on one of the pool's connections. */
export async function vacuumOwnTables(pool: pg.Pool): Promise<OwnVacuum> {
  const client = await pool.connect();
  try {
    const tables = `${ROLLOUTS_TABLE}, ${ROLLOUT_TENANTS_TABLE}, ${APPLIED_TABLE}`;
    const { rows } = await client.query<{ v: number }>('SELECT pg_catalog.current_setting($1)::int AS v', ['server_version_num']);
    if (Number(rows[0]?.v) >= 160000) {
      await client.query(`VACUUM (ANALYZE, SKIP_DATABASE_STATS) ${tables}`);
      return { notOwnMs: 0 };
    }
    await client.query(`VACUUM ANALYZE ${tables}`);
    const pid = (client as pg.PoolClient & { processID?: number }).processID;
    const before = pid === undefined ? undefined : readProcessCpuMs(pid);
    // Not readable (not Linux): the scan stays charged, which errs against Tenantry.
    if (pid === undefined || before === undefined) return { notOwnMs: 0 };
    await client.query(`VACUUM ${ROLLOUTS_TABLE}`);
    const scanMs = (readProcessCpuMs(pid) ?? before) - before;
    return { notOwnMs: 2 * scanMs, scanMs };
  } finally {
    client.release();
  }
}
