/**
 * What a tenant made from the template will share with the rest of the
 * database: objects outside the template schema that template objects depend
 * on (extension types and functions, tables of other schemas), the extensions
 * needed, and the cluster-wide roles referenced by ownership and grants.
 * A snapshot does not recreate any of these per tenant (peers.md bug 12).
 */
import type pg from 'pg';
import type { TemplateObjectList } from './read-catalog-facts.js';
import { NAMESPACED_CLASSES, namespaceOfSql, OWN_NAMESPACE_CLASSES, TEMPLATE_OBJECTS_PARAMS_CTE, TEMPLATE_OBJECTS_SQL } from './template-objects-sql.js';

export interface SharedDependency {
  /** The template object, as pg_identify_object names it (e.g. "public.users.email"). */
  from: string;
  fromType: string;
  to: string;
  toType: string;
  toSchema: string | null;
  /** The extension the referenced object belongs to, if any. */
  extension: string | null;
}

export interface SharedObjectsReport {
  dependencies: SharedDependency[];
  /**
   * Objects in other schemas that depend on template objects (a foreign key
   * from app_private.user_secrets to app_public.users, a view over a template
   * table). They keep pointing at the template, never at a tenant.
   */
  dependents: { from: string; to: string }[];
  /** Extensions the template's objects use, with their schema. */
  extensions: { name: string; schema: string }[];
  /** Roles that own template objects or appear in their grants (PUBLIC included as such). */
  roles: { name: string; owns: boolean; granted: boolean }[];
  /** Extension members that sit inside the template schema (e.g. citext in public): left to the extension. */
  extensionMembersInTemplate: number;
}

// Each query starts from the template's own objects (FACTS_SQL's list, read once) and reaches pg_depend only through
// its indexes (`offset 0` keeps each lateral subquery a parameterised lookup the planner cannot turn into a hash join
// over a catalog), so its cost follows the template's size whatever else the database holds, and needs no catalog
// statistics. Whether a pg_depend row stays inside the template is answered by a hash of the template's object list
// (`not in` a materialized CTE: a hashed subplan, and a fence the planner cannot reorder; classid and objid are never
// null) rather than by reading the other object's namespace: most rows
// do stay inside (an index on its table's columns, a default on its column), and only the rest, a few hundred for
// GitLab's 23,583 objects, go on to the checks as they were.

/** `ext` (classid, objid): the extension members of the database, read extension by extension (pg_depend grows with every tenant). */
const EXTENSION_MEMBERS_CTE = `
ext(classid, objid) as materialized (
  select d.classid, d.objid from pg_catalog.pg_extension e
   cross join lateral (select d.classid, d.objid from pg_catalog.pg_depend d
                        where d.refclassid = 'pg_catalog.pg_extension'::regclass and d.refobjid = e.oid and d.deptype = 'e' offset 0) d
)`;

const DEPENDENCIES_SQL = `
with ${TEMPLATE_OBJECTS_PARAMS_CTE},
${EXTENSION_MEMBERS_CTE},
-- the template's own objects (each tenant's own copy, what readSharedObjects drops); extension members in it are shared
own(classid, objid) as materialized (select classid, objid from tobjs where classid = any (${OWN_NAMESPACE_CLASSES}) except select classid, objid from ext),
deps as materialized (
  select d.* from tobjs f
   cross join lateral (select * from pg_catalog.pg_depend d
                        where d.classid = f.classid and d.objid = f.objid and d.deptype in ('n', 'a')
                          and d.refclassid <> 'pg_catalog.pg_namespace'::regclass
                          -- every plpgsql function depends on its language: per database, nothing to share
                          and d.refclassid <> 'pg_catalog.pg_language'::regclass offset 0) d
),
outside as materialized (
  select * from deps d
   where (d.refclassid, d.refobjid) not in (select classid, objid from own)
     -- extension members living in the template schema are not template objects
     and (d.classid, d.objid) not in (select classid, objid from ext)
)
select pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) as from, fi.type as from_type,
       t.identity as to, t.type as to_type, t.schema as to_schema,
       (select e.extname from pg_catalog.pg_depend x join pg_catalog.pg_extension e on e.oid = x.refobjid
         where x.classid = d.refclassid and x.objid = d.refobjid and x.deptype = 'e'
           and x.refclassid = 'pg_catalog.pg_extension'::regclass limit 1) as extension
  from outside d
  cross join lateral pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid) fi
  cross join lateral pg_catalog.pg_identify_object(d.refclassid, d.refobjid, d.refobjsubid) t
 where coalesce(t.schema, '') not in ('pg_catalog', 'information_schema')
   -- the template's own objects, by their namespace (what the hash above already left out, checked as before)
   and not (d.refclassid = any (${OWN_NAMESPACE_CLASSES})
            and ${namespaceOfSql('d.refclassid', 'd.refobjid')} is not distinct from (select oid from template)
            and (d.refclassid, d.refobjid) not in (select classid, objid from ext))
 order by 1, 3`;

