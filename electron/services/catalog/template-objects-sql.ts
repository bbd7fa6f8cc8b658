/**
 * A recursive CTE (`tobjs`) listing the catalog objects (classid, objid) of one
 * schema, `$1`, by the same rule as OBJECT_SCHEMAS_CTE (object-schemas-sql.ts):
 * the object's own namespace column, or its relation's for column defaults,
 * triggers, policies and rules. Unlike that CTE it never reads a catalog whole:
 * it starts at the pg_depend rows that point at the namespace and follows
 * dependencies backwards through the pg_depend reference index, checking each
 * object's namespace by oid. Its cost follows the size of the schema, not the
 * size of the database (hundreds of tenant schemas beside the template), and
 * every step is an equality lookup on a unique or leading index column, so the
 * plan does not depend on catalog statistics (a nested loop over the whole of
 * pg_depend took 82 s for GitLab and two tenants before autovacuum had analysed
 * the catalogs).
 *
 * Why the walk finds every object: objects with a namespace (relations, types,
 * routines, operators, collations, text search objects…) record a dependency on
 * it; indexes, constraints, defaults, policies, rules, row types, TOAST tables
 * and array types depend on their relation or type; triggers made for a foreign
 * key depend only on their constraint, which may live in another schema, so
 * triggers are also found through pg_trigger's tgrelid index.
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

/**
 * `template` (the oid of schema $1) and `tobjs` (classid, objid of its objects).
 * Use after `with recursive`. `offset 0` keeps the lateral subquery from being
 * pulled up into a join the planner could run as a hash join over all of pg_depend.
 */
export const TEMPLATE_OBJECTS_CTE = `
template as (select oid from pg_catalog.pg_namespace where nspname = $1),
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
)`;

/** The objects of schema $1 as two parallel arrays (classids, objids), for TEMPLATE_OBJECTS_PARAMS_CTE. */
export const TEMPLATE_OBJECTS_SQL = `
with recursive ${TEMPLATE_OBJECTS_CTE}
select coalesce(array_agg(classid), '{}') as classids, coalesce(array_agg(objid), '{}') as objids from tobjs`;

/** `template` (the oid of schema $1) and `tobjs` from the arrays $2 (classids) and $3 (objids) TEMPLATE_OBJECTS_SQL returned. */
export const TEMPLATE_OBJECTS_PARAMS_CTE = `
template as (select oid from pg_catalog.pg_namespace where nspname = $1),
tobjs(classid, objid) as (select * from unnest($2::oid[], $3::oid[]))`;
