/**
 * Which versions of a rollout may run without the tenant's schema on
 * search_path (search-path-names.ts judges each one), all or none: a version
 * that needs the path may create names (an unqualified CREATE TABLE lands in
 * the tenant) that another version's unqualified names then mean. The names
 * returned are what the runner checks against the database before the run
 * (electron/services/migrate/search-path-check.ts): a tenant whose schema holds
 * an object of one of them keeps the path.
 */
import type { MigrationPlan } from './plan-migration.js';
import { renderMigrationStep } from './render-migration.js';
import { findSearchPathUse } from './search-path-names.js';

/** The schema name the steps are rendered for to be judged (a step whose own text holds it keeps the path). */
export const SEARCH_PATH_PROBE = 'tenantry_search_path_probe';

/** A derived name keeps at least this much of the name it derives from (PostgreSQL's makeObjectName shortens both parts of `<table>_<column>_seq` alike). */
const DERIVED_PREFIX = 20;

export type SearchPathPlan = { free: false; reason: string } | { free: true; names: string[]; operators: string[] };

/** Whether the plan's versions can run without the tenant on the path, and the names the runner must check (see the file comment). */
export function planSearchPath(plan: MigrationPlan): SearchPathPlan {
  const names = new Set<string>();
  const operators = new Set<string>();
  const created = new Set<string>();
  for (const v of plan.versions) {
    if (v.step.body.includes(SEARCH_PATH_PROBE)) return { free: false, reason: `${v.file} holds the probe name` };
    let sql: string;
    try {
      sql = renderMigrationStep(plan, v.step, SEARCH_PATH_PROBE);
    } catch {
      return { free: false, reason: `${v.file} does not render` };
    }
    const use = findSearchPathUse(sql, SEARCH_PATH_PROBE);
    if (use.needed) return { free: false, reason: `${v.file}: ${use.reason}` };
    for (const n of use.names) names.add(n);
    for (const o of use.operators) operators.add(o);
    for (const c of use.created) created.add(c);
  }
  // A name the migration creates (or one derived from it) is not in the tenant yet when the runner checks.
  const prefixes = [...created].filter((c) => c.length > 0).map((c) => c.slice(0, DERIVED_PREFIX).toLowerCase());
  for (const n of names) {
    const lower = n.toLowerCase();
    const clash = prefixes.find((p) => lower.includes(p));
    if (clash !== undefined) return { free: false, reason: `${JSON.stringify(n)} may name ${JSON.stringify(clash)}, which the migration creates` };
  }
  return { free: true, names: [...names].sort(), operators: [...operators].sort() };
}
