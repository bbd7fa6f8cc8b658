/**
 * Batch provisioning claims ready warm-pool spares first: the provision
 * service (one claim per tenant, the rest built, a failed claim built
 * instead) and `tenantry provision --json` (claimed / built per tenant).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main.js';
import { serializeSnapshot, type Snapshot } from '../../../core/snapshot/format.js';
import { createProvisioner, snapshotSource } from '../../../electron/services/provision/provisioner.js';
import { verifyTenant } from '../../../electron/services/verify/verify-tenant.js';
import { fillPool, readPoolStatus, setPoolTarget, type PoolSnapshot } from '../../../electron/services/pool/warm-pool.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { loadGeneratedTemplate, makeSnapshot, profileFor } from './pool-fixtures.js';

const TEMPLATE = 'tmpl_src';
const DB = 'batchdb';

let cluster: Cluster;
let dir: string;
let db: pg.Pool;
let snapshot: Snapshot;
let poolSnapshot: PoolSnapshot;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main([...argv, '--url', cluster.url(DB) + '?sslmode=disable'], { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, cwd: dir });
  return { code, out, err };
}

async function expectVerified(tenants: string[]): Promise<void> {
  for (const tenant of tenants) {
    const result = await verifyTenant(profileFor(cluster, DB), { template: TEMPLATE, tenant });
    expect({ tenant, equal: result.equal, isolated: result.isolated, differences: result.differences }).toEqual({ tenant, equal: true, isolated: true, differences: [] });
  }
}

async function schemaExists(name: string): Promise<boolean> {
  return (await db.query<{ ok: boolean }>('SELECT to_regnamespace(quote_ident($1)) IS NOT NULL AS ok', [name])).rows[0]?.ok === true;
}

beforeAll(async () => {
  cluster = await startCluster();
  await loadGeneratedTemplate(cluster, DB, TEMPLATE, 10);
  dir = mkdtempSync(join(tmpdir(), 'tenantry-pool-batch-'));
  const made = await makeSnapshot(cluster, DB, TEMPLATE);
  snapshot = made.snapshot;
  poolSnapshot = made.pool;
  writeFileSync(join(dir, 'tmpl.snapshot.sql'), serializeSnapshot(snapshot));
  db = new pg.Pool({ host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database: DB, max: 4 });
});

afterAll(async () => {
  await db?.end();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('batch provisioning with a warm pool', () => {
  it('claims the ready spares, builds the rest, and every tenant verifies', async () => {
    await setPoolTarget(db, 2);
    const spares = (await fillPool(db, poolSnapshot)).built;
    expect(spares).toHaveLength(2);
    const provisioner = await createProvisioner(profileFor(cluster, DB), { concurrency: 2 });
    const tenants = ['s1', 's2', 's3', 's4'];
    try {
      const summary = await provisioner.provisionMany(snapshotSource(snapshot), tenants, { concurrency: 2, claimFrom: { checksum: poolSnapshot.checksum, load: () => poolSnapshot } });
      expect(summary).toMatchObject({ created: 4, claimed: 2, failed: 0, exists: 0, skipped: 0 });
      expect(summary.tenants.map((t) => t.via).sort()).toEqual(['built', 'built', 'claimed', 'claimed']);
    } finally {
      await provisioner.close();
    }
    expect((await readPoolStatus(db, poolSnapshot.checksum)).ready).toEqual([]);
    for (const spare of spares) expect(await schemaExists(spare)).toBe(false);
    await expectVerified(tenants);
  });

  it('builds a tenant whose claim fails, and an existing tenant stays untouched', async () => {
    // A bookkeeping row whose schema is gone: the claim takes it (oldest first), fails, rolls back; the tenant is built instead.
    await db.query(`INSERT INTO _tenantry.pool_spares (schema_name, snapshot_checksum, built_at) VALUES ('_tenantry_spare_ghost_1', $1, '2000-01-01')`, [poolSnapshot.checksum]);
    const provisioner = await createProvisioner(profileFor(cluster, DB), { concurrency: 1 });
    try {
      const summary = await provisioner.provisionMany(snapshotSource(snapshot), ['f1', 's1'], { concurrency: 1, continueOnError: true, claimFrom: { checksum: poolSnapshot.checksum, load: () => poolSnapshot } });
      expect(summary.tenants.map((t) => [t.tenant, t.status, t.via, t.error?.code])).toEqual([
        ['f1', 'created', 'built', undefined],
        ['s1', 'exists', undefined, 'TENANT_EXISTS'],
      ]);
      expect(summary.claimed).toBe(0);
    } finally {
      await provisioner.close();
      await db.query(`DELETE FROM _tenantry.pool_spares WHERE schema_name = '_tenantry_spare_ghost_1'`);
    }
    await expectVerified(['f1']);
  });

  it('tenantry provision --json says which tenants were claimed and which built', async () => {
    await fillPool(db, poolSnapshot);
    const spares = (await readPoolStatus(db, poolSnapshot.checksum)).ready.map((s) => s.schema);
    expect(spares).toHaveLength(2);
    const run = await cli('provision', '--snapshot', 'tmpl.snapshot.sql', '--tenant', 'c1', '--tenant', 'c2', '--tenant', 'c3', '--tenant', 'c4', '--concurrency', '2', '--json');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.out) as { via: string; created: number; claimed: number; tenants: { tenant: string; status: string; via?: string }[] };
    expect(json).toMatchObject({ via: 'driver', created: 4, claimed: 2 });
    expect(json.tenants.map((t) => t.status)).toEqual(['created', 'created', 'created', 'created']);
    expect(json.tenants.map((t) => t.via).sort()).toEqual(['built', 'built', 'claimed', 'claimed']);
    expect((await readPoolStatus(db, poolSnapshot.checksum)).ready).toEqual([]);
    await expectVerified(['c1', 'c2', 'c3', 'c4']);

    // Text output names the split; --no-pool leaves the spares alone.
    await fillPool(db, poolSnapshot);
    const text = await cli('provision', '--snapshot', 'tmpl.snapshot.sql', '--tenant', 'd1', '--tenant', 'd2', '--tenant', 'd3');
    expect(text.code).toBe(0);
    expect(text.out).toContain('3 created (2 claimed from the warm pool, 1 built)');
    expect(text.err).toMatch(/created d\d \(\d+ ms, claimed from the warm pool\)/);
    await fillPool(db, poolSnapshot);
    const skip = await cli('provision', '--snapshot', 'tmpl.snapshot.sql', '--tenant', 'e1', '--no-pool', '--json');
    expect(skip.code).toBe(0);
    expect(JSON.parse(skip.out)).toMatchObject({ created: 1, claimed: 0 });
    expect((await readPoolStatus(db, poolSnapshot.checksum)).ready).toHaveLength(2);
    await expectVerified(['d1', 'd2', 'd3', 'e1']);
  });
});