// Objects of other schemas that depend on template objects: found from the
// template's side through pg_depend's reference index, never by listing the
// objects of every other schema (tenants included).
const DEPENDENTS_SQL = `
with ${TEMPLATE_OBJECTS_PARAMS_CTE},
${EXTENSION_MEMBERS_CTE},
refs as materialized (
  select d.* from tobjs t
   cross join lateral (select * from pg_catalog.pg_depend d
                        where d.refclassid = t.classid and d.refobjid = t.objid and d.deptype in ('n', 'a')
                          and d.classid = any (${NAMESPACED_CLASSES}) offset 0) d
),
-- dependents that are not template objects themselves
outside as materialized (select * from refs r where (r.classid, r.objid) not in (select classid, objid from tobjs))
select distinct pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) as from,
       pg_catalog.pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid) as to
  from outside d
  cross join lateral (select ${namespaceOfSql('d.classid', 'd.objid')} as ns) dn
  join pg_catalog.pg_namespace n on n.oid = dn.ns
 where dn.ns <> (select oid from template) and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
   -- extension members (a pg_depend row of type 'e' always points at an extension: the members listed in ext)
   and (d.classid, d.objid) not in (select classid, objid from ext)
   and (d.refclassid, d.refobjid) not in (select classid, objid from ext)
 order by 1, 2`;

const ROLES_SQL = `
with ${TEMPLATE_OBJECTS_PARAMS_CTE},
ns as (select oid from template),
rels as (select c.* from tobjs o cross join lateral (select relowner as owner, relacl as acl from pg_catalog.pg_class where oid = o.objid offset 0) c
          where o.classid = 'pg_catalog.pg_class'::regclass),
procs as (select p.* from tobjs o cross join lateral (select proowner as owner, proacl as acl from pg_catalog.pg_proc where oid = o.objid offset 0) p
           where o.classid = 'pg_catalog.pg_proc'::regclass),
types as (select t.* from tobjs o cross join lateral (select typowner as owner, typacl as acl from pg_catalog.pg_type where oid = o.objid offset 0) t
           where o.classid = 'pg_catalog.pg_type'::regclass),
owners as (
  select owner as role from rels
  union select owner from procs
  union select owner from types
  union select nspowner from pg_catalog.pg_namespace where oid = (select oid from ns)
),
acls as (
  select acl from rels where acl is not null
  union all select acl from procs where acl is not null
  union all select acl from types where acl is not null
  union all select nspacl from pg_catalog.pg_namespace where oid = (select oid from ns) and nspacl is not null
  union all select defaclacl from pg_catalog.pg_default_acl where defaclnamespace = (select oid from ns)
),
grantees as (select distinct a.grantee as role from acls cross join lateral pg_catalog.aclexplode(acls.acl) a)
select case when r.role = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(r.role) end as name,
       bool_or(r.owns) as owns, bool_or(r.granted) as granted
  from (select role, true as owns, false as granted from owners
        union all select role, false, true from grantees) r
 group by 1 order by 1`;

