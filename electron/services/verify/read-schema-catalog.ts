/**
 * Reads one schema's objects from pg_catalog as comparable text (the
 * SchemaCatalog of core/verify/compare-catalogs.ts). Runs with an empty
 * search_path so every name PostgreSQL prints is schema-qualified; extension
 * members are left out (they belong to the extension, not to the schema).
 *
 * The schema's objects are listed first, through indexes (TEMPLATE_OBJECTS_CTE:
 * pg_depend's reference index, then each catalog's index on the owning relation
 * or type), and every query reads its catalog by those OIDs. Filtering pg_class,
 * pg_type, pg_proc or pg_constraint by namespace is a scan of the whole catalog,
 * which grows with every tenant in the database: with 1,000 tenants of 20 tables
 * beside it, one tenant's read took 560-780 ms, most of it six scans of
 * pg_class. The small catalogs (extended statistics, operators, collations) are
 * still read by namespace.
 */
import type pg from 'pg';
import type { CatalogObject, SchemaCatalog } from '../../../core/verify/compare-catalogs.js';
import { NAMESPACED_CLASSES, namespaceOfSql, TEMPLATE_OBJECTS_CTE } from '../catalog/template-objects-sql.js';

// Objects of the schema that an extension owns: never compared, never copied. A probe of pg_depend's index per object
// (offset 0 keeps the planner from making it an anti join, which on unanalysed catalogs read pg_depend whole).
const NOT_EXT = (catalog: string, oid: string) =>
  `not exists (select 1 from pg_catalog.pg_depend e where e.classid = '${catalog}'::regclass and e.objid = ${oid} and e.deptype = 'e' offset 0)`;

/** What verify's read-only transactions set: an empty search_path, so every name PostgreSQL prints is qualified (JIT is off for the whole session: verify-tenant.ts, turnJitOff). */
export const VERIFY_SETTINGS_SQL = "select pg_catalog.set_config('search_path', '', true)";

/** What a query's $1 is: the schema's OID, or the OIDs of its objects in one catalog. */
type Param = 'namespace' | 'relations' | 'constraints' | 'functions' | 'types';

/** The schema's relations (indexes and the relations of composite types included), each read by its OID. */
const RELATIONS = 'from unnest($1::oid[]) as o(oid) cross join lateral (select * from pg_catalog.pg_class where oid = o.oid offset 0) c';
/** A lookup kept a lookup (offset 0: never a hash join over a catalog that grows with the database). */
const lookup = (catalog: string, where: string) => `(select * from pg_catalog.${catalog} where ${where} offset 0)`;

