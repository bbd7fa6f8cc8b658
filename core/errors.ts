/**
 * Errors that can reach a user. Every one carries a stable `code`, a plain
 * `userMessage` saying what happened and what to try, optional `detail`
 * (SQLSTATE, stderr tail, line and column) and the original `cause`.
 *
 * Add new codes to the union below (keep it grouped by area); never rewrite the
 * file wholesale, several areas contribute codes.
 */
/**
 * The connection diagnostics' causes (VerdictCode in core/diagnostics/types.ts) that a failed connection also
 * reports as its error code: listed once here, part of both unions.
 */
export type SslVerdictCode =
  | 'SSL_CLIENT_CERT_UNKNOWN_CA'
  | 'SSL_DEFAULT_CERT_UNREADABLE'
  | 'SSL_SERVER_CERT_UNTRUSTED'
  | 'SSL_HOSTNAME_MISMATCH'
  | 'SSL_CERT_EXPIRED'
  | 'SSL_REQUIRED_BY_SERVER'
  | 'SSL_NOT_SUPPORTED_BY_SERVER'
  | 'CLIENT_CERT_REQUIRED'
  | 'KEY_PERMISSIONS'
  | 'KEY_CERT_MISMATCH';

export type ErrorCode =
  // usage and input
  | 'USAGE'
  | 'INVALID_TENANT_NAME'
  | 'INVALID_PLACEHOLDER'
  | 'PLACEHOLDER_IN_DUMP'
  | 'FILE_NOT_FOUND'
  | 'FILE_WRITE_FAILED'
  | 'INVALID_REQUEST'
  | 'FORBIDDEN'
  | 'SANDBOX_FAILED'
  | 'NOT_AVAILABLE'
  // SQL lexing
  | 'SQL_UNTERMINATED_STRING'
  | 'SQL_UNTERMINATED_QUOTED_IDENTIFIER'
  | 'SQL_UNTERMINATED_DOLLAR_QUOTE'
  | 'SQL_UNTERMINATED_COMMENT'
  | 'SQL_UNTERMINATED_COPY'
  // snapshots
  | 'SNAPSHOT_INVALID'
  | 'SNAPSHOT_CHECKSUM_MISMATCH'
  | 'SNAPSHOT_PLACEHOLDER_MISSING'
  | 'SNAPSHOT_VERSION_UNSUPPORTED'
  | 'SCHEMA_NOT_IN_DUMP'
  | 'INVALID_DECISIONS'
  | 'SNAPSHOT_STATEMENT_REFUSED'
  | 'SNAPSHOT_PARTITIONS_ELSEWHERE'
  // connection settings
  | 'CONNECTION_PARAMETER_UNKNOWN'
  | 'CONNECTION_PARAMETER_INVALID'
  | 'CONNECTION_OPTION_UNSUPPORTED_BY_CLIENT'
  // database services
  | 'PG_CONNECTION_FAILED'
  | 'PG_AUTH_FAILED'
  | 'PG_QUERY_FAILED'
  | 'PG_DUMP_NOT_FOUND'
  | 'PG_DUMP_VERSION_MISMATCH'
  | 'PG_DUMP_FAILED'
  | 'PSQL_NOT_FOUND'
  | 'PSQL_FAILED'
  | 'SCHEMA_NOT_FOUND'
  | 'TENANT_EXISTS'
  | 'TENANT_NOT_FOUND'
  | 'TENANT_HAS_DEPENDENTS'
  | 'PROVISION_FAILED'
  /** The connection broke while a tenant was being created; a fresh connection showed nothing was created. */
  | 'PG_CONNECTION_LOST'
  /** The connection broke when COMMIT may have been sent, and no fresh connection could check the catalog. */
  | 'PROVISION_OUTCOME_UNKNOWN'
  | 'LOCK_TIMEOUT'
  | 'CONFIRMATION_REQUIRED'
  | 'LOCK_TABLE_TOO_SMALL'
  // warm pool
  | 'POOL_EMPTY'
  | 'POOL_UNSUPPORTED'
  | 'POOL_OWNED_BY_OTHER_SNAPSHOT'
  // Citus (issue 17)
  /** The target is a Citus worker: tenants go through the coordinator. */
  | 'CITUS_WORKER_NODE'
  /** The snapshot holds what Citus refuses in a distributed schema (the compatibility report lists it). */
  | 'CITUS_INCOMPATIBLE'
  /** The command needs Citus and the target does not run it (or is not its coordinator). */
  | 'CITUS_NOT_AVAILABLE'
  /** A move's precondition failed (wal_level, empty schema, unknown node) or Citus refused the move. */
  | 'CITUS_MOVE_FAILED'
  // published snapshots (tenantry publish)
  | 'PUBLISH_FAILED'
  // the tenant register, census, drift (tenantry tenants, tenantry drift)
  | 'REGISTER_UNWRITABLE'
  | 'DRIFT_FOUND'
  | 'CANCELLED'
  | 'TIMEOUT'
  // migrations (tenantry migrate)
  | 'MIGRATION_REFUSED'
  | 'MIGRATION_FAILED'
  | 'ROLLOUT_NOT_FOUND'
  // the SQL console
  /** Nothing to run, or more than one statement. */
  | 'SQL_CONSOLE_REFUSED'
  /** A write in the console's read-only transaction. */
  | 'SQL_CONSOLE_READ_ONLY'
  // SSL diagnostics verdicts that are also errors (connection failures classified by decideVerdict)
  | SslVerdictCode
  // SSH tunnels
  /** The SSH server cannot be reached (name, port, firewall). */
  | 'SSH_UNREACHABLE'
  /** The SSH server's host key is not yet trusted: the user confirms its fingerprint once. */
  | 'SSH_HOST_KEY_UNKNOWN'
  /** The SSH server's host key differs from the one trusted before. */
  | 'SSH_HOST_KEY_MISMATCH'
  | 'SSH_AUTH_FAILED'
  /** The private key file cannot be read or decrypted. */
  | 'SSH_KEY_UNREADABLE'
  /** The SSH server refused or could not open the forward to the database host and port. */
  | 'SSH_FORWARD_FAILED'
  // anything unexpected: a bug
  | 'INTERNAL';

export interface ErrorInfo {
  code: ErrorCode;
  userMessage: string;
  detail?: string;
}

/** An error meant for the person at the keyboard. */
export class TenantryError extends Error {
  readonly code: ErrorCode;
  readonly userMessage: string;
  readonly detail?: string;

  constructor(code: ErrorCode, userMessage: string, options: { detail?: string; cause?: unknown } = {}) {
    super(userMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TenantryError';
    this.code = code;
    this.userMessage = userMessage;
    if (options.detail !== undefined) this.detail = options.detail;
  }

  /** Plain data, safe to send across IPC or HTTP. */
  toInfo(): ErrorInfo {
    return this.detail === undefined
      ? { code: this.code, userMessage: this.userMessage }
      : { code: this.code, userMessage: this.userMessage, detail: this.detail };
  }
}

/** Whether a value is a TenantryError (an instance: errors from a worker or a transport arrive as ErrorInfo). */
export function isTenantryError(value: unknown): value is TenantryError {
  return value instanceof TenantryError;
}

/** Turns anything thrown into error info for a transport; unknown errors become INTERNAL. */
export function toErrorInfo(value: unknown): ErrorInfo {
  if (isTenantryError(value)) return value.toInfo();
  const message = value instanceof Error ? value.message : String(value);
  return { code: 'INTERNAL', userMessage: 'Something unexpected went wrong. Copy the details and report it.', detail: message };
}

/** A result across a transport: never a thrown error. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };
