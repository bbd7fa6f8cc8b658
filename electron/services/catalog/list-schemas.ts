/**
 * Lists the schemas of a database with owner, object counts and size.
 * Reads only catalogs every role may read (no pg_authid: managed services
 * without superuser must work, peers.md bug 10).
 */
import type { SchemaSummary } from '../../../core/api/contract.js';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import type pg from 'pg';
import { openClient } from '../connection/open-connection.js';
import { REGISTER_TABLE } from '../../../core/fleet/register-sql.js';

const SCHEMAS_SQL = `
select n.nspname as name,
       pg_catalog.pg_get_userbyid(n.nspowner) as owner,
       (select count(*) from pg_catalog.pg_class c where c.relnamespace = n.oid and c.relkind in ('r', 'p', 'f'))::int as tables,
       (select count(*) from pg_catalog.pg_class c where c.relnamespace = n.oid and c.relkind in ('v', 'm'))::int as views,
       (select count(*) from pg_catalog.pg_proc p where p.pronamespace = n.oid)::int as functions,
       (select count(*) from pg_catalog.pg_class c where c.relnamespace = n.oid and c.relkind = 'S')::int as sequences,
       coalesce((select sum(pg_catalog.pg_total_relation_size(c.oid)) from pg_catalog.pg_class c
                  where c.relnamespace = n.oid and c.relkind in ('r', 'p', 'm', 'S')), 0)::bigint as size_bytes,
       (n.nspname in ('pg_catalog', 'information_schema', 'pg_toast')) as system,
       exists (select 1 from pg_catalog.pg_depend d
                where d.classid = 'pg_catalog.pg_namespace'::regclass and d.objid = n.oid and d.deptype = 'e') as extension_owned
  from pg_catalog.pg_namespace n
 where n.nspname !~ '^pg_(toast_)?temp_'
 order by (n.nspname in ('pg_catalog', 'information_schema', 'pg_toast')), n.nspname`;

interface SchemaRow {
  name: string;
  owner: string;
  tables: number;
  views: number;
  functions: number;
  sequences: number;
  size_bytes: string;
  system: boolean;
  extension_owned: boolean;
}

/**
 * Each warm-pool spare's template: the pool's owner_template for spares of the pool's own snapshot (the pool holds one
 * snapshot's spares; a stale one of another snapshot is left without). Read through to_jsonb so a pool table made
 * before owner_template existed is read too.
 */
const SPARES_SQL = `
select s.schema_name::text as spare, case when s.snapshot_checksum = (to_jsonb(c) ->> 'owner_checksum') then to_jsonb(c) ->> 'owner_template' end as template
  from _tenantry.pool_spares s cross join _tenantry.pool_config c`;

/** Whether the role may read every one of these tables (false when one does not exist or its schema may not be used). */
async function canRead(client: pg.ClientBase, tables: readonly string[]): Promise<boolean> {
  // has_table_privilege of a NULL oid (no such table) is NULL; a schema the role may not use raises, read as no.
  const checks = tables.map((_, i) => `pg_catalog.has_table_privilege(pg_catalog.to_regclass($${i + 1}), 'SELECT')`).join(' and ');
  const { rows } = await client.query<{ ok: boolean | null }>(`select ${checks} as ok`, [...tables]).catch(() => ({ rows: [{ ok: false }] }));
  return rows[0]?.ok === true;
}

/** Spare → template, or empty when the database has no pool or the role may not read it (the list is still shown). */
async function readSpareTemplates(client: pg.ClientBase): Promise<Map<string, string>> {
  if (!(await canRead(client, ['_tenantry.pool_spares', '_tenantry.pool_config']))) return new Map();
  const { rows } = await client.query<{ spare: string; template: string | null }>(SPARES_SQL);
  return new Map(rows.filter((r) => r.template !== null).map((r) => [r.spare, r.template!]));
}

/** Registered tenant → its template, or empty when the database has no register or the role may not read it. */
async function readTenantTemplates(client: pg.ClientBase): Promise<Map<string, string>> {
  if (!(await canRead(client, [REGISTER_TABLE]))) return new Map();
  const { rows } = await client.query<{ tenant: string; template: string }>(`select tenant, template from ${REGISTER_TABLE} where tenant <> template`);
  return new Map(rows.map((r) => [r.tenant, r.template]));
}

/** The schemas of the profile's database, user schemas first; warm-pool spares and registered tenants name their template. */
export async function listSchemas(profile: ConnectionProfile): Promise<SchemaSummary[]> {
  const client = await openClient(profile);
  try {
    const { rows } = await client.query<SchemaRow>(SCHEMAS_SQL);
    const spares = await readSpareTemplates(client);
    const tenants = await readTenantTemplates(client);
    return rows.map((r) => ({
      name: r.name,
      owner: r.owner,
      tables: r.tables,
      views: r.views,
      functions: r.functions,
      sequences: r.sequences,
      sizeBytes: Number(r.size_bytes),
      system: r.system,
      extensionOwned: r.extension_owned,
      ...(spares.has(r.name) ? { spareOf: spares.get(r.name)! } : {}),
      ...(tenants.has(r.name) ? { tenantOf: tenants.get(r.name)! } : {}),
    }));
  } finally {
    await client.end();
  }
}
