/**
 * Handlers over the snapshot engine (core/snapshot) and the provision and
 * verify services.
 */
import type { ConnectionTarget, DumpResult, Handlers, ProvisionResult } from '../../core/api/contract.js';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { TenantryError } from '../../core/errors.js';
import type { BinarySearchOptions } from '../services/binaries/find-client-binaries.js';
import type { SchemaDump } from '../services/dump/dump-schema.js';
import type { HistoryStore } from './history-store.js';
import type { JobRegistry } from './jobs.js';
import type { SnapshotStore } from './snapshot-store.js';
import { openClient } from '../services/connection/open-connection.js';
import { readCatalogFacts } from '../services/catalog/read-catalog-facts.js';
import { readLedgers } from '../services/snapshot/read-ledgers.js';
import { readSharedObjects, type SharedObjectsReport } from '../services/catalog/read-shared-objects.js';
import { appendLedgerRows, checkForeignPartitions, describeCarriedGrants } from '../services/snapshot/create-tenant-snapshot.js';
import { readInheritedSchemaGrants } from '../services/catalog/read-inherited-schema-grants.js';
import { verifyTenant, verifyTenants } from '../services/verify/verify-tenant.js';
import { findSnapshotCarries } from '../../core/verify/snapshot-carries.js';
import { createProvisioner, snapshotSource } from '../services/provision/provisioner.js';
import { parseSnapshot } from '../../core/snapshot/format.js';
import { validateTenantName } from '../../core/tenant/tenant-name.js';
import { describeRepeatedNames, findRepeatedNames } from '../../core/provision/repeated-names.js';
import { quoteIdentifier } from '../../core/sql/quote.js';
import { isTenantryError } from '../../core/errors.js';
import { toPoolSnapshot } from '../services/pool/warm-pool-snapshot.js';
import type { PoolSnapshot } from '../services/pool/warm-pool.js';
import type { PoolKeeper } from './pool-keeper.js';
import type { EngineThread } from './engine-thread.js';

export interface EngineDeps {
  jobs: JobRegistry;
  snapshots: SnapshotStore;
  history: HistoryStore;
  resolveTarget(target: ConnectionTarget): Promise<{ name: string; profile: ConnectionProfile }>;
  binaryOptions: BinarySearchOptions;
  pickFile?: (purpose: 'open' | 'save', filters: { name: string; extensions: string[] }[], title: string) => Promise<string | null>;
  /** Refills a warm pool in the background after a batch claimed spares from it. */
  keeper?: PoolKeeper;
  /** Runs snapshot builds in a worker thread. */
  engine: EngineThread;
}

type EngineHandlers = Pick<Handlers, 'snapshot:build' | 'snapshot:save' | 'snapshot:open-file' | 'tenant:check-name' | 'provision:start' | 'provision:verify'> & {
  enrichDump(profile: ConnectionProfile, dump: SchemaDump, ledgerTables: string[], noOwner: boolean, signal: AbortSignal, noPrivileges?: boolean): Promise<DumpResult>;
};

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

