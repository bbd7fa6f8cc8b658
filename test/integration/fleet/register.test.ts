/**
 * The tenant register (`_tenantry.tenants`) is written in each tenant's own
 * transaction on every provisioning path: driver (fast and session-restoring),
 * psql, warm-pool claim, batches; a crash mid-batch leaves register and
 * catalog agreeing; drop removes the row in its transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { startAgain, stopImmediately, waitFor } from '../harness/faults.js';
import { loadGeneratedTemplate, makeSnapshot, profileFor } from '../pool/pool-fixtures.js';
import { createProvisioner, snapshotSource, type ProvisionVia, type TenantSource } from '../../../electron/services/provision/provisioner.js';
import { claimSpare, fillPool } from '../../../electron/services/pool/warm-pool.js';
import { createPool } from '../../../electron/services/connection/open-connection.js';
import { dropTenant } from '../../../electron/services/provision/drop-tenant.js';
import { readRegister } from '../../../electron/services/fleet/register.js';
import type { Snapshot } from '../../../core/snapshot/format.js';
import type { PoolSnapshot } from '../../../electron/services/pool/warm-pool.js';
import { toPoolSnapshot } from '../../../electron/services/pool/warm-pool-snapshot.js';

const DB = 'reg';

describe('tenant register', () => {
  let cluster: Cluster;
  let snapshot: Snapshot;
  let pool: PoolSnapshot;

  /** Tenant schemas (not the template, not Tenantry's own) and register rows, both sorted. */
  async function schemasAndRows(prefix: string): Promise<{ schemas: string[]; rows: string[] }> {
    const schemas = await cluster.query(`select nspname from pg_namespace where nspname like '${prefix}%' order by 1`, DB);
    const rows = await cluster.query(`select tenant from _tenantry.tenants where tenant like '${prefix}%' order by 1`, DB);
    return { schemas: schemas.rows.map((r: { nspname: string }) => r.nspname), rows: rows.rows.map((r: { tenant: string }) => r.tenant) };
  }

  beforeAll(async () => {
    // synchronous_commit on: the harness turns it off for speed, and then pg_ctl -m immediate may lose commits
    // the crash test already saw (it failed with 4 of the 5 seen schemas left).
    cluster = await startCluster({ conf: { synchronous_commit: 'on' } });
    await loadGeneratedTemplate(cluster, DB, 'tmpl', 3);
    ({ snapshot } = await makeSnapshot(cluster, DB, 'tmpl'));
    pool = toPoolSnapshot(snapshot, 'v1');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  for (const via of ['driver', 'psql'] as ProvisionVia[]) {
    it(`records a tenant built via ${via} with its snapshot, and nothing for a tenant that failed`, async () => {
      const provisioner = await createProvisioner(profileFor(cluster, DB), { via, concurrency: 1 });
      try {
        await provisioner.provisionTenant(snapshotSource(snapshot, 'v1'), `r_${via}_ok`);
        const failing: TenantSource = { ...snapshotSource(snapshot, 'v1'), render: (t) => `${snapshotSource(snapshot).render(t)}\nSELECT 1/0;` };
        await expect(provisioner.provisionTenant(failing, `r_${via}_bad`)).rejects.toMatchObject({ code: 'PROVISION_FAILED' });
      } finally {
        await provisioner.close();
      }
      const db = await createPool(profileFor(cluster, DB), 1);
      try {
        const rows = (await readRegister(db)).filter((r) => r.tenant.startsWith(`r_${via}_`));
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ tenant: `r_${via}_ok`, template: 'tmpl', snapshotChecksum: snapshot.header.checksum, snapshotLabel: 'v1', how: 'built', createdBy: 'postgres' });
        expect(rows[0]?.verifiedAt).toBeUndefined();
      } finally {
        await db.end();
      }
    });
  }

  it('records a tenant on the session-restoring driver path too', async () => {
    const provisioner = await createProvisioner(profileFor(cluster, DB), { concurrency: 1 });
    try {
      const touching: TenantSource = { ...snapshotSource(snapshot, 'v1'), render: (t) => `SET work_mem = 1024;\n${snapshotSource(snapshot).render(t)}` };
      await provisioner.provisionTenant(touching, 'r_session');
    } finally {
      await provisioner.close();
    }
    expect(await schemasAndRows('r_session')).toEqual({ schemas: ['r_session'], rows: ['r_session'] });
  });

  for (const via of ['driver', 'psql'] as ProvisionVia[]) {
    it(`rolls the tenant back when its register row cannot be written (${via}): one transaction`, async () => {
      await cluster.query(
        `create or replace function _tenantry.refuse() returns trigger language plpgsql as $$ begin
           if new.tenant like 'r_refused%' then raise exception 'register refused'; end if; return new; end $$;
         drop trigger if exists refuse on _tenantry.tenants;
         create trigger refuse before insert on _tenantry.tenants for each row execute function _tenantry.refuse();`,
        DB,
      );
      const provisioner = await createProvisioner(profileFor(cluster, DB), { via, concurrency: 1 });
      try {
        await expect(provisioner.provisionTenant(snapshotSource(snapshot, 'v1'), `r_refused_${via}`)).rejects.toMatchObject({ code: 'PROVISION_FAILED' });
      } finally {
        await provisioner.close();
        await cluster.query('drop trigger refuse on _tenantry.tenants', DB);
      }
      expect(await schemasAndRows(`r_refused_${via}`)).toEqual({ schemas: [], rows: [] });
    });
  }

  it('records a claimed tenant, in the claim transaction (a refused row leaves the spare in the pool)', async () => {
    const db = await createPool(profileFor(cluster, DB), 2);
    try {
      await fillPool(db, pool, { target: 2 });
      await claimSpare(db, pool, 'r_claimed');
      const row = (await readRegister(db)).find((r) => r.tenant === 'r_claimed');
      expect(row).toMatchObject({ template: 'tmpl', snapshotChecksum: snapshot.header.checksum, snapshotLabel: 'v1', how: 'claimed' });

      await db.query(`create or replace function _tenantry.refuse() returns trigger language plpgsql as $$ begin raise exception 'register refused'; end $$;
        create trigger refuse before insert on _tenantry.tenants for each row execute function _tenantry.refuse();`);
      const spares = (await db.query('select count(*)::int as n from _tenantry.pool_spares')).rows[0] as { n: number };
      await expect(claimSpare(db, pool, 'r_claim_refused')).rejects.toMatchObject({ code: 'PROVISION_FAILED' });
      await db.query('drop trigger refuse on _tenantry.tenants');
      expect(((await db.query('select count(*)::int as n from _tenantry.pool_spares')).rows[0] as { n: number }).n).toBe(spares.n);
      expect(await schemasAndRows('r_claim_refused')).toEqual({ schemas: [], rows: [] });
    } finally {
      await db.end();
    }
  });

  it('records every tenant of a batch that claims and builds, each with how it was made', async () => {
    const db = await createPool(profileFor(cluster, DB), 2);
    const provisioner = await createProvisioner(profileFor(cluster, DB), { concurrency: 2 });
    try {
      await fillPool(db, pool, { target: 2 });
      const names = ['r_batch_1', 'r_batch_2', 'r_batch_3', 'r_batch_4'];
      const summary = await provisioner.provisionMany(snapshotSource(snapshot, 'v1'), names, { claimFrom: { checksum: snapshot.header.checksum, load: () => pool } });
      expect(summary.created).toBe(4);
      const rows = (await readRegister(db)).filter((r) => r.tenant.startsWith('r_batch_'));
      const byTenant = Object.fromEntries(rows.map((r) => [r.tenant, r.how]));
      const expected = Object.fromEntries(summary.tenants.map((t) => [t.tenant, t.via]));
      expect(byTenant).toEqual(expected);
      expect(summary.claimed).toBeGreaterThan(0);
    } finally {
      await provisioner.close();
      await db.end();
    }
  });

  it('drop removes the row in its transaction; a refused drop keeps both', async () => {
    const provisioner = await createProvisioner(profileFor(cluster, DB), { concurrency: 1 });
    try {
      await provisioner.provisionTenant(snapshotSource(snapshot, 'v1'), 'r_drop');
      await provisioner.provisionTenant(snapshotSource(snapshot, 'v1'), 'r_drop_kept');
    } finally {
      await provisioner.close();
    }
    const profile = profileFor(cluster, DB);
    await dropTenant(profile, 'r_drop', { confirmed: true });
    expect(await schemasAndRows('r_drop')).toEqual({ schemas: ['r_drop_kept'], rows: ['r_drop_kept'] });
    // An outside dependent makes drop refuse: the row stays with its schema.
    await cluster.query('create schema reporting; create view reporting.v as select * from r_drop_kept.audit_log', DB);
    await expect(dropTenant(profile, 'r_drop_kept', { confirmed: true })).rejects.toMatchObject({ code: 'TENANT_HAS_DEPENDENTS' });
    expect(await schemasAndRows('r_drop_kept')).toEqual({ schemas: ['r_drop_kept'], rows: ['r_drop_kept'] });
    await cluster.query('drop schema reporting cascade', DB);
  });

  it('a batch killed by pg_ctl -m immediate leaves register and catalog consistent', async () => {
    const names = Array.from({ length: 60 }, (_, i) => `r_crash_${String(i).padStart(2, '0')}`);
    const provisioner = await createProvisioner(profileFor(cluster, DB), { concurrency: 2 });
    const batch = provisioner.provisionMany(snapshotSource(snapshot, 'v1'), names, { continueOnError: true }).catch((error: unknown) => error);
    try {
      await waitFor('some tenants of the batch', async () => {
        const { rows } = await cluster.query(`select count(*)::int as n from pg_namespace where nspname like 'r_crash_%'`, DB);
        return (rows[0] as { n: number }).n >= 5 ? true : undefined;
      });
      await stopImmediately(cluster);
      await batch;
    } finally {
      await provisioner.close().catch(() => undefined);
    }
    await startAgain(cluster);
    const { schemas, rows } = await schemasAndRows('r_crash_');
    expect(schemas.length).toBeGreaterThanOrEqual(5);
    expect(schemas.length).toBeLessThan(names.length);
    expect(rows).toEqual(schemas);
  }, 300_000);
});
