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
import { readSchemaCatalog, SCHEMA_CATALOG_SQL } from '../../../electron/services/verify/read-schema-catalog.js';
import { SCHEMA_PRIVILEGES_SQL } from '../../../electron/services/verify/read-privileges.js';
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

// Verify's reads of one schema as they were before they started from the schema's objects (frozen copy): each
// catalog filtered by namespace, so pg_class, pg_type, pg_proc and pg_constraint were read whole for every tenant.
const OLD_NOT_EXT = (catalog: string, oid: string) =>
  `not exists (select 1 from pg_catalog.pg_depend e where e.classid = '${catalog}'::regclass and e.objid = ${oid} and e.deptype = 'e')`;
const OLD_SCHEMA_CATALOG_QUERIES: Record<string, string> = {
  table: `
    select c.relname as name, c.relkind::text as relkind, c.relpersistence::text as persistence,
           pg_catalog.pg_get_partkeydef(c.oid) as partition_key,
           case when c.relispartition then pg_catalog.pg_get_expr(c.relpartbound, c.oid) end as partition_bound,
           array_to_string(c.reloptions, ',') as options,
           c.relrowsecurity::text as row_security, c.relforcerowsecurity::text as force_row_security,
           (select string_agg(i.inhparent::regclass::text, ', ' order by i.inhseqno) from pg_catalog.pg_inherits i where i.inhrelid = c.oid) as inherits,
           pg_catalog.obj_description(c.oid, 'pg_class') as comment
      from pg_catalog.pg_class c
     where c.relnamespace = $1 and c.relkind in ('r', 'p', 'f') and ${OLD_NOT_EXT('pg_catalog.pg_class', 'c.oid')}`,
  view: `
    select c.relname as name, c.relkind::text as relkind, pg_catalog.pg_get_viewdef(c.oid) as definition,
           array_to_string(c.reloptions, ',') as options, pg_catalog.obj_description(c.oid, 'pg_class') as comment
      from pg_catalog.pg_class c
     where c.relnamespace = $1 and c.relkind in ('v', 'm') and ${OLD_NOT_EXT('pg_catalog.pg_class', 'c.oid')}`,
  column: `
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
      from pg_catalog.pg_attribute a
      join pg_catalog.pg_class c on c.oid = a.attrelid
      join pg_catalog.pg_type t on t.oid = a.atttypid
      left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
     where c.relnamespace = $1 and c.relkind in ('r', 'p', 'f', 'v', 'm', 'c') and a.attnum > 0 and not a.attisdropped
       and ${OLD_NOT_EXT('pg_catalog.pg_class', 'c.oid')}`,
  constraint: `
    select coalesce(c.relname, t.typname) || '.' || k.conname as name, k.contype::text as type,
           pg_catalog.pg_get_constraintdef(k.oid) as definition, pg_catalog.obj_description(k.oid, 'pg_constraint') as comment,
           c.oid::regclass::text as context_relation, pg_catalog.format_type(t.typbasetype, t.typtypmod) as context_base_type
      from pg_catalog.pg_constraint k
      left join pg_catalog.pg_class c on c.oid = k.conrelid
      left join pg_catalog.pg_type t on t.oid = k.contypid
     where k.connamespace = $1 and (c.oid is null or ${OLD_NOT_EXT('pg_catalog.pg_class', 'c.oid')})`,
  index: `
    select i.relname as name, pg_catalog.pg_get_indexdef(i.oid) as definition,
           x.indisclustered::text as clustered, pg_catalog.obj_description(i.oid, 'pg_class') as comment
      from pg_catalog.pg_index x
      join pg_catalog.pg_class i on i.oid = x.indexrelid
     where i.relnamespace = $1 and ${OLD_NOT_EXT('pg_catalog.pg_class', 'x.indrelid')}`,
  sequence: `
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
      from pg_catalog.pg_sequence s
      join pg_catalog.pg_class c on c.oid = s.seqrelid
     where c.relnamespace = $1 and ${OLD_NOT_EXT('pg_catalog.pg_class', 'c.oid')}`,
  function: `
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
      from pg_catalog.pg_proc p
     where p.pronamespace = $1 and ${OLD_NOT_EXT('pg_catalog.pg_proc', 'p.oid')}`,
  trigger: `
    select c.relname || '.' || g.tgname as name, pg_catalog.pg_get_triggerdef(g.oid) as definition,
           g.tgenabled::text as enabled, pg_catalog.obj_description(g.oid, 'pg_trigger') as comment
      from pg_catalog.pg_trigger g
      join pg_catalog.pg_class c on c.oid = g.tgrelid
     where c.relnamespace = $1 and not g.tgisinternal`,
  policy: `
    select c.relname || '.' || p.polname as name, p.polcmd::text as command, p.polpermissive::text as permissive,
           (select string_agg(case when r = 0 then 'public' else pg_catalog.pg_get_userbyid(r) end, ', ' order by 1)
              from unnest(p.polroles) r) as roles,
           pg_catalog.pg_get_expr(p.polqual, p.polrelid) as using, pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) as with_check,
           pg_catalog.obj_description(p.oid, 'pg_policy') as comment
      from pg_catalog.pg_policy p
      join pg_catalog.pg_class c on c.oid = p.polrelid
     where c.relnamespace = $1`,
  statistics: `
    select s.stxname as name, pg_catalog.pg_get_statisticsobjdef(s.oid) as definition,
           pg_catalog.obj_description(s.oid, 'pg_statistic_ext') as comment
      from pg_catalog.pg_statistic_ext s
     where s.stxnamespace = $1`,
  operator: `
    select o.oprname || '(' || coalesce(pg_catalog.format_type(nullif(o.oprleft, 0), null), 'NONE') || ', '
             || coalesce(pg_catalog.format_type(nullif(o.oprright, 0), null), 'NONE') || ')' as name,
           o.oprcode::regprocedure::text as function, pg_catalog.format_type(o.oprresult, null) as result,
           nullif(o.oprcom, 0)::regoperator::text as commutator, nullif(o.oprnegate, 0)::regoperator::text as negator,
           pg_catalog.obj_description(o.oid, 'pg_operator') as comment
      from pg_catalog.pg_operator o
     where o.oprnamespace = $1 and ${OLD_NOT_EXT('pg_catalog.pg_operator', 'o.oid')}`,
  collation: `
    select c.collname as name, c.collprovider::text as provider, c.collisdeterministic::text as deterministic,
           c.collcollate as collate, c.collctype as ctype, pg_catalog.obj_description(c.oid, 'pg_collation') as comment
      from pg_catalog.pg_collation c
     where c.collnamespace = $1 and ${OLD_NOT_EXT('pg_catalog.pg_collation', 'c.oid')}`,
  rule: `
    select c.relname || '.' || r.rulename as name, pg_catalog.pg_get_ruledef(r.oid) as definition
      from pg_catalog.pg_rewrite r
      join pg_catalog.pg_class c on c.oid = r.ev_class
     where c.relnamespace = $1 and r.rulename <> '_RETURN'`,
  enum: `
    select t.typname as name,
           (select string_agg(e.enumlabel, ', ' order by e.enumsortorder) from pg_catalog.pg_enum e where e.enumtypid = t.oid) as labels,
           pg_catalog.obj_description(t.oid, 'pg_type') as comment
      from pg_catalog.pg_type t
     where t.typnamespace = $1 and t.typtype = 'e' and ${OLD_NOT_EXT('pg_catalog.pg_type', 't.oid')}`,
  domain: `
    select t.typname as name, pg_catalog.format_type(t.typbasetype, t.typtypmod) as base_type, t.typnotnull::text as not_null,
           t.typdefault as default, case when t.typcollation <> b.typcollation then t.typcollation::regcollation::text end as collation,
           pg_catalog.obj_description(t.oid, 'pg_type') as comment
      from pg_catalog.pg_type t
      join pg_catalog.pg_type b on b.oid = t.typbasetype
     where t.typnamespace = $1 and t.typtype = 'd' and ${OLD_NOT_EXT('pg_catalog.pg_type', 't.oid')}`,
  type: `
    select t.typname as name, t.typtype::text as typtype,
           case when t.typtype = 'r' then (select r.rngsubtype::regtype::text from pg_catalog.pg_range r where r.rngtypid = t.oid) end as subtype,
           pg_catalog.obj_description(t.oid, 'pg_type') as comment
      from pg_catalog.pg_type t
      left join pg_catalog.pg_class c on c.oid = t.typrelid
     where t.typnamespace = $1 and (t.typtype in ('r', 'm') or (t.typtype = 'c' and c.relkind = 'c')) and ${OLD_NOT_EXT('pg_catalog.pg_type', 't.oid')}`,
};

