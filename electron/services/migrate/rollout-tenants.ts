/**
 * Which tenants a rollout takes, in which order: every registered tenant of the
 * template, one census cohort, or a list; ordered by name, creation (the
 * register) or size (core/migrate/order-tenants.ts).
 */
import type pg from 'pg';
import { TenantryError } from '../../../core/errors.js';
import { orderTenants, type TenantOrder } from '../../../core/migrate/order-tenants.js';
import { takeCensus } from '../fleet/census.js';
import { readRegister } from '../fleet/register.js';

export type TenantSource = { kind: 'all' } | { kind: 'cohort'; cohort: string } | { kind: 'list'; tenants: readonly string[] };

export interface ChosenTenants {
  tenants: string[];
  /** Registered tenants whose schema is gone (left out). */
  gone: string[];
}

/** The tenants of `source` whose schema exists, in `order` (a list keeps its own order when none is given). */
export async function chooseTenants(db: pg.Pool, template: string, source: TenantSource, order: TenantOrder | undefined): Promise<ChosenTenants> {
  let tenants: string[];
  let gone: string[] = [];
  if (source.kind === 'list') tenants = [...source.tenants];
  else if (source.kind === 'cohort') tenants = await cohortMembers(db, template, source.cohort);
  else ({ tenants, gone } = await registeredTenants(db, template));
  const key = order ?? (source.kind === 'list' ? undefined : { key: 'name', descending: false });
  if (key === undefined || tenants.length === 0) return { tenants, gone };
  const register = key.key === 'created' ? await readRegister(db, { template }) : [];
  const created = new Map(register.map((r) => [r.tenant, r.createdAt]));
  const sizes = key.key === 'size' ? await readSchemaSizes(db, tenants) : new Map<string, number>();
  const facts = tenants.map((tenant) => {
    const createdAt = created.get(tenant);
    const sizeBytes = sizes.get(tenant);
    return { tenant, ...(createdAt ? { createdAt } : {}), ...(sizeBytes !== undefined ? { sizeBytes } : {}) };
  });
  return { tenants: orderTenants(facts, key), gone };
}

/** The register's tenants of `template` whose schema exists; TENANT_NOT_FOUND when there is none. */
async function registeredTenants(db: pg.Pool, template: string): Promise<ChosenTenants> {
  const rows = await readRegister(db, { template });
  const { rows: present } = await db.query<{ nspname: string }>('SELECT nspname::text FROM pg_catalog.pg_namespace WHERE nspname = ANY ($1::text[])', [rows.map((r) => r.tenant)]);
  const exists = new Set(present.map((r) => r.nspname));
  const tenants = rows.filter((r) => exists.has(r.tenant) && r.tenant !== template).map((r) => r.tenant);
  if (tenants.length === 0) throw new TenantryError('TENANT_NOT_FOUND', `The register (_tenantry.tenants) lists no tenant of template ${template}. Name the tenants with --tenants, or record existing ones with tenantry tenants adopt.`);
  return { tenants, gone: rows.filter((r) => !exists.has(r.tenant)).map((r) => r.tenant) };
}

/** The members of census cohort `cohort` (its id or whole fingerprint, as `tenantry tenants` shows it). */
async function cohortMembers(db: pg.Pool, template: string, cohort: string): Promise<string[]> {
  const census = await takeCensus(db, { template });
  const match = census.cohorts.find((c) => c.id === cohort || c.fingerprint === cohort);
  if (match === undefined) {
    const known = census.cohorts.map((c) => `${c.id} (${c.members.length} ${c.name})`).join(', ');
    throw new TenantryError('TENANT_NOT_FOUND', `No cohort "${cohort}" among the tenants of ${template}${known ? `; its cohorts are ${known}` : ': the register lists none'}. \`tenantry tenants --template ${template}\` shows them.`);
  }
  return [...match.members];
}

/** Bytes of each schema's tables and materialized views with their indexes and TOAST (pg_total_relation_size). */
async function readSchemaSizes(db: pg.Pool, schemas: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ schema: string; bytes: string }>(
    `SELECT n.nspname::text AS schema, COALESCE(sum(pg_catalog.pg_total_relation_size(c.oid)), 0)::bigint AS bytes
       FROM pg_catalog.pg_namespace n LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relkind IN ('r', 'm')
      WHERE n.nspname = ANY ($1::text[]) GROUP BY n.nspname`,
    [schemas],
  );
  return new Map(rows.map((r) => [r.schema, Number(r.bytes)]));
}
