/**
 * `tenantry tenants adopt`: finds schemas structurally close to a template
 * (core/fleet/adoption-sql.ts) and records the chosen ones in the register as
 * `adopted`. Nothing in an adopted schema is changed.
 */
import type pg from 'pg';
import { buildAdoptionSql, toAdoptionEvidence, type AdoptionEvidence } from '../../../core/fleet/adoption-sql.js';
import { buildRegisterInsertSql } from '../../../core/fleet/register-sql.js';
import { TenantryError } from '../../../core/errors.js';
import { ensureRegister, readRegister } from './register.js';

/** Unregistered schemas whose match with `template` is at least `minMatch` (0..1), best first. */
export async function findAdoptionCandidates(db: pg.Pool, template: string, minMatch: number): Promise<AdoptionEvidence[]> {
  const exists = await db.query('SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1', [template]);
  if (!exists.rowCount) throw new TenantryError('SCHEMA_NOT_FOUND', `Template schema "${template}" does not exist in this database. Names are case-sensitive; run \`tenantry schemas\` to list them.`);
  const registered = (await readRegister(db)).map((r) => r.tenant);
  const { rows } = await db.query<Parameters<typeof toAdoptionEvidence>[0]>(buildAdoptionSql(), [template, registered]);
  return rows
    .map(toAdoptionEvidence)
    .filter((e) => e.match >= minMatch)
    .sort((a, b) => b.match - a.match || a.schema.localeCompare(b.schema));
}

/** Records `schemas` as adopted tenants of `template`, all in one transaction; returns the names recorded. */
export async function adoptTenants(db: pg.Pool, template: string, schemas: readonly string[]): Promise<string[]> {
  if (schemas.length === 0) return [];
  await ensureRegister(db);
  const client = await db.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const present = await client.query<{ nspname: string }>('SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname = ANY($1::text[]) ORDER BY 1', [[...schemas]]);
    for (const { nspname } of present.rows) await client.query(buildRegisterInsertSql({ tenant: nspname, template, how: 'adopted' }));
    await client.query('COMMIT');
    return present.rows.map((r) => r.nspname);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw new TenantryError('PG_QUERY_FAILED', `Recording the adopted tenants failed; nothing was recorded.`, { detail: (error as Error).message, cause: error });
  } finally {
    client.release(broken ? true : undefined);
  }
}
