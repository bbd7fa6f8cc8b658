/**
 * Turns a failure of a tenant's SQL into a TenantryError that says which
 * statement failed and where, from the server's error and the SQL we sent.
 */
import { TenantryError } from '../../../core/errors.js';
import { TENANT_EXISTS_MARKER, TRANSACTION_ENDED_MARKER } from '../../../core/provision/tenant-guard.js';
import { explainMissingObject, explainPermissionError, type PermissionContext } from '../permission-hint.js';

interface PgErrorFields {
  code?: string;
  message?: string;
  position?: string;
  detail?: string;
  hint?: string;
  where?: string;
}

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
  const e = error as PgErrorFields;
  if (e.code === '42P06' || (e.message ?? '').startsWith(TENANT_EXISTS_MARKER)) return tenantExistsError(tenant, error);
  if (isTransactionEnded(e.message)) return transactionEndedError(tenant, error, e.message);
  const parts = [`${e.code ?? 'error'}: ${e.message ?? String(error)}`];
  if (e.position) {
    const at = locateOffset(sql, Number(e.position));
    parts.push(`at line ${at.line}, column ${at.column} of the rendered SQL: ${at.text.trim().slice(0, 200)}`);
  }
  if (e.detail) parts.push(`detail: ${e.detail}`);
  if (e.hint) parts.push(`hint: ${e.hint}`);
  if (e.where) parts.push(`where: ${e.where}`);
  const hint = e.code === '42501' ? explainPermissionError(e.message ?? '', context) : e.code === '42704' || e.code === '42883' || e.code === '3F000' ? explainMissingObject(e.message ?? '', tenant) : undefined;
  return new TenantryError('PROVISION_FAILED', `Creating tenant "${tenant}" failed and was rolled back; nothing was created.${hint ? ` ${hint}` : ''}`, { detail: parts.join('\n'), cause: error });
}
