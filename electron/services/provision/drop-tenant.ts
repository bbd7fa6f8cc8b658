import type pg from 'pg';
/** Drops a tenant schema and everything in it, only with explicit confirmation. */
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { TenantryError } from '../../../core/errors.js';
import { TENANT_LOCK_CLASS } from '../../../core/provision/tenant-guard.js';
import { quoteIdentifier, quoteLiteral } from '../../../core/sql/quote.js';
import { buildRegisterDeleteSql, REGISTER_TABLE } from '../../../core/fleet/register-sql.js';
import { validateTenantName } from '../../../core/tenant/tenant-name.js';
import { openClient } from '../connection/open-connection.js';
import { explainPermissionError } from '../errors/permission-hint.js';
import { formatPgError, readPgError, sqlstateOf } from '../errors/pg-error.js';

export interface DropOptions {
  /** Must be true: dropping a tenant deletes its data. */
  confirmed: boolean;
  /** Schemas that are not tenants (template schemas of saved snapshots and pools): refused like system schemas. */
  protectedNames?: Iterable<string>;
}

/**
 * Objects outside the schema that depend on something inside it (a view in a
 * reporting schema over a tenant table, a foreign key into the tenant, a column
 * of a tenant type): CASCADE would drop them without a word.
 */
const OUTSIDE_DEPENDENTS_SQL = `
with ns as (select oid from pg_catalog.pg_namespace where nspname = $1),
inside as (
  select 'pg_catalog.pg_class'::regclass as classid, c.oid as objid from pg_catalog.pg_class c, ns where c.relnamespace = ns.oid
  union all select 'pg_catalog.pg_type'::regclass, t.oid from pg_catalog.pg_type t, ns where t.typnamespace = ns.oid
  union all select 'pg_catalog.pg_proc'::regclass, p.oid from pg_catalog.pg_proc p, ns where p.pronamespace = ns.oid
),
deps as (
  select d.classid, d.objid, d.objsubid,
         case d.classid
           when 'pg_catalog.pg_class'::regclass then (select relnamespace from pg_catalog.pg_class where oid = d.objid)
           when 'pg_catalog.pg_proc'::regclass then (select pronamespace from pg_catalog.pg_proc where oid = d.objid)
           when 'pg_catalog.pg_type'::regclass then (select typnamespace from pg_catalog.pg_type where oid = d.objid)
           when 'pg_catalog.pg_constraint'::regclass then (select connamespace from pg_catalog.pg_constraint where oid = d.objid)
           when 'pg_catalog.pg_rewrite'::regclass then (select c.relnamespace from pg_catalog.pg_rewrite r join pg_catalog.pg_class c on c.oid = r.ev_class where r.oid = d.objid)
           when 'pg_catalog.pg_trigger'::regclass then (select c.relnamespace from pg_catalog.pg_trigger t join pg_catalog.pg_class c on c.oid = t.tgrelid where t.oid = d.objid)
           when 'pg_catalog.pg_attrdef'::regclass then (select c.relnamespace from pg_catalog.pg_attrdef a join pg_catalog.pg_class c on c.oid = a.adrelid where a.oid = d.objid)
           when 'pg_catalog.pg_policy'::regclass then (select c.relnamespace from pg_catalog.pg_policy p join pg_catalog.pg_class c on c.oid = p.polrelid where p.oid = d.objid)
         end as nsp
    from pg_catalog.pg_depend d
    join inside i on d.refclassid = i.classid and d.refobjid = i.objid
   where d.deptype in ('n', 'a')
)
select distinct case when deps.classid = 'pg_catalog.pg_rewrite'::regclass
                     then (select 'view ' || r.ev_class::regclass::text from pg_catalog.pg_rewrite r where r.oid = deps.objid)
                     else pg_catalog.pg_describe_object(deps.classid, deps.objid, deps.objsubid) end as what
  from deps, ns
 where deps.nsp is not null and deps.nsp <> ns.oid
 order by 1`;

