/**
 * Makes a catalog-aware snapshot of a template schema: the template's dump
 * with its catalog facts and ledger rows (dump-template.ts), handed to the
 * snapshot engine.
 * Reports what tenants will share with the rest of the database and what the
 * snapshot leaves out.
 */
import type { ConnectionProfile } from '../../../core/connection/profile.js';
// Snapshot checksums and seals through node:crypto (installed on import).
import './native-sha256.js';
import type { CatalogFacts } from '../../../core/snapshot/catalog-facts.js';
import { createSnapshot } from '../../../core/snapshot/template.js';
import { citusSnapshotReport, type CitusSnapshotReport } from '../citus/compat-check.js';
import type { ReferenceDecisions } from '../../../core/snapshot/reference-ids.js';
import type { SharedObjectsReport } from '../catalog/read-shared-objects.js';
import { dumpTemplate, type TemplateDump, type TemplateDumpOptions } from './dump-template.js';

export interface TenantSnapshotOptions extends TemplateDumpOptions {
  placeholder?: string;
  minify?: boolean;
  /** Keep / replace single references (reference-ids.ts); a decision matching nothing fails the snapshot. */
  decisions?: ReferenceDecisions;
}

type SnapshotOutput = ReturnType<typeof createSnapshot>;

export interface TenantSnapshot extends Omit<TemplateDump, 'sql' | 'citus'> {
  snapshot: SnapshotOutput['snapshot'];
  /** The snapshot file's text. */
  text: string;
  /** The file text before the body: write head and then snapshot.body rather than text (no copy of the whole; template.ts). */
  head: string;
  report: SnapshotOutput['report'];
  /** Plain sentences: what a tenant does not get from the snapshot, and why. */
  leftOut: string[];
  /** Taken on a Citus coordinator: what Citus refuses of the snapshot in a distributed schema. */
  citus?: CitusSnapshotReport;
}

function describeLeftOut(shared: SharedObjectsReport, catalog: CatalogFacts, options: TenantSnapshotOptions, stripped: { reason: string }[]): string[] {
  const leftOut: string[] = [];
  for (const e of shared.extensions) leftOut.push(`Extension ${e.name} (in schema ${e.schema}) is shared: CREATE EXTENSION is per database, tenants use the installed one.`);
  if (shared.extensionMembersInTemplate > 0) {
    const inTemplate = catalog.extensions.filter((e) => e.schema === options.schema).map((e) => e.name);
    leftOut.push(`${shared.extensionMembersInTemplate} objects of extension${inTemplate.length === 1 ? '' : 's'} ${inTemplate.join(', ')} live in the template schema: they stay there, shared by every tenant, and are not copied.`);
  }
  const roles = shared.roles.filter((r) => r.name !== 'PUBLIC').map((r) => r.name);
  if (roles.length > 0) leftOut.push(roles.length === 1 ? `Role ${roles[0]} is cluster-wide: the snapshot refers to it but never creates it.` : `Roles ${roles.join(', ')} are cluster-wide: the snapshot refers to them but never creates them.`);
  if (shared.dependents.length > 0) {
    const examples = shared.dependents.slice(0, 3).map((d) => `${d.from} → ${d.to}`).join('; ');
    leftOut.push(`${shared.dependents.length} object${shared.dependents.length === 1 ? '' : 's'} in other schemas depend on the template (${examples}${shared.dependents.length > 3 ? '; …' : ''}): they keep pointing at the template, not at tenants. Move them into the template schema if every tenant needs its own.`);
  }
  if (options.noOwner) leftOut.push('Ownership (ALTER … OWNER TO) was left out (--no-owner): tenant objects belong to the role that provisions them.');
  if (options.noPrivileges) leftOut.push('Privileges (GRANT/REVOKE) were left out (--no-privileges).');
  const settings: string[] = [];
  const reasons = new Map<string, number>();
  for (const st of stripped) {
    const setting = /^session setting (\S+)/.exec(st.reason)?.[1] ?? (st.reason.startsWith('empties search_path') ? 'search_path' : undefined);
    if (setting) settings.push(setting);
    else reasons.set(st.reason, (reasons.get(st.reason) ?? 0) + 1);
  }
  if (settings.length > 0) leftOut.push(`pg_dump's session settings (${settings.join(', ')}) moved to the snapshot header: provisioning applies them with SET LOCAL, so they end with each tenant's transaction.`);
  for (const [reason, n] of reasons) leftOut.push(`${n} statement${n === 1 ? '' : 's'} removed: ${reason}.`);
  return leftOut;
}

/** Dumps, reads the catalog and ledgers, and templates `options.schema` into a snapshot. */
export async function createTenantSnapshot(profile: ConnectionProfile, options: TenantSnapshotOptions): Promise<TenantSnapshot> {
  // The Citus facts are read on the catalog connection, not on one more connection after templating.
  const { sql, dump, catalog, shared, ledger, carried, configTables, citus: citusTarget } = await dumpTemplate(profile, { ...options, readCitusTarget: true });
  options.onStage?.({ stage: 'template', bytes: sql.length });
  const { snapshot, text, head, report } = createSnapshot(sql, {
    schema: options.schema,
    ...(options.placeholder !== undefined ? { placeholder: options.placeholder } : {}),
    minify: options.minify ?? false,
    stripOwner: options.noOwner ?? false,
    catalog,
    ...(options.decisions !== undefined ? { decisions: options.decisions } : {}),
    source: { pgDumpVersion: dump.pgDump.version, serverVersion: dump.serverVersion },
  });
  options.onStage?.({ stage: 'citus' });
  const citus = citusTarget ? citusSnapshotReport(citusTarget, snapshot) : undefined;
  return { snapshot, text, head, report, dump, catalog, shared, ledger, leftOut: describeLeftOut(shared, catalog, options, report.stripped), carried, configTables, ...(citus ? { citus } : {}) };
}