// Verify's privileges query as it was (frozen copy, $1 the schema's OID): pg_class, pg_proc and pg_type filtered by namespace.
const OLD_PRIVILEGES_SQL = `
select 'schema' as name, pg_catalog.pg_get_userbyid(n.nspowner) as owner, (
  select string_agg(x, ', ' order by x) from (
    select case when a.grantee = n.nspowner then '(owner)' when a.grantee = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(a.grantee) end
           || '=' || a.privilege_type || case when a.is_grantable then ' WITH GRANT OPTION' else '' end as x
      from pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a) s) as acl, null::oid as relid
  from pg_catalog.pg_namespace n where n.oid = $1
union all

select case c.relkind when 'S' then 'sequence ' when 'v' then 'view ' when 'm' then 'view ' else 'table ' end || c.relname as name,
       pg_catalog.pg_get_userbyid(c.relowner) as owner, (
  select string_agg(x, ', ' order by x) from (
    select case when a.grantee = c.relowner then '(owner)' when a.grantee = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(a.grantee) end
           || '=' || a.privilege_type || case when a.is_grantable then ' WITH GRANT OPTION' else '' end as x
      from pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault((case when c.relkind = 'S' then 's' else 'r' end)::"char", c.relowner))) a) s) as acl, c.oid as relid
  from pg_catalog.pg_class c
 where c.relnamespace = $1 and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and not exists (select 1 from pg_catalog.pg_depend e where e.classid = 'pg_catalog.pg_class'::regclass and e.objid = c.oid and e.deptype = 'e')
union all
select 'column ' || c.relname || '.' || a.attname, null,
       (select string_agg(x, ', ' order by x) from (
          select case when g.grantee = c.relowner then '(owner)' when g.grantee = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(g.grantee) end
                 || '=' || g.privilege_type || case when g.is_grantable then ' WITH GRANT OPTION' else '' end as x
            from pg_catalog.aclexplode(a.attacl) g) s), c.oid
  from pg_catalog.pg_attribute a join pg_catalog.pg_class c on c.oid = a.attrelid
 where c.relnamespace = $1 and a.attacl is not null and a.attnum > 0 and not a.attisdropped
union all
select 'function ' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',
       pg_catalog.pg_get_userbyid(p.proowner), (
  select string_agg(x, ', ' order by x) from (
    select case when a.grantee = p.proowner then '(owner)' when a.grantee = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(a.grantee) end
           || '=' || a.privilege_type || case when a.is_grantable then ' WITH GRANT OPTION' else '' end as x
      from pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) a) s), null
  from pg_catalog.pg_proc p where p.pronamespace = $1 and not exists (select 1 from pg_catalog.pg_depend e where e.classid = 'pg_catalog.pg_proc'::regclass and e.objid = p.oid and e.deptype = 'e')
union all
select 'type ' || t.typname, pg_catalog.pg_get_userbyid(t.typowner), (
  select string_agg(x, ', ' order by x) from (
    select case when a.grantee = t.typowner then '(owner)' when a.grantee = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(a.grantee) end
           || '=' || a.privilege_type || case when a.is_grantable then ' WITH GRANT OPTION' else '' end as x
      from pg_catalog.aclexplode(coalesce(t.typacl, pg_catalog.acldefault('T', t.typowner))) a) s), null
  from pg_catalog.pg_type t left join pg_catalog.pg_class c on c.oid = t.typrelid
 where t.typnamespace = $1 and (t.typtype in ('e', 'd', 'r', 'm') or (t.typtype = 'c' and c.relkind = 'c')) and not exists (select 1 from pg_catalog.pg_depend e where e.classid = 'pg_catalog.pg_type'::regclass and e.objid = t.oid and e.deptype = 'e')`;

