/**
 * Verify compares definitions as they print after the pg_dump round trip (issue 11): a template created from
 * source prints `k IN ('a', 'b')` on varchar as `(ARRAY['a'::varchar, …])::text[]`, a tenant loaded from the dump
 * prints `ARRAY[('a'::varchar)::text, …]`. Those are equal; a tenant whose definition really differs, in the
 * reloaded form, is still reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { profileFor } from './harness/profile.js';
import { createTenantSnapshot } from '../../electron/services/snapshot/create-tenant-snapshot.js';
import { createProvisioner, snapshotSource } from '../../electron/services/provision/provisioner.js';
import { parseSnapshot } from '../../core/snapshot/format.js';
import { verifyTenant } from '../../electron/services/verify/verify-tenant.js';

const TEMPLATE = `
  CREATE SCHEMA tpl;
  CREATE DOMAIN tpl.kind AS varchar CHECK (VALUE IN ('a', 'b'));
  CREATE TABLE tpl.items (id int PRIMARY KEY, k varchar CHECK (k IN ('a', 'b')), n int);
  CREATE TABLE tpl.other (id int, n int);
  CREATE VIEW tpl.everything AS SELECT id, n FROM (SELECT id, n FROM tpl.other UNION ALL SELECT id, NULL FROM tpl.items) q;`;

describe('verify: definitions compared after the same round trip', () => {
  let cluster: Cluster;
  const db = 'app';
  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase(db);
    await cluster.query(TEMPLATE, db);
    const snapshot = parseSnapshot((await createTenantSnapshot(profileFor(cluster, db), { schema: 'tpl' })).text);
    const provisioner = await createProvisioner(profileFor(cluster, db), { via: 'driver', concurrency: 1 });
    try {
      for (const tenant of ['acme', 'Acme Corp', 'broken']) await provisioner.provisionTenant(snapshotSource(snapshot), tenant);
    } finally {
      await provisioner.close();
    }
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('the tenant prints the reloaded form (the case this covers)', async () => {
    const { rows } = await cluster.query(
      "select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'items_k_check' and connamespace = 'acme'::regnamespace",
      db,
    );
    expect(rows[0].def).toContain("ARRAY[('a'::character varying)::text");
  });

  for (const tenant of ['acme', 'Acme Corp']) {
    it(`finds ${tenant} equal: the CHECK constraint, the domain and the view print differently but are the same`, async () => {
      const result = await verifyTenant(profileFor(cluster, db), { template: 'tpl', tenant });
      expect(result.differences).toEqual([]);
      expect(result.equal && result.isolated).toBe(true);
      // Said, not hidden: each such definition is a note.
      expect(result.notes.map((n) => `${n.kind} ${n.object}`).sort()).toEqual(['constraint items.items_k_check', 'constraint kind.kind_check', 'view everything']);
      expect(result.notes.every((n) => /round trip/.test(n.detail))).toBe(true);
    });
  }

  it('still reports a real difference written in the reloaded form', async () => {
    await cluster.query(
      `ALTER TABLE broken.items DROP CONSTRAINT items_k_check,
         ADD CONSTRAINT items_k_check CHECK (((k)::text = ANY (ARRAY[('a'::character varying)::text, ('c'::character varying)::text])));
       ALTER DOMAIN broken.kind DROP CONSTRAINT kind_check;
       ALTER DOMAIN broken.kind ADD CONSTRAINT kind_check CHECK (((VALUE)::text = ANY (ARRAY[('a'::character varying)::text])));
       CREATE OR REPLACE VIEW broken.everything AS SELECT id, n FROM (SELECT id, n FROM broken.other UNION ALL SELECT id, 1 FROM broken.items) q;`,
      db,
    );
    const result = await verifyTenant(profileFor(cluster, db), { template: 'tpl', tenant: 'broken' });
    expect(result.equal).toBe(false);
    const lines = result.differences.map((d) => `${d.kind} ${d.object}: ${d.detail}`);
    expect(lines).toHaveLength(3);
    // Reported as read: the template's definition as it prints, the tenant's as it prints.
    expect(lines.find((l) => l.startsWith('constraint items.items_k_check: definition: template'))).toMatch(/'b'::character varying\]\)::text\[\].*≠ tenant .*'c'::character varying\)::text\]/);
    expect(lines.some((l) => l.startsWith('constraint kind.kind_check: definition:'))).toBe(true);
    expect(lines.some((l) => l.startsWith('view everything: definition:'))).toBe(true);
    expect(result.notes.filter((n) => /round trip/.test(n.detail))).toEqual([]);
  });
});
