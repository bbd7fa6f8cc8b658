/**
 * Rollout bookkeeping in `_tenantry` (core/migrate/rollout-sql.ts): creating a
 * rollout with its tenants, reading it back for resume and status, reading
 * which versions tenants already have, and recording skips and failures.
 * The 'done' mark is not written here: the record that commits with the
 * tenant's migration makes it done, and readers see it so (the runner writes
 * the mark itself in batches, runner-session.ts).
 */
import type pg from 'pg';
import { TenantryError } from '../../../core/errors.js';
import type { MigrationPlan } from '../../../core/migrate/plan-migration.js';
import { ALREADY_APPLIED_MARKER, APPLIED_TABLE, applicationName, type AppliedVersion, buildCloseTenantSql, buildEffectiveStatusSql, buildOpenTenantSql, LEDGER_TENANT_FUNCTION, OPEN_TENANT_FUNCTION, textArraySql, ROLLOUT_FUNCTIONS_SQL, ROLLOUT_TABLES_SQL, type RolloutState, ROLLOUT_TENANTS_FILLFACTOR, ROLLOUT_TENANTS_TABLE, ROLLOUTS_TABLE, type LedgerTarget } from '../../../core/migrate/rollout-sql.js';
import { quoteIdentifier, quoteLiteral } from '../../../core/sql/quote.js';
import { ensurePoolSchema } from '../pool/warm-pool.js';

/** What a rollout was started with (stored with it, so resume runs it the same way). */
export interface RolloutSettings {
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  retries: number;
  concurrency: number;
  canary: number;
  continueOnError: boolean;
  ledger?: LedgerTarget;
}

export type TenantStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed';

export interface RolloutTenantRow {
  tenant: string;
  position: number;
  isTemplate: boolean;
  status: TenantStatus;
  attempts: number;
  versionsDone: number;
  sqlstate: string | null;
  error: string | null;
  errorFile: string | null;
  errorLine: number | null;
  statement: string | null;
  blockingPid: number | null;
  blockingQuery: string | null;
  durationMs: number | null;
}

export interface StoredRollout {
  id: string;
  template: string;
  plan: MigrationPlan;
  settings: RolloutSettings;
  createdAt: Date;
  createdBy: string;
  tenants: RolloutTenantRow[];
  /** 'interrupted': recorded 'running' but no process runs it any more (it was killed, or the server restarted). */
  state: RolloutState;
  /** The process that ran it last (`host pid N`), and when the state was written. */
  runner: string | null;
  stateAt: Date | null;
  /** Processes running it right now (their runner sessions). */
  runners: number;
}

/** The state a reader should see: 'running' with no runner session left is 'interrupted'. */
function effectiveState(stored: string, runners: number): RolloutState {
  if (stored === 'running' && runners === 0) return 'interrupted';
  return stored === 'running' || stored === 'finished' || stored === 'stopped' ? stored : 'recorded';
}

const RUNNERS_SQL = (idSql: string) => `(SELECT count(*)::int FROM pg_catalog.pg_stat_activity a WHERE a.application_name = 'tenantry migrate ' || ${idSql} || ' runner')`;

