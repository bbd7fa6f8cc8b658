/**
 * Reads what the snapshot engine needs to know about the template schema from
 * pg_catalog: which names belong to the schema, which of those are extension
 * members (never templated: `public.citext`, `public.gin_trgm_ops`), and the
 * extensions of the database. Only catalogs every role can read.
 */
import type pg from 'pg';
import type { CatalogFacts } from '../../../core/snapshot/catalog-facts.js';
import { TEMPLATE_OBJECTS_CTE } from './template-objects-sql.js';

/** CatalogFacts (core/snapshot/catalog-facts.ts) with every optional list filled in. */
export interface TemplateCatalogFacts extends CatalogFacts {
  schema: string;
  objects: { relations: string[]; types: string[]; functions: string[]; sequences: string[]; collations: string[]; textSearch: string[]; operators: string[] };
  extensionObjects: { relations: string[]; types: string[]; functions: string[]; operatorClasses: string[]; operators: string[] };
  extensions: { name: string; schema: string }[];
}

/** `names`: only objects of those names (`$2`); each catalog is then read through its name index, not scanned. */
const objectsByNameSql = `
with ns as (select oid from pg_catalog.pg_namespace where nspname = $1),
ext as (select classid, objid from pg_catalog.pg_depend where deptype = 'e' and refclassid = 'pg_catalog.pg_extension'::regclass),
objs as (
  select 'relation' as kind, c.relname::text as name, c.relkind::text as sub,
         exists (select 1 from ext where ext.classid = 'pg_catalog.pg_class'::regclass and ext.objid = c.oid) as ext
    from pg_catalog.pg_class c where c.relnamespace = (select oid from ns) and c.relname = any ($2::name[])
  union all
  select 'type', t.typname::text, t.typtype::text,
         exists (select 1 from ext where ext.classid = 'pg_catalog.pg_type'::regclass and ext.objid = t.oid)
         -- array types follow their element type's extension membership
         or exists (select 1 from ext where ext.classid = 'pg_catalog.pg_type'::regclass and ext.objid = t.typelem and t.typelem <> 0)
    from pg_catalog.pg_type t where t.typnamespace = (select oid from ns) and t.typname = any ($2::name[])
  union all
  select 'function', p.proname::text, p.prokind::text,
         exists (select 1 from ext where ext.classid = 'pg_catalog.pg_proc'::regclass and ext.objid = p.oid)
    from pg_catalog.pg_proc p where p.pronamespace = (select oid from ns) and p.proname = any ($2::name[])
  union all
  select 'opclass', o.opcname::text, '',
         exists (select 1 from ext where ext.classid = 'pg_catalog.pg_opclass'::regclass and ext.objid = o.oid)
    from pg_catalog.pg_opclass o where o.opcnamespace = (select oid from ns) and o.opcname = any ($2::name[])
  union all
  select 'opfamily', f.opfname::text, '',
         exists (select 1 from ext where ext.classid = 'pg_catalog.pg_opfamily'::regclass and ext.objid = f.oid)
    from pg_catalog.pg_opfamily f where f.opfnamespace = (select oid from ns) and f.opfname = any ($2::name[])
  union all
  select 'operator', o.oprname::text, '',
         exists (select 1 from ext where ext.classid = 'pg_catalog.pg_operator'::regclass and ext.objid = o.oid)
    from pg_catalog.pg_operator o where o.oprnamespace = (select oid from ns) and o.oprname = any ($2::name[])
  union all
  -- collations and text search objects are named as S.x too (COLLATE S.x, to_tsvector('S.cfg', …))
  select 'collation', c.collname::text, '',
         exists (select 1 from ext where ext.classid = 'pg_catalog.pg_collation'::regclass and ext.objid = c.oid)
    from pg_catalog.pg_collation c where c.collnamespace = (select oid from ns) and c.collname = any ($2::name[])
  union all
  select 'textsearch', x.name, '', x.ext from (
    select cfgname::text as name, exists (select 1 from ext where ext.classid = 'pg_catalog.pg_ts_config'::regclass and ext.objid = c.oid) as ext
      from pg_catalog.pg_ts_config c where c.cfgnamespace = (select oid from ns) and c.cfgname = any ($2::name[])
    union all
    select dictname::text, exists (select 1 from ext where ext.classid = 'pg_catalog.pg_ts_dict'::regclass and ext.objid = d.oid)
      from pg_catalog.pg_ts_dict d where d.dictnamespace = (select oid from ns) and d.dictname = any ($2::name[])
  ) x
)
select kind, name, sub, ext from objs order by kind, name`;

