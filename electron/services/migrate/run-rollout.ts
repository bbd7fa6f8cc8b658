/**
 * Runs a rollout: the migration (core/migrate/plan-migration.ts) on every
 * tenant of the rollout still pending, one transaction per tenant.
 *
 * - Waves: the template first (the source of truth for the next snapshot: when
 *   the migration fails there, nothing else is touched), then a canary of N
 *   tenants one at a time (any failure stops the rollout), then the rest,
 *   stopping at the first failure unless continueOnError. A template that has
 *   the migration already without a record of it (its structure equals a
 *   migrated tenant's, template-check.ts) is recorded instead of migrated.
 * - Locks: each lock wait is limited by lock_timeout; a tenant that times out
 *   is rolled back and retried later with exponential backoff and jitter, up
 *   to `retries` times, then reported with the process that blocked it
 *   (pg_blocking_pids, seen by a monitor connection while it waited). Each
 *   tenant takes its own advisory lock; the rollout never locks the database.
 *   Concurrency is capped by the server's lock table (core/pool/lock-budget.ts).
 * - State: a tenant's versions and ledger row commit with its migration
 *   (rollout-sql.ts), which makes it done; the runner writes the 'done' marks
 *   in batches (runner-session.ts). A failure is recorded after the rollback.
 *   A tenant whose versions are already recorded is skipped, before it is
 *   touched (one query for all) or, when another operator got there first,
 *   by its guard.
 * - A lost connection: the outcome of that tenant is read from the record on a
 *   fresh connection; when the server cannot be reached the rollout stops and
 *   says how to resume.
 */
import type pg from 'pg';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import type { RolloutEventInfo, RolloutRunInfo, RolloutTenantError } from '../../../core/api/contract.js';
import type { MigrationPlan, MigrationVersion } from '../../../core/migrate/plan-migration.js';
import { APPLIED_TABLE } from '../../../core/migrate/rollout-sql.js';
import { planLockBudget, type LockBudget } from '../../../core/provision/lock-budget.js';
import { countSnapshotObjects } from '../../../core/pool/count-objects.js';
import { estimateTenantLocks } from '../../../core/provision/lock-estimate.js';
import { splitStatements } from '../../../core/sql/split-statements.js';
import { createPool, openClient, openPoolConnections } from '../connection/open-connection.js';
import { readLockSettings } from '../provision/lock-budget.js';
import { describeBlockers, watchLockWaits, type WatchTarget } from '../provision/lock-watch.js';
import { openRunnerSession, type RunnerSession } from './runner-session.js';
import { checkTemplateMigrated, type TemplateCheck } from './template-check.js';
import { readCitusInstalled } from '../citus/citus-target.js';
import { groupUnits, releaseLane, runAloneUnit, runTransactionUnit, type Lane, type UnitContext, type UnitOutcome } from './tenant-step.js';
import { planSearchPath } from '../../../core/migrate/plan-search-path.js';
import { readSearchPathFacts, type SearchPathFacts } from './search-path-check.js';
import { ensureRolloutSchema, markSkipped, readAppliedVersions, recordFailure, recordFoundApplied, type RolloutSettings, type RolloutTenantRow, type StoredRollout } from './rollout-store.js';

/** Why a tenant failed (or is retried): the contract's shape, so the app shows what the CLI prints. */
export type TenantError = RolloutTenantError;

/** What a rollout reports: the contract's events but `running`, which goes to onTenantStart (the CLI's --json events stay as they were). */
export type RolloutEvent = Exclude<RolloutEventInfo, { type: 'tenant' }> | (Extract<RolloutEventInfo, { type: 'tenant' }> & { status: 'done' | 'skipped' | 'failed' | 'retrying' });

/** A run's outcome: the contract's (remaining: tenants this run did not finish; stopped: why it stopped early), with the lock budget it ran under. */
export interface RolloutResult extends RolloutRunInfo {
  lockBudget?: LockBudget;
  /**
   * Whether the tenants ran without their schema on search_path (plan-search-path.ts, search-path-check.ts): free when
   * the migration needs none, and then how many of this run's tenants kept it (their schema has one of its names);
   * otherwise why every tenant kept it.
   */
  searchPath?: { free: true; kept: number } | { free: false; reason: string };
}

