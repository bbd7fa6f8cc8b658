/**
 * The statements that open every tenant's transaction: a transaction-scoped
 * advisory lock on the tenant name (two provisions of one name queue up
 * instead of racing) and a check that the schema does not exist yet, so an
 * existing tenant is reported and left untouched.
 */
import { quoteTextLiteral } from '../ledger/ledger-inserts.js';

/** First key of Tenantry's advisory locks ('TENT' as an int4), the second is hashtext(tenant). */
export const TENANT_LOCK_CLASS = 1414416980;

/** The message of the error raised when the tenant exists; services recognise it by this prefix. */
export const TENANT_EXISTS_MARKER = 'tenantry: tenant schema already exists:';

/** SQL taking the tenant's advisory lock (until commit or rollback). */
export function buildTenantLockSql(tenant: string): string {
  return `SELECT pg_catalog.pg_advisory_xact_lock(${TENANT_LOCK_CLASS}, pg_catalog.hashtext(${quoteTextLiteral(tenant)}));`;
}

/** SQL failing with SQLSTATE 42P06 (duplicate_schema) when the tenant schema exists. */
export function buildTenantAbsentCheckSql(tenant: string): string {
  const literal = quoteTextLiteral(tenant);
  const message = quoteTextLiteral(`${TENANT_EXISTS_MARKER} ${tenant}`);
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

/** The whole script psql runs for one tenant inside --single-transaction: session settings, guard, then the rendered SQL. */
export function buildPsqlTenantScript(tenant: string, renderedSql: string, sessionPreamble = ''): string {
  return `${sessionPreamble}${buildTenantLockSql(tenant)}\n${buildTenantAbsentCheckSql(tenant)}\n${renderedSql}${renderedSql.endsWith('\n') ? '' : '\n'}`;
}