const QUERIES: Record<string, [Param, string]> = {
  table: ['relations', `
    select c.relname as name, c.relkind::text as relkind, c.relpersistence::text as persistence,
           pg_catalog.pg_get_partkeydef(c.oid) as partition_key,
           case when c.relispartition then pg_catalog.pg_get_expr(c.relpartbound, c.oid) end as partition_bound,
           array_to_string(c.reloptions, ',') as options,
           c.relrowsecurity::text as row_security, c.relforcerowsecurity::text as force_row_security,
           (select string_agg(i.inhparent::regclass::text, ', ' order by i.inhseqno) from pg_catalog.pg_inherits i where i.inhrelid = c.oid) as inherits,
           pg_catalog.obj_description(c.oid, 'pg_class') as comment
      ${RELATIONS}
     where c.relkind in ('r', 'p', 'f') and ${NOT_EXT('pg_catalog.pg_class', 'c.oid')}`],
  view: ['relations', `
    select c.relname as name, c.relkind::text as relkind, pg_catalog.pg_get_viewdef(c.oid) as definition,
           array_to_string(c.reloptions, ',') as options, pg_catalog.obj_description(c.oid, 'pg_class') as comment
      ${RELATIONS}
     where c.relkind in ('v', 'm') and ${NOT_EXT('pg_catalog.pg_class', 'c.oid')}`],
  column: ['relations', `
    select c.relname || '.' || a.attname as name,
           pg_catalog.format_type(a.atttypid, a.atttypmod) as type,
           a.attnotnull::text as not_null,
           pg_catalog.pg_get_expr(d.adbin, d.adrelid) as default,
           nullif(a.attidentity::text, '') as identity,
           nullif(a.attgenerated::text, '') as generated,
           case when a.attcollation <> t.typcollation then a.attcollation::regcollation::text end as collation,
           (row_number() over (partition by c.oid order by a.attnum))::text as position,
           pg_catalog.col_description(c.oid, a.attnum) as comment,
           c.oid::regclass::text as context_relation, a.attname::text as context_column
      ${RELATIONS}
      cross join lateral ${lookup('pg_attribute', 'attrelid = c.oid and attnum > 0 and not attisdropped')} a
      cross join lateral ${lookup('pg_type', 'oid = a.atttypid')} t
      left join lateral ${lookup('pg_attrdef', 'adrelid = a.attrelid and adnum = a.attnum')} d on true
     where c.relkind in ('r', 'p', 'f', 'v', 'm', 'c') and ${NOT_EXT('pg_catalog.pg_class', 'c.oid')}`],
  constraint: ['constraints', `
    select coalesce(c.relname, t.typname) || '.' || k.conname as name, k.contype::text as type,
           pg_catalog.pg_get_constraintdef(k.oid) as definition, pg_catalog.obj_description(k.oid, 'pg_constraint') as comment,
           c.oid::regclass::text as context_relation, pg_catalog.format_type(t.typbasetype, t.typtypmod) as context_base_type
      from unnest($1::oid[]) as o(oid)
      cross join lateral ${lookup('pg_constraint', 'oid = o.oid')} k
      left join lateral ${lookup('pg_class', 'oid = k.conrelid')} c on true
      left join lateral ${lookup('pg_type', 'oid = k.contypid')} t on true
     where c.oid is null or ${NOT_EXT('pg_catalog.pg_class', 'c.oid')}`],
  index: ['relations', `
    select c.relname as name, pg_catalog.pg_get_indexdef(c.oid) as definition,
           x.indisclustered::text as clustered, pg_catalog.obj_description(c.oid, 'pg_class') as comment
      ${RELATIONS}
      cross join lateral ${lookup('pg_index', 'indexrelid = c.oid')} x
     where c.relkind in ('i', 'I') and ${NOT_EXT('pg_catalog.pg_class', 'x.indrelid')}`],
  sequence: ['relations', `
    select c.relname as name, pg_catalog.format_type(s.seqtypid, null) as type, s.seqstart::text as start,
           s.seqincrement::text as increment, s.seqmin::text as min, s.seqmax::text as max, s.seqcache::text as cache,
           s.seqcycle::text as cycle,
           (select r.oid::regclass::text || '.' || a.attname || ' (' || d.deptype::text || ')'
              from pg_catalog.pg_depend d
              join pg_catalog.pg_class r on r.oid = d.refobjid
              join pg_catalog.pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
             where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid
               and d.refclassid = 'pg_catalog.pg_class'::regclass and d.deptype in ('a', 'i') limit 1) as owned_by,
           pg_catalog.obj_description(c.oid, 'pg_class') as comment
      ${RELATIONS}
      cross join lateral ${lookup('pg_sequence', 'seqrelid = c.oid')} s
     where c.relkind = 'S' and ${NOT_EXT('pg_catalog.pg_class', 'c.oid')}`],
  function: ['functions', `
    select p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' as name,
           p.prokind::text as kind,
           case when p.prokind <> 'a' then pg_catalog.pg_get_functiondef(p.oid) end as definition,
           pg_catalog.pg_get_function_result(p.oid) as result,
           array_to_string(p.proconfig, ', ') as config,
           case when p.prokind = 'a' then (
             select g.aggtransfn::regprocedure::text || ' ' || g.aggtranstype::regtype::text || ' ' ||
                    coalesce(nullif(g.aggfinalfn::oid, 0)::regprocedure::text, '-') || ' ' || coalesce(g.agginitval, '-')
               from pg_catalog.pg_aggregate g where g.aggfnoid = p.oid) end as aggregate,
           pg_catalog.obj_description(p.oid, 'pg_proc') as comment
      from unnest($1::oid[]) as o(oid)
      cross join lateral ${lookup('pg_proc', 'oid = o.oid')} p
     where ${NOT_EXT('pg_catalog.pg_proc', 'p.oid')}`],
  trigger: ['relations', `
    select c.relname || '.' || g.tgname as name, pg_catalog.pg_get_triggerdef(g.oid) as definition,
           g.tgenabled::text as enabled, pg_catalog.obj_description(g.oid, 'pg_trigger') as comment
      ${RELATIONS}
      cross join lateral ${lookup('pg_trigger', 'tgrelid = c.oid and not tgisinternal')} g`],
  policy: ['relations', `
    select c.relname || '.' || p.polname as name, p.polcmd::text as command, p.polpermissive::text as permissive,
           (select string_agg(case when r = 0 then 'public' else pg_catalog.pg_get_userbyid(r) end, ', ' order by 1)
              from unnest(p.polroles) r) as roles,
           pg_catalog.pg_get_expr(p.polqual, p.polrelid) as using, pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) as with_check,
           pg_catalog.obj_description(p.oid, 'pg_policy') as comment
      ${RELATIONS}
      cross join lateral ${lookup('pg_policy', 'polrelid = c.oid')} p`],
  statistics: ['namespace', `
    select s.stxname as name, pg_catalog.pg_get_statisticsobjdef(s.oid) as definition,
           pg_catalog.obj_description(s.oid, 'pg_statistic_ext') as comment
      from pg_catalog.pg_statistic_ext s
     where s.stxnamespace = $1`],
  operator: ['namespace', `
    select o.oprname || '(' || coalesce(pg_catalog.format_type(nullif(o.oprleft, 0), null), 'NONE') || ', '
             || coalesce(pg_catalog.format_type(nullif(o.oprright, 0), null), 'NONE') || ')' as name,
           o.oprcode::regprocedure::text as function, pg_catalog.format_type(o.oprresult, null) as result,
           nullif(o.oprcom, 0)::regoperator::text as commutator, nullif(o.oprnegate, 0)::regoperator::text as negator,
           pg_catalog.obj_description(o.oid, 'pg_operator') as comment
      from pg_catalog.pg_operator o
     where o.oprnamespace = $1 and ${NOT_EXT('pg_catalog.pg_operator', 'o.oid')}`],
  collation: ['namespace', `
    select c.collname as name, c.collprovider::text as provider, c.collisdeterministic::text as deterministic,
           c.collcollate as collate, c.collctype as ctype, pg_catalog.obj_description(c.oid, 'pg_collation') as comment
      from pg_catalog.pg_collation c
     where c.collnamespace = $1 and ${NOT_EXT('pg_catalog.pg_collation', 'c.oid')}`],
  rule: ['relations', `
    select c.relname || '.' || r.rulename as name, pg_catalog.pg_get_ruledef(r.oid) as definition
      ${RELATIONS}
      cross join lateral ${lookup('pg_rewrite', "ev_class = c.oid and rulename <> '_RETURN'")} r`],
  enum: ['types', `
    select t.typname as name,
           (select string_agg(e.enumlabel, ', ' order by e.enumsortorder) from pg_catalog.pg_enum e where e.enumtypid = t.oid) as labels,
           pg_catalog.obj_description(t.oid, 'pg_type') as comment
      from unnest($1::oid[]) as o(oid)
      cross join lateral ${lookup('pg_type', 'oid = o.oid')} t
     where t.typtype = 'e' and ${NOT_EXT('pg_catalog.pg_type', 't.oid')}`],
  domain: ['types', `
    select t.typname as name, pg_catalog.format_type(t.typbasetype, t.typtypmod) as base_type, t.typnotnull::text as not_null,
           t.typdefault as default, case when t.typcollation <> b.typcollation then t.typcollation::regcollation::text end as collation,
           pg_catalog.obj_description(t.oid, 'pg_type') as comment
      from unnest($1::oid[]) as o(oid)
      cross join lateral ${lookup('pg_type', "oid = o.oid and typtype = 'd'")} t
      cross join lateral ${lookup('pg_type', 'oid = t.typbasetype')} b
     where ${NOT_EXT('pg_catalog.pg_type', 't.oid')}`],
  type: ['types', `
    select t.typname as name, t.typtype::text as typtype,
           case when t.typtype = 'r' then (select r.rngsubtype::regtype::text from pg_catalog.pg_range r where r.rngtypid = t.oid) end as subtype,
           pg_catalog.obj_description(t.oid, 'pg_type') as comment
      from unnest($1::oid[]) as o(oid)
      cross join lateral ${lookup('pg_type', 'oid = o.oid')} t
      left join lateral ${lookup('pg_class', 't.typrelid <> 0 and oid = t.typrelid')} c on true
     where (t.typtype in ('r', 'm') or (t.typtype = 'c' and c.relkind = 'c')) and ${NOT_EXT('pg_catalog.pg_type', 't.oid')}`],
};