/** Creates the bookkeeping schema (with the warm pool's, which withholds it from other roles), the rollout tables and functions. */
export async function ensureRolloutSchema(db: pg.Pool): Promise<void> {
  // The newest column and the functions stand for the whole shape: a database with older tables gets the new columns.
  const present = await db.query<{ ok: boolean }>(
    `SELECT pg_catalog.to_regclass(${quoteLiteral(APPLIED_TABLE)}) IS NOT NULL AND pg_catalog.to_regclass(${quoteLiteral(ROLLOUT_TENANTS_TABLE)}) IS NOT NULL
        AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = pg_catalog.to_regclass(${quoteLiteral(ROLLOUTS_TABLE)}) AND attname = 'state_at' AND NOT attisdropped)
        AND pg_catalog.to_regprocedure(${quoteLiteral(OPEN_TENANT_FUNCTION)}) IS NOT NULL AND pg_catalog.to_regprocedure(${quoteLiteral(LEDGER_TENANT_FUNCTION)}) IS NOT NULL
        AND EXISTS (SELECT 1 FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass(${quoteLiteral(ROLLOUT_TENANTS_TABLE)}) AND reloptions @> ARRAY[${quoteLiteral(ROLLOUT_TENANTS_FILLFACTOR)}]) AS ok`,
  );
  if (present.rows[0]?.ok === true) return;
  await ensurePoolSchema(db);
  const client = await db.connect();
  let broken = false;
  try {
    await client.query(`BEGIN;\nSELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('tenantry:rollout-schema', 0));\n${ROLLOUT_TABLES_SQL}\n${ROLLOUT_FUNCTIONS_SQL}\nCOMMIT;`);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw new TenantryError('PG_QUERY_FAILED', 'Creating the rollout bookkeeping tables in _tenantry failed. The role needs CREATE on the database (and to own _tenantry when it exists).', { detail: (error as Error).message, cause: error });
  } finally {
    client.release(broken ? true : undefined);
  }
}

/** A new rollout id: UTC time and a random suffix (`20261206-081502-3fa1`). */
export function newRolloutId(now = new Date(), random = Math.random): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${Math.floor(random() * 0x10000).toString(16).padStart(4, '0')}`;
}

/**
 * Records a rollout and its tenants (the template first when it takes part) and returns it as stored. A tenant that
 * Tenantry's record shows at every version already is recorded 'skipped' right away, in the same statement (one
 * query finds what is pending); the application's ledger is read when the rollout runs.
 */
export async function createRollout(db: pg.Pool, input: { id: string; plan: MigrationPlan; settings: RolloutSettings; tenants: readonly string[]; includeTemplate: boolean }): Promise<StoredRollout> {
  const client = await db.connect();
  try {
    const names = [...(input.includeTemplate ? [input.plan.template] : []), ...input.tenants];
    const versions = input.plan.versions.map((v) => v.version);
    // One message: the rollout, its tenants, the commit.
    const results = (await client.query(
      `BEGIN;
INSERT INTO ${ROLLOUTS_TABLE} (id, template, plan_checksum, plan, options) VALUES (${quoteLiteral(input.id)}, ${quoteLiteral(input.plan.template)}, ${quoteLiteral(input.plan.checksum)}, ${quoteLiteral(JSON.stringify(input.plan))}::jsonb, ${quoteLiteral(JSON.stringify(input.settings))}::jsonb) RETURNING created_at, created_by::text;
INSERT INTO ${ROLLOUT_TENANTS_TABLE} (rollout_id, tenant, position, is_template, status)
SELECT ${quoteLiteral(input.id)}, t.name, t.ord::integer, t.name = ${quoteLiteral(input.plan.template)} AND ${input.includeTemplate ? 'true' : 'false'},
       CASE WHEN (SELECT count(*) FROM ${APPLIED_TABLE} a WHERE a.tenant = t.name AND a.version = ANY (${textArraySql(versions)})) = ${versions.length} THEN 'skipped' ELSE 'pending' END
  FROM pg_catalog.unnest(${textArraySql(names)}) WITH ORDINALITY AS t (name, ord)