/** `DROP SCHEMA "tenant" CASCADE`, under the tenant's advisory lock; returns how many objects went with it. */
export async function dropTenant(profile: ConnectionProfile, tenant: string, options: DropOptions): Promise<{ tenant: string; objects: number }> {
  // The same rule as provisioning: a name drop accepts is one Tenantry could have created (never a 64+ byte
  // name PostgreSQL would truncate into another schema, a system schema, _tenantry or a template).
  validateTenantName(tenant, options.protectedNames ? { protectedNames: options.protectedNames } : {});
  if (!options.confirmed) {
    throw new TenantryError('CONFIRMATION_REQUIRED', `Dropping tenant "${tenant}" deletes the schema and all its data. Add --yes to confirm.`);
  }
  const client = await openClient(profile);
  try {
    await client.query('BEGIN');
    await client.query('select pg_catalog.pg_advisory_xact_lock($1, pg_catalog.hashtext($2))', [TENANT_LOCK_CLASS, tenant]);
    const { rows } = await client.query<{ n: number }>(
      `select (select count(*) from pg_catalog.pg_class c where c.relnamespace = n.oid)::int
            + (select count(*) from pg_catalog.pg_proc p where p.pronamespace = n.oid)::int as n
         from pg_catalog.pg_namespace n where n.nspname = $1`,
      [tenant],
    );
    if (rows.length === 0) throw new TenantryError('TENANT_NOT_FOUND', `Tenant schema "${tenant}" does not exist; nothing was dropped.`);
    const template = await findRecordedTemplate(client, tenant);
    if (template) throw new TenantryError('INVALID_TENANT_NAME', `"${tenant}" is the template schema of ${template} in this database, not a tenant. Nothing was dropped.`);
    const outside = await client.query<{ what: string }>(OUTSIDE_DEPENDENTS_SQL, [tenant]);
    if (outside.rows.length > 0) {
      const list = outside.rows.map((r) => r.what);
      throw new TenantryError(
        'TENANT_HAS_DEPENDENTS',
        `Objects in other schemas depend on tenant "${tenant}" (${list.slice(0, 5).join('; ')}${list.length > 5 ? `; and ${list.length - 5} more` : ''}): DROP SCHEMA … CASCADE would silently drop them too. Nothing was dropped; drop or change those objects first.`,
        list.length > 5 ? { detail: list.join('\n') } : {},
      );
    }
    await client.query(`DROP SCHEMA ${quoteIdentifier(tenant)} CASCADE`);
    // The tenant's register row goes with it, in the same transaction (a database without a register has none).
    const register = await client.query<{ ok: boolean }>(`select pg_catalog.to_regclass(${quoteLiteral(REGISTER_TABLE)}) is not null as ok`);
    if (register.rows[0]?.ok === true) await client.query(buildRegisterDeleteSql(tenant));
    await client.query('COMMIT');
    return { tenant, objects: rows[0]?.n ?? 0 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (error instanceof TenantryError) throw error;
    // insufficient_privilege gets the GRANT (or the owner) that lets the drop through.
    const hint = sqlstateOf(error) === '42501' ? explainPermissionError(readPgError(error).message ?? '', { role: profile.user, database: profile.database }) : undefined;
    throw new TenantryError('PG_QUERY_FAILED', `Dropping tenant "${tenant}" failed; nothing was dropped.${hint ? ` ${hint}` : ''}`, { detail: formatPgError(error), cause: error });
  } finally {
    await client.end();
  }
}

/**
 * Where this database records `schema` as a template: the warm pool's owning snapshot or a published snapshot
 * (both in Tenantry's bookkeeping schema, which may be absent or older than these columns). Undefined when neither.
 */
async function findRecordedTemplate(client: pg.ClientBase, schema: string): Promise<string | undefined> {
  const { rows } = await client.query<{ pool: boolean; published: boolean }>(
    `select pg_catalog.to_regclass('_tenantry.pool_config') is not null as pool,
            pg_catalog.to_regclass('_tenantry.published_snapshots') is not null as published`,
  );
  if (rows[0]?.pool) {
    const pool = await client.query(`select 1 from _tenantry.pool_config c where pg_catalog.to_jsonb(c) ->> 'owner_template' = $1`, [schema]);
    if ((pool.rowCount ?? 0) > 0) return 'the warm pool';
  }
  if (rows[0]?.published) {
    const published = await client.query<{ label: string }>('select label from _tenantry.published_snapshots where template = $1 order by label limit 1', [schema]);
    if (published.rows[0]) return `the published snapshot "${published.rows[0].label}"`;
  }
  return undefined;
}
