/**
 * Reads the owners and effective privileges of a schema and its objects as a
 * SchemaCatalog (kind 'privileges'), for compare-catalogs.ts. A NULL ACL is
 * read as PostgreSQL's default (acldefault), and the object's own owner is
 * written `(owner)`, so a tenant owned by the provisioning role compares equal
 * to a template owned by someone else when only privileges are compared.
 */
import type pg from 'pg';
import type { CatalogObject, SchemaCatalog } from '../../../core/verify/compare-catalogs.js';
import { partitionKey } from '../../../core/verify/carried-privileges.js';
import { readSchemaObjects, VERIFY_SETTINGS_SQL } from './read-schema-catalog.js';

const ACL = (acl: string, type: string, owner: string) => `(
  select string_agg(x, ', ' order by x) from (
    select case when a.grantee = ${owner} then '(owner)' when a.grantee = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(a.grantee) end
           || '=' || a.privilege_type || case when a.is_grantable then ' WITH GRANT OPTION' else '' end as x
      from pg_catalog.aclexplode(coalesce(${acl}, pg_catalog.acldefault(${type}, ${owner}))) a) s)`;
// A probe of pg_depend's index per object (offset 0: never an anti join reading pg_depend whole).
const NOT_EXT = (catalog: string, oid: string) =>
  `not exists (select 1 from pg_catalog.pg_depend e where e.classid = '${catalog}'::regclass and e.objid = ${oid} and e.deptype = 'e' offset 0)`;

/** Relations matching `where` (on pg_class c) and their columns' own grants, with c.oid as `relid`. */
const RELATIONS_SQL = (where: string): string => `
select case c.relkind when 'S' then 'sequence ' when 'v' then 'view ' when 'm' then 'view ' else 'table ' end || c.relname as name,
       pg_catalog.pg_get_userbyid(c.relowner) as owner, ${ACL('c.relacl', `(case when c.relkind = 'S' then 's' else 'r' end)::"char"`, 'c.relowner')} as acl, c.oid as relid
  from pg_catalog.pg_class c
 where ${where} and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and ${NOT_EXT('pg_catalog.pg_class', 'c.oid')}
union all
select 'column ' || c.relname || '.' || a.attname, null,
       (select string_agg(x, ', ' order by x) from (
          select case when g.grantee = c.relowner then '(owner)' when g.grantee = 0 then 'PUBLIC' else pg_catalog.pg_get_userbyid(g.grantee) end
                 || '=' || g.privilege_type || case when g.is_grantable then ' WITH GRANT OPTION' else '' end as x
            from pg_catalog.aclexplode(a.attacl) g) s), c.oid
  from pg_catalog.pg_class c
 cross join lateral (select * from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attacl is not null and a.attnum > 0 and not a.attisdropped offset 0) a
 where ${where}`;

/**
 * The schema's privileges from its objects as read-schema-catalog.ts lists them (SCHEMA_CATALOG_SQL.objects): $1 the
 * schema's OID, $2 its relations', $3 its functions', $4 its types' OIDs, each catalog read by OID rather than
 * filtered by namespace (a scan of a catalog that grows with every tenant in the database).
 */
const PRIVILEGES_SQL = `
select 'schema' as name, pg_catalog.pg_get_userbyid(n.nspowner) as owner, ${ACL('n.nspacl', `'n'`, 'n.nspowner')} as acl, null::oid as relid
  from pg_catalog.pg_namespace n where n.oid = $1
union all
${RELATIONS_SQL('c.oid = any ($2::oid[])')}
union all
select 'function ' || p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',
       pg_catalog.pg_get_userbyid(p.proowner), ${ACL('p.proacl', `'f'`, 'p.proowner')}, null
  from pg_catalog.pg_proc p where p.oid = any ($3::oid[]) and ${NOT_EXT('pg_catalog.pg_proc', 'p.oid')}
union all
select 'type ' || t.typname, pg_catalog.pg_get_userbyid(t.typowner), ${ACL('t.typacl', `'T'`, 't.typowner')}, null
  from pg_catalog.pg_type t left join lateral (select relkind from pg_catalog.pg_class where t.typrelid <> 0 and oid = t.typrelid offset 0) c on true
 where t.oid = any ($4::oid[]) and (t.typtype in ('e', 'd', 'r', 'm') or (t.typtype = 'c' and c.relkind = 'c')) and ${NOT_EXT('pg_catalog.pg_type', 't.oid')}`;

/** The privileges query, for tests: its parameters are the namespace, relations, functions and types columns of SCHEMA_CATALOG_SQL.objects. */
export const SCHEMA_PRIVILEGES_SQL = PRIVILEGES_SQL;

export interface PrivilegeOptions {
  owners: boolean;
  privileges: boolean;
  /** Leave the schema's own owner out (a public template belongs to pg_database_owner, which tenants never get). */
  skipSchemaOwner?: boolean;
}

interface PrivilegeRow {
  name: string;
  owner: string | null;
  acl: string | null;
}

function toObject(row: PrivilegeRow, options: PrivilegeOptions): CatalogObject | undefined {
  const attributes: Record<string, string | null> = {};
  if (options.owners && row.owner !== null && !(options.skipSchemaOwner && row.name === 'schema')) attributes.owner = row.owner;
  if (options.privileges) attributes.privileges = row.acl;
  return Object.keys(attributes).length > 0 ? { kind: 'privileges', name: row.name, attributes } : undefined;
}

/**
 * Owners and privileges of relations in other schemas (the template's partitions kept elsewhere), read like
 * those of a schema's relations, keyed by `partitionKey` (schema and name).
 */
export async function readPartitionPrivileges(
  client: pg.ClientBase,
  partitions: readonly { schema: string; name: string }[],
  options: PrivilegeOptions,
): Promise<Map<string, CatalogObject[]>> {
  const out = new Map<string, CatalogObject[]>();
  if (partitions.length === 0) return out;
  const sql = `with wanted as (
      select c.oid from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        join unnest($1::text[], $2::text[]) as u(nsp, rel) on u.nsp = n.nspname and u.rel = c.relname)
    select p.*, n.nspname as schema, c.relname as rel from (${RELATIONS_SQL('c.oid in (select oid from wanted)')}) p
      join pg_catalog.pg_class c on c.oid = p.relid join pg_catalog.pg_namespace n on n.oid = c.relnamespace`;
  const { rows } = await client.query<PrivilegeRow & { schema: string; rel: string }>(sql, [partitions.map((p) => p.schema), partitions.map((p) => p.name)]);
  for (const row of rows) {
    const object = toObject(row, options);
    if (object === undefined) continue;
    const key = partitionKey({ schema: row.schema, name: row.rel });
    out.set(key, [...(out.get(key) ?? []), object]);
  }
  return out;
}

/** Owners and privileges of `schema` and its objects, as comparable catalog objects of kind 'privileges'. */
export async function readPrivileges(client: pg.ClientBase, schema: string, options: PrivilegeOptions): Promise<SchemaCatalog> {
  await client.query('begin read only');
  const objects: CatalogObject[] = [];
  try {
    // Qualified type names in function signatures, as read-schema-catalog.ts prints them.
    await client.query(VERIFY_SETTINGS_SQL);
    const ids = await readSchemaObjects(client, schema);
    if (ids === undefined) return { schema, objects: [] };
    const { rows } = await client.query<PrivilegeRow>(PRIVILEGES_SQL, [ids.namespace, ids.relations, ids.functions, ids.types]);
    for (const row of rows) {
      const object = toObject(row, options);
      if (object !== undefined) objects.push(object);
    }
  } finally {
    await client.query('rollback');
  }
  return { schema, objects };
}