// Members are read extension by extension through pg_depend's reference index
// rather than by scanning pg_depend, which grows with every tenant.
const EXTENSION_MEMBERS_SQL = `
select count(*)::int as n from pg_catalog.pg_extension e
 cross join lateral (select d.classid, d.objid, d.objsubid from pg_catalog.pg_depend d
                      where d.refclassid = 'pg_catalog.pg_extension'::regclass and d.refobjid = e.oid and d.deptype = 'e' offset 0) d
 where (pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid)).schema = $1`;

/** The queries, for tests that check their plans: $1 is the schema; $2 and $3 the arrays TEMPLATE_OBJECTS_SQL (or FACTS_SQL) returns (not for extensionMembers). */
export const SHARED_OBJECTS_SQL = { templateObjects: TEMPLATE_OBJECTS_SQL, dependencies: DEPENDENCIES_SQL, dependents: DEPENDENTS_SQL, roles: ROLES_SQL, extensionMembers: EXTENSION_MEMBERS_SQL };

/**
 * Runs `read` in one read-only repeatable-read transaction (one view of the catalogs for the template's object list
 * the queries share) with JIT off: their nested index lookups look expensive to the planner, and compiling them took
 * longer than running them (4 s for GitLab).
 */
export async function inCatalogSnapshot<T>(client: pg.ClientBase, read: () => Promise<T>): Promise<T> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    await client.query("SELECT pg_catalog.set_config('jit', 'off', true)");
    const result = await read();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Reads what a tenant of `schema` shares with the rest of the database (readTemplateCatalog reads it with the catalog facts). */
export async function readSharedObjects(client: pg.ClientBase, schema: string): Promise<SharedObjectsReport> {
  return inCatalogSnapshot(client, async () => {
    // The object arrays are only handed on to the next queries: read as text and sent back as text, never parsed into
    // numbers and serialized again for each query (GitLab's 23,594 objects: 30 ms of this process's CPU warm, 160 ms cold).
    const objects = await client.query<TemplateObjectList>(`select o.classids::text as classids, o.objids::text as objids from (${TEMPLATE_OBJECTS_SQL}) o`, [schema]);
    return readSharedFromObjects(client, schema, objects.rows[0] ?? { classids: '{}', objids: '{}' });
  });
}

/** What a tenant of `schema` shares, from the template's object list (FACTS_SQL or TEMPLATE_OBJECTS_SQL); inside inCatalogSnapshot. */
export async function readSharedFromObjects(client: pg.ClientBase, schema: string, objects: TemplateObjectList): Promise<SharedObjectsReport> {
  const params = [schema, objects.classids, objects.objids];
  const deps = await client.query<{ from: string; from_type: string; to: string; to_type: string; to_schema: string | null; extension: string | null }>(DEPENDENCIES_SQL, params);
  // Inside the template schema only extension members are shared; everything else is the tenant's own copy.
  const dependencies = deps.rows
    .filter((r) => r.to_schema !== schema || r.extension !== null)
    .map((r) => ({ from: r.from, fromType: r.from_type, to: r.to, toType: r.to_type, toSchema: r.to_schema, extension: r.extension }));
  const used = new Set(dependencies.map((d) => d.extension).filter((e): e is string => e !== null));
  const ext = await client.query<{ name: string; schema: string }>(
    'select e.extname as name, n.nspname as schema from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace order by 1',
  );
  const roles = await client.query<{ name: string; owns: boolean; granted: boolean }>(ROLES_SQL, params);
  const members = await client.query<{ n: number }>(EXTENSION_MEMBERS_SQL, [schema]);
  const dependents = await client.query<{ from: string; to: string }>(DEPENDENTS_SQL, params);
  return {
    dependencies,
    dependents: dependents.rows,
    extensions: ext.rows.filter((e) => used.has(e.name)),
    roles: roles.rows,
    extensionMembersInTemplate: members.rows[0]?.n ?? 0,
  };
}
