/**
 * A census reusing the keys an earlier one kept (core/fleet/stamp-sql.ts)
 * against a real cluster: after every kind of change made by hand — to a
 * column, a default, a comment on anything, an enum label, a sequence, a
 * function, an index, a trigger, a policy, a rule, a partition, an
 * inheritance, a domain, a grant, the schema itself — exactly the changed
 * tenants are computed again and the cohorts are those of a census that
 * reuses nothing. A change undone leaves the tenant with the template. A
 * renamed role reuses no key. A tenant whose default calls a function of
 * another schema is never reused, so that function renamed and replaced is
 * still seen. A dropped schema's key is forgotten. A role that may not read
 * the kept keys gets the same census.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type pg from 'pg';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { makeSnapshot, profileFor } from '../pool/pool-fixtures.js';
import { createProvisioner, snapshotSource } from '../../../electron/services/provision/provisioner.js';
import { createPool } from '../../../electron/services/connection/open-connection.js';
import { readFingerprintsByKey, takeCensus, type CensusResult } from '../../../electron/services/fleet/census.js';
import { ensureRegister } from '../../../electron/services/fleet/register.js';

const DB = 'reuse';
const TEMPLATE_SQL = `
CREATE ROLE reuse_reader;
CREATE FUNCTION public.next_code() RETURNS text LANGUAGE sql AS $$ SELECT 'c-1' $$;
CREATE SCHEMA tmpl;
CREATE TYPE tmpl.status AS ENUM ('draft', 'active', 'archived');
CREATE DOMAIN tmpl.amount AS numeric(12,2) CHECK (VALUE >= 0);
CREATE TYPE tmpl.span AS RANGE (subtype = int4);
CREATE TYPE tmpl.pair AS (a int, b text);
CREATE TABLE tmpl.item (
  id serial PRIMARY KEY,
  code text NOT NULL,
  status tmpl.status NOT NULL DEFAULT 'draft',
  price tmpl.amount DEFAULT 0,
  made date DEFAULT '2020-01-02',
  total numeric GENERATED ALWAYS AS (price * 2) STORED,
  CONSTRAINT code_len CHECK (length(code) > 0)
);
CREATE TABLE tmpl.line (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, item_id int REFERENCES tmpl.item (id), qty int);
CREATE TABLE tmpl.base (id int);
CREATE TABLE tmpl.child (id int, extra int);
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
COMMENT ON TABLE tmpl.item IS 'items';
GRANT USAGE ON SCHEMA tmpl TO reuse_reader;
GRANT SELECT ON tmpl.item TO reuse_reader;
`;

/** Each tenant changed by hand after the first census, and its change (the tenant's name stands for @). */
const EDITS: Record<string, string> = {
  e_add_column: 'ALTER TABLE @.item ADD COLUMN note text',
  e_not_null: 'ALTER TABLE @.line ALTER qty SET NOT NULL',
  e_rename_column: 'ALTER TABLE @.line RENAME qty TO quantity',
  e_column_type: 'ALTER TABLE @.line ALTER qty TYPE bigint',
  e_default: "ALTER TABLE @.item ALTER status SET DEFAULT 'active'",
  e_default_date: "ALTER TABLE @.item ALTER made SET DEFAULT '2020-02-01'",
  e_generated: 'ALTER TABLE @.item DROP COLUMN total, ADD COLUMN total numeric GENERATED ALWAYS AS (price * 3) STORED',
  e_column_comment: "COMMENT ON COLUMN @.item.code IS 'the business key'",
  e_table_comment: "COMMENT ON TABLE @.item IS 'things'",
  e_function_comment: "COMMENT ON FUNCTION @.touch() IS 'touches'",
  e_constraint_comment: "COMMENT ON CONSTRAINT code_len ON @.item IS 'not empty'",
  e_trigger_comment: "COMMENT ON TRIGGER item_touch ON @.item IS 'on update'",
  e_type_comment: "COMMENT ON TYPE @.pair IS 'a pair'",
  e_index_comment: "COMMENT ON INDEX @.item_active IS 'active ones'",
  e_enum_label: "ALTER TYPE @.status RENAME VALUE 'archived' TO 'gone'",
  e_enum_value: "ALTER TYPE @.status ADD VALUE 'late'",
  e_domain: 'ALTER DOMAIN @.amount ADD CONSTRAINT small CHECK (VALUE < 1000000)',
  e_composite: 'ALTER TYPE @.pair ADD ATTRIBUTE c int',
  e_check: 'ALTER TABLE @.item DROP CONSTRAINT code_len, ADD CONSTRAINT code_len CHECK (length(code) > 1)',
  e_sequence: 'ALTER SEQUENCE @.item_id_seq INCREMENT BY 2',
  e_seq_owner: 'ALTER SEQUENCE @.item_id_seq OWNED BY NONE',
  e_function_body: 'CREATE OR REPLACE FUNCTION @.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.code := NEW.code; RETURN NEW; END $$',
  e_function_setting: 'ALTER FUNCTION @.touch() SET search_path = pg_catalog',
  e_function_grant: 'REVOKE EXECUTE ON FUNCTION @.touch() FROM PUBLIC',
  e_index_rename: 'ALTER INDEX @.item_active RENAME TO item_live',
  e_index_drop: 'DROP INDEX @.item_lower_code',
  e_index_expr: 'DROP INDEX @.item_lower_code; CREATE INDEX item_lower_code ON @.item (upper(code))',
  e_trigger_disabled: 'ALTER TABLE @.item DISABLE TRIGGER item_touch',
  e_policy: "ALTER POLICY item_visible ON @.item USING (status <> 'draft')",
  e_rls_off: 'ALTER TABLE @.item DISABLE ROW LEVEL SECURITY',
  e_rule: 'CREATE RULE item_keep AS ON DELETE TO @.item DO INSTEAD NOTHING',
  e_view: "CREATE OR REPLACE VIEW @.active_items AS SELECT id, code, status FROM @.item WHERE status = 'draft'",
  e_inherit: 'ALTER TABLE @.child INHERIT @.base',
  e_detach: 'ALTER TABLE @.part DETACH PARTITION @.part_1',
  e_reloptions: 'ALTER TABLE @.item SET (fillfactor = 70)',
  e_table_grant: 'REVOKE SELECT ON @.item FROM reuse_reader',
  e_column_grant: 'GRANT SELECT (qty) ON @.line TO reuse_reader',
  e_schema_grant: 'REVOKE USAGE ON SCHEMA @ FROM reuse_reader',
  e_table_rename: 'ALTER TABLE @.base RENAME TO base2',
  e_matview_index: 'CREATE INDEX item_codes_code ON @.item_codes (code)',
  // Changes that leave the structure as it was: computed again (the rows are new), and still with the template.
  e_undone: 'ALTER TABLE @.line ALTER qty SET NOT NULL; ALTER TABLE @.line ALTER qty DROP NOT NULL',
  e_recreated: 'DROP TABLE @.base; CREATE TABLE @.base (id int)',
};
const UNCHANGED = ['same_a', "o'neil", 'y_ext'];
/** Edits after which the tenant's structure is still the template's. */
const NO_DRIFT = new Set(['e_undone', 'e_recreated']);

