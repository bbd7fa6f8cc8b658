/**
 * The "what a tenant shares" queries (read-shared-objects.ts) on a fresh
 * cluster whose catalogs autovacuum has never analysed, in a database holding
 * the template and many tenant-like schemas: the results equal the previous
 * queries' (a frozen copy below), every catalog is reached through an index,
 * and the work done (buffers read) does not grow with the number of schemas
 * beside the template. The previous dependents query scanned the objects of
 * every schema and joined them to pg_depend; unanalysed, that became a nested
 * loop that took 82 s for GitLab and two tenants.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTemplateSql } from '../../../support/generate-template.js';
import { OBJECT_SCHEMAS_CTE } from '../../../electron/services/catalog/object-schemas-sql.js';
import { readSharedObjects, SHARED_OBJECTS_SQL } from '../../../electron/services/catalog/read-shared-objects.js';
import { FACTS_SQL, readCatalogFacts, type TemplateCatalogFacts } from '../../../electron/services/catalog/read-catalog-facts.js';
import { readTemplateCatalog } from '../../../electron/services/catalog/read-template-catalog.js';
import { NAMESPACED_CLASSES, namespaceOfSql } from '../../../electron/services/catalog/template-objects-sql.js';
import { CROSS_DEPENDENCIES_SQL, FOREIGN_SEQUENCE_DEFAULTS_SQL } from '../../../electron/services/verify/read-isolation-facts.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { runSqlFile } from '../harness/corpus.js';

const REALWORLD_DIR = fileURLToPath(new URL('../../../../shared/realworld/', import.meta.url));

// The queries as they were before they started from the template's objects (frozen copy).
const OLD_DEPENDENCIES_SQL = `
with template as (select oid from pg_catalog.pg_namespace where nspname = $1),
${OBJECT_SCHEMAS_CTE},
f as (select * from objns where ns = (select oid from template))
select pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) as from, fi.type as from_type,
       t.identity as to, t.type as to_type, t.schema as to_schema,
       (select e.extname from pg_catalog.pg_depend x join pg_catalog.pg_extension e on e.oid = x.refobjid
         where x.classid = d.refclassid and x.objid = d.refobjid and x.deptype = 'e'
           and x.refclassid = 'pg_catalog.pg_extension'::regclass limit 1) as extension
  from pg_catalog.pg_depend d
  join f on f.classid = d.classid and f.objid = d.objid
  cross join lateral pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid) fi
  cross join lateral pg_catalog.pg_identify_object(d.refclassid, d.refobjid, d.refobjsubid) t
 where d.deptype in ('n', 'a')
   and not exists (select 1 from pg_catalog.pg_depend x where x.classid = d.classid and x.objid = d.objid and x.deptype = 'e')
   and d.refclassid <> 'pg_catalog.pg_namespace'::regclass
   and coalesce(t.schema, '') not in ('pg_catalog', 'information_schema')
   and d.refclassid <> 'pg_catalog.pg_language'::regclass
 order by 1, 3`;

const OLD_DEPENDENTS_SQL = `
with template as (select oid from pg_catalog.pg_namespace where nspname = $1),
${OBJECT_SCHEMAS_CTE},
f as (select o.* from objns o join pg_catalog.pg_namespace n on n.oid = o.ns
       where o.ns <> (select oid from template) and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'),
t as (select * from objns where ns = (select oid from template))
select distinct pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) as from,
       pg_catalog.pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid) as to
  from pg_catalog.pg_depend d
  join f on f.classid = d.classid and f.objid = d.objid
  join t on t.classid = d.refclassid and t.objid = d.refobjid
 where d.deptype in ('n', 'a')
   and not exists (select 1 from pg_catalog.pg_depend x where x.classid = d.classid and x.objid = d.objid and x.deptype = 'e')
   and not exists (select 1 from pg_catalog.pg_depend x where x.classid = d.refclassid and x.objid = d.refobjid and x.deptype = 'e')
 order by 1, 2`;

// Verify's isolation queries as they were before they started from the tenant's objects (frozen copies): every
// schema's objects mapped to their namespace, so each verify grew with the number of schemas in the database.
const OLD_CROSS_DEPENDENCIES_SQL = `
with tenant as (select oid from pg_catalog.pg_namespace where nspname = $1),
template as (select oid from pg_catalog.pg_namespace where nspname = $2),
${OBJECT_SCHEMAS_CTE},
f as (select * from objns where ns = (select oid from tenant)),
t as (select * from objns where ns = (select oid from template))
select pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) as from,
       pg_catalog.pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid) as to
  from pg_catalog.pg_depend d
  join f on f.classid = d.classid and f.objid = d.objid
  join t on t.classid = d.refclassid and t.objid = d.refobjid
 where not exists (select 1 from pg_catalog.pg_depend e where e.classid = d.refclassid and e.objid = d.refobjid and e.deptype = 'e')
 order by 1, 2`;

const OLD_FOREIGN_SEQUENCE_DEFAULTS_SQL = `
select c.relname || '.' || a.attname as column, s.oid::regclass::text as sequence
  from pg_catalog.pg_attrdef ad
  join pg_catalog.pg_class c on c.oid = ad.adrelid
  join pg_catalog.pg_attribute a on a.attrelid = ad.adrelid and a.attnum = ad.adnum
  join pg_catalog.pg_depend d on d.classid = 'pg_catalog.pg_attrdef'::regclass and d.objid = ad.oid and d.refclassid = 'pg_catalog.pg_class'::regclass
  join pg_catalog.pg_class s on s.oid = d.refobjid and s.relkind = 'S'
 where c.relnamespace = (select oid from pg_catalog.pg_namespace where nspname = $1)
   and s.relnamespace <> c.relnamespace
 order by 1`;

const OLD_ROLES_SQL = `
with ns as (select oid from pg_catalog.pg_namespace where nspname = $1),
owners as (
  select relowner as role from pg_catalog.pg_class where relnamespace = (select oid from ns)
  union select proowner from pg_catalog.pg_proc where pronamespace = (select oid from ns)
  union select typowner from pg_catalog.pg_type where typnamespace = (select oid from ns)
  union select nspowner from pg_catalog.pg_namespace where oid = (select oid from ns)
),
acls as (
  select relacl as acl from pg_catalog.pg_class where relnamespace = (select oid from ns) and relacl is not null
  union all select proacl from pg_catalog.pg_proc where pronamespace = (select oid from ns) and proacl is not null
  union all select typacl from pg_catalog.pg_type where typnamespace = (select oid from ns) and typacl is not null
  union all select nspacl from pg_catalog.pg_namespace where oid = (select oid from ns) and nspacl is not null
  union all select defaclacl from pg_catalog.pg_default_acl where defaclnamespace = (select oid from ns)
),
grantees as (select distinct a.grantee as role from acls cross join lateral pg_catalog.aclexplode(acls.acl) a)
select case when r.role = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(r.role) end as name,
       bool_or(r.owns) as owns, bool_or(r.granted) as granted
  from (select role, true as owns, false as granted from owners
        union all select role, false, true from grantees) r
 group by 1 order by 1`;

const OLD_EXTENSION_MEMBERS_SQL = `
select count(*)::int as n from pg_catalog.pg_depend d
 where d.deptype = 'e' and d.refclassid = 'pg_catalog.pg_extension'::regclass
   and (pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid)).schema = $1`;

// The template's object list as the recursive walk made it before it read the catalogs by index (frozen copy): from
// the objects that depend on the schema, every dependency backwards, each object's namespace checked.
const OLD_TEMPLATE_OBJECTS_SQL = `
with recursive template as (select oid from pg_catalog.pg_namespace where nspname = $1),
tobjs(classid, objid) as (
  select d.classid, d.objid from pg_catalog.pg_depend d
   where d.refclassid = 'pg_catalog.pg_namespace'::regclass and d.refobjid = (select oid from template)
     and d.classid = any (${NAMESPACED_CLASSES})
     and ${namespaceOfSql('d.classid', 'd.objid')} = (select oid from template)
  union
  select x.classid, x.objid from tobjs o
   cross join lateral (
     select d.classid, d.objid from pg_catalog.pg_depend d
      where d.refclassid = o.classid and d.refobjid = o.objid and d.classid = any (${NAMESPACED_CLASSES})
     union all
     select 'pg_catalog.pg_trigger'::regclass::oid, t.oid from pg_catalog.pg_trigger t
      where o.classid = 'pg_catalog.pg_class'::regclass and t.tgrelid = o.objid
     offset 0
   ) x
   where ${namespaceOfSql('x.classid', 'x.objid')} = (select oid from template)
)
select classid::regclass::text || ' ' || objid as object from tobjs order by 1`;

// The whole schema's catalog facts as read before (frozen copy): each catalog filtered by the schema.
const OLD_FACTS_SQL = `
with ns as (select oid from pg_catalog.pg_namespace where nspname = $1),
ext as (select classid, objid from pg_catalog.pg_depend where deptype = 'e' and refclassid = 'pg_catalog.pg_extension'::regclass),
objs as (
  select 'relation' as kind, c.relname::text as name, c.relkind::text as sub,
         exists (select 1 from ext where ext.classid = 'pg_catalog.pg_class'::regclass and ext.objid = c.oid) as ext
    from pg_catalog.pg_class c where c.relnamespace = (select oid from ns)
  union all
  select 'type', t.typname::text, t.typtype::text,
         exists (select 1 from ext where ext.classid = 'pg_catalog.pg_type'::regclass and ext.objid = t.oid)
         or exists (select 1 from ext where ext.classid = 'pg_catalog.pg_type'::regclass and ext.objid = t.typelem and t.typelem <> 0)
    from pg_catalog.pg_type t where t.typnamespace = (select oid from ns)
  union all
  select 'function', p.proname::text, p.prokind::text, exists (select 1 from ext where ext.classid = 'pg_catalog.pg_proc'::regclass and ext.objid = p.oid)
    from pg_catalog.pg_proc p where p.pronamespace = (select oid from ns)
  union all
  select 'opclass', o.opcname::text, '', exists (select 1 from ext where ext.classid = 'pg_catalog.pg_opclass'::regclass and ext.objid = o.oid)
    from pg_catalog.pg_opclass o where o.opcnamespace = (select oid from ns)
  union all
  select 'opfamily', f.opfname::text, '', exists (select 1 from ext where ext.classid = 'pg_catalog.pg_opfamily'::regclass and ext.objid = f.oid)
    from pg_catalog.pg_opfamily f where f.opfnamespace = (select oid from ns)
  union all
  select 'operator', o.oprname::text, '', exists (select 1 from ext where ext.classid = 'pg_catalog.pg_operator'::regclass and ext.objid = o.oid)
    from pg_catalog.pg_operator o where o.oprnamespace = (select oid from ns)
  union all
  select 'collation', c.collname::text, '', exists (select 1 from ext where ext.classid = 'pg_catalog.pg_collation'::regclass and ext.objid = c.oid)
    from pg_catalog.pg_collation c where c.collnamespace = (select oid from ns)
  union all
  select 'textsearch', x.name, '', x.ext from (
    select cfgname::text as name, exists (select 1 from ext where ext.classid = 'pg_catalog.pg_ts_config'::regclass and ext.objid = c.oid) as ext
      from pg_catalog.pg_ts_config c where c.cfgnamespace = (select oid from ns)
    union all
    select dictname::text, exists (select 1 from ext where ext.classid = 'pg_catalog.pg_ts_dict'::regclass and ext.objid = d.oid)
      from pg_catalog.pg_ts_dict d where d.dictnamespace = (select oid from ns)
  ) x
)
select kind, name, sub, ext from objs order by kind, name`;

/** The facts rows as FACTS_SQL gives them, without its object-list row: what readCatalogFacts turns into lists. */
async function factsRows(client: pg.ClientBase, sql: string, schema: string): Promise<unknown[]> {
  const { rows } = await client.query<{ kind: string }>(sql, [schema]);
  return rows.filter((r) => r.kind !== 'objects');
}

