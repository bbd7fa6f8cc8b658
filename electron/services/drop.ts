/** Drops a tenant schema and everything in it, only with explicit confirmation. */
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { TenantryError } from '../../core/errors.js';
import { TENANT_LOCK_CLASS } from '../../core/provision/tenant-guard.js';
import { openClient } from './catalog/connect.js';
import { explainPermissionError } from './permission-hint.js';

export interface DropOptions {
  /** Must be true: dropping a tenant deletes its data. */
  confirmed: boolean;
}

/** `DROP SCHEMA "tenant" CASCADE`, under the tenant's advisory lock; returns how many objects went with it. */
export async function dropTenant(profile: ConnectionProfile, tenant: string, options: DropOptions): Promise<{ tenant: string; objects: number }> {
  if (!options.confirmed) {
    throw new TenantryError('CONFIRMATION_REQUIRED', `Dropping tenant "${tenant}" deletes the schema and all its data. Add --yes to confirm.`);
  }
  if (/^pg_/i.test(tenant) || tenant === 'information_schema') {
    throw new TenantryError('INVALID_TENANT_NAME', `"${tenant}" is a system schema, not a tenant.`);
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
    await client.query(`DROP SCHEMA "${tenant.replace(/"/g, '""')}" CASCADE`);
    await client.query('COMMIT');
    return { tenant, objects: rows[0]?.n ?? 0 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (error instanceof TenantryError) throw error;
    const hint = explainPermissionError((error as Error).message, { role: profile.user, database: profile.database });
    throw new TenantryError('PG_QUERY_FAILED', `Dropping tenant "${tenant}" failed; nothing was dropped.${hint ? ` ${hint}` : ''}`, { detail: (error as Error).message, cause: error });
  } finally {
    await client.end();
  }
}