RETURNING *;
COMMIT;`,
    )) as unknown as pg.QueryResult[];
    const created = results[1]?.rows[0] as { created_at: Date; created_by: string };
    const tenants = ((results[2]?.rows ?? []) as TenantRowSql[]).map(toTenantRow);
    return { id: input.id, template: input.plan.template, plan: input.plan, settings: input.settings, createdAt: created.created_at, createdBy: created.created_by, tenants, state: 'recorded', runner: null, stateAt: null, runners: 0 };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

interface TenantRowSql {
  tenant: string;
  position: number;
  is_template: boolean;
  status: TenantStatus;
  attempts: number;
  versions_done: number;
  sqlstate: string | null;
  error: string | null;
  error_file: string | null;
  error_line: number | null;
  statement: string | null;
  blocking_pid: number | null;
  blocking_query: string | null;
  duration_ms: number | null;
  /** The status as readers see it (buildEffectiveStatusSql), where the query reads it. */
  effective_status?: TenantStatus;
}

function toTenantRow(r: TenantRowSql): RolloutTenantRow {
  return {
    tenant: r.tenant,
    position: r.position,
    isTemplate: r.is_template,
    status: r.effective_status ?? r.status,
    attempts: r.attempts,
    versionsDone: r.versions_done,
    sqlstate: r.sqlstate,
    error: r.error,
    errorFile: r.error_file,
    errorLine: r.error_line,
    statement: r.statement,
    blockingPid: r.blocking_pid,
    blockingQuery: r.blocking_query,
    durationMs: r.duration_ms,
  };
}

/** The rollout and its tenants; ROLLOUT_NOT_FOUND when there is none of that id. */
export async function loadRollout(db: pg.Pool, id: string): Promise<StoredRollout> {
  const exists = await db.query<{ ok: boolean }>(`SELECT pg_catalog.to_regclass(${quoteLiteral(ROLLOUTS_TABLE)}) IS NOT NULL AS ok`);
  const { rows } =
    exists.rows[0]?.ok === true
      ? await db.query<{ id: string; template: string; plan: MigrationPlan; options: RolloutSettings; created_at: Date; created_by: string; state: string; runner: string | null; state_at: Date | null; runners: number }>(
          `SELECT id, template, plan, options, created_at, created_by, to_jsonb(r) ->> 'state' AS state, to_jsonb(r) ->> 'runner' AS runner, (to_jsonb(r) ->> 'state_at')::timestamptz AS state_at, ${RUNNERS_SQL('r.id')} AS runners
             FROM ${ROLLOUTS_TABLE} r WHERE id = $1`,
          [id],
        )
      : { rows: [] };
  const row = rows[0];
  if (row === undefined) throw new TenantryError('ROLLOUT_NOT_FOUND', `This database has no rollout ${JSON.stringify(id)}. \`tenantry migrate status\` lists the rollouts it has.`);
  const last = row.plan.versions[row.plan.versions.length - 1]?.version ?? '';
  const tenants = await db.query<TenantRowSql>(`SELECT t.*, ${buildEffectiveStatusSql('t', '$2')} AS effective_status FROM ${ROLLOUT_TENANTS_TABLE} t WHERE t.rollout_id = $1 ORDER BY t.position`, [id, last]);
  return {
    id: row.id,
    template: row.template,
    plan: row.plan,
    settings: row.options,
    createdAt: row.created_at,
    createdBy: row.created_by,
    tenants: tenants.rows.map(toTenantRow),
    state: effectiveState(row.state, row.runners),
    runner: row.runner,
    stateAt: row.state_at,
    runners: row.runners,
  };
}

export interface RolloutSummary {
  id: string;
  template: string;
  createdAt: Date;
  createdBy: string;
  versions: string[];
  counts: Record<TenantStatus, number>;
  /** Sessions of this rollout migrating a tenant right now (any operator's). */
  activeSessions: number;
  /** As StoredRollout.state. */
  state: RolloutState;
  runner: string | null;
}