/** What the previous readSharedObjects returned, from the frozen queries. */
async function readSharedObjectsBefore(client: pg.ClientBase, schema: string): Promise<unknown> {
  type Dep = { from: string; from_type: string; to: string; to_type: string; to_schema: string | null; extension: string | null };
  const deps = await client.query<Dep>(OLD_DEPENDENCIES_SQL, [schema]);
  const dependencies = deps.rows
    .filter((r) => r.to_schema !== schema || r.extension !== null)
    .map((r) => ({ from: r.from, fromType: r.from_type, to: r.to, toType: r.to_type, toSchema: r.to_schema, extension: r.extension }));
  const used = new Set(dependencies.map((d) => d.extension).filter((e): e is string => e !== null));
  const ext = await client.query<{ name: string; schema: string }>(
    'select e.extname as name, n.nspname as schema from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace order by 1',
  );
  return {
    dependencies,
    dependents: (await client.query(OLD_DEPENDENTS_SQL, [schema])).rows,
    extensions: ext.rows.filter((e) => used.has(e.name)),
    roles: (await client.query(OLD_ROLES_SQL, [schema])).rows,
    extensionMembersInTemplate: (await client.query<{ n: number }>(OLD_EXTENSION_MEMBERS_SQL, [schema])).rows[0]?.n ?? 0,
  };
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

function seqScans(node: PlanNode, out: string[] = []): string[] {
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) out.push(node['Relation Name']);
  for (const child of node.Plans ?? []) seqScans(child, out);
  return out;
}