export interface RunRolloutOptions {
  onEvent?: (event: RolloutEvent) => void;
  /** Stops starting tenants (those in flight finish). */
  signal?: AbortSignal;
  /** A pool to run on (the CLI's, kept for the whole command), of at least concurrency + 2 connections; left open. */
  pool?: pg.Pool;
  /** The run covers only part of the rollout (the app's canary-only run, a retry of some tenants) and others are still to do: it ends 'stopped', never 'finished'. */
  partial?: boolean;
  /** Called when a tenant's attempt starts (the app shows it running). */
  onTenantStart?: (tenant: string, attempt: number) => void;
  /** Backoff base for lock-timeout retries in ms (default 500); tests make it short. */
  backoffMs?: number;
}

interface Work {
  row: RolloutTenantRow;
  pending: MigrationVersion[];
  attempt: number;
  notBefore: number;
}

/** Lock table entries of one tenant's transaction: the versions' statements counted like a snapshot's, ALTER/DROP/UPDATE as tables. */
export function estimateMigrationLocks(plan: MigrationPlan): number {
  const statements = plan.versions.flatMap((v) => splitStatements(v.step.body).filter((s) => s.kind === 'sql').map((s) => s.text));
  const counts = countSnapshotObjects(statements);
  const changes = statements.filter((s) => /^\s*(?:--[^\n]*\n\s*)*(alter|drop|update|delete|insert|truncate|lock|comment|grant|revoke)\b/i.test(s)).length;
  return estimateTenantLocks({ ...counts, tables: counts.tables + changes });
}

function errorOf(outcome: Extract<UnitOutcome, { kind: 'error' }>, lockTimeoutMs: number, final: boolean): TenantError {
  const e = outcome.error as { message?: string };
  const message = e.message ?? String(outcome.error);
  const base = {
    ...(outcome.sqlstate !== undefined ? { sqlstate: outcome.sqlstate } : {}),
    ...(outcome.file !== undefined ? { file: outcome.file } : {}),
    ...(outcome.line !== undefined ? { line: outcome.line } : {}),
    ...(outcome.statement !== undefined ? { statement: outcome.statement } : {}),
  };
  if (outcome.missing === true) return { code: 'TENANT_NOT_FOUND', message: 'The tenant schema does not exist (dropped or renamed since the rollout started).', ...base };
  if (outcome.sqlstate === '55P03') {
    const blocker = outcome.blockers[0];
    return {
      code: 'LOCK_TIMEOUT',
      message: `Waited more than ${lockTimeoutMs} ms for a lock${final ? ', on every attempt' : ''}; rolled back. ${describeBlockers(outcome.blockers)}`,
      ...base,
      ...(blocker ? { blockingPid: blocker.pid, blockingQuery: blocker.query } : {}),
    };
  }
  if (outcome.sqlstate === '57014') return { code: 'TIMEOUT', message: `A statement ran longer than the statement timeout and was cancelled; rolled back. ${message}`, ...base };
  return { code: 'MIGRATION_FAILED', message: `${message}; rolled back, nothing of this tenant's migration was kept.`, ...base };
}

/** The reads at the start of a run that go at once (runRollout): the runner session and four reads beside it. */
const START_CONNECTIONS = 5;

/**
 * How many connections a run uses at once, in the common case: the lanes and the runner session (concurrency + 1), or
 * the start's reads (START_CONNECTIONS) when there are fewer lanes, within the pool's concurrency + 2. The last of
 * those is for a write beside busy lanes (a failure recorded, a tenant its guard skipped), rare enough to be opened
 * when it happens: opened before every run, it cost each a backend's start and exit (about 3-4 ms of server CPU and
 * as much of this process's for the SCRAM handshake) and ran nothing (issue 15; at K = 8 one of ten backends stayed
 * idle through the run).
 */