const q = (schema: string) => `"${schema.replace(/"/g, '""')}"`;

/** Cohort of each tenant: its members, status and differing kinds (what must agree between two censuses). */
function cohortsByTenant(census: CensusResult): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of census.cohorts) for (const m of c.members) out.set(m, JSON.stringify({ status: c.status, kinds: c.differingKinds, members: c.members }));
  return out;
}

describe('census reusing kept keys', () => {
  let cluster: Cluster;
  let db: pg.Pool;

  const keptSince = async (since: Date): Promise<string[]> => {
    const { rows } = await cluster.query(`select n.nspname from _tenantry.census_keys k join pg_namespace n on n.oid = k.nsp where k.computed_at > '${since.toISOString()}' order by 1`, DB);
    return (rows as { nspname: string }[]).map((r) => r.nspname);
  };

  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase(DB);
    await cluster.query(TEMPLATE_SQL, DB);
    const { snapshot } = await makeSnapshot(cluster, DB, 'tmpl');
    const provisioner = await createProvisioner(profileFor(cluster, DB), { concurrency: 2 });
    try {
      const summary = await provisioner.provisionMany(snapshotSource(snapshot, 'v1'), [...UNCHANGED, ...Object.keys(EDITS), 'x_ext']);
      expect(summary.created).toBe(UNCHANGED.length + Object.keys(EDITS).length + 1);
    } finally {
      await provisioner.close();
    }
    // A tenant whose default calls a function of another schema.
    await cluster.query('ALTER TABLE x_ext.item ALTER code SET DEFAULT public.next_code()', DB);
    db = await createPool(profileFor(cluster, DB), 2);
  }, 300_000);
  afterAll(async () => {
    await db?.end();
    await cluster?.stop();
  });

  it('computes again exactly the tenants changed by hand, and gives the cohorts of a census that reuses nothing', async () => {
    const first = await takeCensus(db, { template: 'tmpl' });
    const tenants = UNCHANGED.length + Object.keys(EDITS).length + 1;
    expect(first.keys).toEqual({ reused: 0, computed: tenants + 1 });
    // Every key kept but x_ext's, whose default names public.next_code().
    const { rows: kept } = await cluster.query('select count(*)::int as n from _tenantry.census_keys', DB);
    expect((kept[0] as { n: number }).n).toBe(tenants);

    const second = await takeCensus(db, { template: 'tmpl' });
    expect(second.keys).toEqual({ reused: tenants, computed: 1 });
    expect(cohortsByTenant(second)).toEqual(cohortsByTenant(first));

    const before = new Date((await cluster.query('select clock_timestamp() as t', DB)).rows[0].t as string);
    for (const [tenant, sql] of Object.entries(EDITS)) await cluster.query(sql.replaceAll('@', q(tenant)), DB);
    const third = await takeCensus(db, { template: 'tmpl' });
    const fresh = await takeCensus(db, { template: 'tmpl', reuseKeys: false });
    expect(fresh.keys).toEqual({ reused: 0, computed: tenants + 1 });
    expect(third.keys).toEqual({ reused: tenants - Object.keys(EDITS).length, computed: Object.keys(EDITS).length + 1 });
    expect(await keptSince(before)).toEqual(Object.keys(EDITS).sort());
    expect(cohortsByTenant(third)).toEqual(cohortsByTenant(fresh));
    const templateCohort = third.cohorts.find((c) => c.status === 'template')!;
    expect(templateCohort.members).toEqual([...UNCHANGED, ...NO_DRIFT].sort());
    for (const tenant of Object.keys(EDITS)) if (!NO_DRIFT.has(tenant)) expect({ tenant, with: templateCohort.members.includes(tenant) }).toEqual({ tenant, with: false });
  });

  it("sees a function of another schema renamed and replaced under a tenant's default (that tenant is never reused)", async () => {
    // x_ext calls public.next_code(); the function is renamed and a new one takes its name, which y_ext then calls.
    // Both defaults print the same text as x_ext's did when its key was computed: only x_ext's key computed again
    // (it prints public.old_code() now) keeps the two apart.
    await cluster.query("ALTER FUNCTION public.next_code() RENAME TO old_code; CREATE FUNCTION public.next_code() RETURNS text LANGUAGE sql AS $$ SELECT 'c-2' $$; ALTER TABLE y_ext.item ALTER code SET DEFAULT public.next_code()", DB);
    const census = await takeCensus(db, { template: 'tmpl', tenants: ['x_ext', 'y_ext', 'same_a'] });
    expect(census.keys.computed).toBe(2);
    expect(cohortsByTenant(census)).toEqual(cohortsByTenant(await takeCensus(db, { template: 'tmpl', tenants: ['x_ext', 'y_ext', 'same_a'], reuseKeys: false })));
    const cohortOf = (t: string) => census.cohorts.find((c) => c.members.includes(t));
    expect(cohortOf('x_ext')?.members).toEqual(['x_ext']);
    expect(cohortOf('y_ext')?.members).toEqual(['y_ext']);
  });

  it('reuses no key after a role is renamed (ACLs print role names)', async () => {
    await takeCensus(db, { template: 'tmpl' });
    const again = await takeCensus(db, { template: 'tmpl' });
    expect(again.keys.reused).toBeGreaterThan(0);
    await cluster.query('ALTER ROLE reuse_reader RENAME TO reuse_reader2', DB);
    const renamed = await takeCensus(db, { template: 'tmpl' });
    expect(renamed.keys.reused).toBe(0);
    expect(cohortsByTenant(renamed)).toEqual(cohortsByTenant(await takeCensus(db, { template: 'tmpl', reuseKeys: false })));
  });

  it('with a second backend and too few changed schemas to split, finds their external references there, in the same snapshot', async () => {
    const schemas = ['tmpl', 'same_a', 'x_ext', 'y_ext'];
    const client = await db.connect();
    const helper = await db.connect();
    const sent = vi.spyOn(helper, 'query');
    try {
      const plain = await readFingerprintsByKey(client, schemas, { always: ['tmpl'] });
      // Nothing kept for these four under this format yet (readFingerprintsByKey keeps nothing): all computed.
      await cluster.query(`DELETE FROM _tenantry.census_keys`, DB);
      const reusing = await readFingerprintsByKey(client, schemas, { always: ['tmpl'], helper, reuse: true });
      expect(reusing.keys).toEqual(plain.keys);
      expect(reusing.hashes).toEqual(plain.hashes);
      expect(reusing.reuse.computed).toBe(4);
      const texts = sent.mock.calls.map((call) => String(call[0]));
      expect(texts.some((t) => /^SET TRANSACTION SNAPSHOT '[0-9A-F-]+'$/.test(t))).toBe(true);
      expect(texts.filter((t) => t.includes("r.refclassid not in ('pg_catalog.pg_language'"))).toHaveLength(1);
      // x_ext's default names public.old_code(), y_ext's public.next_code(): their keys are not to be kept; the others' are.
      const oid = async (name: string) => (await cluster.query(`select oid::int8::text as oid from pg_namespace where nspname = '${name}'`, DB)).rows[0].oid as string;
      expect(reusing.reuse.keep.map((k) => k.ns).sort()).toEqual([await oid('tmpl'), await oid('same_a')].sort());
    } finally {
      sent.mockRestore();
      client.release();
      helper.release();
    }
  });

  it("forgets a dropped schema's kept key", async () => {
    const oid = (await cluster.query(`select oid::int8::text as oid from pg_namespace where nspname = 'o''neil'`, DB)).rows[0].oid as string;
    await takeCensus(db, { template: 'tmpl' });
    const kept = async () => (await cluster.query(`select count(*)::int as n from _tenantry.census_keys where nsp = ${oid}`, DB)).rows[0].n as number;
    expect(await kept()).toBe(1);
    await cluster.query(`DROP SCHEMA "o'neil" CASCADE; ALTER TABLE e_add_column.item ADD COLUMN later int`, DB);
    const census = await takeCensus(db, { template: 'tmpl' });
    expect(census.missing).toEqual(["o'neil"]);
    expect(await kept()).toBe(0);
  });

  it('gives a role that may not read the kept keys the same census, computing every key', async () => {
    await cluster.query(`CREATE ROLE census_only LOGIN PASSWORD 'pw'; GRANT USAGE ON SCHEMA _tenantry TO census_only; GRANT SELECT ON _tenantry.tenants TO census_only`, DB);
    const other = await createPool({ ...profileFor(cluster, DB), user: 'census_only', password: 'pw' }, 2);
    try {
      const census = await takeCensus(other, { template: 'tmpl' });
      expect(census.keys.reused).toBe(0);
      expect(cohortsByTenant(census)).toEqual(cohortsByTenant(await takeCensus(db, { template: 'tmpl' })));
    } finally {
      await other.end();
    }
  });

  it('a register made before the kept keys: a role that may write the register but not create tables still passes; the owner creates them', async () => {
    await cluster.query(
      `DROP TABLE _tenantry.census_keys; CREATE ROLE reg_writer LOGIN PASSWORD 'pw'; GRANT USAGE ON SCHEMA _tenantry TO reg_writer; GRANT SELECT, INSERT, UPDATE, DELETE ON _tenantry.tenants TO reg_writer`,
      DB,
    );
    const writer = await createPool({ ...profileFor(cluster, DB), user: 'reg_writer', password: 'pw' }, 2);
    try {
      await ensureRegister(writer);
      expect((await cluster.query(`select to_regclass('_tenantry.census_keys') is null as missing`, DB)).rows[0]).toEqual({ missing: true });
      const census = await takeCensus(writer, { template: 'tmpl' });
      expect(census.keys.reused).toBe(0);
    } finally {
      await writer.end();
    }
    const owner = await createPool(profileFor(cluster, DB), 2);
    try {
      await ensureRegister(owner);
      expect((await cluster.query(`select to_regclass('_tenantry.census_keys') is null as missing`, DB)).rows[0]).toEqual({ missing: false });
    } finally {
      await owner.end();
    }
  });
});
