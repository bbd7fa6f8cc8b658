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
 *   buildMarkRunningSql), done, skipped or failed, attempts, the last error
 *   with its SQLSTATE, file and line, the blocking process of a lock timeout,
 *   and the duration.
 * - `migrations_applied`: (tenant, version) for every version applied by any
 *   rollout. It is written in the tenant's own transaction, together with the
 *   application's ledger row and the 'done' mark, so after any crash the three
 *   agree with the catalog; a version recorded here (or in the ledger) is never
 *   applied again.
 */
import { quoteIdentifier, quoteLiteral } from '../sql/quote.js';
import { TENANT_LOCK_CLASS } from '../provision/tenant-guard.js';
import { POOL_SCHEMA } from '../pool/spare-name.js';

const S = quoteIdentifier(POOL_SCHEMA);
export const ROLLOUTS_TABLE = `${S}.rollouts`;
export const ROLLOUT_TENANTS_TABLE = `${S}.rollout_tenants`;
export const APPLIED_TABLE = `${S}.migrations_applied`;

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
export const BEGIN_TENANT_FUNCTION = `${S}.rollout_tenant_begin(text, text, text[], text, text, text)`;
export const END_TENANT_FUNCTION = `${S}.rollout_tenant_end(text, text, text[], text[], text[], text, text, boolean)`;

/**
 * The bookkeeping of a tenant's transaction as two functions, so that it costs the transaction two statements whose
 * plans the server keeps per connection, instead of a DO block compiled afresh for every tenant plus the settings,
 * inserts and update parsed and planned each time (issue 15: bookkeeping <= 5 % of a rollout).
 *
 * rollout_tenant_begin: the transaction's settings (lock_timeout per lock wait, the rollout's application_name),
 * the tenant's advisory lock (the same key provisioning and drop take: one tenant at a time, never the whole
 * database), a check that the schema exists and that none of the versions is recorded yet (by Tenantry or the
 * ledger: a second operator running the same rollout waits for the lock, then finds the versions and stops), and
 * last search_path to the tenant (unqualified names in a migration mean the tenant's objects, as the frameworks'
 * loops set it). Every name inside is schema-qualified, and the functions have no SET clause: that would undo the
 * transaction-local settings when the function returns.
 *
 * rollout_tenant_end: the versions recorded as applied (Tenantry's record and the application's ledger) and the
 * tenant's row marked: done when `p_finished`, else still running with more versions done.
 */