/** Every rollout of the database (newest first) with its tenants counted by status. */
export async function listRollouts(db: pg.Pool): Promise<RolloutSummary[]> {
  const exists = await db.query<{ ok: boolean }>(`SELECT pg_catalog.to_regclass(${quoteLiteral(ROLLOUT_TENANTS_TABLE)}) IS NOT NULL AS ok`);
  if (exists.rows[0]?.ok !== true) return [];
  const { rows } = await db.query<{ id: string; template: string; created_at: Date; created_by: string; versions: string[]; counts: Record<string, number> | null; active: number; state: string; runner: string | null; runners: number }>(
    `SELECT r.id, r.template, r.created_at, r.created_by, to_jsonb(r) ->> 'state' AS state, to_jsonb(r) ->> 'runner' AS runner, ${RUNNERS_SQL('r.id')} AS runners,
            ARRAY(SELECT v ->> 'version' FROM pg_catalog.jsonb_array_elements(r.plan -> 'versions') v) AS versions,
            (SELECT pg_catalog.jsonb_object_agg(s.status, s.n) FROM (SELECT ${buildEffectiveStatusSql('t', "(r.plan -> 'versions' -> -1 ->> 'version')")} AS status, count(*)::int AS n FROM ${ROLLOUT_TENANTS_TABLE} t WHERE t.rollout_id = r.id GROUP BY 1) s) AS counts,
            (SELECT count(*)::int FROM pg_catalog.pg_stat_activity a WHERE a.application_name = 'tenantry migrate ' || r.id AND a.state <> 'idle') AS active
       FROM ${ROLLOUTS_TABLE} r ORDER BY r.created_at DESC, r.id DESC`,
  );
  return rows.map((r) => ({
    id: r.id,
    template: r.template,
    createdAt: r.created_at,
    createdBy: r.created_by,
    versions: r.versions,
    counts: { pending: 0, running: 0, done: 0, skipped: 0, failed: 0, ...(r.counts ?? {}) },
    activeSessions: r.active,
    state: effectiveState(r.state, r.runners),
    runner: r.runner,
  }));
}

