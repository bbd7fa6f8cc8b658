/**
 * The statements that open every tenant's transaction: a transaction-scoped
 * advisory lock on the tenant name (two provisions of one name queue up
 * instead of racing) and a check that the schema does not exist yet, so an
 * existing tenant is reported and left untouched.
 */
import { quoteLiteral } from '../sql/quote.js';

/** First key of Tenantry's advisory locks ('TENT' as an int4), the second is hashtext(tenant). */
export const TENANT_LOCK_CLASS = 1414416980;

/** The message of the error raised when the tenant exists; services recognise it by this prefix. */
export const TENANT_EXISTS_MARKER = 'tenantry: tenant schema already exists:';

/** SQL taking the tenant's advisory lock (until commit or rollback). */
export function buildTenantLockSql(tenant: string): string {
  return `SELECT pg_catalog.pg_advisory_xact_lock(${TENANT_LOCK_CLASS}, pg_catalog.hashtext(${quoteLiteral(tenant)}));`;
}

/** SQL failing with SQLSTATE 42P06 (duplicate_schema) when the tenant schema exists. */
export function buildTenantAbsentCheckSql(tenant: string): string {
  const literal = quoteLiteral(tenant);
  const message = quoteLiteral(`${TENANT_EXISTS_MARKER} ${tenant}`);
  // The body's dollar tag must not occur in the name, or the name could end the body early.
  let tag = '$tenantry_guard$';
  for (let i = 1; tenant.includes(tag.slice(0, -1)); i++) tag = `$tenantry_guard${i}$`;
  return [
    `DO ${tag}`,
    'BEGIN',
    `  IF EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ${literal}) THEN`,
    `    RAISE EXCEPTION USING ERRCODE = 'duplicate_schema', MESSAGE = ${message};`,
    '  END IF;',
    'END',
    `${tag};`,
  ].join('\n');
}

/** The message of the error raised when the tenant's transaction is not the one provisioning opened. */
export const TRANSACTION_ENDED_MARKER = 'tenantry: the snapshot ended the tenant transaction';

const KEY = /^[A-Za-z0-9]{16,64}$/;

function checkKey(key: string): void {
  if (!KEY.test(key)) throw new TypeError('transaction key: 16 to 64 ASCII letters and digits');
}

/**
 * SQL recording in a transaction-local setting a key the snapshot cannot know and the transaction's id: a COMMIT or
 * ROLLBACK in the body ends the transaction, which clears the setting, and what follows runs under another id.
 */
export function buildTransactionMarkSql(key: string): string {
  checkKey(key);
  return `SELECT pg_catalog.set_config('tenantry.transaction', '${key}:' || pg_catalog.txid_current()::text, true);`;
}

/** SQL failing with TRANSACTION_ENDED_MARKER unless the transaction is still the one buildTransactionMarkSql marked. */
export function buildTransactionCheckSql(key: string): string {
  checkKey(key);
  return [
    'DO $tenantry_transaction_check$',
    'BEGIN',
    `  IF pg_catalog.current_setting('tenantry.transaction', true) IS DISTINCT FROM '${key}:' || pg_catalog.txid_current()::text THEN`,
    `    RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = ${quoteLiteral(TRANSACTION_ENDED_MARKER)};`,
    '  END IF;',
    'END',
    '$tenantry_transaction_check$;',
  ].join('\n');
}

/** SQL answering (column `same`) whether the transaction is still the one buildTransactionMarkSql marked; no plpgsql. */
export function buildTransactionProbeSql(key: string): string {
  checkKey(key);
  return `SELECT pg_catalog.current_setting('tenantry.transaction', true) IS NOT DISTINCT FROM '${key}:' || pg_catalog.txid_current()::text AS same;`;
}

/** Whether a psql client has `\restrict` (17.6+, 16.10+, 15.14+, 14.19+, 13.22+ and every 18+). */
export function psqlHasRestrict(versionText: string): boolean {
  const m = /^(\d+)(?:\.(\d+))?/.exec(versionText);
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2] ?? 0);
  const since: Record<number, number> = { 17: 6, 16: 10, 15: 14, 14: 19, 13: 22 };
  if (major >= 18) return true;
  const first = since[major];
  return first !== undefined && minor >= first;
}

export interface PsqlScriptGuards {
  /** Random key of the transaction mark (buildTransactionMarkSql). */
  transactionKey?: string;
  /** Random key for `\restrict` when the psql client has it: no meta-command runs after it. */
  restrictKey?: string;
  /** SQL run after the body in the same transaction (the tenant register's row), ending with `;`. */
  afterBody?: string;
}

/**
 * The whole script psql runs for one tenant inside --single-transaction: `\restrict`, session settings, the
 * transaction mark, guard, the rendered SQL, then the check that the transaction is still the one psql opened.
 */
export function buildPsqlTenantScript(tenant: string, renderedSql: string, sessionPreamble = '', guards: PsqlScriptGuards = {}): string {
  const { transactionKey, restrictKey, afterBody = '' } = guards;
  if (restrictKey !== undefined) checkKey(restrictKey);
  const head = `${restrictKey !== undefined ? `\\restrict ${restrictKey}\n` : ''}${sessionPreamble}${transactionKey !== undefined ? `${buildTransactionMarkSql(transactionKey)}\n` : ''}`;
  // `;` on its own line: the check starts a statement of its own even after a body without a final `;`.
  const tail = transactionKey !== undefined || afterBody ? `;\n${afterBody}${transactionKey !== undefined ? `${buildTransactionCheckSql(transactionKey)}\n` : ''}` : '';
  return `${head}${buildTenantLockSql(tenant)}\n${buildTenantAbsentCheckSql(tenant)}\n${renderedSql}${renderedSql.endsWith('\n') ? '' : '\n'}${tail}`;
}