/** Builds the engine handlers. */
export function createEngineHandlers(deps: EngineDeps): EngineHandlers {
  return {
    async enrichDump(profile, dump, ledgerTables, noOwner, signal, noPrivileges = false) {
      // The catalog decides which names belong to the template; the ledger rows travel with the snapshot.
      const client = await openClient(profile);
      try {
        // Partitions kept in other schemas would leave tenants with partitionless tables: refused (the CLI can carry them).
        await checkForeignPartitions(client, dump.schema, false);
        const catalog = await readCatalogFacts(client, dump.schema);
        const shared = await readSharedObjects(client, dump.schema);
        if (signal.aborted) throw new TenantryError('CANCELLED', 'Cancelled.');
        const ledger = await readLedgers(client, dump.schema, ledgerTables);
        // The schema's initial privileges pg_dump leaves out (a public template's USAGE to PUBLIC) travel too.
        const grants = noPrivileges ? { sql: '', grants: [] } : await readInheritedSchemaGrants(client, dump.schema);
        const sql = appendLedgerRows(appendLedgerRows(dump.sql, grants.sql), ledger.sql);
        return {
          ...dump,
          sql,
          bytes: Buffer.byteLength(sql),
          catalog,
          ledgerTables: ledger.tables.map((t) => `${t.name} (${t.rows} rows)`),
          shared: [...(grants.grants.length > 0 ? [describeCarriedGrants(dump.schema, grants.grants)] : []), ...describeShared(shared, dump.schema)],
          noOwner,
        };
      } finally {
        await client.end();
      }
    },
    // Off the request thread: a dump with millions of references takes the engine a minute.
    'snapshot:build': (req) => deps.engine.build(req),
    async 'snapshot:save'({ name, text, toPickedFile }) {
      // Only real snapshots are stored: the same checks provisioning will make.
      parseSnapshot(text);
      const info = deps.snapshots.save(name, text);
      if (toPickedFile && deps.pickFile) {
        const path = await deps.pickFile('save', [{ name: 'Snapshots', extensions: ['sql'] }], 'Save snapshot');
        if (path) (await import('node:fs')).writeFileSync(path, text, { mode: 0o600 });
      }
      return info;
    },
    async 'snapshot:open-file'() {
      if (!deps.pickFile) throw new TenantryError('NOT_AVAILABLE', 'Opening files from disk needs the desktop app; in the browser, pick a saved snapshot from the list.');
      const path = await deps.pickFile('open', [{ name: 'Snapshots', extensions: ['sql'] }], 'Open snapshot');
      return path ? deps.snapshots.import(path) : null;
    },
    async 'tenant:check-name'({ name }) {
      try {
        // Exactly the check provision:start and pool:claim make (the same module, the same protected names).
        validateTenantName(name, { protectedNames: deps.snapshots.templateSchemas() });
        return { valid: true, quoted: quoteIdentifier(name) };
      } catch (error) {
        if (!isTenantryError(error)) throw error;
        return { valid: false, quoted: '', message: error.userMessage };
      }
    },
    async 'provision:start'(req) {
      const { info, text } = deps.snapshots.read(req.snapshotId);
      const snapshot = parseSnapshot(text);
      const protectedNames = deps.snapshots.templateSchemas();
      for (const tenant of req.tenants) validateTenantName(tenant, { protectedNames });
      const repeated = findRepeatedNames(req.tenants);
      if (repeated.length > 0) throw new TenantryError('INVALID_TENANT_NAME', `${describeRepeatedNames(repeated)} Give each tenant once.`);
      const { name: connectionName, profile } = await deps.resolveTarget(req.target);
      // Renders the SQL and carries the dump's session settings (check_function_bodies = false, …).
      const source = snapshotSource(snapshot);
      // Ready warm-pool spares of this snapshot are claimed first; parsed for the pool only when there are some.
      let poolSnapshot: PoolSnapshot | undefined;
      const claimFrom = { checksum: snapshot.header.checksum, load: () => (poolSnapshot ??= toPoolSnapshot(snapshot)) };
      const jobId = deps.jobs.start('provision', async (ctx) => {
        const total = req.tenants.length;
        let done = 0;
        ctx.progress({ message: `Provisioning ${total} tenant(s)…`, done, total });
        const provisioner = await createProvisioner(profile, { concurrency: req.concurrency, ...deps.binaryOptions });
        try {
          const summary = await provisioner.provisionMany(source, req.tenants, {
            concurrency: req.concurrency,
            continueOnError: req.continueOnError,
            signal: ctx.signal,
            claimFrom,
            onProgress: (p) => {
              ctx.tenant(p);
              if (p.status !== 'running') ctx.progress({ done: ++done, total });
            },
          });
          if (summary.claimed > 0 && poolSnapshot) deps.keeper?.keep({ profile, connectionId: req.target.connectionId, snapshot: poolSnapshot });
          const at = new Date().toISOString();
          deps.history.add(
            summary.tenants
              .filter((t) => t.status !== 'cancelled')
              .map((t) => ({ tenant: t.tenant, connectionName, database: profile.database ?? '', snapshotName: info.name, status: t.status, at, ...(t.elapsedMs !== undefined ? { elapsedMs: t.elapsedMs } : {}) })),
          );
          const result: ProvisionResult = { tenants: summary.tenants, created: summary.created, failed: summary.failed, elapsedMs: summary.elapsedMs };
          // After a batch every created tenant is verified by the independent judge, as `provision --verify` does.
          const created = summary.tenants.filter((t) => t.status === 'created').map((t) => t.tenant);
          if (created.length > 0 && !ctx.signal.aborted) {
            ctx.progress({ message: `Verifying ${created.length} tenant(s)…`, done, total });
            try {
              result.verified = await verifyTenants(profile, { template: snapshot.header.schema, tenants: created, carries: findSnapshotCarries(snapshot.body) });
              for (const v of result.verified) deps.history.markVerified(v.tenant, profile.database ?? '', v.equal && v.isolated);
            } catch (error) {
              result.verifyError = isTenantryError(error) ? error.userMessage : String(error);
            }
          }
          return result;
        } finally {
          await provisioner.close();
        }
      });
      return { jobId };
    },
    async 'provision:verify'({ target, snapshotId, tenant }) {
      // A name that could never be a tenant (NUL, control characters, too long, a template) is a bad request, not a query to run.
      validateTenantName(tenant, { protectedNames: deps.snapshots.templateSchemas() });
      const { info, text } = deps.snapshots.read(snapshotId);
      if (!info.schema) throw new TenantryError('SNAPSHOT_INVALID', 'This snapshot does not name its template schema, so there is nothing to compare the tenant with.');
      const { profile } = await deps.resolveTarget(target);
      const result = await verifyTenant(profile, { template: info.schema, tenant, carries: findSnapshotCarries(parseSnapshot(text).body) });
      deps.history.markVerified(tenant, profile.database ?? '', result.equal && result.isolated);
      return result;
    },
  };
}
