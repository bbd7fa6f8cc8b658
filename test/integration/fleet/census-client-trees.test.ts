/**
 * The census's key pass with the expression trees normalised by the client
 * (electron/services/fleet/raw-keys.ts) against the SQL form it replaces, on
 * real PostgreSQL: hashBytesExtended is hashtextextended; every stored tree of
 * the corpus's databases (and of a fixture with the rarer kinds: partition
 * bounds and keys, rules with a qualification, policies WITH CHECK, enum and
 * regclass constants, a function of the schema's own in a check) comes out of
 * maskTree/finishTree exactly as nodeTreeSql writes it, system catalogs'
 * views included; and the streamed keys equal buildRawKeySql's for every
 * schema, with and without privileges.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { CORPUS, hasCorpus, loadCorpus } from '../harness/corpus.js';
import { hashBytesExtended } from '../../../core/fleet/pg-hash.js';
import { finishTree, maskTree } from '../../../core/fleet/node-tree.js';
import { buildRawKeySql, buildTreeOidSql, nodeTreeSql } from '../../../core/fleet/raw-key-sql.js';
import { readRawKeys } from '../../../electron/services/fleet/raw-keys.js';

const FIXTURE_SQL = `
CREATE SCHEMA "Fix'ture";
SET search_path = "Fix'ture";
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE FUNCTION positive(n numeric) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'select n > 0';
CREATE SEQUENCE counter;
CREATE TABLE item (
  id bigint PRIMARY KEY,
  mood mood NOT NULL DEFAULT 'ok',
  price numeric CHECK (positive(price)),
  seq regclass DEFAULT 'counter'::regclass,
  twice numeric GENERATED ALWAYS AS (price * 2) STORED,
  CONSTRAINT not_sad CHECK (mood <> 'sad')
);
CREATE INDEX item_happy ON item ((id % 100000), (price * 2)) WHERE mood = 'happy' AND seq = 'counter'::regclass;
CREATE VIEW happy_items AS SELECT i.id, i.mood, (SELECT count(*) FROM item j WHERE j.mood = i.mood) AS same FROM item i WHERE i.mood IN ('happy', 'ok') AND i.id > 123456;
CREATE TABLE measure (at date NOT NULL, v int) PARTITION BY RANGE (at, (v % 10));
CREATE TABLE measure_2026 PARTITION OF measure FOR VALUES FROM ('2026-01-01', 0) TO ('2027-01-01', 10) PARTITION BY LIST (v);
CREATE TABLE measure_2026_a PARTITION OF measure_2026 FOR VALUES IN (1, 2, 99999);
CREATE RULE keep AS ON DELETE TO item WHERE OLD.mood = 'happy' DO INSTEAD NOTHING;
ALTER TABLE item ENABLE ROW LEVEL SECURITY;
CREATE POLICY mine ON item USING (mood <> 'sad') WITH CHECK (positive(price) AND seq = 'counter'::regclass);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER t BEFORE UPDATE ON item FOR EACH ROW WHEN (OLD.mood IS DISTINCT FROM NEW.mood AND NEW.id > 99999) EXECUTE FUNCTION touch();
CREATE SCHEMA other;
CREATE TABLE other.ref (id int CHECK (id > 0), m "Fix'ture".mood DEFAULT 'happy');
CREATE VIEW other.v AS SELECT r.id, i.mood FROM other.ref r JOIN "Fix'ture".item i ON i.id = r.id;
`;

/** Every stored tree of the database, with its schema's OID and quote_ident forms (for nodeTreeSql's `x`). */
const TREES = `
select t.ns, t.v, pg_catalog.quote_ident(n.nspname) as q, replace(pg_catalog.quote_ident(n.nspname), '''', '''''') as qq
  from (select c.relnamespace as ns, w.ev_action as v from pg_catalog.pg_rewrite w join pg_catalog.pg_class c on c.oid = w.ev_class
        union all select c.relnamespace, w.ev_qual from pg_catalog.pg_rewrite w join pg_catalog.pg_class c on c.oid = w.ev_class
        union all select k.connamespace, k.conbin from pg_catalog.pg_constraint k
        union all select c.relnamespace, d.adbin from pg_catalog.pg_attrdef d join pg_catalog.pg_class c on c.oid = d.adrelid
        union all select c.relnamespace, x.indexprs from pg_catalog.pg_index x join pg_catalog.pg_class c on c.oid = x.indrelid
        union all select c.relnamespace, x.indpred from pg_catalog.pg_index x join pg_catalog.pg_class c on c.oid = x.indrelid
        union all select c.relnamespace, p.polqual from pg_catalog.pg_policy p join pg_catalog.pg_class c on c.oid = p.polrelid
        union all select c.relnamespace, p.polwithcheck from pg_catalog.pg_policy p join pg_catalog.pg_class c on c.oid = p.polrelid
        union all select c.relnamespace, c.relpartbound from pg_catalog.pg_class c
        union all select c.relnamespace, pt.partexprs from pg_catalog.pg_partitioned_table pt join pg_catalog.pg_class c on c.oid = pt.partrelid
        union all select c.relnamespace, g.tgqual from pg_catalog.pg_trigger g join pg_catalog.pg_class c on c.oid = g.tgrelid) t
  join pg_catalog.pg_namespace n on n.oid = t.ns
 where t.v is not null`;

