/**
 * The connection service's error table: what a failed connect means, by the
 * SQLSTATE the server answered with. Anything else (refused, timed out, a TLS
 * failure) is PG_CONNECTION_FAILED with the driver's message as evidence; the
 * SSL verdict itself is the diagnostics' (core/diagnostics/verdict.ts).
 */
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { TenantryError, isTenantryError, type ErrorCode } from '../../../core/errors.js';
import { quoteIdentifier } from '../../../core/sql/quote.js';
import { formatPgError, sqlstateOf } from '../errors/pg-error.js';

type Translation = { code: ErrorCode; userMessage: (profile: ConnectionProfile) => string };

const authFailed: Translation = {
  code: 'PG_AUTH_FAILED',
  userMessage: (p) => `Authentication failed for ${describeTarget(p)}. Check the user name and password.`,
};

/** SQLSTATE → translation (PostgreSQL Appendix A, "Error Codes"). */
const CONNECT_ERRORS: Readonly<Record<string, Translation>> = {
  // invalid_password, invalid_authorization_specification
  '28P01': authFailed,
  '28000': authFailed,
  // invalid_catalog_name: the server answered, the database does not exist.
  '3D000': {
    code: 'PG_CONNECTION_FAILED',
    userMessage: (p) => `The server at ${p.host ?? 'localhost'}:${p.port ?? 5432} answered, but it has no database "${p.database ?? p.user ?? ''}". Check the database name (names are case-sensitive; \`psql -l\` lists them).`,
  },
  // insufficient_privilege: no CONNECT on the database.
  '42501': {
    code: 'PG_CONNECTION_FAILED',
    userMessage: (p) => {
      const db = p.database ?? '(default database)';
      const role = p.user ?? '(default user)';
      return `Role "${role}" may not connect to database "${db}". Ask an administrator to run: GRANT CONNECT ON DATABASE ${quoteIdentifier(db)} TO ${quoteIdentifier(role)};`;
    },
  },
};

function describeTarget(profile: ConnectionProfile): string {
  return `${profile.user ?? '(default user)'}@${profile.host ?? 'localhost'}:${profile.port ?? 5432}/${profile.database ?? '(default database)'}`;
}

/** Translates a connect failure into a TenantryError. */
export function toConnectionError(error: unknown, profile: ConnectionProfile): TenantryError {
  if (isTenantryError(error)) return error;
  const sqlstate = sqlstateOf(error);
  const known = sqlstate !== undefined ? CONNECT_ERRORS[sqlstate] : undefined;
  if (known) return new TenantryError(known.code, known.userMessage(profile), { detail: formatPgError(error), cause: error });
  return new TenantryError('PG_CONNECTION_FAILED', `Could not connect to ${describeTarget(profile)}. Check that the server runs and the connection settings are right.`, { detail: formatPgError(error), cause: error });
}