/**
 * The schema's OID and its objects' OIDs per catalog (TEMPLATE_OBJECTS_CTE), each query's $1, and whether that list
 * can be trusted: every pg_depend row that says an object is in the schema names an object that is there. A catalog
 * edited by hand (an object's OID changed with UPDATE, as one real-world schema in the test corpus does) leaves such a
 * row behind, and its object is then missing from the list: verify reads that schema by namespace instead
 * (SCANNED_OBJECTS_SQL), slower and complete.
 */
const OBJECTS_SQL = `
with recursive ${TEMPLATE_OBJECTS_CTE}
select (select oid from template) as namespace,
       coalesce(array_agg(objid) filter (where classid = 'pg_catalog.pg_class'::regclass), '{}') as relations,
       coalesce(array_agg(objid) filter (where classid = 'pg_catalog.pg_constraint'::regclass), '{}') as constraints,
       coalesce(array_agg(objid) filter (where classid = 'pg_catalog.pg_proc'::regclass), '{}') as functions,
       coalesce(array_agg(objid) filter (where classid = 'pg_catalog.pg_type'::regclass), '{}') as types,
       not exists (select 1 from pg_catalog.pg_depend d
                    where d.refclassid = 'pg_catalog.pg_namespace'::regclass and d.refobjid = (select oid from template)
                      and d.classid = any (${NAMESPACED_CLASSES})
                      and ${namespaceOfSql('d.classid', 'd.objid')} is distinct from (select oid from template)) as consistent
  from tobjs`;

