/**
 * The app's dump job: the template's dump with its catalog facts and ledger
 * rows (dump-template.ts), shaped for the editor, with one line per thing
 * every tenant will share with the rest of the database.
 */
import type { DumpResult } from '../../../core/api/contract.js';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import type { SharedObjectsReport } from '../catalog/read-shared-objects.js';
import { dumpTemplate, type TemplateDumpOptions } from './dump-template.js';

/** One line per thing every tenant will share with the rest of the database. */
export function describeShared(shared: SharedObjectsReport, schema: string): string[] {
  const lines: string[] = [];
  for (const e of shared.extensions) lines.push(`Extension ${e.name} (schema ${e.schema}) is shared: tenants use the installed one.`);
  const members = shared.extensionMembersInTemplate;
  if (members > 0) {
    const inTemplate = shared.extensions.filter((e) => e.schema === schema).map((e) => e.name);
    lines.push(`${members} object${members === 1 ? '' : 's'} of extension${inTemplate.length === 1 ? '' : 's'}${inTemplate.length > 0 ? ` ${inTemplate.join(', ')}` : ''} live in the template schema: they stay there, shared by every tenant, and are not copied.`);
  }
  const roles = shared.roles.filter((r) => r.name !== 'PUBLIC').map((r) => r.name);
  if (roles.length > 0) lines.push(roles.length === 1 ? `Role ${roles[0]} is cluster-wide: the snapshot refers to it but never creates it.` : `Roles ${roles.join(', ')} are cluster-wide: the snapshot refers to them but never creates them.`);
  const outside = shared.dependencies.filter((d) => d.extension === null && d.toSchema !== schema);
  for (const d of outside.slice(0, 20)) lines.push(`${d.from} depends on ${d.to}${d.toSchema ? ` in schema ${d.toSchema}` : ''}, which every tenant shares.`);
  if (outside.length > 20) lines.push(`… and ${outside.length - 20} more dependencies outside the template.`);
  for (const d of shared.dependents.slice(0, 20)) lines.push(`${d.from} (another schema) depends on ${d.to}: it keeps pointing at the template, not at tenants.`);
  return lines;
}

/** Dumps the template for the snapshot editor. */
export async function dumpForEditor(profile: ConnectionProfile, options: TemplateDumpOptions): Promise<Omit<DumpResult, 'dumpId'>> {
  const { sql, dump, catalog, shared, ledger, carried, configTables, citus } = await dumpTemplate(profile, { ...options, readCitusTarget: true });
  return {
    ...dump,
    sql,
    bytes: Buffer.byteLength(sql),
    catalog,
    ledgerTables: ledger.tables.map((t) => `${t.name} (${t.rows} rows)`),
    shared: [...carried, ...describeShared(shared, dump.schema)],
    configTables,
    noOwner: options.noOwner ?? false,
    ...(citus ? { citus } : {}),
  };
}
