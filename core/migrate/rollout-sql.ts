/**
 * The SQL of a rollout's bookkeeping, in Tenantry's schema `_tenantry` (next
 * to the warm pool's tables):
 *
 * - `rollouts`: one row per rollout, with its whole plan (so `tenantry migrate
 *   resume ID` needs nothing but the database) and options, and its state:
 *   'recorded', 'running' while a process runs it (which process: `runner`),
 *   'finished' or 'stopped'. A process that dies leaves 'running' behind; its
 *   sessions (application_name, see applicationName) are gone then, which is
 *   how status tells an interrupted rollout from a running one.
 * - `rollout_tenants`: one row per tenant of a rollout: pending, running (a
 *   transaction is migrating it now; written in batches, see
 *   buildMarkRunningSql), done (written in batches too, buildMarkDoneSql; the
 *   record below is what makes a tenant done, buildEffectiveStatusSql), skipped
 *   or failed, attempts, the last error with its SQLSTATE, file and line, the
 *   blocking process of a lock timeout, and the duration.
 * - `migrations_applied`: (tenant, version, rollout) for every version applied
 *   by any rollout. It is written in the tenant's own transaction, together
 *   with the application's ledger row, so after any crash the two agree with
 *   the catalog; a version recorded here (or in the ledger) is never applied
 *   again.
 */
import { quoteIdentifier, quoteLiteral } from '../sql/quote.js';
import { TENANT_LOCK_CLASS } from '../provision/tenant-guard.js';
import { POOL_SCHEMA } from '../pool/spare-name.js';

const S = quoteIdentifier(POOL_SCHEMA);
export const ROLLOUTS_TABLE = `${S}.rollouts`;
export const ROLLOUT_TENANTS_TABLE = `${S}.rollout_tenants`;
export const APPLIED_TABLE = `${S}.migrations_applied`;

/**
 * Room left on rollout_tenants' pages when rows are inserted: the runner's marks ('running', then 'done') update each
 * row after it is recorded, and with room on its page an update is HOT (no new entry in the primary key's index, a
 * dead version the next visit of the page prunes) rather than a new row version elsewhere with its index entry, which
 * the mark's statement writes and the vacuum afterwards removes (issue 15, bookkeeping <= 5 %: marking 200 rows done
 * 5.6 -> 3.7 ms of backend CPU, their vacuum 2.3 -> 0.5 ms beside its scan of pg_class; medians of 9, load 2.5).
 */
export const ROLLOUT_TENANTS_FILLFACTOR = 'fillfactor=50';

/** Message prefixes the guard raises; the runner recognises them. */
export const ALREADY_APPLIED_MARKER = 'tenantry: migration already applied to';
export const TENANT_MISSING_MARKER = 'tenantry: tenant schema does not exist:';

/** The tables (created when missing, inside the caller's transaction). */
export const ROLLOUT_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS ${ROLLOUTS_TABLE} (
  id text PRIMARY KEY,
  template name NOT NULL,
  plan_checksum text NOT NULL,
  plan jsonb NOT NULL,
  options jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
  created_by name NOT NULL DEFAULT CURRENT_USER
);
ALTER TABLE ${ROLLOUTS_TABLE} ADD COLUMN IF NOT EXISTS state text NOT NULL DEFAULT 'recorded',
  ADD COLUMN IF NOT EXISTS runner text,
  ADD COLUMN IF NOT EXISTS state_at timestamptz;
