/**
 * Handlers over the snapshot engine (core/snapshot) and the provision and
 * verify services.
 */
import type { Handlers, ProvisionResult } from '../../core/api/contract.js';
import { TenantryError } from '../../core/errors.js';
import type { BinarySearchOptions } from '../services/binaries/find-client-binaries.js';
import type { HistoryStore } from '../services/storage/history-store.js';
import type { JobRegistry } from './jobs.js';
import type { SnapshotStore } from '../services/storage/snapshot-store.js';
import { verifyTenant } from '../services/verify/verify-tenant.js';
import { verifyCreated } from '../services/fleet/verify-all.js';
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
import type { DumpCatalogs } from '../services/snapshot/dump-catalogs.js';
import type { ResolveTarget } from './resolve-target.js';
import { schemaExists } from '../services/catalog/schema-exists.js';

export interface EngineDeps {
  jobs: JobRegistry;
  snapshots: SnapshotStore;
  history: HistoryStore;
  resolveTarget: ResolveTarget;
  binaryOptions: BinarySearchOptions;
  pickFile?: (purpose: 'open' | 'save', filters: { name: string; extensions: string[] }[], title: string) => Promise<string | null>;
  /** Refills a warm pool in the background after a batch claimed spares from it. */
  keeper?: PoolKeeper;
  /** Runs snapshot builds in a worker thread. */
  engine: EngineThread;
  /** The catalog facts of the app's dumps, read by dump:start. */
  dumpCatalogs: DumpCatalogs;
}

type EngineHandlers = Pick<Handlers, 'snapshot:build' | 'snapshot:save' | 'snapshot:list' | 'snapshot:read' | 'snapshot:open-file' | 'tenant:check-name' | 'provision:start' | 'provision:verify' | 'provision:history'>;

/** Builds the engine handlers. */
export function createEngineHandlers(deps: EngineDeps): EngineHandlers {
  return {
    // Off the request thread: a dump with millions of references takes the engine a minute.
    'snapshot:build': async ({ dumpId, ...req }) => {
      const catalog = dumpId !== undefined ? deps.dumpCatalogs.read(dumpId) : undefined;
      const citus = dumpId !== undefined ? deps.dumpCatalogs.readCitus(dumpId) : undefined;
      return deps.engine.build({ ...req, ...(catalog ? { catalog } : {}), ...(citus ? { citus } : {}) });
    },
    async 'snapshot:save'({ name, text, toPickedFile }) {
      // Only real snapshots are stored: the same checks provisioning will make.
      parseSnapshot(text);
      const info = deps.snapshots.save(name, text);
      if (toPickedFile && deps.pickFile) {
        const path = await deps.pickFile('save', [{ name: 'Snapshots', extensions: ['sql'] }], 'Save snapshot');
        if (path) deps.snapshots.export(path, text);
      }
      return info;
    },
    'snapshot:list': async () => deps.snapshots.list(),
    'snapshot:read': async ({ id }) => deps.snapshots.read(id),
    async 'snapshot:open-file'() {
      if (!deps.pickFile) throw new TenantryError('NOT_AVAILABLE', 'Opening files from disk needs the desktop app; in the browser, pick a saved snapshot from the list.');
      const path = await deps.pickFile('open', [{ name: 'Snapshots', extensions: ['sql'] }], 'Open snapshot');
      return path ? deps.snapshots.import(path) : null;
    },
    async 'tenant:check-name'({ name, target }) {
      try {
        // Exactly the check provision:start and pool:claim make (the same module, the same protected names).
        validateTenantName(name, { protectedNames: deps.snapshots.templateSchemas() });
      } catch (error) {
        if (!isTenantryError(error)) throw error;
        return { valid: false, quoted: '', message: error.userMessage };
      }
      const quoted = quoteIdentifier(name);
      // A schema that is already there (the template just dumped, an existing tenant, any other schema) would fail the create.
      if (target) {
        // A target that cannot be reached leaves the answer to the create, which says why.
        const profile = await deps.resolveTarget(target).then((r) => r.profile, () => undefined);
        if (profile && (await schemaExists(profile, name)) === true) return { valid: false, quoted, message: `A schema named ${quoted} already exists in database ${profile.database ?? ''}. Choose another name.` };
      }
      return { valid: true, quoted };
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
      const source = snapshotSource(snapshot, info.name);
      // Ready warm-pool spares of this snapshot are claimed first; parsed for the pool only when there are some.
      let poolSnapshot: PoolSnapshot | undefined;
      const claimFrom = { checksum: snapshot.header.checksum, load: () => (poolSnapshot ??= toPoolSnapshot(snapshot, info.name)) };
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
          // After a batch (unless turned off) every created tenant is verified by the independent judge, as `provision --verify`
          // does: verify all at the batch's concurrency, each result recorded in the register.
          const created = summary.tenants.filter((t) => t.status === 'created').map((t) => t.tenant);
          if (req.verify !== false && created.length > 0 && !ctx.signal.aborted) {
            ctx.progress({ message: `Verifying ${created.length} tenant(s)…`, done, total });
            try {
              result.verified = await verifyCreated(profile, {
                template: snapshot.header.schema,
                tenants: created,
                carries: findSnapshotCarries(snapshot.body),
                concurrency: req.concurrency,
                signal: ctx.signal,
                onProgress: (n, of) => ctx.progress({ message: `Verifying: ${n} of ${of} tenant(s)…`, done, total }),
              });
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
    'provision:history': async () => deps.history.list(),
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
