/**
 * The connection service's error table: what a failed connect means, by the
 * SQLSTATE the server answered with. Anything else (refused, timed out, a TLS
 * failure) gets its cause from the diagnostics' verdict (core/diagnostics/verdict.ts),
 * so the quick test and the full diagnosis name the same cause.
 */
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { isSocketHost } from '../../../core/connection/ssl-policy.js';
import type { DiagnosticFacts, VerdictCode } from '../../../core/diagnostics/types.js';
import { decideVerdict, describeCause } from '../../../core/diagnostics/verdict.js';
import { TenantryError, isTenantryError, type ErrorCode } from '../../../core/errors.js';
import { quoteIdentifier } from '../../../core/sql/quote.js';
import { toAttempt } from '../diagnostics/attempts.js';
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

/** Where the quick test's extra probes found out more than the driver's error says. */
export interface ConnectProbeFacts {
  tcp?: DiagnosticFacts['tcp'];
  sslRequest?: DiagnosticFacts['sslRequest'];
}

/** The error code a cause is reported under: the SSL causes have their own, the rest are authentication or connection failures. */
function errorCodeFor(cause: VerdictCode): ErrorCode {
  switch (cause) {
    case 'AUTH_FAILED':
    case 'CLIENT_CERT_USER_MISMATCH':
      return 'PG_AUTH_FAILED';
    case 'SSL_CLIENT_CERT_UNKNOWN_CA':
    case 'SSL_DEFAULT_CERT_UNREADABLE':
    case 'SSL_SERVER_CERT_UNTRUSTED':
    case 'SSL_HOSTNAME_MISMATCH':
    case 'SSL_CERT_EXPIRED':
    case 'SSL_REQUIRED_BY_SERVER':
    case 'SSL_NOT_SUPPORTED_BY_SERVER':
    case 'CLIENT_CERT_REQUIRED':
    case 'KEY_PERMISSIONS':
    case 'KEY_CERT_MISMATCH':
      return cause;
    default:
      return 'PG_CONNECTION_FAILED';
  }
}

function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text[0]?.toLowerCase() + text.slice(1) : text;
}

/**
 * Translates a connect failure into a TenantryError. The cause is decided as
 * the diagnostics decide it (core/diagnostics/verdict.ts), from the driver's
 * error and whatever `probes` found (the quick test probes when the error
 * alone is not recognised).
 */
export function toConnectionError(error: unknown, profile: ConnectionProfile, probes: ConnectProbeFacts = {}): TenantryError {
  if (isTenantryError(error) && error.code !== 'PG_AUTH_FAILED') return error;
  const sqlstate = sqlstateOf(error);
  const known = sqlstate !== undefined ? CONNECT_ERRORS[sqlstate] : undefined;
  const detail = isTenantryError(error) ? error.detail : formatPgError(error);
  const options = { ...(detail !== undefined ? { detail } : {}), cause: error };
  if (known && known.code !== 'PG_AUTH_FAILED') return new TenantryError(known.code, known.userMessage(profile), options);
  const attempt = toAttempt(error, [profile.password, profile.sslpassword]);
  const host = profile.host ?? 'localhost';
  const facts: DiagnosticFacts = { host, port: profile.port ?? 5432, sslmode: profile.sslmode ?? 'prefer', socket: isSocketHost(host), files: [], hazards: [], driver: attempt, ...probes };
  const verdict = decideVerdict(facts);
  if (verdict.code === 'AUTH_FAILED' || (verdict.code === 'CONNECTION_FAILED' && known)) {
    if (isTenantryError(error)) return error;
    return new TenantryError(authFailed.code, authFailed.userMessage(profile), options);
  }
  if (verdict.code === 'CONNECTION_FAILED') {
    return new TenantryError('PG_CONNECTION_FAILED', `Could not connect to ${describeTarget(profile)}: ${attempt.message ?? 'the error was not recognised'}. Run the diagnostics to find out why.`, options);
  }
  const { title, advice } = describeCause(verdict.code, facts);
  return new TenantryError(errorCodeFor(verdict.code), `Could not connect to ${describeTarget(profile)}: ${lowerFirst(title)}. ${advice}`, {
    ...options,
    detail: [`cause: ${verdict.code}`, detail].filter((line) => line !== undefined).join('\n'),
  });
}
