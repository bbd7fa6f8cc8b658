/**
 * The dump of a template as the snapshot engine takes it, for the CLI's
 * snapshot command and the app's dump job alike: refuse partitions kept in
 * other schemas (before dumping) unless they are carried, pg_dump the schema,
 * read the catalog facts, the objects tenants will share and the ledger rows,
 * and append to the dump what pg_dump does not write (carried partitions, the
 * schema's initial privileges, ledger rows).
 */
import type pg from 'pg';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import type { CatalogFacts } from '../../../core/snapshot/catalog-facts.js';
import { TenantryError } from '../../../core/errors.js';
import { dumpSchema, type DumpSchemaOptions, type SchemaDump } from '../dump/dump-schema.js';
import { openClient } from '../connection/open-connection.js';
import type { SharedObjectsReport } from '../catalog/read-shared-objects.js';
import { readTemplateCatalog } from '../catalog/read-template-catalog.js';
import { readInheritedSchemaGrants } from '../catalog/read-inherited-schema-grants.js';
import { buildCarriedPartitionsSql, readForeignPartitions, type ForeignPartitions } from '../catalog/read-foreign-partitions.js';
import { readConfigTableHints } from '../catalog/read-config-table-hints.js';
import { readLedgers, type LedgerRead } from './read-ledgers.js';
import { readCitusTarget } from '../citus/compat-check.js';
import { isConnectionLost } from '../provision/lost-connection.js';
import type { CitusTarget } from '../../../core/api/contract.js';

export interface TemplateDumpOptions extends DumpSchemaOptions {
  /** Tables to carry rows of, besides the known migration ledgers. */
  ledgerTables?: string[];
  /** Carry partitions the template keeps in other schemas into each tenant (refused by default). */
  carryPartitions?: boolean;
  /** Called once pg_dump has finished, before the catalog is read. */
  onDumped?: (dump: Omit<SchemaDump, 'sql'>) => void;
  /** Called as each stage starts, for a progress display. */
  onStage?: (stage: SnapshotStage) => void;
  /** Also read, on the catalog connection, whether the database is a Citus coordinator (TemplateDump.citus). */
  readCitusTarget?: boolean;
}

/** A stage of making a snapshot: checking the template, pg_dump, reading the catalog, templating, the Citus check. */
export type SnapshotStage = { stage: 'check' } | { stage: 'dump' } | { stage: 'catalog'; bytes: number } | { stage: 'template'; bytes: number } | { stage: 'citus' };

