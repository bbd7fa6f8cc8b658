/**
 * The provision service's error table: turns a failure of a tenant's SQL
 * (through the driver or psql) into a TenantryError that says what happened,
 * which statement failed and where, and what to do about it. A lock timeout
 * (55P03) and a cancel (57014) are decided where the batch knows whether it
 * watched locks or was cancelled (provisioner.ts); a lost connection by
 * lost-connection.ts.
 */
import { TenantryError, isTenantryError } from '../../../core/errors.js';
import { TENANT_EXISTS_MARKER, TRANSACTION_ENDED_MARKER } from '../../../core/provision/tenant-guard.js';
import { explainMissingObject, explainPermissionError, type PermissionContext } from '../errors/permission-hint.js';
import { formatPgError, readPgError, sqlstateOf } from '../errors/pg-error.js';

type Hint = (message: string, tenant: string, context: PermissionContext) => string | undefined;

const missingObject: Hint = (message, tenant) => explainMissingObject(message, tenant);

/** SQLSTATE → the sentence that names the fix (PostgreSQL Appendix A, "Error Codes"). */
const PROVISION_HINTS: Readonly<Record<string, Hint>> = {
  // insufficient_privilege
  '42501': (message, _tenant, context) => explainPermissionError(message, context),
  // undefined_object (a role, a type), undefined_function, invalid_schema_name: made elsewhere, with other extensions.
  '42704': missingObject,
  '42883': missingObject,
  '3F000': missingObject,
};

/** Line and column (1-based) of a character offset (PostgreSQL positions are 1-based characters). */
export function locateOffset(sql: string, position: number): { line: number; column: number; text: string } {
  const chars = Array.from(sql);
  const before = chars.slice(0, Math.max(0, position - 1)).join('');
  const lines = before.split('\n');
  const line = lines.length;
  const column = (lines[lines.length - 1] ?? '').length + 1;
  const text = sql.split('\n')[line - 1] ?? '';
  return { line, column, text };
}

/** The error for an existing tenant schema. */
export function tenantExistsError(tenant: string, cause?: unknown): TenantryError {
  return new TenantryError('TENANT_EXISTS', `Tenant schema "${tenant}" already exists; it was left untouched.`, cause === undefined ? {} : { cause });
}

/**
 * The error for SQL that ended the tenant's transaction before Tenantry's COMMIT (the transaction check failed): what
 * ran before that point may be committed, so the message must not say that nothing was created.
 */
export function transactionEndedError(tenant: string, cause?: unknown, detail?: string): TenantryError {
  return new TenantryError(
    'PROVISION_FAILED',
    `Creating tenant "${tenant}" was stopped: its SQL ended the tenant's transaction (COMMIT or ROLLBACK), so what ran before that point may have been committed. Check schema "${tenant}" and the database by hand. Snapshots are refused when they hold transaction control; re-check the file with \`tenantry snapshot reseal FILE\`.`,
    { ...(detail !== undefined ? { detail } : {}), ...(cause !== undefined ? { cause } : {}) },
  );
}

/** Whether a server message or psql stderr reports the transaction check (TRANSACTION_ENDED_MARKER). */
export function isTransactionEnded(text: string | undefined): boolean {
  return (text ?? '').includes(TRANSACTION_ENDED_MARKER);
}

/** Translates an error raised while running a tenant's SQL through the driver. */
export function toProvisionError(error: unknown, tenant: string, sql: string, context: PermissionContext = {}): TenantryError {
  if (error instanceof TenantryError) return error;
  const e = readPgError(error);
  const sqlstate = sqlstateOf(error);
  // duplicate_schema, or the tenant lock's own check (tenant-guard.ts).
  if (sqlstate === '42P06' || (e.message ?? '').startsWith(TENANT_EXISTS_MARKER)) return tenantExistsError(tenant, error);
  if (isTransactionEnded(e.message)) return transactionEndedError(tenant, error, e.message);
  let at: string | undefined;
  if (e.position) {
    const place = locateOffset(sql, Number(e.position));
    at = `at line ${place.line}, column ${place.column} of the rendered SQL: ${place.text.trim().slice(0, 200)}`;
  }
  const hint = sqlstate !== undefined ? PROVISION_HINTS[sqlstate]?.(e.message ?? '', tenant, context) : undefined;
  return new TenantryError('PROVISION_FAILED', `Creating tenant "${tenant}" failed and was rolled back; nothing was created.${hint ? ` ${hint}` : ''}`, { detail: formatPgError(error, at), cause: error });
}

/** Translates psql's failure (PSQL_FAILED, its stderr in `detail`) while running a tenant's script. psql gives no SQLSTATE, so the stderr text decides. */
export function toPsqlProvisionError(error: unknown, tenant: string, context: PermissionContext): TenantryError {
  if (!isTenantryError(error) || error.code !== 'PSQL_FAILED') return isTenantryError(error) ? error : toProvisionError(error, tenant, '', context);
  if ((error.detail ?? '').includes(TENANT_EXISTS_MARKER)) return tenantExistsError(tenant, error);
  if (isTransactionEnded(error.detail)) return transactionEndedError(tenant, error, error.detail);
  const hint = explainPermissionError(error.detail ?? '', context) ?? explainMissingObject(error.detail ?? '', tenant);
  return new TenantryError('PROVISION_FAILED', `Creating tenant "${tenant}" through psql failed and was rolled back; nothing was created.${hint ? ` ${hint}` : ''}`, {
    ...(error.detail !== undefined ? { detail: error.detail } : {}),
    cause: error,
  });
}
