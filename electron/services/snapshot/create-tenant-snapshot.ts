/**
 * Makes a catalog-aware snapshot of a template schema: pg_dump the schema,
 * read the catalog (what belongs to the schema, what belongs to extensions),
 * append the migration-ledger rows, and hand it all to the snapshot engine.
 * Reports what tenants will share with the rest of the database and what the
 * snapshot leaves out.
 */
import type pg from 'pg';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
// Snapshot checksums and seals through node:crypto (installed on import).
import './native-sha256.js';
import type { CatalogFacts } from '../../../core/snapshot/catalog-facts.js';
import { createSnapshot } from '../../../core/snapshot/template.js';
import type { ReferenceDecisions } from '../../../core/snapshot/reference-ids.js';
import { dumpSchema, type DumpSchemaOptions, type SchemaDump } from '../dump/dump-schema.js';
import { openClient } from '../connection/open-connection.js';
import { readCatalogFacts } from '../catalog/read-catalog-facts.js';
import { readSharedObjects, type SharedObjectsReport } from '../catalog/read-shared-objects.js';
import { readInheritedSchemaGrants } from '../catalog/read-inherited-schema-grants.js';
import { buildCarriedPartitionsSql, readForeignPartitions, type ForeignPartitions } from '../catalog/read-foreign-partitions.js';
import { readConfigTableHints } from '../catalog/read-config-table-hints.js';
import { TenantryError } from '../../../core/errors.js';
import { readLedgers, type LedgerRead } from './read-ledgers.js';

export interface TenantSnapshotOptions extends DumpSchemaOptions {
  placeholder?: string;
  minify?: boolean;
  /** Tables to carry rows of, besides the known migration ledgers. */
  ledgerTables?: string[];
  /** Keep / replace single references (reference-ids.ts); a decision matching nothing fails the snapshot. */
  decisions?: ReferenceDecisions;
  /** Carry partitions the template keeps in other schemas into each tenant (refused by default). */
  carryPartitions?: boolean;
}

type SnapshotOutput = ReturnType<typeof createSnapshot>;

export interface TenantSnapshot {
  snapshot: SnapshotOutput['snapshot'];
  /** The snapshot file's text. */
  text: string;
  report: SnapshotOutput['report'];
  dump: Omit<SchemaDump, 'sql'>;
  catalog: CatalogFacts;
  shared: SharedObjectsReport;
  ledger: Omit<LedgerRead, 'sql'>;
  /** Plain sentences: what a tenant does not get from the snapshot, and why. */
  leftOut: string[];
  /** Plain sentences: what the snapshot carries that pg_dump did not write (the schema's initial privileges, partitions). */
  carried: string[];
  /** Small tables that look like configuration, whose rows tenants do not get unless passed with --ledger. */
  configTables: { table: string; rows: number }[];
}

/** Refuses a template whose partitioned tables keep partitions in other schemas, unless they are to be carried and can be. */
export async function checkForeignPartitions(client: pg.ClientBase, schema: string, carry: boolean): Promise<ForeignPartitions> {
  const found = await readForeignPartitions(client, schema);
  if (found.tables.length === 0) return found;
  const list = found.tables.map((t) => `${t.table} (${t.partitions} in ${t.schemas.join(', ')})`).join(', ');
  if (!carry) {
    throw new TenantryError(
      'SNAPSHOT_PARTITIONS_ELSEWHERE',
      `${found.tables.length} partitioned table${found.tables.length === 1 ? '' : 's'} of ${schema} keep${found.tables.length === 1 ? 's' : ''} ${found.tables.length === 1 ? 'its' : 'their'} partitions in other schemas: ${list}. A snapshot of ${schema} alone would give tenants these tables without partitions, and every insert into them would fail. Snapshot again with --carry-partitions to give each tenant its own copies of the partitions, or move the partitions into ${schema}.`,
    );
  }
  const names = found.partitions.map((p) => p.name);
  const taken = await client.query<{ relname: string }>('select relname from pg_catalog.pg_class where relnamespace = (select oid from pg_catalog.pg_namespace where nspname = $1) and relname = any($2::text[]) order by 1', [schema, names]);
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  const clash = [...new Set([...taken.rows.map((r) => r.relname), ...twice])];
  if (clash.length > 0) {
    throw new TenantryError('SNAPSHOT_PARTITIONS_ELSEWHERE', `The partitions of ${list} cannot be carried into the tenant schema: ${clash.slice(0, 10).join(', ')}${clash.length > 10 ? ', …' : ''} ${clash.length === 1 ? 'is' : 'are'} already a name there (in ${schema}, or in two of the other schemas). Rename them or move the partitions into ${schema}.`);
  }
  return found;
}