async function explain(client: pg.ClientBase, sql: string, params: unknown[], analyze = false): Promise<PlanNode> {
  const { rows } = await client.query(`explain (format json${analyze ? ', analyze, buffers' : ''}) ${sql}`, params);
  return ((rows[0] as { 'QUERY PLAN': { Plan: PlanNode }[] })['QUERY PLAN'][0] as { Plan: PlanNode }).Plan;
}

/** Blocks the query touches (shared hits and reads), a measure of its work that does not depend on the machine's speed. */
async function blocksTouched(client: pg.ClientBase, sql: string, params: unknown[]): Promise<number> {
  const plan = await explain(client, sql, params, true);
  return (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
}

/** Catalogs that grow with every schema in the database: none may be read whole. */
const GROWING_CATALOGS = ['pg_depend', 'pg_class', 'pg_type', 'pg_proc', 'pg_constraint', 'pg_attrdef', 'pg_trigger', 'pg_attribute'];

/** A template beside other schemas that depend on it, with extension members inside it. */
const TEMPLATE_SQL = `
CREATE EXTENSION citext; CREATE EXTENSION pg_trgm;
CREATE ROLE shared_scale_reader;
CREATE SCHEMA tmpl; CREATE SCHEMA reporting; CREATE SCHEMA parts;
CREATE TYPE tmpl.state AS ENUM ('on', 'off');
CREATE DOMAIN tmpl.email AS public.citext CHECK (VALUE ~ '@');
CREATE TABLE tmpl.accounts (id serial PRIMARY KEY, email tmpl.email UNIQUE, state tmpl.state DEFAULT 'on', note text);
CREATE INDEX accounts_note_trgm ON tmpl.accounts USING gin (note public.gin_trgm_ops);
CREATE TABLE tmpl.events (id bigint GENERATED ALWAYS AS IDENTITY, account_id int REFERENCES tmpl.accounts, at timestamptz NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE parts.events_2024 PARTITION OF tmpl.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE FUNCTION tmpl.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := coalesce(NEW.note, ''); RETURN NEW; END $$;
CREATE TRIGGER accounts_touch BEFORE INSERT ON tmpl.accounts FOR EACH ROW EXECUTE FUNCTION tmpl.touch();
CREATE VIEW tmpl.active AS SELECT id, email FROM tmpl.accounts WHERE state = 'on';
ALTER TABLE tmpl.accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON tmpl.accounts USING (state = 'on');
CREATE TABLE reporting.audit (account_id int REFERENCES tmpl.accounts, what text);
CREATE TABLE reporting.log (id int DEFAULT nextval('tmpl.accounts_id_seq'::regclass), at timestamptz);
CREATE VIEW reporting.active_accounts AS SELECT * FROM tmpl.active;
CREATE FUNCTION reporting.count_active() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM tmpl.accounts $$;
CREATE TRIGGER audit_touch BEFORE INSERT ON reporting.audit FOR EACH ROW EXECUTE FUNCTION tmpl.touch();
GRANT USAGE ON SCHEMA tmpl TO shared_scale_reader; GRANT SELECT ON tmpl.accounts TO shared_scale_reader;
ALTER DEFAULT PRIVILEGES IN SCHEMA tmpl GRANT SELECT ON TABLES TO shared_scale_reader;
`;

/** A schema with an object of every kind the list covers, and objects of other schemas hanging on it. */
const EVERY_KIND_SQL = `
CREATE EXTENSION btree_gist;
CREATE SCHEMA k; CREATE SCHEMA other;
CREATE EXTENSION citext SCHEMA k;
CREATE TYPE k.mood AS ENUM ('a', 'b');
CREATE TYPE k.pair AS (x int, y text);
CREATE TYPE k.fr AS RANGE (subtype = float8);
CREATE DOMAIN k.pos AS int CHECK (VALUE > 0) NOT NULL;
CREATE DOMAIN k.em AS k.citext CHECK (VALUE ~ '@');
CREATE COLLATION k.c1 (provider = icu, locale = 'und');
CREATE TEXT SEARCH DICTIONARY k.d1 (TEMPLATE = simple);
CREATE TEXT SEARCH CONFIGURATION k.cfg (COPY = pg_catalog.simple);
CREATE SEQUENCE k.s1;
CREATE TABLE k.t (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n serial, m k.mood DEFAULT 'a', p k.pos, e k.em UNIQUE, r k.fr,
  g int GENERATED ALWAYS AS (p * 2) STORED, CONSTRAINT ck CHECK (n > 0), EXCLUDE USING gist (r WITH &&));
CREATE TABLE k.child (id int REFERENCES k.t ON DELETE CASCADE, note text COLLATE k.c1);
CREATE TABLE k.parted (id int, at date, PRIMARY KEY (id, at)) PARTITION BY RANGE (at);
CREATE TABLE k.parted_2024 PARTITION OF k.parted FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE other.parted_2025 PARTITION OF k.parted FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX parted_idx ON k.parted (id);
CREATE TABLE k.inh (x int); CREATE TABLE k.inh2 () INHERITS (k.inh);
CREATE VIEW k.v AS SELECT id, m FROM k.t;
CREATE MATERIALIZED VIEW k.mv AS SELECT id FROM k.t; CREATE UNIQUE INDEX mv_idx ON k.mv (id);
CREATE RULE r1 AS ON INSERT TO k.v DO INSTEAD INSERT INTO k.t (p) VALUES (1);
CREATE FUNCTION k.f(a int) RETURNS int LANGUAGE sql AS 'select a + 1';
CREATE PROCEDURE k.pr() LANGUAGE sql AS 'select 1';
CREATE AGGREGATE k.agg(int) (sfunc = int4pl, stype = int);
CREATE FUNCTION k.trg() RETURNS trigger LANGUAGE plpgsql AS 'begin return new; end';
CREATE TRIGGER t1 BEFORE INSERT ON k.t FOR EACH ROW EXECUTE FUNCTION k.trg();
CREATE CONSTRAINT TRIGGER ct AFTER INSERT ON k.child DEFERRABLE FOR EACH ROW EXECUTE FUNCTION k.trg();
CREATE FUNCTION k.eq(a k.pair, b k.pair) RETURNS boolean LANGUAGE sql AS 'select a.x = b.x';
CREATE OPERATOR k.=== (leftarg = k.pair, rightarg = k.pair, function = k.eq);
CREATE FUNCTION k.cmp(a int, b int) RETURNS int LANGUAGE sql AS 'select a - b';
CREATE OPERATOR FAMILY k.fam USING btree;
CREATE OPERATOR CLASS k.opc FOR TYPE int USING btree FAMILY k.fam AS OPERATOR 1 <, FUNCTION 1 k.cmp(int, int);
ALTER TABLE k.t ENABLE ROW LEVEL SECURITY; CREATE POLICY pol ON k.t USING (p > 0);
CREATE STATISTICS k.st ON p, n FROM k.t;
CREATE TYPE k.shell;
CREATE TABLE other.ref (id int REFERENCES k.t); CREATE VIEW other.v AS SELECT * FROM k.v;
CREATE TRIGGER ot BEFORE INSERT ON other.ref FOR EACH ROW EXECUTE FUNCTION k.trg();
`;

let cluster: Cluster;

beforeAll(async () => {
  // autovacuum off: the catalogs stay as unanalysed as right after loading a schema.
  cluster = await startCluster({ conf: { autovacuum: 'off' } });
  await cluster.createDatabase('app');
  await cluster.query(TEMPLATE_SQL, 'app');
  await cluster.createDatabase('aw');
  await runSqlFile(cluster, 'aw', join(REALWORLD_DIR, 'adventureworks.sql'));
  await cluster.createDatabase('kinds');
  await cluster.query(EVERY_KIND_SQL, 'kinds');
});

/** Every schema the comparisons run on. */
const SCHEMAS = [
  ['app', ['tmpl', 'reporting', 'public']],
  ['aw', ['sales', 'production', 'person', 'humanresources', 'purchasing']],
  ['kinds', ['k', 'other', 'public']],
] as const;

afterAll(async () => {
  await cluster?.stop();
});

async function addTenants(database: string, from: number, to: number): Promise<void> {
  // Ten tenants per query: one query is one transaction, and 60 tenants' locks overflow a default lock table.
  for (let start = from; start < to; start += 10) {
    const sql: string[] = [];
    for (let i = start; i < Math.min(start + 10, to); i++) sql.push(generateTemplateSql({ schema: `tenant_${i}`, tables: 10 }));
    await cluster.query(sql.join('\n'), database);
  }
}

describe('shared objects of a template on unanalysed catalogs', () => {
  it('equal what the previous queries returned', async () => {
    for (const [database, schemas] of SCHEMAS) {
      const client = await cluster.connect(database);
      try {
        await client.query('set jit = off');
        for (const schema of schemas) {
          const now = await readSharedObjects(client, schema);
          expect(now, `${database}.${schema}`).toEqual(await readSharedObjectsBefore(client, schema));
        }
      } finally {
        await client.end();
      }
    }
  });

  it("list the template's objects as the recursive walk did, and read the same catalog facts as the schema-filtered query", async () => {
    for (const [database, schemas] of SCHEMAS) {
      const client = await cluster.connect(database);
      try {
        for (const schema of schemas) {
          const now = await client.query<{ object: string }>(
            `select classid::regclass::text || ' ' || objid as object from (${SHARED_OBJECTS_SQL.templateObjects}) o, unnest(o.classids, o.objids) as u(classid, objid) order by 1`,
            [schema],
          );
          const walked = await client.query<{ object: string }>(OLD_TEMPLATE_OBJECTS_SQL, [schema]);
          expect(now.rows, `${database}.${schema}`).toEqual(walked.rows);
          // FACTS_SQL carries the same list, and the same facts rows the schema-filtered query read.
          const list = (await client.query<{ kind: string; name: string; sub: string }>(FACTS_SQL, [schema])).rows.find((r) => r.kind === 'objects');
          const listed = await client.query<{ object: string }>(`select classid::regclass::text || ' ' || objid as object from unnest($1::oid[], $2::oid[]) as u(classid, objid) order by 1`, [list?.name, list?.sub]);
          expect(listed.rows, `${database}.${schema}`).toEqual(walked.rows);
          expect(await factsRows(client, FACTS_SQL, schema), `${database}.${schema}`).toEqual(await factsRows(client, OLD_FACTS_SQL, schema));
        }
      } finally {
        await client.end();
      }
    }
    // Every kind is there: the comparison above covers each branch of the list.
    const client = await cluster.connect('kinds');
    try {
      const kinds = await client.query<{ kind: string }>(`select distinct classid::regclass::text as kind from (${SHARED_OBJECTS_SQL.templateObjects}) o, unnest(o.classids, o.objids) as u(classid, objid) order by 1`, ['k']);
      expect(kinds.rows.map((r) => r.kind)).toEqual(['pg_attrdef', 'pg_class', 'pg_collation', 'pg_constraint', 'pg_opclass', 'pg_operator', 'pg_opfamily', 'pg_policy', 'pg_proc', 'pg_rewrite', 'pg_trigger', 'pg_ts_config', 'pg_ts_dict', 'pg_type']);
      const facts: TemplateCatalogFacts = await readCatalogFacts(client, 'k');
      expect(facts.objects.types).toEqual(expect.arrayContaining(['pair', '_pair', 'fr', 'fr_multirange', '_fr_multirange', 'pos', '_pos', 't', '_t', 'shell']));
      expect(facts.objects.relations).toEqual(expect.arrayContaining(['pair', 't_pkey', 'parted_idx', 'mv_idx', 's1', 't_n_seq', 'parted_2024']));
      expect(facts.extensionObjects.types).toEqual(expect.arrayContaining(['citext', '_citext']));
    } finally {
      await client.end();
    }
  });

  it('read the same facts and shared objects in one snapshot transaction as apart', async () => {
    for (const [database, schemas] of SCHEMAS) {
      const client = await cluster.connect(database);
      try {
        await client.query('set jit = off');
        for (const schema of schemas) {
          const both = await readTemplateCatalog(client, schema);
          expect(both.catalog, `${database}.${schema}`).toEqual(await readCatalogFacts(client, schema));
          expect(both.shared, `${database}.${schema}`).toEqual(await readSharedObjectsBefore(client, schema));
        }
      } finally {
        await client.end();
      }
    }
  });

  it("verify's isolation queries give what the previous ones gave, for every pair of schemas", async () => {
    let found = 0;
    for (const [database, schemas] of SCHEMAS) {
      const client = await cluster.connect(database);
      try {
        await client.query('set jit = off');
        for (const tenant of schemas) {
          const seqs = await client.query(FOREIGN_SEQUENCE_DEFAULTS_SQL, [tenant]);
          expect(seqs.rows, `${database}.${tenant}`).toEqual((await client.query(OLD_FOREIGN_SEQUENCE_DEFAULTS_SQL, [tenant])).rows);
          found += seqs.rowCount ?? 0;
          for (const template of schemas) {
            if (template === tenant) continue;
            const deps = await client.query(CROSS_DEPENDENCIES_SQL, [tenant, template]);
            expect(deps.rows, `${database}: ${tenant} -> ${template}`).toEqual((await client.query(OLD_CROSS_DEPENDENCIES_SQL, [tenant, template])).rows);
            found += deps.rowCount ?? 0;
          }
        }
      } finally {
        await client.end();
      }
    }
    // The comparison is not between two empty lists.
    expect(found).toBeGreaterThan(10);
    const client = await cluster.connect('app');
    try {
      expect((await client.query(FOREIGN_SEQUENCE_DEFAULTS_SQL, ['reporting'])).rows).toEqual([{ column: 'log.id', sequence: 'tmpl.accounts_id_seq' }]);
    } finally {
      await client.end();
    }
  });

  it('finds what other schemas hang on the template (the report the 82 s query made)', async () => {
    const client = await cluster.connect('app');
    try {
      const shared = await readSharedObjects(client, 'tmpl');
      expect(shared.dependents.map((d) => `${d.from} -> ${d.to}`)).toEqual(
        expect.arrayContaining([
          'column email of view reporting.active_accounts -> type tmpl.email',
          'constraint audit_account_id_fkey on table reporting.audit -> index tmpl.accounts_pkey',
          'table parts.events_2024 -> table tmpl.events',
          'trigger audit_touch on table reporting.audit -> function tmpl.touch()',
          'rule _RETURN on view reporting.active_accounts -> column id of view tmpl.active',
        ]),
      );
      expect(shared.dependencies.map((d) => `${d.to} (${d.extension ?? d.toSchema})`)).toEqual(expect.arrayContaining(['public.citext (citext)', 'public.gin_trgm_ops USING gin (pg_trgm)']));
      expect(shared.roles).toEqual(expect.arrayContaining([{ name: 'shared_scale_reader', owns: false, granted: true }]));
    } finally {
      await client.end();
    }
  });

  it('reads no growing catalog whole and does the same work with 0 and 60 other schemas', async () => {
    const client = await cluster.connect('app');
    try {
      const stats = await client.query(`select count(*)::int as n from pg_stat_all_tables where relname = 'pg_depend' and (last_analyze is not null or last_autoanalyze is not null)`);
      expect(stats.rows[0].n).toBe(0);
      const objects = await client.query<{ classids: number[]; objids: number[] }>(SHARED_OBJECTS_SQL.templateObjects, ['tmpl']);
      const params = ['tmpl', objects.rows[0]!.classids, objects.rows[0]!.objids];
      expect(params[1]).toHaveLength(new Set((params[2] as number[]).map(String)).size);
      expect((params[1] as number[]).length).toBeGreaterThan(20);
      const queries: [string, string, unknown[]][] = [
        ['templateObjects', SHARED_OBJECTS_SQL.templateObjects, ['tmpl']],
        ['facts', FACTS_SQL, ['tmpl']],
        ['dependencies', SHARED_OBJECTS_SQL.dependencies, params],
        ['dependents', SHARED_OBJECTS_SQL.dependents, params],
        ['roles', SHARED_OBJECTS_SQL.roles, params],
        ['extensionMembers', SHARED_OBJECTS_SQL.extensionMembers, ['tmpl']],
        ['verify: crossDependencies', CROSS_DEPENDENCIES_SQL, ['reporting', 'tmpl']],
        ['verify: foreignSequenceDefaults', FOREIGN_SEQUENCE_DEFAULTS_SQL, ['reporting']],
      ];
      const before = new Map<string, number>();
      for (const [name, sql, p] of queries) before.set(name, await blocksTouched(client, sql, p));
      const oldBefore = await blocksTouched(client, OLD_DEPENDENTS_SQL, ['tmpl']);
      const oldFactsBefore = await blocksTouched(client, OLD_FACTS_SQL, ['tmpl']);
      const oldCrossBefore = await blocksTouched(client, OLD_CROSS_DEPENDENCIES_SQL, ['reporting', 'tmpl']);

      await addTenants('app', 0, 60);
      for (const [name, sql, p] of queries) {
        expect(seqScans(await explain(client, sql, p)).filter((r) => GROWING_CATALOGS.includes(r)), name).toEqual([]);
        const after = await blocksTouched(client, sql, p);
        // An index may gain a level; a scan of a catalog would grow with the 60 schemas' thousands of rows.
        expect(after, `${name}: ${before.get(name)} blocks before the tenants, ${after} after`).toBeLessThanOrEqual(Math.ceil(before.get(name)! * 1.25) + 10);
      }
      // The previous query read every schema's objects: the same check fails for it.
      const oldAfter = await blocksTouched(client, OLD_DEPENDENTS_SQL, ['tmpl']);
      expect(oldAfter).toBeGreaterThan(oldBefore * 1.25 + 10);
      // So did the previous facts query (every catalog filtered by the schema: pg_class scanned whole).
      expect(await blocksTouched(client, OLD_FACTS_SQL, ['tmpl'])).toBeGreaterThan(oldFactsBefore * 1.25 + 10);
      expect(await factsRows(client, FACTS_SQL, 'tmpl')).toEqual(await factsRows(client, OLD_FACTS_SQL, 'tmpl'));
      // And verify's previous cross-dependency query, which mapped every schema's objects (verify all grew with the
      // square of the fleet).
      expect(await blocksTouched(client, OLD_CROSS_DEPENDENCIES_SQL, ['reporting', 'tmpl'])).toBeGreaterThan(oldCrossBefore * 1.25 + 10);
      expect((await client.query(CROSS_DEPENDENCIES_SQL, ['reporting', 'tmpl'])).rows).toEqual((await client.query(OLD_CROSS_DEPENDENCIES_SQL, ['reporting', 'tmpl'])).rows);
      // Same answers with the tenants there.
      await client.query('set jit = off');
      expect(await readSharedObjects(client, 'tmpl')).toEqual(await readSharedObjectsBefore(client, 'tmpl'));
    } finally {
      await client.end();
    }
  });
});