CREATE TABLE IF NOT EXISTS ${ROLLOUT_TENANTS_TABLE} (
  rollout_id text NOT NULL REFERENCES ${ROLLOUTS_TABLE} (id) ON DELETE CASCADE,
  tenant name NOT NULL,
  position integer NOT NULL,
  is_template boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'skipped', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  versions_done integer NOT NULL DEFAULT 0,
  sqlstate text,
  error text,
  error_file text,
  error_line integer,
  statement text,
  blocking_pid integer,
  blocking_query text,
  duration_ms integer,
  updated_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
  PRIMARY KEY (rollout_id, tenant)
);
ALTER TABLE ${ROLLOUT_TENANTS_TABLE} SET (${ROLLOUT_TENANTS_FILLFACTOR});
CREATE TABLE IF NOT EXISTS ${APPLIED_TABLE} (
  tenant name NOT NULL,
  version text NOT NULL,
  checksum text NOT NULL,
  file text NOT NULL,
  rollout_id text,
  applied_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
  PRIMARY KEY (tenant, version)
);
`;

/** The application's own migration ledger in each tenant, e.g. `schema_migrations (version)`. */
export interface LedgerTarget {
  table: string;
  column: string;
}

/** Parses `--ledger TABLE[(COLUMN)]` (default column `version`); undefined when malformed. */
export function parseLedgerTarget(text: string): LedgerTarget | undefined {
  const m = /^([A-Za-z_][A-Za-z0-9_$]*)(?:\(([A-Za-z_][A-Za-z0-9_$]*)\))?$/.exec(text.trim());
  if (m === null) return undefined;
  return { table: m[1] as string, column: m[2] ?? 'version' };
}

export interface AppliedVersion {
  version: string;
  checksum: string;
  file: string;
}

/** `ARRAY['a', 'b']::text[]`: values written into SQL that is sent as one message (no parameters there). */
export function textArraySql(values: readonly string[]): string {
  return `ARRAY[${values.map(quoteLiteral).join(', ')}]::text[]`;
}

function versionArray(versions: readonly AppliedVersion[]): string {
  return textArraySql(versions.map((v) => v.version));
}

/** The functions a tenant's transaction calls (ROLLOUT_FUNCTIONS_SQL); their signatures, for to_regprocedure. */
export const OPEN_TENANT_FUNCTION = `${S}.rollout_tenant_open(text, text, text[], text[], text[], text, text, text, text)`;
/** The open function before search_path became a parameter (processes of the previous version call it). */
const OPEN_TENANT_FUNCTION_8 = `${S}.rollout_tenant_open(text, text, text[], text[], text[], text, text, text)`;
export const LEDGER_TENANT_FUNCTION = `${S}.rollout_tenant_ledger(text, text[], text, text)`;

/**
 * The bookkeeping of a tenant's transaction is one statement before the migration (and one after it only when an
 * application ledger is configured), a function whose plans the server keeps per connection (issue 15: bookkeeping
 * <= 5 % of a rollout; a DO block or plain statements would be parsed and planned afresh for every tenant).
 *
 * rollout_tenant_open: the transaction's settings (lock_timeout per lock wait, the rollout's application_name) and
 * the tenant's advisory lock (the same key provisioning and drop take: one tenant at a time, never the whole
 * database) in one statement; then the versions recorded as applied (migrations_applied), written first because its
 * primary key is the guard: a version recorded already (a second operator running the same rollout waits for the
 * lock, then finds the rows) or a schema that does not exist leaves fewer rows than versions, and the function raises
 * (the markers below), rolling the transaction back before the migration runs. The application's ledger is checked
 * too when configured. Last, search_path (p_search_path: the tenant's schema and public, as the frameworks' loops set
 * it, so that unqualified names in a migration mean the tenant's objects; NULL leaves the session's, when the runner
 * found the migration needs no path, core/migrate/plan-search-path.ts): set last, because the cached plans of the
 * statements above were made with the session's own search_path, and a different one would make the server plan them
 * again for every tenant. Every
 * name inside is schema-qualified, and the function has no SET clause: that would undo the transaction-local
 * settings when it returns. The record commits with the migration or not at all.
 *
 * rollout_tenant_ledger: the application's ledger row, after the migration (a migration may create the ledger table).
 *
 * The tenant's row in rollout_tenants is not written in its transaction: 'done' follows from the record (a tenant
 * whose last version this rollout recorded is done; buildEffectiveStatusSql), and the runner writes the mark, the
 * attempt and the duration for finished tenants in batches (runner-session.ts). An update of that row in every
 * tenant's transaction cost more server CPU than everything else of the bookkeeping together.
 */
export const ROLLOUT_FUNCTIONS_SQL = `
CREATE OR REPLACE FUNCTION ${S}.rollout_tenant_open(p_rollout text, p_tenant text, p_versions text[], p_checksums text[], p_files text[], p_lock_timeout text, p_ledger_table text, p_ledger_column text, p_search_path text)
RETURNS void LANGUAGE plpgsql AS $tenantry_open$
DECLARE
  n bigint;
  found boolean;
BEGIN
  PERFORM pg_catalog.set_config('lock_timeout', p_lock_timeout, true), pg_catalog.set_config('application_name', 'tenantry migrate ' || p_rollout, true),
          pg_catalog.pg_advisory_xact_lock(${TENANT_LOCK_CLASS}, pg_catalog.hashtext(p_tenant));
  INSERT INTO ${APPLIED_TABLE} (tenant, version, checksum, file, rollout_id)
    SELECT p_tenant, v.version, v.checksum, v.file, p_rollout FROM ROWS FROM (pg_catalog.unnest(p_versions), pg_catalog.unnest(p_checksums), pg_catalog.unnest(p_files)) AS v (version, checksum, file)
     WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname OPERATOR(pg_catalog.=) p_tenant::name)
    ON CONFLICT (tenant, version) DO NOTHING;
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n OPERATOR(pg_catalog.<>) pg_catalog.cardinality(p_versions) THEN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname OPERATOR(pg_catalog.=) p_tenant::name) THEN
      RAISE EXCEPTION USING ERRCODE = '3F000', MESSAGE = ${quoteLiteral(TENANT_MISSING_MARKER)} || ' ' || p_tenant;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = ${quoteLiteral(ALREADY_APPLIED_MARKER)} || ' ' || p_tenant;
  END IF;
  IF p_ledger_table IS NOT NULL AND pg_catalog.to_regclass(pg_catalog.quote_ident(p_tenant) || '.' || pg_catalog.quote_ident(p_ledger_table)) IS NOT NULL THEN
    EXECUTE pg_catalog.format('SELECT EXISTS (SELECT 1 FROM %I.%I WHERE %I::text OPERATOR(pg_catalog.=) ANY ($1))', p_tenant, p_ledger_table, p_ledger_column) INTO found USING p_versions;
    IF found THEN
      RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = ${quoteLiteral(ALREADY_APPLIED_MARKER)} || ' ' || p_tenant;
    END IF;
  END IF;
  IF p_search_path IS NOT NULL THEN
    PERFORM pg_catalog.set_config('search_path', p_search_path, true);
  END IF;