/** What the previous readSchemaCatalog read, as sorted lines. */
async function schemaCatalogBefore(client: pg.ClientBase, schema: string): Promise<string[]> {
  await client.query('begin read only');
  try {
    await client.query("select pg_catalog.set_config('search_path', '', true)");
    const ns = await client.query<{ oid: number }>('select oid from pg_catalog.pg_namespace where nspname = $1', [schema]);
    const lines: string[] = [];
    for (const [kind, sql] of Object.entries(OLD_SCHEMA_CATALOG_QUERIES)) {
      for (const row of (await client.query<Record<string, unknown>>(sql, [ns.rows[0]?.oid])).rows) {
        // readSchemaCatalog leaves out a context_ column that is null (a definition with nowhere to be re-read).
        lines.push(`${kind} ${JSON.stringify(Object.fromEntries(Object.entries(row).filter(([k, v]) => !(k.startsWith('context_') && v === null))))}`);
      }
    }
    return lines.sort();
  } finally {
    await client.query('rollback');
  }
}

/** readSchemaCatalog's objects as the sorted lines schemaCatalogBefore gives (name first, then the columns in order). */
async function schemaCatalogNow(client: pg.ClientBase, schema: string): Promise<string[]> {
  const { objects } = await readSchemaCatalog(client, schema);
  return objects.map((o) => `${o.kind} ${JSON.stringify({ name: o.name, ...o.attributes, ...Object.fromEntries(Object.entries(o.context ?? {}).map(([k, v]) => [`context_${k}`, v])) })}`).sort();
}

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

