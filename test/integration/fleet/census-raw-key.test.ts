/**
 * The census's first pass (core/fleet/raw-key-sql.ts) against a real cluster:
 * fingerprints given by key class equal the full fingerprint of every schema
 * (so a key never puts two structurally different schemas together), tenants
 * made from one snapshot share a key whatever the length of their names (node
 * trees' locations and the schemas' own OIDs are normalised), and a change
 * inside an expression (a view's constant, a default's enum label, a check
 * constraint, an index expression or predicate, a generated column, a
 * trigger's WHEN, a policy), a sequence's owner, a rule, an index on a
 * matview or a partitioned table, or a view's INSTEAD OF trigger gives a key
 * and a fingerprint of its own. The key pass split between two backends sharing an
 * exported snapshot gives the same keys as one backend.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type pg from 'pg';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { makeSnapshot, profileFor } from '../pool/pool-fixtures.js';
import { createProvisioner, snapshotSource } from '../../../electron/services/provision/provisioner.js';
import { createPool } from '../../../electron/services/connection/open-connection.js';
import { readFingerprints, readFingerprintsByKey } from '../../../electron/services/fleet/census.js';
import { FINGERPRINT_KINDS } from '../../../core/fleet/fingerprint-sql.js';

const DB = 'rawkey';
const TEMPLATE_SQL = `
CREATE SCHEMA tmpl;
CREATE TYPE tmpl.status AS ENUM ('draft', 'active', 'archived');
CREATE DOMAIN tmpl.amount AS numeric(12,2) CHECK (VALUE >= 0);
CREATE TABLE tmpl.item (
  id serial PRIMARY KEY,
  gone int,
  code text NOT NULL,
  status tmpl.status NOT NULL DEFAULT 'draft',
  price tmpl.amount DEFAULT 0,
  total numeric GENERATED ALWAYS AS (price * 2) STORED,
  CONSTRAINT code_len CHECK (length(code) > 0)
);
-- A dropped column leaves a gap in the template's attnums that tenants made from its dump do not have.
ALTER TABLE tmpl.item DROP COLUMN gone;
CREATE INDEX item_lower_code ON tmpl.item (lower(code));
CREATE INDEX item_active ON tmpl.item (id) WHERE status = 'active';
CREATE VIEW tmpl.active_items AS SELECT id, code, status FROM tmpl.item WHERE status = 'active';
CREATE FUNCTION tmpl.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER item_touch BEFORE UPDATE ON tmpl.item FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION tmpl.touch();
ALTER TABLE tmpl.item ENABLE ROW LEVEL SECURITY;
CREATE POLICY item_visible ON tmpl.item USING (status <> 'archived');
CREATE MATERIALIZED VIEW tmpl.item_codes AS SELECT id, code FROM tmpl.item WITH NO DATA;
CREATE TABLE tmpl.part (id int, k int) PARTITION BY RANGE (k);
CREATE TABLE tmpl.part_1 PARTITION OF tmpl.part FOR VALUES FROM (0) TO (10);
`;
const SAME = ['a', 'A Much Longer Tenant Name', "o'neil"];
/** Each edited tenant, its change, and the one kind that must differ from the template. */
const EDITS: Record<string, { sql: string; kind: string }> = {
  e_view: { sql: `CREATE OR REPLACE VIEW e_view.active_items AS SELECT id, code, status FROM e_view.item WHERE status = 'archived'`, kind: 'view' },
  e_default: { sql: `ALTER TABLE e_default.item ALTER status SET DEFAULT 'active'`, kind: 'column' },
  // Columns' defaults and comments are hash-joined to the columns from sets of their own: each still counts.
  e_column_comment: { sql: `COMMENT ON COLUMN e_column_comment.item.code IS 'the business key'`, kind: 'column' },
  e_default_dropped: { sql: `ALTER TABLE e_default_dropped.item ALTER price DROP DEFAULT`, kind: 'column' },
  e_check: { sql: `ALTER TABLE e_check.item DROP CONSTRAINT code_len, ADD CONSTRAINT code_len CHECK (length(code) > 1)`, kind: 'constraint' },
  e_index_expr: { sql: `DROP INDEX e_index_expr.item_lower_code; CREATE INDEX item_lower_code ON e_index_expr.item (upper(code))`, kind: 'index' },
  e_index_pred: { sql: `DROP INDEX e_index_pred.item_active; CREATE INDEX item_active ON e_index_pred.item (id) WHERE status = 'draft'`, kind: 'index' },
  e_generated: { sql: `ALTER TABLE e_generated.item DROP COLUMN total, ADD COLUMN total numeric GENERATED ALWAYS AS (price * 3) STORED`, kind: 'column' },
  e_trigger: {
    sql: `DROP TRIGGER item_touch ON e_trigger.item; CREATE TRIGGER item_touch BEFORE UPDATE ON e_trigger.item FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION e_trigger.touch()`,
    kind: 'trigger',
  },
  e_policy: { sql: `ALTER POLICY item_visible ON e_policy.item USING (status <> 'draft')`, kind: 'policy' },
  // Sequences' owners are joined set-wise, rules and triggers read through their relation's index: each still counts.
  e_seq_owner: { sql: `ALTER SEQUENCE e_seq_owner.item_id_seq OWNED BY NONE`, kind: 'sequence' },
  e_rule: { sql: `CREATE RULE item_keep AS ON DELETE TO e_rule.item DO INSTEAD NOTHING`, kind: 'rule' },
  // Indexes and triggers are read only for the relkinds that can have them: a matview's and a partitioned table's
  // indexes, a view's INSTEAD OF trigger still count.
  e_matview_index: { sql: `CREATE INDEX item_codes_code ON e_matview_index.item_codes (code)`, kind: 'index' },
  e_part_index: { sql: `CREATE INDEX part_k ON e_part_index.part (k)`, kind: 'index' },
  e_view_trigger: { sql: `CREATE TRIGGER active_items_insert INSTEAD OF INSERT ON e_view_trigger.active_items FOR EACH ROW EXECUTE FUNCTION e_view_trigger.touch()`, kind: 'trigger' },
};