/** The name (and kind) of a template object `o` of catalog CATALOG, read by oid. */
const named = (catalog: string, columns: string): string =>
  `from tobjs o cross join lateral (select ${columns} from pg_catalog.${catalog} where oid = o.objid offset 0) x where o.classid = 'pg_catalog.${catalog}'::regclass`;

/**
 * The facts of the whole schema, from its objects as TEMPLATE_OBJECTS_CTE lists them (read by oid, never by scanning a
 * catalog for the schema: pg_class has no index on it, and grows with every tenant), and the extension members of the
 * database (read extension by extension). Besides the facts, one row of kind 'objects' carries the object list itself
 * (classids and objids as array text), for the shared-objects queries: the list is read once per snapshot.
 */
export const FACTS_SQL = `
with recursive ${TEMPLATE_OBJECTS_CTE},
ext(classid, objid) as materialized (
  select d.classid, d.objid from pg_catalog.pg_extension e
   cross join lateral (select d.classid, d.objid from pg_catalog.pg_depend d
                        where d.refclassid = 'pg_catalog.pg_extension'::regclass and d.refobjid = e.oid and d.deptype = 'e' offset 0) d
),
objs as (
  select 'relation' as kind, x.relname::text as name, x.relkind::text as sub, (o.classid, o.objid) in (select * from ext) as ext ${named('pg_class', 'relname, relkind')}
  union all
  -- array types follow their element type's extension membership
  select 'type', x.typname::text, x.typtype::text,
         (o.classid, o.objid) in (select * from ext) or (x.typelem <> 0 and ('pg_catalog.pg_type'::regclass, x.typelem) in (select * from ext)) ${named('pg_type', 'typname, typtype, typelem')}
  union all
  select 'function', x.proname::text, x.prokind::text, (o.classid, o.objid) in (select * from ext) ${named('pg_proc', 'proname, prokind')}
  union all
  select 'opclass', x.opcname::text, '', (o.classid, o.objid) in (select * from ext) ${named('pg_opclass', 'opcname')}
  union all
  select 'opfamily', x.opfname::text, '', (o.classid, o.objid) in (select * from ext) ${named('pg_opfamily', 'opfname')}
  union all
  select 'operator', x.oprname::text, '', (o.classid, o.objid) in (select * from ext) ${named('pg_operator', 'oprname')}
  union all
  -- collations and text search objects are named as S.x too (COLLATE S.x, to_tsvector('S.cfg', …))
  select 'collation', x.collname::text, '', (o.classid, o.objid) in (select * from ext) ${named('pg_collation', 'collname')}
  union all
  select 'textsearch', x.cfgname::text, '', (o.classid, o.objid) in (select * from ext) ${named('pg_ts_config', 'cfgname')}
  union all
  select 'textsearch', x.dictname::text, '', (o.classid, o.objid) in (select * from ext) ${named('pg_ts_dict', 'dictname')}
)
select kind, name, sub, ext from objs
union all
select 'objects', coalesce(array_agg(classid), '{}')::text, coalesce(array_agg(objid), '{}')::text, false from tobjs
order by kind, name`;

interface ObjectRow {
  kind: 'relation' | 'type' | 'function' | 'opclass' | 'opfamily' | 'operator' | 'collation' | 'textsearch' | 'objects';
  name: string;
  sub: string;
  ext: boolean;
}