/** How many of the rollout's sessions are in a transaction right now (its tenants being migrated). */
export async function countActiveSessions(db: pg.Pool, id: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_catalog.pg_stat_activity WHERE application_name = $1 AND state <> 'idle'`, [applicationName(id)]);
  return rows[0]?.n ?? 0;
}

/**
 * Which of `versions` each tenant already has: recorded by a rollout, or in the application's ledger.
 * One query for the record and one per 200 tenants for the ledger (a no-op rollout of 1,000 tenants is a few round trips).
 */
export async function readAppliedVersions(db: pg.Pool, tenants: readonly string[], versions: readonly string[], ledger?: LedgerTarget): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const add = (tenant: string, version: string): void => {
    let set = out.get(tenant);
    if (set === undefined) out.set(tenant, (set = new Set()));
    set.add(version);
  };
  const recorded = await db.query<{ tenant: string; version: string }>(`SELECT tenant::text, version FROM ${APPLIED_TABLE} WHERE tenant = ANY ($1::text[]) AND version = ANY ($2::text[])`, [tenants, versions]);
  for (const r of recorded.rows) add(r.tenant, r.version);
  if (ledger === undefined) return out;
  const withLedger = await db.query<{ nspname: string }>(
    `SELECT n.nspname::text FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = $1 AND c.relkind IN ('r', 'p') AND n.nspname = ANY ($2::text[])
        AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attname = $3 AND NOT a.attisdropped)`,
    [ledger.table, tenants, ledger.column],
  );
  const names = withLedger.rows.map((r) => r.nspname);
  for (let i = 0; i < names.length; i += 200) {
    const chunk = names.slice(i, i + 200);
    const union = chunk
      .map((t) => `SELECT ${quoteLiteral(t)} AS tenant, l.${quoteIdentifier(ledger.column)}::text AS version FROM ${quoteIdentifier(t)}.${quoteIdentifier(ledger.table)} l WHERE l.${quoteIdentifier(ledger.column)}::text = ANY ($1::text[])`)
      .join('\nUNION ALL\n');
    const { rows } = await db.query<{ tenant: string; version: string }>(union, [versions]);
    for (const r of rows) add(r.tenant, r.version);
  }
  return out;
}

/** Marks tenants skipped (already at the target), unless a run already marked them done. */
export async function markSkipped(db: pg.Pool, id: string, tenants: readonly string[]): Promise<void> {
  if (tenants.length === 0) return;
  await db.query(`UPDATE ${ROLLOUT_TENANTS_TABLE} SET status = 'skipped', updated_at = pg_catalog.clock_timestamp() WHERE rollout_id = $1 AND tenant = ANY ($2::text[]) AND status <> 'done'`, [id, tenants]);
}

/**
 * Leaves failed tenants out of a rollout ("skip" in the app): recorded 'skipped' with their error kept, prefixed with
 * who left them out, so resume passes them by; they stay at the old version (the refresh does not count them as
 * migrated: they have no record of the versions). Returns the tenants changed (failed ones only).
 */
export async function skipFailed(db: pg.Pool, id: string, tenants: readonly string[]): Promise<string[]> {
  if (tenants.length === 0) return [];
  const { rows } = await db.query<{ tenant: string }>(
    `UPDATE ${ROLLOUT_TENANTS_TABLE} SET status = 'skipped', error = 'Left out by ' || current_user || ' after: ' || coalesce(error, 'a failure'), updated_at = pg_catalog.clock_timestamp()
      WHERE rollout_id = $1 AND tenant = ANY ($2::text[]) AND status = 'failed' RETURNING tenant::text`,
    [id, tenants],
  );
  return rows.map((r) => r.tenant);
}

export interface TenantFailure {
  status: 'failed' | 'pending';
  sqlstate?: string;
  error: string;
  file?: string;
  line?: number;
  statement?: string;
  blockingPid?: number;
  blockingQuery?: string;
  durationMs: number;
}

/** Records a failed attempt (status 'pending' when it will be retried). */
export async function recordFailure(db: pg.Pool, id: string, tenant: string, f: TenantFailure): Promise<void> {
  await db.query(
    `UPDATE ${ROLLOUT_TENANTS_TABLE} SET status = $3, attempts = attempts + 1, sqlstate = $4, error = $5, error_file = $6, error_line = $7, statement = $8, blocking_pid = $9, blocking_query = $10, duration_ms = $11, updated_at = pg_catalog.clock_timestamp()
      WHERE rollout_id = $1 AND tenant = $2 AND status <> 'done'`,
    [id, tenant, f.status, f.sqlstate ?? null, f.error, f.file ?? null, f.line ?? null, f.statement ?? null, f.blockingPid ?? null, f.blockingQuery ?? null, Math.round(f.durationMs)],
  );
}

/**
 * Records `versions` as applied to a schema that was found to have them already (the template, by fingerprint:
 * template-check.ts) and marks its row skipped: under its advisory lock, with the guard, the record and the ledger
 * row written as a migration would, in one transaction. False when a record appeared meanwhile (another run).
 */
export async function recordFoundApplied(db: pg.Pool, input: { rolloutId: string; schema: string; versions: readonly AppliedVersion[]; lockTimeoutMs: number; ledger?: LedgerTarget }): Promise<boolean> {
  const client = await db.connect();
  let broken = false;
  try {
    await client.query(
      `BEGIN;\n${buildOpenTenantSql(input.rolloutId, input.schema, input.versions, input.lockTimeoutMs, input.ledger)}\n${buildCloseTenantSql(input.schema, input.versions, input.ledger)}\n` +
        `UPDATE ${ROLLOUT_TENANTS_TABLE} SET status = 'skipped', attempts = attempts + 1, updated_at = pg_catalog.clock_timestamp() WHERE rollout_id = ${quoteLiteral(input.rolloutId)} AND tenant = ${quoteLiteral(input.schema)};\nCOMMIT;`,
    );
    return true;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    if (String((error as Error).message).startsWith(ALREADY_APPLIED_MARKER)) return false;
    throw error;
  } finally {
    client.release(broken || undefined);
  }
}
