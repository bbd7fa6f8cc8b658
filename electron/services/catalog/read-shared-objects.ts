/**
 * What a tenant made from the template will share with the rest of the
 * database: objects outside the template schema that template objects depend
 * on (extension types and functions, tables of other schemas), the extensions
 * needed, and the cluster-wide roles referenced by ownership and grants.
 * A snapshot does not recreate any of these per tenant (peers.md bug 12).
 */
import type pg from 'pg';
import { OBJECT_SCHEMAS_CTE } from './object-schemas-sql.js';

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

const DEPENDENCIES_SQL = `
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
   -- extension members living in the template schema are not template objects
   and not exists (select 1 from pg_catalog.pg_depend x where x.classid = d.classid and x.objid = d.objid and x.deptype = 'e')
   and d.refclassid <> 'pg_catalog.pg_namespace'::regclass
   and coalesce(t.schema, '') not in ('pg_catalog', 'information_schema')
   -- every plpgsql function depends on its language: per database, nothing to share
   and d.refclassid <> 'pg_catalog.pg_language'::regclass
 order by 1, 3`;

const DEPENDENTS_SQL = `
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

const ROLES_SQL = `
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

const EXTENSION_MEMBERS_SQL = `
select count(*)::int as n from pg_catalog.pg_depend d
 where d.deptype = 'e' and d.refclassid = 'pg_catalog.pg_extension'::regclass
   and (pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid)).schema = $1`;

/** Reads what a tenant of `schema` shares with the rest of the database. */
export async function readSharedObjects(client: pg.ClientBase, schema: string): Promise<SharedObjectsReport> {
  const deps = await client.query<{ from: string; from_type: string; to: string; to_type: string; to_schema: string | null; extension: string | null }>(DEPENDENCIES_SQL, [schema]);
  // Inside the template schema only extension members are shared; everything else is the tenant's own copy.
  const dependencies = deps.rows
    .filter((r) => r.to_schema !== schema || r.extension !== null)
    .map((r) => ({ from: r.from, fromType: r.from_type, to: r.to, toType: r.to_type, toSchema: r.to_schema, extension: r.extension }));
  const used = new Set(dependencies.map((d) => d.extension).filter((e): e is string => e !== null));
  const ext = await client.query<{ name: string; schema: string }>(
    'select e.extname as name, n.nspname as schema from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace order by 1',
  );
  const roles = await client.query<{ name: string; owns: boolean; granted: boolean }>(ROLES_SQL, [schema]);
  const members = await client.query<{ n: number }>(EXTENSION_MEMBERS_SQL, [schema]);
  const dependents = await client.query<{ from: string; to: string }>(DEPENDENTS_SQL, [schema]);
  return {
    dependencies,
    dependents: dependents.rows,
    extensions: ext.rows.filter((e) => used.has(e.name)),
    roles: roles.rows,
    extensionMembersInTemplate: members.rows[0]?.n ?? 0,
  };
}