describe('census raw key', () => {
  let cluster: Cluster;
  let db: pg.Pool;

  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase(DB);
    await cluster.query(TEMPLATE_SQL, DB);
    const { snapshot } = await makeSnapshot(cluster, DB, 'tmpl');
    const provisioner = await createProvisioner(profileFor(cluster, DB), { concurrency: 2 });
    try {
      const summary = await provisioner.provisionMany(snapshotSource(snapshot, 'v1'), [...SAME, ...Object.keys(EDITS)]);
      expect(summary.created).toBe(SAME.length + Object.keys(EDITS).length);
    } finally {
      await provisioner.close();
    }
    for (const edit of Object.values(EDITS)) await cluster.query(edit.sql, DB);
    db = await createPool(profileFor(cluster, DB), 2);
  }, 300_000);
  afterAll(async () => {
    await db?.end();
    await cluster?.stop();
  });

  it('gives every schema exactly its full fingerprint; tenants of one snapshot share a key whatever their names', async () => {
    const schemas = ['tmpl', ...SAME, ...Object.keys(EDITS)];
    const client = await db.connect();
    try {
      const byKey = await readFingerprintsByKey(client, schemas, { always: ['tmpl'] });
      const full = await readFingerprints(client, schemas);
      for (const s of schemas) expect({ schema: s, hashes: byKey.hashes.get(s) }).toEqual({ schema: s, hashes: full.get(s) });
      // One key for the unchanged tenants; the template's differs (its attnum gap) yet its fingerprint is theirs.
      const sameKeys = new Set(SAME.map((s) => byKey.keys.get(s)));
      expect(sameKeys.size).toBe(1);
      expect(byKey.keys.get('tmpl')).not.toBe(byKey.keys.get('a'));
      expect(full.get('a')).toEqual(full.get('tmpl'));
      const template = full.get('tmpl')!;
      for (const [tenant, edit] of Object.entries(EDITS)) {
        expect(byKey.keys.get(tenant)).not.toBe(byKey.keys.get('a'));
        const differing = FINGERPRINT_KINDS.filter((k) => (full.get(tenant)?.[k] ?? '') !== (template[k] ?? ''));
        expect({ tenant, differing }).toEqual({ tenant, differing: [edit.kind] });
      }
    } finally {
      client.release();
    }
  });

  it('splits the key pass between two backends in one snapshot with the same result', async () => {
    const schemas = ['tmpl', ...SAME, ...Object.keys(EDITS)];
    const client = await db.connect();
    const helper = await db.connect();
    const sent = vi.spyOn(helper, 'query');
    try {
      const single = await readFingerprintsByKey(client, schemas, { always: ['tmpl'] });
      expect(sent).not.toHaveBeenCalled();
      // splitAt 0: split even these few schemas; the helper imports the leader's snapshot and reads the second half.
      const split = await readFingerprintsByKey(client, schemas, { always: ['tmpl'], helper, splitAt: 0 });
      const texts = sent.mock.calls.map((call) => String(call[0]));
      expect(texts.some((t) => /^SET TRANSACTION SNAPSHOT '[0-9A-F-]+'$/.test(t))).toBe(true);
      expect(texts.filter((t) => t.includes('hashtextextended'))).toHaveLength(1);
      expect(split.keys).toEqual(single.keys);
      expect(split.hashes).toEqual(single.hashes);
      expect(split.classes).toBe(single.classes);
    } finally {
      sent.mockRestore();
      client.release();
      helper.release();
    }
  });
});
