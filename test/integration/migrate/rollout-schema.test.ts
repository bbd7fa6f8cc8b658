/**
 * The rollout's bookkeeping tables (ensureRolloutSchema): rollout_tenants is made with room left on its pages
 * (fillfactor 50) so the runner's marks are HOT updates (issue 15, bookkeeping <= 5 %), and a database whose table
 * was made by an earlier Tenantry without it gets it, rows kept.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLLOUT_TENANTS_TABLE } from '../../../core/migrate/rollout-sql.js';
import { ensureRolloutSchema } from '../../../electron/services/migrate/rollout-store.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';

const DB = 'rollschema';

describe('the rollout bookkeeping schema', () => {
  let cluster: Cluster;
  let pool: pg.Pool;

  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase(DB);
    pool = new pg.Pool({ host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database: DB, max: 2 });
  }, 120_000);
  afterAll(async () => {
    await pool?.end();
    await cluster?.stop();
  });

  const reloptions = async () => (await pool.query<{ o: string[] | null }>(`SELECT reloptions AS o FROM pg_catalog.pg_class WHERE oid = '${ROLLOUT_TENANTS_TABLE}'::regclass`)).rows[0]?.o ?? null;

  it('makes rollout_tenants with fillfactor 50, and gives it to a table made without it, keeping its rows', async () => {
    await ensureRolloutSchema(pool);
    expect(await reloptions()).toEqual(['fillfactor=50']);
    // As an earlier Tenantry left it: no fillfactor, a rollout's rows in it.
    await pool.query(`INSERT INTO _tenantry.rollouts (id, template, plan_checksum, plan) VALUES ('r1', 'tpl', 'x', '{}')`);
    await pool.query(`INSERT INTO ${ROLLOUT_TENANTS_TABLE} (rollout_id, tenant, position) SELECT 'r1', 't' || i, i FROM generate_series(1, 3) i`);
    await pool.query(`ALTER TABLE ${ROLLOUT_TENANTS_TABLE} RESET (fillfactor)`);
    expect(await reloptions()).toBeNull();
    await ensureRolloutSchema(pool);
    expect(await reloptions()).toEqual(['fillfactor=50']);
    expect((await pool.query(`SELECT string_agg(tenant, ',' ORDER BY position) AS t FROM ${ROLLOUT_TENANTS_TABLE}`)).rows[0].t).toBe('t1,t2,t3');
    // Once it has it, nothing is altered again (no lock, no invalidation on every run).
    const xmin = (await pool.query(`SELECT xmin::text AS x FROM pg_catalog.pg_class WHERE oid = '${ROLLOUT_TENANTS_TABLE}'::regclass`)).rows[0].x as string;
    await ensureRolloutSchema(pool);
    expect((await pool.query(`SELECT xmin::text AS x FROM pg_catalog.pg_class WHERE oid = '${ROLLOUT_TENANTS_TABLE}'::regclass`)).rows[0].x).toBe(xmin);
  });
});