/**
 * Blocks the query touches (shared hits and reads), a measure of its work that does not depend on the machine's speed:
 * the fewer of two runs, so that neither counts what the backend reads to fill its catalog caches again (other
 * sessions' DDL, such as adding tenants, resets them).
 */
async function blocksTouched(client: pg.ClientBase, sql: string, params: unknown[]): Promise<number> {
  const once = async () => {
    const plan = await explain(client, sql, params, true);
    return (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
  };
  return Math.min(await once(), await once());
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
GRANT UPDATE (note) ON tmpl.accounts TO shared_scale_reader; GRANT USAGE ON SEQUENCE tmpl.accounts_id_seq TO shared_scale_reader;
REVOKE EXECUTE ON FUNCTION tmpl.touch() FROM PUBLIC; GRANT EXECUTE ON FUNCTION tmpl.touch() TO shared_scale_reader;
REVOKE USAGE ON TYPE tmpl.state FROM PUBLIC;
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

  it("verify's reads of a schema give what the namespace-filtered reads gave, for every schema", async () => {
    const kinds = new Set<string>();
    for (const [database, schemas] of SCHEMAS) {
      const client = await cluster.connect(database);
      try {
        await client.query('set jit = off');
        for (const schema of schemas) {
          const now = await schemaCatalogNow(client, schema);
          expect(now, `${database}.${schema}`).toEqual(await schemaCatalogBefore(client, schema));
          for (const line of now) kinds.add(line.slice(0, line.indexOf(' ')));
          // The privileges query too (owners and ACLs of the schema, relations, columns, functions, types).
          const ids = (await client.query<Record<string, unknown>>(SCHEMA_CATALOG_SQL.objects, [schema])).rows[0]!;
          const privileges = await client.query(SCHEMA_PRIVILEGES_SQL, [ids.namespace, ids.relations, ids.functions, ids.types]);
          const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();
          expect(sorted(privileges.rows), `${database}.${schema} privileges`).toEqual(sorted((await client.query(OLD_PRIVILEGES_SQL, [ids.namespace])).rows));
          for (const r of privileges.rows as { name: string; acl: string | null }[]) if (r.acl?.includes('shared_scale_reader')) kinds.add(`granted ${r.name.split(' ')[0]}`);
        }
        expect(await schemaCatalogNow(client, 'no_such_schema')).toEqual([]);
      } finally {
        await client.end();
      }
    }
    // A catalog edited by hand (a function's OID changed with UPDATE, as the PostgREST test schema does) leaves a
    // pg_depend row naming no object: the list by dependency misses the function, so the schema is read by namespace.
    await cluster.createDatabase('hacked');
    await cluster.query(`CREATE SCHEMA h; CREATE TABLE h.t (id int); CREATE FUNCTION h.f(id int) RETURNS int LANGUAGE sql AS 'select 1';
      CREATE FUNCTION h.g() RETURNS int LANGUAGE sql AS 'select 2';
      UPDATE pg_catalog.pg_proc SET oid = 'h.t'::regclass::oid WHERE oid = 'h.f(int)'::regprocedure::oid;`, 'hacked');
    const hacked = await cluster.connect('hacked');
    try {
      const listed = (await hacked.query<{ consistent: boolean }>(SCHEMA_CATALOG_SQL.objects, ['h'])).rows[0];
      expect(listed?.consistent).toBe(false);
      const now = await schemaCatalogNow(hacked, 'h');
      expect(now).toEqual(await schemaCatalogBefore(hacked, 'h'));
      expect(now.filter((l) => l.startsWith('function '))).toHaveLength(2);
    } finally {
      await hacked.end();
    }
    // Every query found something to compare, and the grants of every kind of object were read.
    expect([...kinds].sort()).toEqual([...Object.keys(SCHEMA_CATALOG_SQL.queries), 'granted column', 'granted function', 'granted schema', 'granted sequence', 'granted table'].sort());
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
        ['verify: schema objects', SCHEMA_CATALOG_SQL.objects, ['tmpl']],
      ];
      const listed = (await client.query<Record<string, unknown>>(SCHEMA_CATALOG_SQL.objects, ['tmpl'])).rows[0]!;
      for (const [kind, [param, sql]] of Object.entries(SCHEMA_CATALOG_SQL.queries)) queries.push([`verify: ${kind}`, sql, [listed[param]]]);
      queries.push(['verify: privileges', SCHEMA_PRIVILEGES_SQL, [listed.namespace, listed.relations, listed.functions, listed.types]]);
      const oldColumns = OLD_SCHEMA_CATALOG_QUERIES.column as string;
      const oldColumnsBefore = await blocksTouched(client, oldColumns, [listed.namespace]);
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
      // And verify's previous reads of a schema, which filtered pg_class by namespace (each tenant's verify grew with the fleet).
      expect(await blocksTouched(client, oldColumns, [listed.namespace])).toBeGreaterThan(oldColumnsBefore * 1.25 + 10);
      expect(await schemaCatalogNow(client, 'tmpl')).toEqual(await schemaCatalogBefore(client, 'tmpl'));
      // Same answers with the tenants there.
      await client.query('set jit = off');
      expect(await readSharedObjects(client, 'tmpl')).toEqual(await readSharedObjectsBefore(client, 'tmpl'));
    } finally {
      await client.end();
    }
  });
});
