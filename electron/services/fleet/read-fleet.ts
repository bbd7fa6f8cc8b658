/**
 * What the Tenants view shows for a database: the register's templates, and
 * for one of them every registered tenant with its census cohort
 * (core/fleet/fleet-columns.ts). Read-only: the census is not recorded.
 */
import type pg from 'pg';
import type { FleetInfo } from '../../../core/api/contract.js';
import { TenantryError } from '../../../core/errors.js';
import { countTemplates, emptyFleet, toCohortInfo, toTenantColumns } from '../../../core/fleet/fleet-columns.js';
import { takeCensus } from './census.js';
import { readRegister } from './register.js';

/** The register and census of `template` (default: the template with most tenants). */
export async function readFleet(db: pg.Pool, template?: string): Promise<FleetInfo> {
  const all = await readRegister(db);
  const templates = countTemplates(all);
  const chosen = template ?? templates[0]?.name;
  if (chosen === undefined) return emptyFleet();
  if (!templates.some((t) => t.name === chosen)) {
    throw new TenantryError('SCHEMA_NOT_FOUND', `The register of this database records no tenants of template "${chosen}". Choose one of: ${templates.map((t) => t.name).join(', ') || 'none'}.`);
  }
  const rows = all.filter((r) => r.template === chosen);
  const census = await takeCensus(db, { template: chosen });
  return {
    templates,
    template: chosen,
    summary: census.summary,
    cohorts: toCohortInfo(census.cohorts),
    missing: census.missing.length,
    tenants: toTenantColumns(rows, census.cohorts),
    censusMs: census.elapsedMs,
    keys: census.keys,
  };
}
