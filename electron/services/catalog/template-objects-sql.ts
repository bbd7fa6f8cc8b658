/**
 * The catalog objects (classid, objid) of one schema, `$1` (`tobjs`), by the same rule as OBJECT_SCHEMAS_CTE
 * (object-schemas-sql.ts): the object's own namespace column, or its relation's for column defaults, triggers,
 * policies and rules. Unlike that CTE it never reads a catalog whole: it starts at the pg_depend rows that point at the
 * namespace (pg_depend's reference index) and reads the rest through each catalog's index on the owning relation or
 * type. Its cost follows the size of the schema, not the size of the database (hundreds of tenant schemas beside the
 * template), and every step is an equality lookup on a unique or leading index column, so the plan does not depend on
 * catalog statistics (a nested loop over the whole of pg_depend took 82 s for GitLab and two tenants before
 * autovacuum had analysed the catalogs).
 *
 * Why it finds every object: objects with a namespace record a dependency on it, except those PostgreSQL makes for
 * another object and drops with it: indexes (pg_index.indrelid), row types (pg_class.reltype), array types
 * (pg_type.typarray), the relations of stand-alone composite types (pg_type.typrelid); constraints, column defaults,
 * triggers, policies and rules have no namespace of their own and are read by their relation (or domain). The list
 * equals what the previous recursive walk found (every dependency followed backwards, each object's namespace
 * checked), on GitLab, AdventureWorks and a schema with every kind of object
 * (test/integration/catalog/shared-objects-scale.test.ts), at a quarter of its server CPU.
 */

/** The catalogs OBJECT_SCHEMAS_CTE maps, with how each finds its namespace from an oid `o`. */
const NAMESPACE_OF: [catalog: string, sql: string][] = [
  ['pg_class', 'select own.relnamespace from pg_catalog.pg_class own where own.oid = o'],
  ['pg_proc', 'select pronamespace from pg_catalog.pg_proc where oid = o'],
  ['pg_type', 'select typnamespace from pg_catalog.pg_type where oid = o'],
  ['pg_constraint', 'select connamespace from pg_catalog.pg_constraint where oid = o'],
  ['pg_operator', 'select oprnamespace from pg_catalog.pg_operator where oid = o'],
  ['pg_opclass', 'select opcnamespace from pg_catalog.pg_opclass where oid = o'],
  ['pg_opfamily', 'select opfnamespace from pg_catalog.pg_opfamily where oid = o'],
  ['pg_collation', 'select collnamespace from pg_catalog.pg_collation where oid = o'],
  ['pg_ts_config', 'select cfgnamespace from pg_catalog.pg_ts_config where oid = o'],
  ['pg_ts_dict', 'select dictnamespace from pg_catalog.pg_ts_dict where oid = o'],
  ['pg_attrdef', 'select ownrel.relnamespace from pg_catalog.pg_attrdef own join pg_catalog.pg_class ownrel on ownrel.oid = own.adrelid where own.oid = o'],
  ['pg_trigger', 'select ownrel.relnamespace from pg_catalog.pg_trigger own join pg_catalog.pg_class ownrel on ownrel.oid = own.tgrelid where own.oid = o'],
  ['pg_policy', 'select ownrel.relnamespace from pg_catalog.pg_policy own join pg_catalog.pg_class ownrel on ownrel.oid = own.polrelid where own.oid = o'],
  ['pg_rewrite', 'select ownrel.relnamespace from pg_catalog.pg_rewrite own join pg_catalog.pg_class ownrel on ownrel.oid = own.ev_class where own.oid = o'],
];

/** The namespace oid of the object (classid, objid) given as SQL expressions; NULL for other catalogs or a missing object. */
export function namespaceOfSql(classid: string, objid: string): string {
  const arms = NAMESPACE_OF.map(([catalog, sql]) => `when 'pg_catalog.${catalog}'::regclass then (${sql.replace(/\bo$/, objid)})`);
  return `(case ${classid} ${arms.join(' ')} end)`;
}

/** `array[…]::oid[]` of the catalogs whose objects carry their own namespace column (the first ten). */
export const OWN_NAMESPACE_CLASSES = `array[${NAMESPACE_OF.slice(0, 10).map(([c]) => `'pg_catalog.${c}'::regclass`).join(', ')}]::oid[]`;

/** `array[…]::oid[]` of the catalogs whose objects have a namespace here. */
export const NAMESPACED_CLASSES = `array[${NAMESPACE_OF.map(([c]) => `'pg_catalog.${c}'::regclass`).join(', ')}]::oid[]`;

/** A lookup `select … from pg_catalog.CATALOG where COLUMN = VALUE` kept a lookup (`offset 0`: never a hash join over the catalog). */
const lookup = (columns: string, catalog: string, where: string): string => `(select ${columns} from pg_catalog.${catalog} where ${where} offset 0)`;

