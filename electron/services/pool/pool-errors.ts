/**
 * The warm pool's error table: what a failed claim means, by SQLSTATE. The
 * claim runs in one transaction, so every outcome leaves the spare in the
 * pool and creates no tenant.
 */
import { TenantryError, type ErrorCode } from '../../../core/errors.js';
import { quoteIdentifier } from '../../../core/sql/quote.js';
import { formatPgError, readPgError, sqlstateOf } from '../errors/pg-error.js';

/** The claim's own RAISE when no spare of the snapshot is free (SQLSTATE P0002, no_data_found). */
export const POOL_EMPTY_MARKER = 'tenantry: warm pool empty';

interface ClaimFailure {
  tenant: string;
  checksum: string;
  /** On a Citus coordinator, the placement the claim asked for. */
  placement?: 'distributed' | 'local';
}

type Translation = (failure: ClaimFailure, message: string) => { code: ErrorCode; userMessage: string; detail?: string } | undefined;

/** SQLSTATE → translation (PostgreSQL Appendix A, "Error Codes"). */
const CLAIM_ERRORS: Readonly<Record<string, Translation>> = {
  // duplicate_schema: the tenant's name is taken.
  '42P06': ({ tenant }) => ({ code: 'TENANT_EXISTS', userMessage: `A schema named ${quoteIdentifier(tenant)} already exists; the tenant was left untouched and the spare stays in the pool.` }),
  // no_data_found, raised by the claim itself.
  P0002: ({ checksum, placement }, message) =>
    message === POOL_EMPTY_MARKER
      ? {
          code: 'POOL_EMPTY',
          userMessage:
            placement === undefined
              ? 'The warm pool has no free spare for this snapshot. Fill the pool (tenantry pool fill) or provision the tenant directly.'
              : `The warm pool has no free ${placement === 'local' ? 'local spare (kept on the coordinator)' : 'distributed spare'} for this snapshot. Fill the pool${placement === 'local' ? ' with --local' : ''} (tenantry pool fill) or provision the tenant directly.`,
          detail: `snapshot ${checksum.slice(0, 12)}${placement !== undefined ? `, placement ${placement}` : ''}`,
        }
      : undefined,
};

/** Translates an error of the claim transaction for `tenant`. */
export function toClaimError(error: unknown, failure: ClaimFailure): TenantryError {
  const sqlstate = sqlstateOf(error);
  const known = sqlstate !== undefined ? CLAIM_ERRORS[sqlstate]?.(failure, readPgError(error).message ?? '') : undefined;
  if (known) return new TenantryError(known.code, known.userMessage, { detail: known.detail ?? formatPgError(error), cause: error });
  return new TenantryError('PROVISION_FAILED', `Claiming a spare for ${quoteIdentifier(failure.tenant)} failed; the spare stays in the pool and no tenant was created.`, { detail: formatPgError(error), cause: error });
}
