/**
 * Provisions tenants from a snapshot, one transaction per tenant: either the
 * whole tenant exists afterwards or nothing does.
 *
 * - driver (default): a pooled node-postgres connection; BEGIN, the snapshot's
 *   session settings as SET LOCAL, advisory lock on the tenant name, existence
 *   check, the rendered SQL as one multi-statement simple query, any session
 *   setting the SQL changed put back, COMMIT. Cancelling sends
 *   pg_cancel_backend from a second connection.
 * - psql: `psql -X -v ON_ERROR_STOP=1 --single-transaction -f -` with the same
 *   settings and guard and the SQL on stdin, environment from the connection
 *   settings; cancelling sends psql SIGINT (it cancels the statement).
 *
 * createProvisioner() keeps the pool (and the psql binary) between tenants of a
 * batch, the warm pool and bench/provisioning.ts; close() ends it.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type { ProvisionResult, TenantProgress } from '../../../core/api/contract.js';
import type { PgVersion } from '../../../core/binaries/pg-version.js';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { TenantryError, isTenantryError } from '../../../core/errors.js';
import { runQueue } from '../../../core/provision/run-queue.js';
import { buildSessionPreamble } from '../../../core/provision/session-preamble.js';
import { buildProvisionLimitsSql, DEFAULT_LOCK_TIMEOUT_MS } from '../../../core/provision/provision-limits.js';
import type { Snapshot } from '../../../core/snapshot/format.js';
import { renderProvisioningSql } from '../../../core/snapshot/render.js';
import { validateTenantName } from '../../../core/tenant/tenant-name.js';
import { buildPsqlTenantScript, buildTenantAbsentCheckSql, buildTenantLockSql, buildTransactionCheckSql, buildTransactionMarkSql, buildTransactionProbeSql, psqlHasRestrict, TENANT_LOCK_CLASS } from '../../../core/provision/tenant-guard.js';
import { randomKey } from './random-key.js';
import { touchesSessionState } from '../../../core/pool/touches-session.js';
import { resolveClientBinary, type BinarySearchOptions } from '../binaries/find-client-binaries.js';
import { createPool, openClient } from '../connection/open-connection.js';
import { toConnectionError } from '../connection/connection-errors.js';
import { formatPgError } from '../errors/pg-error.js';
import { readServerVersion } from '../catalog/server-version.js';
import { runClientTool } from '../binaries/run-client-tool.js';
import { planProvisionLocks } from './lock-budget.js';
import { tenantExistsError, toProvisionError, toPsqlProvisionError, transactionEndedError } from './provision-errors.js';
import { isConnectionLost, settleLostTenant } from './lost-connection.js';
import { describeBlockers, watchLockWaits, type LockBlocker, type LockWatchHandle, type WatchTarget } from './lock-watch.js';
import { readSessionSettings, restoreSessionSettings } from './session-settings.js';
import { claimSpare, countReadySpares, type PoolSnapshot } from '../pool/warm-pool.js';
import { buildRegisterInsertSql, type RegisterEntry } from '../../../core/fleet/register-sql.js';
import { ensureRegister } from '../fleet/register.js';
import { buildCitusTenantSql, type CitusPlacement } from '../../../core/citus/tenant-sql.js';
import { readCitusFacts } from '../citus/citus-target.js';
import { runStatementsOneByOne } from '../citus/run-statements.js';
import { findingsFor, incompatibleError, readReferenceTables, snapshotFindings } from '../citus/compat-check.js';
import type { CitusFinding } from '../../../core/citus/compat-report.js';
import { neverStarted } from '../../../core/provision/cancelled-tenants.js';

/** What a tenant is made from: anything that renders the SQL for one tenant name (a parsed snapshot, a warm cache). */
export interface TenantSource {
  render(tenant: string): string;
  /** Session settings for the SQL (a snapshot header's sessionSettings), applied with SET LOCAL. */
  sessionSettings?: Readonly<Record<string, string>>;
  /** Schemas no tenant may be named (the snapshot's template schema). */
  protectedNames?: readonly string[];
  /**
   * What the tenant register (`_tenantry.tenants`) records for each tenant, in the tenant's own transaction. Every
   * snapshot source has it; a source without it (hand-written SQL in tests) records nothing.
   */
  register?: SourceRegister;
  /** The Citus compatibility findings with the lines of the source's file (a snapshot's); without it, lines of render's SQL. */
  citusFindings?(referenceTables: ReadonlySet<string>): CitusFinding[];
}