export function countRolloutConnections(concurrency: number): number {
  return Math.min(concurrency + 2, Math.max(concurrency + 1, START_CONNECTIONS));
}

/**
 * Opens the connections a run of the rollout uses (countRolloutConnections: its lanes, the runner session, the reads at
 * its start) before it starts, as one batch: opened inside the run, each cost it a new backend's start in the middle
 * of the work (issue 15, bookkeeping <= 5 %: ~3 opens of ~17-21 ms server CPU at 100 tables). Call it before
 * runRollout on the pool passed to it, never beside other work on that pool (openPoolConnections).
 */
export async function openRolloutConnections(pool: pg.Pool, rollout: { settings: RolloutSettings; tenants: readonly Pick<RolloutTenantRow, 'status'>[] }): Promise<void> {
  // A rollout with nothing left to run (the no-op) needs one connection, which the record already opened.
  if (rollout.tenants.every((t) => t.status === 'done' || t.status === 'skipped')) return;
  await openPoolConnections(pool, countRolloutConnections(rollout.settings.concurrency));
}

/** Runs the rollout's pending tenants (see the file comment). */
export async function runRollout(profile: ConnectionProfile, rollout: StoredRollout, options: RunRolloutOptions = {}): Promise<RolloutResult> {
  const started = performance.now();
  const { plan, settings } = rollout;
  const emit = options.onEvent ?? (() => undefined);
  // The lanes, the runner session and the record's writes between tenants.
  const pool = options.pool ?? (await createPool(profile, settings.concurrency + 2));
  const ownPool = options.pool === undefined;
  // A pool of its own is opened here, all at once (as the CLI opens the pool it passes before the run).
  if (ownPool) await openRolloutConnections(pool, rollout);
  const todo = rollout.tenants.filter((t) => t.status !== 'done' && t.status !== 'skipped');
  const versions = plan.versions.map((v) => v.version);
  let runner: RunnerSession;
  let applied: Map<string, Set<string>>;
  let lockSettings: Awaited<ReturnType<typeof readLockSettings>> | undefined;
  let citus: boolean | undefined;
  let pathFacts: SearchPathFacts | undefined;
  // Whether the migration needs the tenant on search_path (issue 15: setting it costs ~5 % of a rollout's server time).
  const pathPlan = planSearchPath(plan);
  try {
    // Independent reads at once: each is a round trip, and a no-op rollout is little else.
    // ensureRolloutSchema: a rollout recorded by an older version resumes with this version's functions.
    [runner, applied, lockSettings, citus, pathFacts] = await Promise.all([
      ensureRolloutSchema(pool).then(() => openRunnerSession(pool, rollout.id, versions[versions.length - 1] ?? '', rollout.state === 'recorded')),
      todo.length > 0 ? readAppliedVersions(pool, todo.map((t) => t.tenant), versions, settings.ledger) : new Map<string, Set<string>>(),
      todo.length > 0 ? readLockSettings(pool) : undefined,
      todo.length > 0 ? readCitusInstalled(pool, profile) : undefined,
      // Unreadable facts: every tenant keeps the path.
      todo.length > 0 && pathPlan.free ? readSearchPathFacts(pool, pathPlan, todo.map((t) => t.tenant)).catch(() => undefined) : undefined,
    ]);
  } catch (error) {
    if (ownPool) await pool.end().catch(() => undefined);
    throw error;
  }
  const ctx: UnitContext = {
    pool,
    plan,
    rolloutId: rollout.id,
    lockTimeoutMs: settings.lockTimeoutMs,
    statementTimeoutMs: settings.statementTimeoutMs,
    ...(settings.ledger ? { ledger: settings.ledger } : {}),
    ...(citus === true ? { oneByOne: true } : {}),
    // A Citus coordinator sends DDL on to the workers under its own rules for the path: it keeps the path there.
    ...(pathFacts !== undefined && pathFacts.keepAll === undefined && citus !== true ? { searchPath: searchPathFor(pathFacts) } : {}),
    // Every tenant's lock watch polls on the runner's connection.
    watch: (target: WatchTarget) => watchLockWaits(() => Promise.resolve(runner.client), target, Math.max(50, Math.floor(settings.lockTimeoutMs / 3))),
  };
  const result: RolloutResult = { rolloutId: rollout.id, total: rollout.tenants.length, done: 0, skipped: 0, failed: 0, remaining: 0, elapsedMs: 0, concurrency: settings.concurrency, failures: [] };
  if (todo.length > 0) {
    result.searchPath = ctx.searchPath !== undefined && pathFacts !== undefined
      ? { free: true, kept: todo.filter((t) => pathFacts?.keep.has(t.tenant) === true).length }
      : { free: false, reason: !pathPlan.free ? pathPlan.reason : pathFacts?.keepAll ?? (citus === true ? 'Citus' : 'the database facts could not be read') };
  }
  try {
    for (const row of rollout.tenants) {
      if (row.status === 'done') result.done++;
      else if (row.status === 'skipped') result.skipped++;
    }
    const work: Work[] = [];
    const skippedNow: string[] = [];
    for (const row of todo) {
      const have = applied.get(row.tenant);
      const pending = plan.versions.filter((v) => have?.has(v.version) !== true);
      if (pending.length === 0) skippedNow.push(row.tenant);
      else work.push({ row, pending, attempt: 0, notBefore: 0 });
    }
    await markSkipped(pool, rollout.id, skippedNow);
    result.skipped += skippedNow.length;
    result.remaining = work.length;
    emit({ type: 'start', rolloutId: rollout.id, total: result.total, pending: work.length, skipped: result.skipped });

    const budget = work.length > 0 && lockSettings !== undefined ? planLockBudget({ locksPerTenant: estimateMigrationLocks(plan), settings: lockSettings, requestedConcurrency: settings.concurrency }) : undefined;
    if (budget) {
      result.lockBudget = budget;
      result.concurrency = budget.concurrency;
    }
    let stop: RolloutResult['stopped'];
    let finished = 0;
    const progress = () => {
      const seconds = (performance.now() - started) / 1000;
      const perSecond = seconds > 0 ? finished / seconds : 0;
      emit({ type: 'progress', total: result.total, done: result.done, skipped: result.skipped, failed: result.failed, remaining: result.remaining, perSecond: Math.round(perSecond * 10) / 10, ...(perSecond > 0 ? { etaSeconds: Math.round(result.remaining / perSecond) } : {}) });
    };

    /** One tenant: its units in order; true when it is finished (done, skipped or failed for good). */
    const runTenant = async (w: Work, lane: Lane): Promise<'done' | 'skipped' | 'failed' | 'retry' | 'lost'> => {
      const t0 = performance.now();
      const tenant = w.row.tenant;
      runner.started(tenant);
      options.onTenantStart?.(tenant, w.attempt + 1);
      let outcome: Awaited<ReturnType<typeof runUnits>> | undefined;
      try {
        return (outcome = await runUnits(w, t0, lane));
      } finally {
        runner.ended(tenant, outcome === 'done' ? performance.now() - t0 : undefined);
      }
    };
    const runUnits = async (w: Work, t0: number, lane: Lane): Promise<'done' | 'skipped' | 'failed' | 'retry' | 'lost'> => {
      const tenant = w.row.tenant;
      const units = groupUnits(w.pending);
      for (let k = 0; k < units.length; k++) {
        const unit = units[k] as (typeof units)[number];
        // A unit that runs alone takes a connection of its own and closes it: the lane's goes back to the pool first.
        if (unit.kind === 'alone') releaseLane(lane);
        const outcome = unit.kind === 'transaction' ? await runTransactionUnit(ctx, tenant, unit, lane) : await runAloneUnit(ctx, tenant, unit);
        if (outcome.kind === 'ok') {
          w.pending = w.pending.filter((v) => !unit.versions.includes(v));
          continue;
        }
        const ms = Math.round(performance.now() - t0);
        if (outcome.kind === 'skipped') {
          await markSkipped(pool, rollout.id, [tenant]);
          emit({ type: 'tenant', tenant, status: 'skipped', attempt: w.attempt + 1, ms });
          return 'skipped';
        }
        if (outcome.kind === 'lost') {
          // Did the commit go through? The record says, read on a fresh connection.
          const last = unit.versions[unit.versions.length - 1] as MigrationVersion;
          const committed = await readCommitted(profile, tenant, last.version);
          if (committed === true) {
            w.pending = w.pending.filter((v) => !unit.versions.includes(v));
            continue;
          }
          const error: TenantError = { code: 'PG_CONNECTION_LOST', message: `The connection was lost while migrating; ${committed === false ? 'the tenant was rolled back' : 'the server cannot be reached, so whether it committed is unknown (resume finds out)'}. ${(outcome.error as Error).message ?? ''}` };
          if (committed === undefined) {
            stop = 'connection';
            result.stopError = error;
            return 'lost';
          }
          w.attempt++;
          if (w.attempt <= settings.retries) return 'retry';
          result.failures.push({ tenant, error });
          emit({ type: 'tenant', tenant, status: 'failed', attempt: w.attempt, ms, error });
          return 'failed';
        }
        const retryable = outcome.sqlstate === '55P03' && w.attempt < settings.retries;
        const error = errorOf(outcome, settings.lockTimeoutMs, !retryable);
        w.attempt++;
        await recordFailure(pool, rollout.id, tenant, {
          status: retryable ? 'pending' : 'failed',
          error: error.message,
          durationMs: performance.now() - t0,
          ...(error.sqlstate !== undefined ? { sqlstate: error.sqlstate } : {}),
          ...(error.file !== undefined ? { file: error.file } : {}),
          ...(error.line !== undefined ? { line: error.line } : {}),
          ...(error.statement !== undefined ? { statement: error.statement } : {}),
          ...(error.blockingPid !== undefined ? { blockingPid: error.blockingPid } : {}),
          ...(error.blockingQuery !== undefined ? { blockingQuery: error.blockingQuery } : {}),
        }).catch(() => undefined);
        if (retryable) {
          emit({ type: 'tenant', tenant, status: 'retrying', attempt: w.attempt, ms, error });
          return 'retry';
        }
        result.failures.push({ tenant, error });
        emit({ type: 'tenant', tenant, status: 'failed', attempt: w.attempt, ms, error });
        return 'failed';
      }
      emit({ type: 'tenant', tenant, status: 'done', attempt: w.attempt + 1, ms: Math.round(performance.now() - t0) });
      return 'done';
    };

    const backoff = options.backoffMs ?? 500;
    /** Runs a wave with `lanes` workers; retries wait their backoff at the back of the queue. */
    const runWave = async (items: Work[], lanes: number, stopOnFailure: boolean, reason: RolloutResult['stopped']): Promise<void> => {
      const queue = [...items];
      let inFlight = 0;
      const lane = async (): Promise<void> => {
        const held: Lane = {};
        try {
          await runLane(held);
        } finally {
          releaseLane(held);
        }
      };
      const runLane = async (held: Lane): Promise<void> => {
        for (;;) {
          if (stop !== undefined) return;
          if (options.signal?.aborted) {
            stop = 'signal';
            return;
          }
          if (queue.length === 0) {
            if (inFlight === 0) return;
            await new Promise((resolve) => setTimeout(resolve, 20));
            continue;
          }
          const now = Date.now();
          const i = queue.findIndex((q) => q.notBefore <= now);
          if (i === -1) {
            const next = Math.min(...queue.map((q) => q.notBefore));
            await new Promise((resolve) => setTimeout(resolve, Math.min(200, Math.max(5, next - now))));
            continue;
          }
          const w = queue.splice(i, 1)[0] as Work;
          inFlight++;
          let outcome: Awaited<ReturnType<typeof runTenant>>;
          try {
            outcome = await runTenant(w, held);
          } finally {
            inFlight--;
          }
          if (outcome === 'retry') {
            // Exponential backoff with full jitter between half and the whole step, capped at 30 s.
            w.notBefore = Date.now() + Math.min(30_000, backoff * 2 ** (w.attempt - 1)) * (0.5 + Math.random() / 2);
            queue.push(w);
            continue;
          }
          if (outcome === 'lost') return;
          finished++;
          result.remaining--;
          if (outcome === 'done') result.done++;
          else if (outcome === 'skipped') result.skipped++;
          else {
            result.failed++;
            if (stopOnFailure) stop ??= reason;
          }
          progress();
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, items.length)) }, lane));
    };

    let template = work.filter((w) => w.row.isTemplate);
    const tenants = work.filter((w) => !w.row.isTemplate);
    const templateWork = template[0];
    if (templateWork !== undefined && templateWork.pending.length === plan.versions.length) {
      // Does the template have the migration already, unrecorded? Then record it rather than run it a second time.
      const migrated = rollout.tenants.find((t) => !t.isTemplate && (t.status === 'done' || t.status === 'skipped'))?.tenant ?? skippedNow.find((t) => t !== plan.template);
      const check = await checkTemplateMigrated(pool, plan, { ...(migrated !== undefined ? { migrated } : {}), ...(tenants[0] ? { pending: tenants[0].row.tenant } : {}) }, settings.lockTimeoutMs).catch(() => ({ found: false }) as TemplateCheck);
      if (check.found && check.tenant !== undefined && check.how !== undefined && check.fingerprint !== undefined) {
        const recorded = await recordFoundApplied(pool, { rolloutId: rollout.id, schema: plan.template, versions: plan.versions, lockTimeoutMs: settings.lockTimeoutMs, ...(settings.ledger ? { ledger: settings.ledger } : {}) });
        const found = { tenant: check.tenant, how: check.how, fingerprint: check.fingerprint };
        result.templateFound = found;
        result.skipped++;
        result.remaining--;
        emit({ type: 'template-found', template: plan.template, ...found });
        if (!recorded) emit({ type: 'tenant', tenant: plan.template, status: 'skipped', attempt: 1, ms: 0 });
        template = [];
      }
    }
    if (template.length > 0) {
      emit({ type: 'wave', wave: 'template', tenants: 1, concurrency: 1 });
      await runWave(template, 1, true, 'template');
    }
    const canary = tenants.slice(0, stop === undefined ? settings.canary : 0);
    if (canary.length > 0) {
      emit({ type: 'wave', wave: 'canary', tenants: canary.length, concurrency: 1 });
      await runWave(canary, 1, true, 'canary');
    }
    const rest = tenants.slice(canary.length);
    if (rest.length > 0 && stop === undefined) {
      emit({ type: 'wave', wave: 'rest', tenants: rest.length, concurrency: result.concurrency });
      await runWave(rest, result.concurrency, !settings.continueOnError, 'failure');
    }
    if (stop !== undefined) result.stopped = stop;
    result.elapsedMs = Math.round(performance.now() - started);
    return result;
  } finally {
    await runner.close(result.failed === 0 && result.remaining === 0 && result.stopped === undefined && options.partial !== true ? 'finished' : 'stopped');
    if (ownPool) await pool.end().catch(() => undefined);
  }
}

/** A tenant's search_path when the migration needs none (search-path-check.ts): the session's when that is public. */
function searchPathFor(facts: SearchPathFacts): (tenant: string) => string | null | undefined {
  return (tenant) => (facts.keep.has(tenant) ? undefined : facts.sessionPublic ? null : 'public');
}

/** Whether `version` is recorded for the tenant (its commit went through), read on a fresh connection; undefined when unreachable. */
async function readCommitted(profile: ConnectionProfile, tenant: string, version: string): Promise<boolean | undefined> {
  let client: pg.Client | undefined;
  try {
    client = await openClient({ ...profile, connect_timeout: Math.min(profile.connect_timeout ?? 10, 10) });
    const { rowCount } = await client.query(`SELECT 1 FROM ${APPLIED_TABLE} WHERE tenant = $1 AND version = $2`, [tenant, version]);
    return (rowCount ?? 0) > 0;
  } catch {
    return undefined;
  } finally {
    await client?.end().catch(() => undefined);
  }
}