END
$tenantry_open$;
CREATE OR REPLACE FUNCTION ${S}.rollout_tenant_open(p_rollout text, p_tenant text, p_versions text[], p_checksums text[], p_files text[], p_lock_timeout text, p_ledger_table text, p_ledger_column text)
RETURNS void LANGUAGE sql AS $tenantry_open8$
  SELECT ${S}.rollout_tenant_open(p_rollout, p_tenant, p_versions, p_checksums, p_files, p_lock_timeout, p_ledger_table, p_ledger_column, pg_catalog.quote_ident(p_tenant) OPERATOR(pg_catalog.||) ', public');
$tenantry_open8$;
CREATE OR REPLACE FUNCTION ${S}.rollout_tenant_ledger(p_tenant text, p_versions text[], p_ledger_table text, p_ledger_column text)
RETURNS void LANGUAGE plpgsql AS $tenantry_ledger$
BEGIN
  EXECUTE pg_catalog.format('INSERT INTO %I.%I (%I) SELECT v.version FROM (VALUES %s) AS v (version) WHERE NOT EXISTS (SELECT 1 FROM %I.%I l WHERE l.%I::text OPERATOR(pg_catalog.=) v.version::text)',
    p_tenant, p_ledger_table, p_ledger_column, (SELECT pg_catalog.string_agg(pg_catalog.format('(%L)', x), ', ') FROM pg_catalog.unnest(p_versions) AS x),
    p_tenant, p_ledger_table, p_ledger_column);
