/**
 * A planned migration step rendered for one schema (a tenant, or the template
 * itself): each placeholder occurrence becomes the name written for its site,
 * escaped for the layers around it, exactly as snapshots render
 * (core/snapshot/render.ts renderName).
 */
import { TenantryError } from '../errors.js';
import { renderName } from '../snapshot/render.js';
import { validateWritableName } from '../tenant/tenant-name.js';
import type { MigrationPlan, MigrationStep } from './plan-migration.js';

/** The SQL of `step` for `schema`. */
export function renderMigrationStep(plan: MigrationPlan, step: MigrationStep, schema: string): string {
  validateWritableName(schema);
  const placeholder = plan.placeholder;
  const names = new Map<number, string>();
  let out = '';
  let last = 0;
  let k = 0;
  for (let at = step.body.indexOf(placeholder); at !== -1; at = step.body.indexOf(placeholder, at + placeholder.length)) {
    const siteIndex = step.sites[k++];
    const site = siteIndex === undefined ? undefined : plan.sites[siteIndex];
    if (siteIndex === undefined || site === undefined) throw planChanged();
    let name = names.get(siteIndex);
    if (name === undefined) {
      name = renderName(schema, site);
      names.set(siteIndex, name);
    }
    out += step.body.slice(last, at) + name;
    last = at + placeholder.length;
  }
  if (k !== step.sites.length) throw planChanged();
  return out + step.body.slice(last);
}

function planChanged(): TenantryError {
  return new TenantryError('SNAPSHOT_INVALID', 'The stored migration plan does not match its placeholders: it was changed. Start the rollout again from the migration files.');
}
