/**
 * A rollout's connections are opened before it runs (openRolloutConnections, as
 * the CLI does): the run itself then opens none, so no new backend starts in the
 * middle of the work (issue 15, bookkeeping <= 5 %). Opening is best effort: a
 * server that cannot be reached leaves the error to the run.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { createPool, openPoolConnections } from '../../../electron/services/connection/open-connection.js';
import { planAgainstTemplate, recordRollout } from '../../../electron/services/migrate/prepare-migration.js';
import { countRolloutConnections, openRolloutConnections, runRollout } from '../../../electron/services/migrate/run-rollout.js';
import type { RolloutSettings } from '../../../electron/services/migrate/rollout-store.js';
import { findFreePort, startCluster, type Cluster } from '../../../support/cluster.js';
import { profileFor } from '../harness/profile.js';
import { makeFleet, migratedInCatalog, TYPICAL_MIGRATION } from './fleet.js';

const DB = 'rollconn';
const SETTINGS: RolloutSettings = { lockTimeoutMs: 3000, statementTimeoutMs: 60_000, retries: 0, concurrency: 3, canary: 1, continueOnError: false };

describe('connections of a rollout', () => {
  let cluster: Cluster;
  let profile: ConnectionProfile;
  let tenants: string[];

  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase(DB);
    tenants = await makeFleet(cluster, DB, 8);
    profile = profileFor(cluster, DB);
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('opens the lanes, the runner and the reads beside it before the run, which then opens none', async () => {
    const pool = await createPool(profile, SETTINGS.concurrency + 2);
    try {
      const plan = await planAgainstTemplate(profile, [{ name: 'V2__typical.sql', sql: TYPICAL_MIGRATION }], { template: 'tpl' }, pool);
      const rollout = await recordRollout(profile, plan, { tenants, includeTemplate: true, settings: SETTINGS }, pool);
      await openRolloutConnections(pool, rollout);
      expect(pool.totalCount).toBe(SETTINGS.concurrency + 2);
      expect(pool.idleCount).toBe(SETTINGS.concurrency + 2);
      let opened = 0;
      pool.on('connect', () => void opened++);
      const result = await runRollout(profile, rollout, { pool });
      expect(result.failures).toEqual([]);
      expect(result.done).toBe(tenants.length + 1);
      expect(opened).toBe(0);
      // Every connection went back to the pool, none was thrown away.
      expect(pool.totalCount).toBe(SETTINGS.concurrency + 2);
      expect(pool.idleCount).toBe(SETTINGS.concurrency + 2);
    } finally {
      await pool.end();
    }
    const migrated = await migratedInCatalog(cluster, DB);
    expect(migrated.partial).toEqual([]);
    expect(migrated.full).toEqual(['tpl', ...tenants]);
  });

  it('opens as many as the lanes and the runner when they outnumber the reads at the start, and the run opens none', async () => {
    // Concurrency 4: the lanes and the runner are 5, as many as the start's reads; the sixth connection of the pool
    // (a write beside busy lanes) stays unopened.
    const settings: RolloutSettings = { ...SETTINGS, concurrency: 4, canary: 0 };
    const pool = await createPool(profile, settings.concurrency + 2);
    try {
      const plan = await planAgainstTemplate(profile, [{ name: 'V3__note.sql', sql: 'ALTER TABLE tpl.items ADD COLUMN note text;\n' }], { template: 'tpl' }, pool);
      const rollout = await recordRollout(profile, plan, { tenants, includeTemplate: true, settings }, pool);
      await openRolloutConnections(pool, rollout);
      expect(pool.totalCount).toBe(settings.concurrency + 1);
      let opened = 0;
      pool.on('connect', () => void opened++);
      const result = await runRollout(profile, rollout, { pool });
      expect(result.failures).toEqual([]);
      expect(result.concurrency).toBe(4);
      expect(result.done).toBe(tenants.length + 1);
      expect(opened).toBe(0);
      expect(pool.totalCount).toBe(settings.concurrency + 1);
    } finally {
      await pool.end();
    }
    const { rows } = await cluster.query("SELECT count(*)::int AS n FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid WHERE c.relname = 'items' AND a.attname = 'note' AND NOT a.attisdropped", DB);
    expect(rows[0]?.n).toBe(tenants.length + 1);
  });

  it('counts the connections a run uses at once: the lanes and the runner, at least the start reads, at most the pool', () => {
    expect([1, 2, 3, 4, 8, 16].map(countRolloutConnections)).toEqual([3, 4, 5, 5, 9, 17]);
  });

  it('opens nothing for a rollout with nothing left to run (the no-op)', async () => {
    const pool = await createPool(profile, SETTINGS.concurrency + 2);
    try {
      const done = tenants.map((_, i) => ({ status: i % 2 === 0 ? ('done' as const) : ('skipped' as const) }));
      await openRolloutConnections(pool, { settings: SETTINGS, tenants: done });
      expect(pool.totalCount).toBe(0);
      await openRolloutConnections(pool, { settings: SETTINGS, tenants: [...done, { status: 'failed' as const }] });
      expect(pool.totalCount).toBe(SETTINGS.concurrency + 2);
    } finally {
      await pool.end();
    }
  });

  it('leaves a connection that fails to open to the work that needs it', async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port: await findFreePort(), user: 'nobody', password: 'x', database: DB, max: 3, connectionTimeoutMillis: 5000 });
    pool.on('error', () => undefined);
    try {
      await expect(openPoolConnections(pool, 3)).resolves.toBeUndefined();
      expect(pool.totalCount).toBe(0);
      await expect(pool.query('SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await pool.end();
    }
  });
});
