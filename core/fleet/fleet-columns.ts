/**
 * The Tenants view's data (`fleet:tenants`): register rows and census cohorts
 * joined into columns (core/api/contract.ts FleetTenantColumns). Pure.
 */
import type { FleetCohortInfo, FleetInfo, FleetTenantColumns } from '../api/contract.js';
import type { Cohort } from './census.js';
import type { RegisterRow } from './register-sql.js';

/** Templates of the register with their tenant counts, most tenants first (ties by name). */
export function countTemplates(rows: readonly Pick<RegisterRow, 'template'>[]): { name: string; tenants: number }[] {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.template, (counts.get(r.template) ?? 0) + 1);
  return [...counts].map(([name, tenants]) => ({ name, tenants })).sort((a, b) => b.tenants - a.tenants || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The cohorts without their member lists (the rows carry the cohort instead). */
export function toCohortInfo(cohorts: readonly Cohort[]): FleetCohortInfo[] {
  return cohorts.map((c) => ({
    id: c.id,
    name: c.name,
    status: c.status,
    ...(c.snapshot !== undefined ? { snapshot: c.snapshot } : {}),
    differingKinds: [...c.differingKinds],
    size: c.members.length,
    representative: c.members[0] ?? '',
  }));
}

/** One template's register rows as columns, each row's cohort an index into `cohorts` (-1: the schema is gone). */
export function toTenantColumns(rows: readonly RegisterRow[], cohorts: readonly Cohort[]): FleetTenantColumns {
  const cohortOf = new Map<string, number>();
  cohorts.forEach((c, i) => {
    for (const m of c.members) cohortOf.set(m, i);
  });
  const out: FleetTenantColumns = { tenant: [], cohort: [], snapshot: [], how: [], createdAt: [], verifiedAt: [], verifyResult: [] };
  for (const r of rows) {
    out.tenant.push(r.tenant);
    out.cohort.push(cohortOf.get(r.tenant) ?? -1);
    out.snapshot.push(r.snapshotLabel ?? r.snapshotChecksum?.slice(0, 12) ?? null);
    out.how.push(r.how);
    out.createdAt.push(r.createdAt.getTime());
    out.verifiedAt.push(r.verifiedAt?.getTime() ?? null);
    out.verifyResult.push(r.verifyResult ?? null);
  }
  return out;
}

/** An empty answer: a database whose register holds no tenants (or no register at all). */
export function emptyFleet(templates: FleetInfo['templates'] = []): FleetInfo {
  return { templates, summary: 'no tenants', cohorts: [], missing: 0, tenants: { tenant: [], cohort: [], snapshot: [], how: [], createdAt: [], verifiedAt: [], verifyResult: [] }, censusMs: 0, keys: { reused: 0, computed: 0 } };
}
