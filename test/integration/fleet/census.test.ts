/**
 * Census against a real cluster: tenants changed by hand (a column added, a
 * function body edited, an index dropped, a grant revoked) each land in a
 * cohort of their own whose only differing kind is what was changed, and the
 * verify comparison on the representative shows exactly that difference;
 * verifying every tenant finds the same tenants as the census.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { loadGeneratedTemplate, makeSnapshot, profileFor } from '../pool/pool-fixtures.js';
import { createProvisioner, snapshotSource } from '../../../electron/services/provision/provisioner.js';
import { createPool } from '../../../electron/services/connection/open-connection.js';
import { describeCohort, takeCensus } from '../../../electron/services/fleet/census.js';
import { verifyTenants } from '../../../electron/services/verify/verify-tenant.js';
import type pg from 'pg';

const DB = 'census';
const TENANTS = ['Acme Corp', 'c_col', 'c_fn', 'c_idx', 'c_grant', 'same_1', 'same_2', "o'neil"];

describe('census', () => {
  let cluster: Cluster;
  let db: pg.Pool;

  beforeAll(async () => {
    cluster = await startCluster();
    await loadGeneratedTemplate(cluster, DB, 'tmpl', 5, 'CREATE ROLE app_reader; GRANT USAGE ON SCHEMA tmpl TO app_reader; GRANT SELECT ON tmpl.t_1 TO app_reader;');
    const { snapshot } = await makeSnapshot(cluster, DB, 'tmpl');
    const provisioner = await createProvisioner(profileFor(cluster, DB), { concurrency: 2 });
    try {
      const summary = await provisioner.provisionMany(snapshotSource(snapshot, 'v1'), TENANTS);
      expect(summary.created).toBe(TENANTS.length);
    } finally {
      await provisioner.close();
    }
    await cluster.query(
      `ALTER TABLE c_col.t_2 ADD COLUMN note text;
       CREATE OR REPLACE FUNCTION c_fn.count_t_5(p_status c_fn.status) RETURNS bigint LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN 42; END; $$;
       DROP INDEX c_idx.t_3_status_idx;
       REVOKE SELECT ON c_grant.t_1 FROM app_reader;`,
      DB,
    );
    db = await createPool(profileFor(cluster, DB), 2);
  }, 300_000);
  afterAll(async () => {
    await db?.end();
    await cluster?.stop();
  });

  it('puts every hand-changed tenant in a cohort of its own, naming exactly what differs', async () => {
    const census = await takeCensus(db, { template: 'tmpl', record: true });
    expect(census.tenants).toBe(TENANTS.length);
    const byMember = new Map(census.cohorts.flatMap((c) => c.members.map((m) => [m, c] as const)));
    const equal = census.cohorts.find((c) => c.status === 'template');
    expect(equal?.members).toEqual(['Acme Corp', "o'neil", 'same_1', 'same_2'].sort());
    expect(byMember.get('c_col')?.differingKinds).toEqual(['column']);
    expect(byMember.get('c_fn')?.differingKinds).toEqual(['function']);
    expect(byMember.get('c_idx')?.differingKinds).toEqual(['index']);
    expect(byMember.get('c_grant')?.differingKinds).toEqual(['privileges']);
    for (const t of ['c_col', 'c_fn', 'c_idx', 'c_grant']) {
      expect(byMember.get(t)?.members).toEqual([t]);
      expect(byMember.get(t)?.status).toBe('drifted');
      expect(byMember.get(t)?.name).toBe('drifted from snapshot v1');
    }
    expect(census.summary).toBe(`4 equal to the template, ${'1 drifted from snapshot v1, '.repeat(3)}1 drifted from snapshot v1`);
    // The fingerprints went into the register.
    const { rows } = await cluster.query(`select count(*)::int as n from _tenantry.tenants where fingerprint is not null`, DB);
    expect((rows[0] as { n: number }).n).toBe(TENANTS.length);
  });

  it("a cohort's differences are the verify comparison on its representative", async () => {
    const census = await takeCensus(db, { template: 'tmpl' });
    const cohortOf = (t: string) => census.cohorts.find((c) => c.members.includes(t))!;
    const carries = { owners: false, privileges: true };
    const diff = async (t: string) => (await describeCohort(db, { template: 'tmpl', cohort: cohortOf(t), carries }))[0]!.differences.map((d) => `${d.kind} ${d.object}: ${d.detail}`);
    expect(await diff('c_col')).toEqual(['column t_2.note: only in tenant "c_col"']);
    expect(await diff('c_idx')).toEqual(['index t_3_status_idx: missing in tenant "c_idx"']);
    const fn = await diff('c_fn');
    expect(fn).toHaveLength(1);
    expect(fn[0]).toMatch(/^function count_t_5\(p_status tmpl\.status\): definition: /);
    expect(await diff('c_grant')).toEqual([expect.stringMatching(/^privileges table t_1: privileges: template .*app_reader=SELECT.* ≠ tenant /)]);
  });

  it('verifying every tenant finds the same tenants as the census', async () => {
    const census = await takeCensus(db, { template: 'tmpl' });
    const results = await verifyTenants(profileFor(cluster, DB), { template: 'tmpl', tenants: TENANTS, carries: { owners: false, privileges: true } });
    const differing = results.filter((r) => !r.equal).map((r) => r.tenant).sort();
    const drifted = census.cohorts.filter((c) => c.status !== 'template').flatMap((c) => c.members).sort();
    expect(differing).toEqual(drifted);
    expect(drifted).toEqual(['c_col', 'c_fn', 'c_grant', 'c_idx']);
  });

  it('the template schema missing is a clear error; a tenant dropped by hand is listed as missing', async () => {
    await expect(takeCensus(db, { template: 'nope' })).rejects.toMatchObject({ code: 'SCHEMA_NOT_FOUND' });
    await cluster.query('DROP SCHEMA same_2 CASCADE', DB);
    const census = await takeCensus(db, { template: 'tmpl' });
    expect(census.missing).toEqual(['same_2']);
    expect(census.tenants).toBe(TENANTS.length - 1);
  });
});
