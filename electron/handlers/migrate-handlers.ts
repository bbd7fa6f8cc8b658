/**
 * The Rollouts panel (issue 15) over the migrate services, the same ones
 * `tenantry migrate` runs: plan a migration (file or folder) against the live
 * template for review, rehearse it on one tenant (rolled back), record a
 * rollout and run it as a job (template, canary, the rest; events per tenant,
 * throughput and ETA on `job:rollout`), resume it (continue after the canary,
 * retry failed tenants), leave failed tenants out, list and read rollouts,
 * and refresh the image afterwards (a new snapshot saved in the app, the
 * register moved to it, the warm pool rebuilt).
 */
import type pg from 'pg';
import type { ConnectionTarget, Handlers, HistoryEntry, MigrationSourceRequest, RolloutDetailInfo, RolloutEventInfo, RolloutRunInfo, RolloutSummaryInfo, RolloutTenantChoice } from '../../core/api/contract.js';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { TenantryError } from '../../core/errors.js';
import { describeMigration } from '../../core/migrate/describe-migration.js';
import { parseTenantOrder, TENANT_ORDERS } from '../../core/migrate/order-tenants.js';
import type { MigrationPlan } from '../../core/migrate/plan-migration.js';
import type { ReferenceDecisions } from '../../core/snapshot/reference-ids.js';
import { createPool } from '../services/connection/open-connection.js';
import { assertPlanRunnable, checkTenants, planWithCatalog, readMigrationPath, readRollout, recordRollout, rehearse } from '../services/migrate/prepare-migration.js';
import { refreshAfterRollout } from '../services/migrate/refresh-after-rollout.js';
import { listRollouts, skipFailed, type RolloutTenantRow, type StoredRollout } from '../services/migrate/rollout-store.js';
import { chooseTenants, type TenantSource } from '../services/migrate/rollout-tenants.js';
import { runRollout, type RolloutResult } from '../services/migrate/run-rollout.js';
import type { HistoryStore } from '../services/storage/history-store.js';
import type { SnapshotStore } from '../services/storage/snapshot-store.js';
import type { Emit, JobRegistry } from './jobs.js';
import type { ResolveTarget } from './resolve-target.js';

export interface MigrateHandlerDeps {
  jobs: JobRegistry;
  /** Each tenant a run migrated, skipped or failed goes to the history, as the CLI's runs do. */
  history: HistoryStore;
  snapshots: SnapshotStore;
  resolveTarget: ResolveTarget;
  emit: Emit;
  /** Backoff base for lock-timeout retries (tests shorten it). */
  backoffMs?: number;
}

type MigrateHandlers = Pick<Handlers, 'migrate:plan' | 'migrate:dry-run' | 'migrate:start' | 'migrate:resume' | 'migrate:skip' | 'migrate:list' | 'migrate:status' | 'migrate:refresh'>;

function toDecisions(list: MigrationSourceRequest['decisions']): ReferenceDecisions | undefined {
  if (list === undefined || list.length === 0) return undefined;
  return Object.fromEntries(list.map((d) => [d.id, d.decision]));
}

/** The tenants the request chose (exactly one way), their schemas checked, in order. */
async function chooseRequested(profile: ConnectionProfile, db: pg.Pool, template: string, choice: RolloutTenantChoice): Promise<string[]> {
  const listed = choice.tenants ?? [];
  const ways = [choice.all === true, choice.cohort !== undefined, listed.length > 0].filter(Boolean).length;
  if (ways !== 1) throw new TenantryError('USAGE', 'Choose the tenants one way: all tenants of the template, one cohort, or a list of tenants.');
  const order = choice.order === undefined ? undefined : parseTenantOrder(choice.order);
  if (choice.order !== undefined && order === undefined) throw new TenantryError('USAGE', `Order tenants by ${TENANT_ORDERS.join(', ')}, optionally followed by :desc.`);
  const source: TenantSource = choice.all === true ? { kind: 'all' } : choice.cohort !== undefined ? { kind: 'cohort', cohort: choice.cohort } : { kind: 'list', tenants: listed };
  const { tenants } = await chooseTenants(db, template, source, order);
  if (tenants.length === 0) throw new TenantryError('TENANT_NOT_FOUND', `No tenant of ${template} to migrate.`);
  await checkTenants(profile, template, tenants, db);
  return tenants;
}

function toRunInfo(result: RolloutResult): RolloutRunInfo {
  const { lockBudget: _budget, ...info } = result;
  return info;
}