describe('census key pass: trees normalised by the client', () => {
  let cluster: Cluster;
  const databases: string[] = ['fixture'];

  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase('fixture');
    await cluster.query(FIXTURE_SQL, 'fixture');
    if (hasCorpus()) {
      for (const corpus of CORPUS) {
        const database = `corpus_${corpus.file.replace(/\W+/g, '_')}`;
        await loadCorpus(cluster, database, corpus);
        databases.push(database);
      }
    }
  }, 600_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('hashes bytes as hashtextextended does, for every tail length, seeds 0 and 1, and UTF-8 text', async () => {
    const texts = Array.from({ length: 40 }, (_, n) => Array.from({ length: n }, (_, i) => String.fromCharCode(33 + ((i * 31 + n * 7) % 94))).join(''));
    texts.push('tenant_日本|é', '\u{1F600}'.repeat(13), 'x'.repeat(1000));
    const { rows } = await cluster.query(
      `select hashtextextended(t, 0)::text as h0, hashtextextended(t, 1)::text as h1 from unnest(array[${texts.map((t) => `'${t.replace(/'/g, "''")}'`).join(', ')}]::text[]) with ordinality as x(t, i) order by i`,
      'fixture',
    );
    expect(rows.map((r: { h0: string; h1: string }) => [r.h0, r.h1])).toEqual(texts.map((t) => [hashBytesExtended(Buffer.from(t, 'utf8'), 0).toString(), hashBytesExtended(Buffer.from(t, 'utf8'), 1).toString()]));
  });

  it('normalises every stored tree exactly as the SQL form does', async () => {
    let compared = 0;
    for (const database of databases) {
      const client = await cluster.connect(database);
      try {
        await client.query("SET search_path = ''; SET jit = off");
        const { rows } = await client.query<{ ns: string; raw: string; sql: string }>(
          `select x.ns::int8 as ns, x.v::text as raw, ${nodeTreeSql('x.v', 'x.ns', 'x')} as sql from (${TREES}) x`,
        );
        const masked = rows.map((r) => maskTree(r.raw));
        const oids = [...new Set(masked.flatMap((m) => m.oids.filter((o) => o >= 0)))];
        const { rows: found } = await client.query<{ catalog: 'c' | 't' | 'p' | 'e'; oid: string; ns: string; name: string }>(buildTreeOidSql(), [oids]);
        const order = ['c', 't', 'p', 'e'];
        found.sort((a, b) => order.indexOf(a.catalog) - order.indexOf(b.catalog));
        const mismatches = rows.flatMap((r, i) => {
          const mine = finishTree(masked[i]!, (oid) => found.find((f) => Number(f.oid) === oid && f.ns === r.ns)?.name);
          return mine === r.sql ? [] : [{ database, raw: r.raw.slice(0, 300), sql: r.sql.slice(-200), mine: mine.slice(-200) }];
        });
        expect(mismatches).toEqual([]);
        compared += rows.length;
        if (database === 'fixture') {
          // The fixture's own names are resolved: enum labels, the regclass constant, its function, its relations.
          const own = rows.map((r, i) => finishTree(masked[i]!, (oid) => found.find((f) => Number(f.oid) === oid && f.ns === r.ns)?.name)).join('\n');
          for (const name of ['e:mood.happy', 'e:mood.sad', 'c:counter', 'p:positive(n numeric)', 'c:item', 't:mood']) expect(own).toContain(name);
        }
      } finally {
        await client.end();
      }
    }
    // The system views alone hold hundreds of trees; the corpus adds thousands.
    expect(compared).toBeGreaterThan(hasCorpus() ? 2000 : 200);
  }, 300_000);

  it('gives every schema the key buildRawKeySql gives it, with and without privileges', async () => {
    for (const database of databases) {
      const client = await cluster.connect(database);
      try {
        const { rows: ns } = await client.query<{ nspname: string }>("select nspname from pg_namespace where nspname not like 'pg\\_%' and nspname <> 'information_schema' order by 1");
        const schemas = ns.map((r) => r.nspname);
        for (const privileges of [true, false]) {
          await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
          // As the census runs it: JIT would only compile this long query for seconds.
          await client.query("SELECT set_config('search_path', '', true), set_config('jit', 'off', true)");
          const { rows: reference } = await client.query<{ schema: string; key: string }>(buildRawKeySql({ privileges }), [schemas]);
          const streamed = await readRawKeys(client, schemas, privileges);
          await client.query('ROLLBACK');
          const byName = (rows: { schema: string; key: string }[]) => Object.fromEntries(rows.map((r) => [r.schema, r.key]));
          expect({ database, privileges, keys: byName(streamed) }).toEqual({ database, privileges, keys: byName(reference) });
          expect(streamed.length).toBe(schemas.length);
        }
      } finally {
        await client.end();
      }
    }
  }, 600_000);
});
