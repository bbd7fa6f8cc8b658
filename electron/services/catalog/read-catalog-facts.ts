/**
 * Reads what the snapshot engine needs to know about the template schema from
 * pg_catalog: which names belong to the schema, which of those are extension
 * members (never templated: `public.citext`, `public.gin_trgm_ops`), and the
 * extensions of the database. Only catalogs every role can read.
 */
import type pg from 'pg';
import type { CatalogFacts } from '../../../core/snapshot/catalog-facts.js';

/** CatalogFacts (core/snapshot/catalog-facts.ts) with every optional list filled in. */
export interface TemplateCatalogFacts extends CatalogFacts {
  schema: string;
  objects: { relations: string[]; types: string[]; functions: string[]; sequences: string[]; collations: string[]; textSearch: string[]; operators: string[] };
  extensionObjects: { relations: string[]; types: string[]; functions: string[]; operatorClasses: string[]; operators: string[] };
  extensions: { name: string; schema: string }[];
}

/** `names`: only objects of those names (`$2`); each catalog is then read through its name index, not scanned. */
const objectsSql = (names: boolean): string => `
with ns as (select oid from pg_catalog.pg_namespace where nspname = $1),
ext as (select classid, objid from pg_catalog.pg_depend where deptype = 'e' and refclassid = 'pg_catalog.pg_extension'::regclass),
objs as (
  select 'relation' as kind, c.relname::text as name, c.relkind::text as sub,
         exists (select 1 from ext where ext.classid = 'pg_catalog.pg_class'::regclass and ext.objid = c.oid) as ext
    from pg_catalog.pg_class c where c.relnamespace = (select oid from ns)${names ? ' and c.relname = any ($2::name[])' : ''}
  union all
  select 'type', t.typname::text, t.typtype::text,
         exists (select 1 from ext where ext.classid = 'pg_catalog.pg_type'::regclass and ext.objid = t.oid)
         -- array types follow their element type's extension membership
         or exists (select 1 from ext where ext.classid = 'pg_catalog.pg_type'::regclass and ext.objid = t.typelem and t.typelem <> 0)
    from pg_catalog.pg_type t where t.typnamespace = (select oid from ns)${names ? ' and t.typname = any ($2::name[])' : ''}
  union all
  select 'function', p.proname::text, p.prokind::text,
         exists (select 1 from ext where ext.classid = 'pg_catalog.pg_proc'::regclass and ext.objid = p.oid)
    from pg_catalog.pg_proc p where p.pronamespace = (select oid from ns)${names ? ' and p.proname = any ($2::name[])' : ''}
  union all
  select 'opclass', o.opcname::text, '',
         exists (select 1 from ext where ext.classid = 'pg_catalog.pg_opclass'::regclass and ext.objid = o.oid)
    from pg_catalog.pg_opclass o where o.opcnamespace = (select oid from ns)${names ? ' and o.opcname = any ($2::name[])' : ''}
  union all
  select 'opfamily', f.opfname::text, '',
         exists (select 1 from ext where ext.classid = 'pg_catalog.pg_opfamily'::regclass and ext.objid = f.oid)
    from pg_catalog.pg_opfamily f where f.opfnamespace = (select oid from ns)${names ? ' and f.opfname = any ($2::name[])' : ''}
  union all
  select 'operator', o.oprname::text, '',
         exists (select 1 from ext where ext.classid = 'pg_catalog.pg_operator'::regclass and ext.objid = o.oid)
    from pg_catalog.pg_operator o where o.oprnamespace = (select oid from ns)${names ? ' and o.oprname = any ($2::name[])' : ''}
  union all
  -- collations and text search objects are named as S.x too (COLLATE S.x, to_tsvector('S.cfg', …))
  select 'collation', c.collname::text, '',
         exists (select 1 from ext where ext.classid = 'pg_catalog.pg_collation'::regclass and ext.objid = c.oid)
    from pg_catalog.pg_collation c where c.collnamespace = (select oid from ns)${names ? ' and c.collname = any ($2::name[])' : ''}
  union all
  select 'textsearch', x.name, '', x.ext from (
    select cfgname::text as name, exists (select 1 from ext where ext.classid = 'pg_catalog.pg_ts_config'::regclass and ext.objid = c.oid) as ext
      from pg_catalog.pg_ts_config c where c.cfgnamespace = (select oid from ns)${names ? ' and c.cfgname = any ($2::name[])' : ''}
    union all
    select dictname::text, exists (select 1 from ext where ext.classid = 'pg_catalog.pg_ts_dict'::regclass and ext.objid = d.oid)
      from pg_catalog.pg_ts_dict d where d.dictnamespace = (select oid from ns)${names ? ' and d.dictname = any ($2::name[])' : ''}
  ) x
)
select kind, name, sub, ext from objs order by kind, name`;

interface ObjectRow {
  kind: 'relation' | 'type' | 'function' | 'opclass' | 'opfamily' | 'operator' | 'collation' | 'textsearch';
  name: string;
  sub: string;
  ext: boolean;
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
 * enough for a text whose every name is among them (the reference finder asks the facts about names it met), and
 * quick in a database of many tenants, where a whole schema's read scans pg_class (it has no index on the schema).
 */
export async function readCatalogFacts(client: pg.ClientBase, schema: string, names?: readonly string[]): Promise<TemplateCatalogFacts> {
  const facts: TemplateCatalogFacts = {
    schema,
    objects: { relations: [], types: [], functions: [], sequences: [], collations: [], textSearch: [], operators: [] },
    extensionObjects: { relations: [], types: [], functions: [], operatorClasses: [], operators: [] },
    extensions: [],
  };
  const { rows } = await client.query<ObjectRow>(objectsSql(names !== undefined), names !== undefined ? [schema, names] : [schema]);
  const addUnique = uniqueAdder();
  for (const row of rows) {
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
  return facts;
}