/** The template's objects as FACTS_SQL lists them, as array text for the queries that start from them (read-shared-objects.ts). */
export interface TemplateObjectList {
  classids: string;
  objids: string;
}

/** Appends names to lists, each name once per list (a Set per list: GitLab's template has thousands of relations and types). */
function uniqueAdder(): (list: string[], name: string) => void {
  const seen = new Map<string[], Set<string>>();
  return (list, name) => {
    let names = seen.get(list);
    if (names === undefined) seen.set(list, (names = new Set(list)));
    if (names.has(name)) return;
    names.add(name);
    list.push(name);
  };
}

/**
 * Reads the catalog facts of `schema` through an open connection. With `names`, only the objects of those names:
 * enough for a text whose every name is among them (the reference finder asks the facts about names it met). Without,
 * the whole schema's, from its object list (FACTS_SQL): either way the cost follows the template, not the database
 * (pg_class has no index on the schema, and grows with every tenant).
 */
export async function readCatalogFacts(client: pg.ClientBase, schema: string, names?: readonly string[]): Promise<TemplateCatalogFacts> {
  if (names !== undefined) return (await readFacts(client, schema, objectsByNameSql, [schema, names])).facts;
  return (await readFacts(client, schema, FACTS_SQL, [schema])).facts;
}

/** The whole schema's catalog facts and its object list, in one read (what a snapshot needs). */
export async function readTemplateFacts(client: pg.ClientBase, schema: string): Promise<{ facts: TemplateCatalogFacts; objects: TemplateObjectList }> {
  const { facts, objects } = await readFacts(client, schema, FACTS_SQL, [schema]);
  return { facts, objects: objects ?? { classids: '{}', objids: '{}' } };
}

async function readFacts(client: pg.ClientBase, schema: string, sql: string, params: unknown[]): Promise<{ facts: TemplateCatalogFacts; objects?: TemplateObjectList }> {
  const facts: TemplateCatalogFacts = {
    schema,
    objects: { relations: [], types: [], functions: [], sequences: [], collations: [], textSearch: [], operators: [] },
    extensionObjects: { relations: [], types: [], functions: [], operatorClasses: [], operators: [] },
    extensions: [],
  };
  const { rows } = await client.query<ObjectRow>(sql, params);
  let objects: TemplateObjectList | undefined;
  const addUnique = uniqueAdder();
  for (const row of rows) {
    if (row.kind === 'objects') {
      objects = { classids: row.name, objids: row.sub };
      continue;
    }
    if (row.ext) {
      if (row.kind === 'relation') addUnique(facts.extensionObjects.relations, row.name);
      else if (row.kind === 'type') addUnique(facts.extensionObjects.types, row.name);
      else if (row.kind === 'function') addUnique(facts.extensionObjects.functions, row.name);
      else if (row.kind === 'opclass' || row.kind === 'opfamily') addUnique(facts.extensionObjects.operatorClasses, row.name);
      else if (row.kind === 'operator') addUnique(facts.extensionObjects.operators, row.name);
      continue;
    }
    if (row.kind === 'relation') {
      addUnique(facts.objects.relations, row.name);
      if (row.sub === 'S') addUnique(facts.objects.sequences, row.name);
    } else if (row.kind === 'type') addUnique(facts.objects.types, row.name);
    else if (row.kind === 'function') addUnique(facts.objects.functions, row.name);
    else if (row.kind === 'collation') addUnique(facts.objects.collations, row.name);
    else if (row.kind === 'textsearch') addUnique(facts.objects.textSearch, row.name);
    else if (row.kind === 'operator') addUnique(facts.objects.operators, row.name);
  }
  const extensions = await client.query<{ name: string; schema: string }>(
    'select e.extname as name, n.nspname as schema from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace order by e.extname',
  );
  facts.extensions = extensions.rows;
  return { facts, ...(objects ? { objects } : {}) };
}