/** The snapshot facts a register row holds. */
export type SourceRegister = Omit<RegisterEntry, 'tenant' | 'how'>;

/** A TenantSource for a parsed snapshot; `label` names the snapshot in the register (a file or saved name). */
export function snapshotSource(snapshot: Snapshot, label?: string): TenantSource {
  return {
    render: (tenant) => renderProvisioningSql(snapshot, tenant),
    sessionSettings: snapshot.header.sessionSettings,
    protectedNames: [snapshot.header.schema],
    register: { template: snapshot.header.schema, snapshotChecksum: snapshot.header.checksum, ...(label !== undefined ? { snapshotLabel: label } : {}) },
    citusFindings: (referenceTables) => snapshotFindings(snapshot, referenceTables),
  };
}

export type ProvisionVia = 'driver' | 'psql';

export interface ProvisionerOptions extends BinarySearchOptions {
  via?: ProvisionVia;
  /** Pool size and the default concurrency of provisionMany. Default 4. */
  concurrency?: number;
  /** psql path: per-tenant timeout, default 10 minutes. */
  timeoutMs?: number;
  /** How long a tenant waits for a lock held by another session before it fails (lock_timeout); default 5 s, 0 no limit. */
  lockTimeoutMs?: number;
  /** On a Citus coordinator tenants become distributed schemas; `local` keeps them on the coordinator. No effect elsewhere. */
  citusPlacement?: CitusPlacement;
}

export interface TenantCreated {
  tenant: string;
  elapsedMs: number;
  /** Set when the outcome had to be checked (the connection broke during COMMIT and the catalog shows the tenant). */
  note?: string;
}

/** The warm pool spares a batch may claim: those built from the snapshot with this checksum. */
export interface ClaimSource {
  checksum: string;
  /** The snapshot in the pool's terms (toPoolSnapshot); only called when spares of `checksum` exist. */
  load(): PoolSnapshot;
}

export interface ProvisionManyOptions {
  concurrency?: number;
  /**
   * Claim ready warm-pool spares of this snapshot first (one claim per tenant,
   * FOR UPDATE SKIP LOCKED like every claim) and build the rest; a tenant whose
   * claim fails is built instead. Each created tenant says `via` claimed/built.
   */
  claimFrom?: ClaimSource;
  /** Carry on after a failure (default: stop starting new tenants). */
  continueOnError?: boolean;
  onProgress?: (progress: TenantProgress) => void;
  signal?: AbortSignal;
}

export interface ProvisionSummary extends ProvisionResult {
  exists: number;
  /** Tenants claimed from the warm pool (the others were built). */
  claimed: number;
  /** Tenants never started (stopped after a failure, or cancelled). */
  skipped: number;
}

export interface Provisioner {
  readonly via: ProvisionVia;
  provisionTenant(source: TenantSource, tenant: string, options?: { signal?: AbortSignal }): Promise<TenantCreated>;
  provisionMany(source: TenantSource, tenants: readonly string[], options?: ProvisionManyOptions): Promise<ProvisionSummary>;
  /** The pool the driver path uses (for benchmarks and tests: it is the connection that must stay clean). */
  readonly pool: pg.Pool;
  /** Where tenants go on a Citus coordinator (undefined: the target does not run Citus as a coordinator). */
  citusPlacement(): Promise<CitusPlacement | undefined>;
  close(): Promise<void>;
}

async function acquire(pool: pg.Pool, profile: ConnectionProfile): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (error) {
    throw toConnectionError(error, profile);
  }
}