export const ROLLOUT_FUNCTIONS_SQL = `
CREATE OR REPLACE FUNCTION ${S}.rollout_tenant_begin(p_rollout text, p_tenant text, p_versions text[], p_lock_timeout text, p_ledger_table text, p_ledger_column text)
RETURNS void LANGUAGE plpgsql AS $tenantry_begin$
DECLARE found boolean;
BEGIN
  PERFORM pg_catalog.set_config('lock_timeout', p_lock_timeout, true);
  PERFORM pg_catalog.set_config('application_name', 'tenantry migrate ' || p_rollout, true);
  PERFORM pg_catalog.pg_advisory_xact_lock(${TENANT_LOCK_CLASS}, pg_catalog.hashtext(p_tenant));
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname OPERATOR(pg_catalog.=) p_tenant::name) THEN
    RAISE EXCEPTION USING ERRCODE = '3F000', MESSAGE = ${quoteLiteral(TENANT_MISSING_MARKER)} || ' ' || p_tenant;
  END IF;
  found := EXISTS (SELECT 1 FROM ${APPLIED_TABLE} a WHERE a.tenant OPERATOR(pg_catalog.=) p_tenant::name AND a.version OPERATOR(pg_catalog.=) ANY (p_versions));
  IF NOT found AND p_ledger_table IS NOT NULL AND pg_catalog.to_regclass(pg_catalog.quote_ident(p_tenant) || '.' || pg_catalog.quote_ident(p_ledger_table)) IS NOT NULL THEN
    EXECUTE pg_catalog.format('SELECT EXISTS (SELECT 1 FROM %I.%I WHERE %I::text OPERATOR(pg_catalog.=) ANY ($1))', p_tenant, p_ledger_table, p_ledger_column) INTO found USING p_versions;
  END IF;
  IF found THEN
    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = ${quoteLiteral(ALREADY_APPLIED_MARKER)} || ' ' || p_tenant;
  END IF;
  PERFORM pg_catalog.set_config('search_path', pg_catalog.quote_ident(p_tenant) || ', public', true);
END
$tenantry_begin$;
CREATE OR REPLACE FUNCTION ${S}.rollout_tenant_end(p_rollout text, p_tenant text, p_versions text[], p_checksums text[], p_files text[], p_ledger_table text, p_ledger_column text, p_finished boolean)
RETURNS void LANGUAGE plpgsql AS $tenantry_end$
BEGIN
  INSERT INTO ${APPLIED_TABLE} (tenant, version, checksum, file, rollout_id)
    SELECT p_tenant, v.version, v.checksum, v.file, p_rollout FROM ROWS FROM (pg_catalog.unnest(p_versions), pg_catalog.unnest(p_checksums), pg_catalog.unnest(p_files)) AS v (version, checksum, file)
    ON CONFLICT (tenant, version) DO NOTHING;
  IF p_ledger_table IS NOT NULL THEN
    EXECUTE pg_catalog.format('INSERT INTO %I.%I (%I) SELECT v.version FROM (VALUES %s) AS v (version) WHERE NOT EXISTS (SELECT 1 FROM %I.%I l WHERE l.%I::text OPERATOR(pg_catalog.=) v.version::text)',
      p_tenant, p_ledger_table, p_ledger_column, (SELECT pg_catalog.string_agg(pg_catalog.format('(%L)', x), ', ') FROM pg_catalog.unnest(p_versions) AS x),
      p_tenant, p_ledger_table, p_ledger_column);
  END IF;
  UPDATE ${ROLLOUT_TENANTS_TABLE} SET status = CASE WHEN p_finished THEN 'done' ELSE 'running' END, attempts = attempts + 1,
         versions_done = versions_done + pg_catalog.cardinality(p_versions),
         sqlstate = NULL, error = NULL, error_file = NULL, error_line = NULL, statement = NULL, blocking_pid = NULL, blocking_query = NULL,
         duration_ms = (pg_catalog.date_part('epoch', pg_catalog.clock_timestamp() - pg_catalog.transaction_timestamp()) * 1000)::integer,
         updated_at = pg_catalog.clock_timestamp()
   WHERE rollout_id OPERATOR(pg_catalog.=) p_rollout AND tenant OPERATOR(pg_catalog.=) p_tenant::name;
END
$tenantry_end$;
REVOKE ALL ON FUNCTION ${BEGIN_TENANT_FUNCTION} FROM PUBLIC;
REVOKE ALL ON FUNCTION ${END_TENANT_FUNCTION} FROM PUBLIC;
`;

function ledgerArgs(ledger: LedgerTarget | undefined): string {
  return ledger ? `${quoteLiteral(ledger.table)}, ${quoteLiteral(ledger.column)}` : 'NULL, NULL';
}

/** The statement that opens a tenant's migration in its transaction (rollout_tenant_begin above). */
export function buildBeginTenantSql(rolloutId: string, tenant: string, versions: readonly AppliedVersion[], lockTimeoutMs: number, ledger?: LedgerTarget): string {
  return `SELECT ${S}.rollout_tenant_begin(${quoteLiteral(rolloutId)}, ${quoteLiteral(tenant)}, ${versionArray(versions)}, '${Math.max(0, Math.round(lockTimeoutMs))}ms', ${ledgerArgs(ledger)});`;
}

/** The statement that records the versions and marks the tenant, in its transaction (rollout_tenant_end above). */
export function buildEndTenantSql(rolloutId: string, tenant: string, versions: readonly AppliedVersion[], finished: boolean, ledger?: LedgerTarget): string {
  return (
    `SELECT ${S}.rollout_tenant_end(${quoteLiteral(rolloutId)}, ${quoteLiteral(tenant)}, ${versionArray(versions)}, ${textArraySql(versions.map((v) => v.checksum))}, ` +
    `${textArraySql(versions.map((v) => v.file))}, ${ledgerArgs(ledger)}, ${finished ? 'true' : 'false'});`
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
    `${set} search_path = ${quoteIdentifier(tenant)}, public;`,
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