/**
 * `template` (the oid of schema $1) and `tobjs` (classid, objid of its objects), with `nsobjs` (the objects that
 * depend on the schema in pg_depend), `rels` (their relations) and `types0` (their types, relations' row types
 * included). Use after `with recursive`.
 *
 * The objects are read catalog by catalog through indexes, each step a lookup: those that record a dependency on
 * their schema (relations but indexes, types but row and array types, routines, operators, operator classes and
 * families, collations, text search objects), read through pg_depend's reference index and checked against their
 * namespace column; then what belongs to them and records no such dependency: the relations' indexes (pg_index),
 * constraints, column defaults, triggers, policies and rules (each catalog's index on its relation column), the
 * relations' row types, every type's array type, the relations of stand-alone composite types and domains'
 * constraints. These carry their relation's or type's schema, so they need no check. (The walk this replaced followed
 * every dependency backwards and checked each object's namespace: 280 ms of server CPU for GitLab, against ~60.)
 */
export const TEMPLATE_OBJECTS_CTE = `
template as (select oid from pg_catalog.pg_namespace where nspname = $1),
nsobjs(classid, objid) as materialized (
  select d.classid, d.objid from pg_catalog.pg_depend d
   where d.refclassid = 'pg_catalog.pg_namespace'::regclass and d.refobjid = (select oid from template)
     and d.classid = any (${NAMESPACED_CLASSES})
     and ${namespaceOfSql('d.classid', 'd.objid')} = (select oid from template)
),
rels(oid, reltype) as materialized (
  select c.oid, c.reltype from nsobjs o cross join lateral ${lookup('oid, reltype', 'pg_class', 'oid = o.objid')} c
   where o.classid = 'pg_catalog.pg_class'::regclass
),
types0(oid, typtype, typrelid, typarray) as materialized (
  select t.oid, t.typtype, t.typrelid, t.typarray from nsobjs o cross join lateral ${lookup('oid, typtype, typrelid, typarray', 'pg_type', 'oid = o.objid')} t
   where o.classid = 'pg_catalog.pg_type'::regclass
  union all
  select t.oid, t.typtype, t.typrelid, t.typarray from rels r cross join lateral ${lookup('oid, typtype, typrelid, typarray', 'pg_type', 'oid = r.reltype')} t
   where r.reltype <> 0
),
tobjs(classid, objid) as (
  select classid, objid from nsobjs
  union select 'pg_catalog.pg_type'::regclass, oid from types0
  union select 'pg_catalog.pg_type'::regclass, typarray from types0 where typarray <> 0
  union select 'pg_catalog.pg_class'::regclass, typrelid from types0 where typtype = 'c' and typrelid <> 0
  union select 'pg_catalog.pg_class'::regclass, x.indexrelid from rels r cross join lateral ${lookup('indexrelid', 'pg_index', 'indrelid = r.oid')} x
  union select 'pg_catalog.pg_constraint'::regclass, x.oid from rels r cross join lateral ${lookup('oid', 'pg_constraint', 'conrelid = r.oid')} x
  union select 'pg_catalog.pg_constraint'::regclass, x.oid from types0 t cross join lateral ${lookup('oid', 'pg_constraint', 'contypid = t.oid')} x
         where t.typtype = 'd'
  union select 'pg_catalog.pg_attrdef'::regclass, x.oid from rels r cross join lateral ${lookup('oid', 'pg_attrdef', 'adrelid = r.oid')} x
  union select 'pg_catalog.pg_trigger'::regclass, x.oid from rels r cross join lateral ${lookup('oid', 'pg_trigger', 'tgrelid = r.oid')} x
  union select 'pg_catalog.pg_policy'::regclass, x.oid from rels r cross join lateral ${lookup('oid', 'pg_policy', 'polrelid = r.oid')} x
  union select 'pg_catalog.pg_rewrite'::regclass, x.oid from rels r cross join lateral ${lookup('oid', 'pg_rewrite', 'ev_class = r.oid')} x
)`;

/** The objects of schema $1 as two parallel arrays (classids, objids), for TEMPLATE_OBJECTS_PARAMS_CTE (FACTS_SQL reads them with the catalog facts). */
export const TEMPLATE_OBJECTS_SQL = `
with recursive ${TEMPLATE_OBJECTS_CTE}
select coalesce(array_agg(classid), '{}') as classids, coalesce(array_agg(objid), '{}') as objids from tobjs`;

/** `template` (the oid of schema $1) and `tobjs` from the arrays $2 (classids) and $3 (objids) TEMPLATE_OBJECTS_SQL or FACTS_SQL returned. */
export const TEMPLATE_OBJECTS_PARAMS_CTE = `
template as (select oid from pg_catalog.pg_namespace where nspname = $1),
tobjs(classid, objid) as (select * from unnest($2::oid[], $3::oid[]))`;