/** Cancels the statement running on `pid` from a separate connection (what psql does on Ctrl-C). */
async function cancelBackend(profile: ConnectionProfile, pid: number): Promise<void> {
  const canceller = await openClient(profile);
  try {
    await canceller.query('select pg_catalog.pg_cancel_backend($1)', [pid]);
  } finally {
    await canceller.end();
  }
}

const sessionVerdicts = new WeakMap<TenantSource, boolean>();

/** Whether a source's SQL can change session state (checked once per source: rendering only changes names). */
function sourceTouchesSession(source: TenantSource, sql: string): boolean {
  let verdict = sessionVerdicts.get(source);
  if (verdict === undefined) {
    verdict = touchesSessionState(sql);
    sessionVerdicts.set(source, verdict);
  }
  return verdict;
}

/** Creates one tenant on a pooled connection; resolves to a note when the outcome needed checking (a connection lost during COMMIT). */
async function provisionWithDriver(pool: pg.Pool, profile: ConnectionProfile, tenant: string, sql: string, preamble: string, registerSql: string, signal?: AbortSignal, touchesSession = true, lockWatch?: LockWatcher, oneByOne = false): Promise<string | undefined> {
  const client = await acquire(pool, profile);
  let broken: Error | undefined;
  const pid = (client as pg.PoolClient & { processID?: number }).processID;
  const watch = lockWatch && pid ? lockWatch.watch({ pid }) : undefined;
  // Once COMMIT may have reached the server, a lost connection leaves the outcome to the catalog (settleLostTenant).
  let commitMayHaveBeenSent = false;
  const onAbort = () => {
    if (pid) cancelBackend(profile, pid).catch(() => undefined);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal?.aborted) throw notStartedError(tenant);
    if (!touchesSession && !oneByOne) {
      // Fast path: SQL that cannot change session state needs no settings before/after, so guard, SQL and
      // COMMIT go as one simple query, one round trip like the floor. Error positions are moved back onto `sql`.
      const key = randomKey();
      const prologue = `BEGIN;\n${preamble}${buildTransactionMarkSql(key)}\n${buildTenantLockSql(tenant)}\n${buildTenantAbsentCheckSql(tenant)}\n`;
      try {
        commitMayHaveBeenSent = true;
        await client.query(`${prologue}${sql}\n;${registerSql}${buildTransactionCheckSql(key)}\nCOMMIT;`);
      } catch (error) {
        const e = error as { position?: string };
        if (e.position !== undefined) {
          const at = Number(e.position) - Array.from(prologue).length;
          if (at > 0) e.position = String(at);
          else delete e.position;
        }
        throw error;
      }
      return;
    }
    await client.query('BEGIN');
    const key = randomKey();
    await client.query(buildTransactionMarkSql(key));
    const before = await readSessionSettings(client);
    await client.query(preamble);
    await client.query('select pg_catalog.pg_advisory_xact_lock($1, pg_catalog.hashtext($2))', [TENANT_LOCK_CLASS, tenant]);
    const { rowCount } = await client.query('select 1 from pg_catalog.pg_namespace where nspname = $1', [tenant]);
    if (rowCount) throw tenantExistsError(tenant);
    // Citus propagates DDL with the text of the query that ran it: one statement per query (run-statements.ts).
    if (oneByOne) await runStatementsOneByOne(client, sql);
    else await client.query(sql);
    // The body must not have ended the transaction (containment refuses COMMIT/ROLLBACK before anything runs).
    // Asked with a plain query: a DO block would load plpgsql, whose settings would then show on the pooled connection.
    const probe = await client.query<{ same: boolean }>(buildTransactionProbeSql(key));
    if (probe.rows[0]?.same !== true) throw transactionEndedError(tenant);
    await restoreSessionSettings(client, before);
    if (registerSql) await client.query(registerSql);
    commitMayHaveBeenSent = true;
    await client.query('COMMIT');
  } catch (error) {
    try {
      if (!isConnectionLost(error)) await client.query('ROLLBACK');
      else broken = error instanceof Error ? error : new Error(String(error));
    } catch (rollbackError) {
      // The connection is unusable: the pool must not hand it out again.
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    }
    if (isConnectionLost(error)) {
      broken ??= error instanceof Error ? error : new Error(String(error));
      const outcome = await settleLostTenant(profile, { tenant, commitMayHaveBeenSent, cause: error, ...(pid ? { backendPid: pid } : {}) });
      if (outcome.exists) return outcome.note;
      throw outcome.error;
    }
    if ((error as { code?: string }).code === '55P03' && lockWatch) throw lockTimeoutError(tenant, lockWatch, watch?.stop() ?? [], error);
    if (signal?.aborted && (error as { code?: string }).code === '57014') {
      throw new TenantryError('CANCELLED', `Creating tenant "${tenant}" was cancelled and rolled back; nothing was created.`, { cause: error });
    }
    throw toProvisionError(error, tenant, sql, { role: profile.user, database: profile.database });
  } finally {
    watch?.stop();
    signal?.removeEventListener('abort', onAbort);
    client.release(broken);
  }
}