function toTenantInfo(row: RolloutTenantRow): RolloutDetailInfo['tenants'][number] {
  const error =
    row.error === null
      ? undefined
      : {
          code: row.sqlstate === '55P03' ? ('LOCK_TIMEOUT' as const) : ('MIGRATION_FAILED' as const),
          message: row.error,
          ...(row.sqlstate !== null ? { sqlstate: row.sqlstate } : {}),
          ...(row.errorFile !== null ? { file: row.errorFile } : {}),
          ...(row.errorLine !== null ? { line: row.errorLine } : {}),
          ...(row.statement !== null ? { statement: row.statement } : {}),
          ...(row.blockingPid !== null ? { blockingPid: row.blockingPid } : {}),
          ...(row.blockingQuery !== null ? { blockingQuery: row.blockingQuery } : {}),
        };
  return { tenant: row.tenant, isTemplate: row.isTemplate, status: row.status, attempts: row.attempts, ...(error ? { error } : {}), ...(row.durationMs !== null ? { durationMs: row.durationMs } : {}) };
}

function toDetail(rollout: StoredRollout): RolloutDetailInfo {
  const counts = { pending: 0, running: 0, done: 0, skipped: 0, failed: 0 };
  for (const t of rollout.tenants) counts[t.status]++;
  return {
    id: rollout.id,
    template: rollout.template,
    createdAt: rollout.createdAt.toISOString(),
    createdBy: rollout.createdBy,
    versions: rollout.plan.versions.map((v) => v.version),
    counts,
    state: rollout.state,
    tenants: rollout.tenants.map(toTenantInfo),
  };
}