export interface TemplateDump {
  /** What the engine templates: the dump, then carried partitions, the schema's initial privileges and the ledger rows. */
  sql: string;
  dump: Omit<SchemaDump, 'sql'>;
  catalog: CatalogFacts;
  shared: SharedObjectsReport;
  ledger: Omit<LedgerRead, 'sql'>;
  /** Plain sentences: what the snapshot carries that pg_dump did not write (the schema's initial privileges, partitions). */
  carried: string[];
  /** Small tables that look like configuration, whose rows tenants do not get unless passed with --ledger. */
  configTables: { table: string; rows: number }[];
  /** With options.readCitusTarget on a Citus coordinator: its facts and reference tables. */
  citus?: CitusTarget;
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

/** The report's sentence for the schema privileges carried from pg_init_privs. */
export function describeCarriedGrants(schema: string, grants: readonly string[]): string {
  return `Schema ${schema}'s initial privileges (${grants.join('; ')}), which pg_dump does not write, are granted on each tenant schema, so roles that can use the template can use its tenants.`;
}

/** What a snapshot reads of the template's catalog after pg_dump (readTemplateCatalogForSnapshot). */
export interface TemplateCatalogRead {
  catalog: CatalogFacts;
  shared: SharedObjectsReport;
  ledger: LedgerRead;
  grants: { sql: string; grants: string[] };
  configTables: { table: string; rows: number }[];
  citus?: CitusTarget;
}

/** Reads, through one open connection, what the engine and the report need of the template's catalog (the bench times it alone). */
export async function readTemplateCatalogForSnapshot(client: pg.ClientBase, options: TemplateDumpOptions): Promise<TemplateCatalogRead> {
  const { catalog, shared } = await readTemplateCatalog(client, options.schema);
  if (options.signal?.aborted) throw new TenantryError('CANCELLED', 'Cancelled.');
  const ledger = await readLedgers(client, options.schema, options.ledgerTables ?? []);
  // The schema's initial privileges pg_dump leaves out (a public template's USAGE to PUBLIC) travel too.
  const grants = options.noPrivileges ? { sql: '', grants: [] } : await readInheritedSchemaGrants(client, options.schema);
  const configTables = await readConfigTableHints(client, options.schema, ledger.tables.map((t) => t.name));
  const citus = options.readCitusTarget ? await readCitusTarget(client) : undefined;
  return { catalog, shared, ledger, grants, configTables, ...(citus ? { citus } : {}) };
}

/**
 * A dump that took longer than this (ms) is followed by a new connection for the catalog rather than the one held
 * through it: a firewall or NAT that drops idle connections silently (no reset) would leave a query on the held one
 * waiting for a TCP timeout, and such drops come after minutes of idleness, not seconds.
 */
export const HELD_CONNECTION_MAX_IDLE_MS = 60_000;

/** An open connection and whether it has ended or failed since (the server closed it: idle_session_timeout, a proxy, pg_terminate_backend). */
interface HeldClient {
  client: pg.Client;
  lost: () => boolean;
}

async function openHeldClient(profile: ConnectionProfile): Promise<HeldClient> {
  const client = await openClient(profile);
  let lost = false;
  const markLost = (): void => {
    lost = true;
  };
  client.on('error', markLost);
  client.on('end', markLost);
  return { client, lost: () => lost };
}

/**
 * The catalog read after pg_dump, on the connection held through the dump when it is still usable; on a new one when
 * the held one was closed meanwhile (before the read, or found closed by it: the read is read-only, so it is simply
 * run again) or when the dump took so long that it might have been dropped silently.
 */
async function readCatalogAfterDump(profile: ConnectionProfile, options: TemplateDumpOptions, held: HeldClient, idleMs: number): Promise<TemplateCatalogRead> {
  if (!held.lost() && idleMs <= HELD_CONNECTION_MAX_IDLE_MS) {
    try {
      return await readTemplateCatalogForSnapshot(held.client, options);
    } catch (error) {
      if (!held.lost() && !isConnectionLost(error)) throw error;
    }
  }
  const fresh = await openClient(profile);
  try {
    return await readTemplateCatalogForSnapshot(fresh, options);
  } finally {
    await fresh.end();
  }
}

/** Dumps `options.schema` and reads what the engine and the report need from the catalog. */
export async function dumpTemplate(profile: ConnectionProfile, options: TemplateDumpOptions): Promise<TemplateDump> {
  // Partitions elsewhere are refused before any dump is made.
  options.onStage?.({ stage: 'check' });
  // One connection for the checks before pg_dump (partitions, existence, server version) and the catalog after it:
  // each new connection costs the server a backend start and cold catalog caches (GitLab: ~100 ms of server CPU for
  // the second one). It stays open, idle, while pg_dump runs; if the server or a proxy closes it meanwhile
  // (idle_session_timeout), or the dump was long, the catalog is read on a new one (readCatalogAfterDump).
  const held = await openHeldClient(profile);
  let partitions: ForeignPartitions;
  let dumpSql: string;
  let dump: Omit<SchemaDump, 'sql'>;
  let read: TemplateCatalogRead;
  try {
    partitions = await checkForeignPartitions(held.client, options.schema, options.carryPartitions ?? false);
    options.onStage?.({ stage: 'dump' });
    const dumpStarted = performance.now();
    ({ sql: dumpSql, ...dump } = await dumpSchema(profile, options, held.client));
    options.onDumped?.(dump);
    options.onStage?.({ stage: 'catalog', bytes: dump.bytes });
    read = await readCatalogAfterDump(profile, options, held, performance.now() - dumpStarted);
  } finally {
    await held.client.end().catch(() => undefined);
  }
  const { catalog, shared, ledger, grants, configTables, citus } = read;
  const carried = grants.grants.length > 0 ? [describeCarriedGrants(options.schema, grants.grants)] : [];
  const partitionsSql = partitions.partitions.length > 0 ? buildCarriedPartitionsSql(options.schema, partitions.partitions) : '';
  if (partitionsSql) {
    carried.push(`${partitions.partitions.length} partitions of ${partitions.tables.map((t) => t.table).join(', ')} (kept in ${[...new Set(partitions.tables.flatMap((t) => t.schemas))].join(', ')}) are created in each tenant schema as partitions of the tenant's tables; indexes and constraints come from the parents, anything defined on a partition alone is not carried.`);
  }
  const sql = appendLedgerRows(appendLedgerRows(appendLedgerRows(dumpSql, partitionsSql), grants.sql), ledger.sql);
  const { sql: _ledgerSql, ...ledgerInfo } = ledger;
  void _ledgerSql;
  return { sql, dump, catalog, shared, ledger: ledgerInfo, carried, configTables, ...(citus ? { citus } : {}) };
}