/** The same lists by namespace (scans of pg_class, pg_constraint, pg_proc and pg_type): what the reads filtered by before. */
const SCANNED_OBJECTS_SQL = `
select n.oid as namespace,
       array(select oid from pg_catalog.pg_class where relnamespace = n.oid) as relations,
       array(select oid from pg_catalog.pg_constraint where connamespace = n.oid) as constraints,
       array(select oid from pg_catalog.pg_proc where pronamespace = n.oid) as functions,
       array(select oid from pg_catalog.pg_type where typnamespace = n.oid) as types,
       true as consistent
  from pg_catalog.pg_namespace n where n.nspname = $1`;

/** The schema's OID and its objects' OIDs per catalog; undefined when there is no such schema. */
export async function readSchemaObjects(client: pg.ClientBase, schema: string): Promise<Record<Param, unknown> | undefined> {
  let ids = (await client.query<Record<Param | 'consistent', unknown>>(OBJECTS_SQL, [schema])).rows[0];
  if (ids === undefined || ids.namespace === null) return undefined;
  if (ids.consistent !== true) ids = (await client.query<Record<Param | 'consistent', unknown>>(SCANNED_OBJECTS_SQL, [schema])).rows[0];
  return ids;
}

/** The queries, for tests: `objects` lists the schema's objects (its $1 the schema's name); each of `queries` takes as $1 the `objects` column its first element names. */
export const SCHEMA_CATALOG_SQL = { objects: OBJECTS_SQL, scannedObjects: SCANNED_OBJECTS_SQL, queries: QUERIES };

/** Columns named context_x say where a definition can be re-read (CatalogObject.context); the rest are compared. */
function splitContext(columns: Record<string, string | null>): Pick<CatalogObject, 'attributes' | 'context'> {
  const attributes: Record<string, string | null> = {};
  const context: Record<string, string> = {};
  for (const [key, value] of Object.entries(columns)) {
    if (!key.startsWith('context_')) attributes[key] = value;
    else if (value !== null) context[key.slice('context_'.length)] = value;
  }
  return Object.keys(context).length === 0 ? { attributes } : { attributes, context };
}

/** Reads every comparable object of `schema`; the client is left as it was (read-only transaction, rolled back). */
export async function readSchemaCatalog(client: pg.ClientBase, schema: string): Promise<SchemaCatalog> {
  const objects: CatalogObject[] = [];
  await client.query('begin read only');
  try {
    // Qualify every printed name: set_config(..., true) lasts until the rollback below.
    await client.query(VERIFY_SETTINGS_SQL);
    const ids = await readSchemaObjects(client, schema);
    if (ids === undefined) return { schema, objects };
    for (const [kind, [param, sql]] of Object.entries(QUERIES)) {
      const { rows } = await client.query<Record<string, string | null>>(sql, [ids[param]]);
      for (const row of rows) {
        const { name, ...columns } = row;
        objects.push({ kind, name: name ?? '', ...splitContext(columns) });
      }
    }
  } finally {
    await client.query('rollback');
  }
  return { schema, objects };
}
