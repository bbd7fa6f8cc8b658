/**
 * The `tenantry` exit statuses: one number per situation a script tells apart,
 * listed in `tenantry --help` and the README. Commands return these, never bare numbers.
 */
import type { ErrorCode } from '../../core/errors.js';

export const EXIT = {
  /** Everything asked for was done (or, with --if-not-exists, already there). */
  ok: 0,
  /** The operation failed (a tenant failed, a file was refused, a bug). */
  failed: 1,
  /** Bad command line: unknown command or option, a missing or invalid value. */
  usage: 2,
  /** No connection to the server: unreachable, refused, authentication or SSL failed. */
  cannotConnect: 3,
  /** The comparison ran and found differences (verify, drift). */
  differs: 4,
  /** Nothing failed, but some tenants already existed and were left untouched. */
  alreadyExists: 5,
} as const;

export type ExitStatus = (typeof EXIT)[keyof typeof EXIT];

/** The lines `tenantry --help` and the README show. */
export const EXIT_STATUS_HELP = [
  'Exit status:',
  '  0  done',
  '  1  failed (the message and [CODE] say why)',
  '  2  usage: unknown command or option, missing or invalid value',
  '  3  cannot connect: server unreachable, refused, authentication or SSL failed',
  '  4  differs: verify (or drift) found differences',
  '  5  already exists: nothing failed, but some tenants existed and were left',
  '     untouched (provision --if-not-exists makes this 0)',
  '  130/143/129  stopped by Ctrl+C / SIGTERM / SIGHUP after printing what finished',
].join('\n');

const CANNOT_CONNECT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'PG_CONNECTION_FAILED',
  'PG_AUTH_FAILED',
  'SSL_CLIENT_CERT_UNKNOWN_CA',
  'SSL_DEFAULT_CERT_UNREADABLE',
  'SSL_SERVER_CERT_UNTRUSTED',
  'SSL_HOSTNAME_MISMATCH',
  'SSL_CERT_EXPIRED',
  'SSL_REQUIRED_BY_SERVER',
  'SSL_NOT_SUPPORTED_BY_SERVER',
  'CLIENT_CERT_REQUIRED',
  'KEY_PERMISSIONS',
  'KEY_CERT_MISMATCH',
  'SSH_UNREACHABLE',
  'SSH_HOST_KEY_UNKNOWN',
  'SSH_HOST_KEY_MISMATCH',
  'SSH_AUTH_FAILED',
  'SSH_KEY_UNREADABLE',
  'SSH_FORWARD_FAILED',
]);

/** The exit status for a command that ended with this error code. */
export function exitStatusFor(code: ErrorCode): ExitStatus {
  if (code === 'USAGE') return EXIT.usage;
  if (CANNOT_CONNECT.has(code)) return EXIT.cannotConnect;
  if (code === 'TENANT_EXISTS') return EXIT.alreadyExists;
  return EXIT.failed;
}