/** The SQL handed to the engine: the dump, then the ledger rows. */
export function appendLedgerRows(dumpSql: string, ledgerSql: string): string {
  if (!ledgerSql) return dumpSql;
  return `${dumpSql}${dumpSql.endsWith('\n') ? '' : '\n'}\n${ledgerSql}`;
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

/** The report's sentence for the schema privileges carried from pg_init_privs. */
export function describeCarriedGrants(schema: string, grants: readonly string[]): string {
  return `Schema ${schema}'s initial privileges (${grants.join('; ')}), which pg_dump does not write, are granted on each tenant schema, so roles that can use the template can use its tenants.`;
}

/** Dumps, reads the catalog and ledgers, and templates `options.schema` into a snapshot. */
export async function createTenantSnapshot(profile: ConnectionProfile, options: TenantSnapshotOptions): Promise<TenantSnapshot> {
  // Partitions elsewhere are refused before any dump is made.
  const early = await openClient(profile);
  let partitions: ForeignPartitions;
  try {
    partitions = await checkForeignPartitions(early, options.schema, options.carryPartitions ?? false);
  } finally {
    await early.end();
  }
  const { sql: dumpSql, ...dump } = await dumpSchema(profile, options);
  const client = await openClient(profile);
  let catalog: CatalogFacts;
  let shared: SharedObjectsReport;
  let ledger: LedgerRead;
  let grants = { sql: '', grants: [] as string[] };
  let configTables: { table: string; rows: number }[] = [];
  try {
    catalog = await readCatalogFacts(client, options.schema);
    shared = await readSharedObjects(client, options.schema);
    ledger = await readLedgers(client, options.schema, options.ledgerTables ?? []);
    if (!options.noPrivileges) grants = await readInheritedSchemaGrants(client, options.schema);
    configTables = await readConfigTableHints(client, options.schema, ledger.tables.map((t) => t.name));
  } finally {
    await client.end();
  }
  const carried = grants.grants.length > 0 ? [describeCarriedGrants(options.schema, grants.grants)] : [];
  const partitionsSql = partitions.partitions.length > 0 ? buildCarriedPartitionsSql(options.schema, partitions.partitions) : '';
  if (partitionsSql) {
    carried.push(`${partitions.partitions.length} partitions of ${partitions.tables.map((t) => t.table).join(', ')} (kept in ${[...new Set(partitions.tables.flatMap((t) => t.schemas))].join(', ')}) are created in each tenant schema as partitions of the tenant's tables; indexes and constraints come from the parents, anything defined on a partition alone is not carried.`);
  }
  const { snapshot, text, report } = createSnapshot(appendLedgerRows(appendLedgerRows(appendLedgerRows(dumpSql, partitionsSql), grants.sql), ledger.sql), {
    schema: options.schema,
    ...(options.placeholder !== undefined ? { placeholder: options.placeholder } : {}),
    minify: options.minify ?? false,
    stripOwner: options.noOwner ?? false,
    catalog,
    ...(options.decisions !== undefined ? { decisions: options.decisions } : {}),
    source: { pgDumpVersion: dump.pgDump.version, serverVersion: dump.serverVersion },
  });
  const { sql: _ledgerSql, ...ledgerInfo } = ledger;
  void _ledgerSql;
  return { snapshot, text, report, dump, catalog, shared, ledger: ledgerInfo, leftOut: describeLeftOut(shared, catalog, options, report.stripped), carried, configTables };
}