END
$tenantry_ledger$;
REVOKE ALL ON FUNCTION ${OPEN_TENANT_FUNCTION} FROM PUBLIC;
REVOKE ALL ON FUNCTION ${OPEN_TENANT_FUNCTION_8} FROM PUBLIC;
REVOKE ALL ON FUNCTION ${LEDGER_TENANT_FUNCTION} FROM PUBLIC;
`;

/** The search_path a migration runs with: the tenant's schema, then public. */
export function tenantSearchPath(tenant: string): string {
  return `${quoteIdentifier(tenant)}, public`;
}

/**
 * The statement that opens a tenant's migration in its transaction and records its versions (rollout_tenant_open
 * above); `searchPath` null leaves the session's (the runner decided the migration needs none, plan-search-path.ts).
 */
export function buildOpenTenantSql(rolloutId: string, tenant: string, versions: readonly AppliedVersion[], lockTimeoutMs: number, ledger?: LedgerTarget, searchPath: string | null = tenantSearchPath(tenant)): string {
  return (
    `SELECT ${S}.rollout_tenant_open(${quoteLiteral(rolloutId)}, ${quoteLiteral(tenant)}, ${versionArray(versions)}, ${textArraySql(versions.map((v) => v.checksum))}, ` +
    `${textArraySql(versions.map((v) => v.file))}, '${Math.max(0, Math.round(lockTimeoutMs))}ms', ${ledger ? `${quoteLiteral(ledger.table)}, ${quoteLiteral(ledger.column)}` : 'NULL, NULL'}, ` +
    `${searchPath === null ? 'NULL' : quoteLiteral(searchPath)});`
  );
}

/** The statement after the migration: the application's ledger row (rollout_tenant_ledger above); '' without a ledger. */
export function buildCloseTenantSql(tenant: string, versions: readonly AppliedVersion[], ledger?: LedgerTarget): string {
  if (ledger === undefined) return '';
  return `SELECT ${S}.rollout_tenant_ledger(${quoteLiteral(tenant)}, ${versionArray(versions)}, ${quoteLiteral(ledger.table)}, ${quoteLiteral(ledger.column)});`;
}

/**
 * A tenant row's status as readers should see it (`t` a rollout_tenants row, `lastVersion` SQL for the rollout's
 * last version): 'done' when this rollout recorded that version for the tenant, though the runner's batched mark is
 * not written yet (or never will be: the process was killed after the commit). A failed attempt records nothing (it
 * is rolled back), so a 'failed' row with the record was retried with success.
 */
export function buildEffectiveStatusSql(t: string, lastVersion: string): string {
  return `CASE WHEN ${t}.status IN ('pending', 'running', 'failed') AND EXISTS (SELECT 1 FROM ${APPLIED_TABLE} a WHERE a.tenant = ${t}.tenant AND a.version = ${lastVersion} AND a.rollout_id = ${t}.rollout_id) THEN 'done' ELSE ${t}.status END`;
}

/**
 * Marks finished tenants done ($1 the rollout, $2 tenants, $3 their durations in ms): attempts counted, the last
 * error cleared, versions_done from the record. A row marked already is left alone.
 */
export function buildMarkDoneSql(): string {
  return (
    `UPDATE ${ROLLOUT_TENANTS_TABLE} t SET status = 'done', attempts = t.attempts + 1, ` +
    `versions_done = (SELECT count(*)::int FROM ${APPLIED_TABLE} a WHERE a.tenant = t.tenant AND a.rollout_id = t.rollout_id), ` +
    'sqlstate = NULL, error = NULL, error_file = NULL, error_line = NULL, statement = NULL, blocking_pid = NULL, blocking_query = NULL, ' +
    'duration_ms = d.ms, updated_at = pg_catalog.clock_timestamp() ' +
    `FROM ROWS FROM (pg_catalog.unnest($2::text[]), pg_catalog.unnest($3::integer[])) AS d (tenant, ms) WHERE t.rollout_id = $1 AND t.tenant = d.tenant::name AND t.status <> 'done'`
  );
}

/**
 * Writes 'done' for the rows whose record says so but whose mark a killed process never wrote ($1 the rollout, $2
 * its last version); a resumed run starts with it.
 */
export function buildReconcileDoneSql(): string {
  return (
    `UPDATE ${ROLLOUT_TENANTS_TABLE} t SET status = 'done', versions_done = (SELECT count(*)::int FROM ${APPLIED_TABLE} a WHERE a.tenant = t.tenant AND a.rollout_id = t.rollout_id), ` +
    'sqlstate = NULL, error = NULL, error_file = NULL, error_line = NULL, statement = NULL, blocking_pid = NULL, blocking_query = NULL, ' +
    `updated_at = pg_catalog.clock_timestamp() WHERE t.rollout_id = $1 AND t.status IN ('pending', 'running', 'failed') ` +
    `AND EXISTS (SELECT 1 FROM ${APPLIED_TABLE} a WHERE a.tenant = t.tenant AND a.version = $2 AND a.rollout_id = t.rollout_id)`
  );
}

/** What a rollout is doing: see the file comment ('interrupted' is 'running' with no session of it left, never stored). */
export type RolloutState = 'recorded' | 'running' | 'finished' | 'stopped' | 'interrupted';

/**
 * Marks tenants 'running' (those still pending: a tenant whose transaction already committed stays done). Rows
 * another session is writing are passed over rather than waited for, so two processes of one rollout never wait on
 * each other here.
 */
export function buildMarkRunningSql(): string {
  return (
    `UPDATE ${ROLLOUT_TENANTS_TABLE} t SET status = 'running', updated_at = pg_catalog.clock_timestamp() ` +
    `WHERE (t.rollout_id, t.tenant) IN (SELECT rollout_id, tenant FROM ${ROLLOUT_TENANTS_TABLE} WHERE rollout_id = $1 AND tenant = ANY ($2::text[]) AND status = 'pending' FOR UPDATE SKIP LOCKED)`
  );
}

/** The settings of a tenant's transaction: lock_timeout per lock wait, the rollout's application_name, search_path to the tenant. */
export function buildTenantSettingsSql(rolloutId: string, tenant: string, lockTimeoutMs: number, local = true): string {
  const set = local ? 'SET LOCAL' : 'SET';
  return [
    `${set} lock_timeout = '${Math.max(0, Math.round(lockTimeoutMs))}ms';`,
    `${set} application_name = ${quoteLiteral(applicationName(rolloutId))};`,
    // Unqualified names in a migration mean the tenant's objects, as the frameworks' loops set it.
    `${set} search_path = ${tenantSearchPath(tenant)};`,
  ].join('\n');
}

/** The application_name of the session a process running the rollout keeps open (runner-session.ts). */
export function runnerApplicationName(rolloutId: string): string {
  return `tenantry migrate ${rolloutId} runner`;
}

/** The application_name of a rollout's sessions (pg_stat_activity shows who is being migrated right now). */
export function applicationName(rolloutId: string): string {
  return `tenantry migrate ${rolloutId}`;
}