/** Builds the Rollouts panel's handlers. */
export function createMigrateHandlers(deps: MigrateHandlerDeps): MigrateHandlers {
  async function withDb<T>(target: ConnectionTarget, work: (db: pg.Pool, profile: ConnectionProfile) => Promise<T>, size = 2): Promise<T> {
    const { profile } = await deps.resolveTarget(target);
    const db = await createPool(profile, size);
    try {
      return await work(db, profile);
    } finally {
      await db.end().catch(() => undefined);
    }
  }

  async function plan(profile: ConnectionProfile, db: pg.Pool, req: MigrationSourceRequest) {
    const files = await readMigrationPath(req.path);
    const decisions = toDecisions(req.decisions);
    const planned = await planWithCatalog(profile, files, { template: req.template, ...(req.placeholder ? { placeholder: req.placeholder } : {}), ...(decisions ? { decisions } : {}) }, db);
    return { ...planned, files };
  }

  /** Runs (the pending part of) a recorded rollout as a job; `rollout` may be narrowed (canary only, retry of some tenants). */
  function startRun(profile: ConnectionProfile, connectionName: string, rollout: StoredRollout, partial: boolean): string {
    return deps.jobs.start('migrate', async (ctx) => {
      const rolloutEvent = (event: RolloutEventInfo) => deps.emit('job:rollout', { jobId: ctx.jobId, event });
      const outcomes: HistoryEntry[] = [];
      const snapshotName = `rollout ${rollout.id} (${rollout.plan.versions.map((v) => v.version).join(', ')})`;
      try {
        return toRunInfo(await runRollout(profile, rollout, {
          signal: ctx.signal,
          ...(partial ? { partial: true } : {}),
          ...(deps.backoffMs !== undefined ? { backoffMs: deps.backoffMs } : {}),
          onTenantStart: (tenant, attempt) => rolloutEvent({ type: 'tenant', tenant, status: 'running', attempt, ms: 0 }),
          onEvent: (event) => {
            rolloutEvent(event);
            if (event.type === 'progress') ctx.progress({ message: `${event.done} done, ${event.skipped} skipped, ${event.failed} failed, ${event.remaining} left`, done: event.done + event.skipped + event.failed, total: event.total });
            if (event.type === 'tenant' && event.status !== 'retrying') {
              outcomes.push({ tenant: event.tenant, connectionName, database: profile.database ?? '', snapshotName, status: event.status === 'done' ? 'migrated' : event.status, at: new Date().toISOString(), elapsedMs: event.ms, action: 'migrate', source: 'app' });
            }
          },
        }));
      } finally {
        if (outcomes.length > 0) deps.history.add(outcomes);
      }
    });
  }

  return {
    async 'migrate:plan'(req) {
      return withDb(req.target, async (db, profile) => {
        const { plan: planned, catalog, files } = await plan(profile, db, req);
        return describeMigration(planned, files, catalog);
      });
    },
    async 'migrate:dry-run'(req) {
      return withDb(req.target, async (db, profile) => {
        const { plan: planned } = await plan(profile, db, req);
        assertPlanRunnable(planned);
        const tenant = req.tenant ?? (await chooseRequested(profile, db, req.template, req))[0];
        if (tenant === undefined) throw new TenantryError('TENANT_NOT_FOUND', 'Choose a tenant to rehearse the migration on.');
        if (req.tenant !== undefined) await checkTenants(profile, req.template, [tenant], db);
        return rehearse(profile, planned, tenant, req.lockTimeoutMs);
      });
    },
    async 'migrate:start'(req) {
      const { profile, name } = await deps.resolveTarget(req.target);
      const db = await createPool(profile, 2);
      let planned: MigrationPlan;
      let rollout: StoredRollout;
      try {
        planned = (await plan(profile, db, req)).plan;
        assertPlanRunnable(planned);
        const tenants = await chooseRequested(profile, db, req.template, req);
        const settings = {
          lockTimeoutMs: req.lockTimeoutMs,
          statementTimeoutMs: req.statementTimeoutMs ?? 600_000,
          retries: req.retries,
          concurrency: req.concurrency,
          canary: req.canary,
          continueOnError: req.continueOnError,
        };
        rollout = await recordRollout(profile, planned, { tenants, includeTemplate: true, settings }, db);
      } finally {
        await db.end().catch(() => undefined);
      }
      // Canary only: the template and the first N tenants; the rest stays pending in the record for migrate:resume.
      const canaryNames = new Set(rollout.tenants.filter((t) => !t.isTemplate).slice(0, req.canary).map((t) => t.tenant));
      const run = req.canaryOnly === true ? { ...rollout, tenants: rollout.tenants.filter((t) => t.isTemplate || canaryNames.has(t.tenant)) } : rollout;
      return { jobId: startRun(profile, name, run, run.tenants.length < rollout.tenants.length), rolloutId: rollout.id };
    },
    async 'migrate:resume'({ target, rolloutId, tenants, concurrency }) {
      const { profile, name } = await deps.resolveTarget(target);
      const rollout = await readRollout(profile, rolloutId);
      if (rollout.state === 'running') throw new TenantryError('CONFIRMATION_REQUIRED', `Rollout ${rolloutId} is running now (${rollout.runner ?? 'another process'}); wait for it to end before running it again.`);
      const only = tenants === undefined ? undefined : new Set(tenants);
      const unknown = tenants?.filter((t) => !rollout.tenants.some((r) => r.tenant === t)) ?? [];
      if (unknown.length > 0) throw new TenantryError('TENANT_NOT_FOUND', `Not in rollout ${rolloutId}: ${unknown.slice(0, 10).join(', ')}.`);
      // As `tenantry migrate resume`: failed tenants are pending work again; no canary the second time.
      const again: StoredRollout = {
        ...rollout,
        settings: { ...rollout.settings, canary: 0, ...(concurrency !== undefined ? { concurrency } : {}) },
        tenants: rollout.tenants.filter((t) => only === undefined || only.has(t.tenant) || t.isTemplate).map((t) => (t.status === 'failed' ? { ...t, status: 'pending' as const } : t)),
      };
      const left = rollout.tenants.some((t) => !again.tenants.some((a) => a.tenant === t.tenant) && t.status !== 'done' && t.status !== 'skipped');
      return { jobId: startRun(profile, name, again, left) };
    },
    async 'migrate:skip'({ target, rolloutId, tenants }) {
      return withDb(target, async (db) => {
        const rollout = await readRollout({}, rolloutId, db);
        const notFailed = tenants.filter((t) => rollout.tenants.find((r) => r.tenant === t)?.status !== 'failed');
        if (notFailed.length > 0) throw new TenantryError('USAGE', `Only failed tenants can be left out; not failed in rollout ${rolloutId}: ${notFailed.slice(0, 10).join(', ')}.`);
        return { skipped: await skipFailed(db, rolloutId, tenants) };
      });
    },
    async 'migrate:list'({ target }) {
      return withDb(target, async (db): Promise<RolloutSummaryInfo[]> => (await listRollouts(db)).map((r) => ({ id: r.id, template: r.template, createdAt: r.createdAt.toISOString(), createdBy: r.createdBy, versions: r.versions, counts: r.counts, state: r.state })));
    },
    async 'migrate:status'({ target, rolloutId }) {
      return withDb(target, async (db) => toDetail(await readRollout({}, rolloutId, db)));
    },
    async 'migrate:refresh'({ target, rolloutId, label, skipPool }) {
      return withDb(target, async (db, profile) => {
        const rollout = await readRollout(profile, rolloutId, db);
        let saved: ReturnType<SnapshotStore['save']> | undefined;
        const result = await refreshAfterRollout(profile, db, rollout, {
          label,
          ...(skipPool === true ? { skipPool: true } : {}),
          save: async (snapshot) => {
            saved = deps.snapshots.save(label, snapshot.text);
          },
        });
        if (saved === undefined) throw new TenantryError('INTERNAL', 'The new snapshot was not saved.');
        return { snapshot: saved, checksum: result.checksum, registered: result.registered, pool: result.pool };
      });
    },
  };
}