/** Watches tenants' lock waits on one shared monitor connection (see lock-watch.ts). */
interface LockWatcher {
  readonly timeoutMs: number;
  watch(target: WatchTarget): LockWatchHandle;
  close(): Promise<void>;
}

function createLockWatcher(profile: ConnectionProfile, timeoutMs: number): LockWatcher {
  let monitor: Promise<pg.Client> | undefined;
  const connect = () => (monitor ??= openClient(profile).catch((error: unknown) => {
    monitor = undefined;
    throw error;
  }));
  return {
    timeoutMs,
    watch: (target) => watchLockWaits(connect, target, Math.max(50, Math.floor(timeoutMs / 3))),
    async close() {
      const client = await monitor?.catch(() => undefined);
      await client?.end().catch(() => undefined);
    },
  };
}

/** Cancel errors thrown before a tenant's work began (nothing was sent): a batch reports them as not started. */
const NOT_STARTED = new WeakSet<Error>();

function notStartedError(tenant: string): TenantryError {
  const error = new TenantryError('CANCELLED', `Creating tenant "${tenant}" was cancelled before it started.`);
  NOT_STARTED.add(error);
  return error;
}

/** The blockers a LOCK_TIMEOUT error was raised with, so a batch can tell a wait on its own tenants from one on another session. */
const lockTimeoutBlockers = new WeakMap<TenantryError, LockBlocker[]>();

function lockTimeoutError(tenant: string, watcher: LockWatcher, blockers: LockBlocker[], cause: unknown): TenantryError {
  const seconds = watcher.timeoutMs >= 1000 ? `${Math.round(watcher.timeoutMs / 100) / 10} s` : `${watcher.timeoutMs} ms`;
  const error = new TenantryError('LOCK_TIMEOUT', `Creating tenant "${tenant}" waited more than ${seconds} for a lock another session holds, so it was rolled back; nothing was created. ${describeBlockers(blockers)}`, {
    detail: formatPgError(cause),
    cause,
  });
  lockTimeoutBlockers.set(error, blockers);
  return error;
}

/** How often a batch retries a tenant that timed out waiting only for other Tenantry provisioning sessions. */
const SIBLING_WAIT_RETRIES = 20;

/**
 * Whether a tenant timed out waiting only for Tenantry's own provisioning sessions (its siblings in the batch, or
 * another Tenantry run). Tenants that reference one shared object take conflicting locks on it (a foreign key into
 * a shared table takes SHARE ROW EXCLUSIVE on that table), so they queue behind each other; that wait ends when the
 * sibling commits, and is no reason to fail the tenant. lock_timeout still guards against everything else.
 */
export function isWaitOnTenantryOnly(error: unknown): boolean {
  if (!isTenantryError(error) || error.code !== 'LOCK_TIMEOUT') return false;
  const blockers = lockTimeoutBlockers.get(error) ?? [];
  return blockers.length > 0 && blockers.every((b) => b.application.startsWith('tenantry'));
}

/** Provisioning on a Citus worker would make tables the coordinator does not know; it goes through the coordinator. */
function citusWorkerError(version: string | undefined): TenantryError {
  return new TenantryError('CITUS_WORKER_NODE', `This database is a Citus ${version ?? ''} worker node; tenants are provisioned through the coordinator. Connect to the coordinator and try again.`.replace('  ', ' '));
}

/** psql exits with status 2 when the connection to the server went bad (psql(1), "Exit Status"). */
function isPsqlConnectionLost(error: unknown): boolean {
  if (!isTenantryError(error) || error.code !== 'PSQL_FAILED') return false;
  return (error.cause as { exitCode?: number } | undefined)?.exitCode === 2 || isConnectionLost({ message: error.detail ?? '' });
}

/** Creates a provisioner for one database; call close() when done. */
export async function createProvisioner(profile: ConnectionProfile, options: ProvisionerOptions = {}): Promise<Provisioner> {
  const via = options.via ?? 'driver';
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const pool = await createPool(profile, concurrency);
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const lockWatcher = lockTimeoutMs > 0 ? createLockWatcher(profile, lockTimeoutMs) : undefined;
  let psql: Promise<{ path: string; version: PgVersion }> | undefined;
  let serverVersion: Promise<PgVersion> | undefined;
  let limitsSql: string | undefined;
  let citus: Promise<CitusPlacement | undefined> | undefined;
  /** Per source: the compatibility check's outcome (distributed placement only). */
  const compatible = new WeakMap<TenantSource, Promise<void>>();

  /** Refuses, before any work, a source holding what Citus refuses in a distributed schema (CITUS_INCOMPATIBLE). */
  async function checkCitusCompatible(source: TenantSource): Promise<void> {
    if ((await citusPlacement()) !== 'distributed') return;
    let check = compatible.get(source);
    if (!check) {
      check = (async () => {
        const referenceTables = await readReferenceTables(pool);
        const error = incompatibleError(source.citusFindings?.(referenceTables) ?? findingsFor((t) => source.render(t), referenceTables));
        if (error) throw error;
      })();
      compatible.set(source, check);
    }
    await check;
  }

  /** Where tenants go on this target: undefined unless it is a Citus coordinator (read once). */
  async function citusPlacement(): Promise<CitusPlacement | undefined> {
    citus ??= (async () => {
      const facts = await readCitusFacts(pool, profile);
      if (!facts.installed) return undefined;
      if (facts.role !== 'coordinator') throw citusWorkerError(facts.version);
      return options.citusPlacement ?? 'distributed';
    })();
    try {
      return await citus;
    } catch (error) {
      citus = undefined;
      throw error;
    }
  }

  async function readVersionOnce(): Promise<PgVersion> {
    serverVersion ??= (async () => {
      const client = await acquire(pool, profile);
      try {
        return await readServerVersion(client);
      } finally {
        client.release();
      }
    })();
    try {
      return await serverVersion;
    } catch (error) {
      serverVersion = undefined;
      throw error;
    }
  }

  /** lock_timeout and client_connection_check_interval for every tenant (the latter where the server has it). */
  async function provisionLimits(): Promise<string> {
    limitsSql ??= buildProvisionLimitsSql({ lockTimeoutMs, serverMajor: (await readVersionOnce()).major });
    return limitsSql;
  }

  async function findPsql(): Promise<{ path: string; version: PgVersion }> {
    psql ??= (async () => resolveClientBinary('psql', await readVersionOnce(), options))();
    try {
      return await psql;
    } catch (error) {
      psql = undefined;
      throw error;
    }
  }

  async function provisionTenant(source: TenantSource, tenant: string, runOptions: { signal?: AbortSignal } = {}): Promise<TenantCreated> {
    const started = performance.now();
    validateTenantName(tenant, { protectedNames: source.protectedNames ?? [] });
    const placement = await citusPlacement();
    await checkCitusCompatible(source);
    const rendered = source.render(tenant);
    const sql = placement ? buildCitusTenantSql(rendered, placement) : rendered;
    const preamble = buildSessionPreamble(source.sessionSettings) + (await provisionLimits());
    // The register row goes in the tenant's transaction: both exist afterwards or neither does.
    if (source.register) await ensureRegister(pool);
    const registerSql = source.register ? `${buildRegisterInsertSql({ ...source.register, tenant, how: 'built' })};\n` : '';
    if (runOptions.signal?.aborted) throw notStartedError(tenant);
    let note: string | undefined;
    if (via === 'driver') {
      note = await provisionWithDriver(pool, profile, tenant, sql, preamble, registerSql, runOptions.signal, sourceTouchesSession(source, sql), lockWatcher, placement !== undefined);
    } else {
      const binary = await findPsql();
      // The psql session's pid is unknown here; a unique application_name for the transaction lets the lock watch find it.
      const applicationName = `tenantry provision ${randomBytes(6).toString('hex')}`;
      const watch = lockWatcher?.watch({ applicationName });
      try {
        await runClientTool({
          binary: binary.path,
          libpqMajor: binary.version.major,
          args: ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '--no-password', '-f', '-'],
          profile,
          input: buildPsqlTenantScript(tenant, sql, `${preamble}SET LOCAL application_name = '${applicationName}';\n`, { transactionKey: randomKey(), afterBody: registerSql, ...(psqlHasRestrict(binary.version.text) ? { restrictKey: randomKey() } : {}) }),
          ...(runOptions.signal ? { signal: runOptions.signal } : {}),
          timeoutMs: options.timeoutMs ?? 600_000,
          failureCode: 'PSQL_FAILED',
          failureMessage: `psql ${binary.version.text} (${binary.path}) failed to create tenant "${tenant}"`,
          ...(options.env ? { baseEnv: options.env } : {}),
        });
      } catch (error) {
        const blockers = watch?.stop() ?? [];
        if (lockWatcher && isTenantryError(error) && error.code === 'PSQL_FAILED' && /lock timeout/.test(error.detail ?? '')) throw lockTimeoutError(tenant, lockWatcher, blockers, error);
        if (!isPsqlConnectionLost(error)) throw toPsqlProvisionError(error, tenant, { role: profile.user, database: profile.database });
        // psql sends COMMIT itself at the end of the script: whether it got there only the catalog can say (after its
        // backend, found by the transaction's application_name, is gone: it may be finishing that COMMIT right now).
        const outcome = await settleLostTenant(profile, { tenant, commitMayHaveBeenSent: true, cause: error, backendApplicationName: applicationName });
        if (!outcome.exists) throw outcome.error;
        note = outcome.note;
      } finally {
        watch?.stop();
      }
    }
    return { tenant, elapsedMs: Math.round(performance.now() - started), ...(note !== undefined ? { note } : {}) };
  }

  async function provisionMany(source: TenantSource, tenants: readonly string[], many: ProvisionManyOptions = {}): Promise<ProvisionSummary> {
    const started = performance.now();
    let stop = false;
    // On a Citus coordinator: what Citus refuses stops the batch before its first tenant.
    if (tenants.length > 0) await checkCitusCompatible(source);
    // Lock budget: cap concurrency to what the server's lock table holds; LOCK_TABLE_TOO_SMALL before starting when one tenant cannot fit.
    const locks = tenants.length > 0 ? await planProvisionLocks(pool, () => source.render('tenantry_lock_probe'), many.concurrency ?? concurrency, source) : undefined;
    // Warm pool spares of this snapshot go first; the count only decides whether to try (claims are SKIP LOCKED).
    const claimFrom = many.claimFrom;
    // On a Citus coordinator only spares placed as this batch places tenants (--local: on the coordinator) are claimed.
    const placement = claimFrom && tenants.length > 0 ? await citusPlacement() : undefined;
    let spares = claimFrom && tenants.length > 0 ? await countReadySpares(pool, claimFrom.checksum, placement) : 0;
    let poolSnapshot: PoolSnapshot | undefined;
    /** The tenant claimed from a spare, or undefined when it has to be built (no spare left, or the claim failed). */
    async function tryClaim(tenant: string): Promise<TenantProgress | undefined> {
      if (!claimFrom || spares <= 0 || many.signal?.aborted) return undefined;
      spares--;
      const t0 = performance.now();
      try {
        poolSnapshot ??= claimFrom.load();
        await claimSpare(pool, poolSnapshot, tenant, placement !== undefined ? { placement } : {});
        return { tenant, status: 'created', elapsedMs: Math.round(performance.now() - t0), via: 'claimed' };
      } catch (error) {
        // TENANT_EXISTS: building would say the same; anything else: nothing was created, so build it instead.
        if (isTenantryError(error) && error.code === 'TENANT_EXISTS') throw error;
        if (isTenantryError(error) && error.code === 'POOL_EMPTY') spares = 0;
        return undefined;
      }
    }
    /** provisionTenant, retried (it rolled back) while it times out behind other Tenantry provisioning sessions only. */
    async function provisionWaitingForSiblings(tenant: string): Promise<TenantCreated> {
      for (let attempt = 1; ; attempt++) {
        try {
          return await provisionTenant(source, tenant, many.signal ? { signal: many.signal } : {});
        } catch (error) {
          if (attempt > SIBLING_WAIT_RETRIES || !isWaitOnTenantryOnly(error) || many.signal?.aborted) throw error;
          await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 50 * 2 ** attempt) * (0.5 + Math.random())));
        }
      }
    }
    const outcomes = await runQueue(
      tenants,
      async (tenant): Promise<TenantProgress> => {
        many.onProgress?.({ tenant, status: 'running' });
        const t0 = performance.now();
        let progress: TenantProgress;
        try {
          const claimed = await tryClaim(tenant);
          if (claimed) progress = claimed;
          else {
            const created = await provisionWaitingForSiblings(tenant);
            progress = { tenant, status: 'created', elapsedMs: claimFrom ? Math.round(performance.now() - t0) : created.elapsedMs, ...(claimFrom ? { via: 'built' as const } : {}), ...(created.note !== undefined ? { note: created.note } : {}) };
          }
        } catch (error) {
          const info = isTenantryError(error) ? error.toInfo() : { code: 'INTERNAL' as const, userMessage: String(error) };
          const status = info.code === 'TENANT_EXISTS' ? 'exists' : info.code === 'CANCELLED' ? 'cancelled' : 'failed';
          if (status !== 'exists' && !many.continueOnError) stop = true;
          // Cancelled before any of its work began: "not started", like the tenants the queue never reached; a
          // cancelled tenant with an error was under way and rolled back.
          progress = error instanceof Error && NOT_STARTED.has(error) ? { tenant, status: 'cancelled' } : { tenant, status, elapsedMs: Math.round(performance.now() - t0), error: info };
        }
        many.onProgress?.(progress);
        return progress;
      },
      { concurrency: locks?.concurrency ?? many.concurrency ?? concurrency, shouldStop: () => stop || (many.signal?.aborted ?? false) },
    );
    const results: TenantProgress[] = outcomes.map((o, i) => o ?? { tenant: tenants[i] ?? '', status: 'cancelled' });
    return {
      tenants: results,
      created: results.filter((r) => r.status === 'created').length,
      failed: results.filter((r) => r.status === 'failed').length,
      exists: results.filter((r) => r.status === 'exists').length,
      claimed: results.filter((r) => r.via === 'claimed').length,
      skipped: results.filter(neverStarted).length,
      elapsedMs: Math.round(performance.now() - started),
    };
  }

  return {
    via,
    pool,
    citusPlacement,
    provisionTenant,
    provisionMany,
    async close() {
      await lockWatcher?.close();
      await pool.end();
    },
  };
}
