/**
 * Recognises the cause in a connection error, whether it came from
 * node-postgres/Node TLS (error code + message) or from libpq via psql's
 * stderr. Messages are matched by prefix-like patterns: libpq with OpenSSL 3
 * can print garbage after some of them.
 */
import type { VerdictCode } from './types.js';

const NODE_CODES: Record<string, VerdictCode> = {
  CERT_HAS_EXPIRED: 'SSL_CERT_EXPIRED',
  SELF_SIGNED_CERT_IN_CHAIN: 'SSL_SERVER_CERT_UNTRUSTED',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'SSL_SERVER_CERT_UNTRUSTED',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'SSL_SERVER_CERT_UNTRUSTED',
  UNABLE_TO_GET_ISSUER_CERT: 'SSL_SERVER_CERT_UNTRUSTED',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'SSL_SERVER_CERT_UNTRUSTED',
  CERT_SIGNATURE_FAILURE: 'SSL_SERVER_CERT_UNTRUSTED',
  CERT_UNTRUSTED: 'SSL_SERVER_CERT_UNTRUSTED',
  ERR_TLS_CERT_ALTNAME_INVALID: 'SSL_HOSTNAME_MISMATCH',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'SSL_CLIENT_CERT_UNKNOWN_CA',
  ERR_OSSL_X509_KEY_VALUES_MISMATCH: 'KEY_CERT_MISMATCH',
  ECONNREFUSED: 'SERVER_UNREACHABLE',
  ENOTFOUND: 'HOST_NOT_FOUND',
  EAI_AGAIN: 'HOST_NOT_FOUND',
  EAI_NONAME: 'HOST_NOT_FOUND',
  ETIMEDOUT: 'SERVER_UNREACHABLE',
  EHOSTUNREACH: 'SERVER_UNREACHABLE',
  ENETUNREACH: 'SERVER_UNREACHABLE',
  '28P01': 'AUTH_FAILED',
};

/** Ordered: the first matching pattern wins. */
const PATTERNS: [RegExp, VerdictCode][] = [
  [/server does not support SSL|does not support SSL connections/i, 'SSL_NOT_SUPPORTED_BY_SERVER'],
  [/no encryption|SSL required/i, 'SSL_REQUIRED_BY_SERVER'],
  [/certificate has expired|CERT_HAS_EXPIRED/i, 'SSL_CERT_EXPIRED'],
  [/does not match host name|Hostname\/IP does not match/i, 'SSL_HOSTNAME_MISMATCH'],
  [/alert unknown ca/i, 'SSL_CLIENT_CERT_UNKNOWN_CA'],
  [/root certificate file .* does not exist/i, 'SSL_ROOT_CERT_MISSING'],
  [/certificate verify failed|self[- ]signed certificate|unable to (?:verify the first certificate|get (?:local )?issuer certificate)/i, 'SSL_SERVER_CERT_UNTRUSTED'],
  [/could not open certificate file "[^"]*\.postgresql[\\/]postgresql\.crt": Permission denied/i, 'SSL_DEFAULT_CERT_UNREADABLE'],
  [/private key file .* has group or world access/i, 'KEY_PERMISSIONS'],
  [/key values mismatch/i, 'KEY_CERT_MISMATCH'],
  [/certificate present, but not private key file/i, 'SSL_KEY_MISSING'],
  [/could not (?:open|load|read) (?:certificate|private key|root certificate|SSL certificate revocation list) file/i, 'SSL_FILE_UNREADABLE'],
  [/requires a valid client certificate/i, 'CLIENT_CERT_REQUIRED'],
  [/certificate authentication failed for user/i, 'CLIENT_CERT_USER_MISMATCH'],
  [/password authentication failed|no password supplied|fe_sendauth|asks for a password/i, 'AUTH_FAILED'],
  [/could not translate host name|Name or service not known|getaddrinfo (?:ENOTFOUND|EAI_AGAIN)|Temporary failure in name resolution/i, 'HOST_NOT_FOUND'],
  // libpq's words when something other than PostgreSQL answers (an HTTP server answers "H...").
  [/received invalid response to SSL negotiation|expected authentication request from server, but received|is this a PostgreSQL server/i, 'NOT_POSTGRES'],
  [/Connection refused|timeout expired|Network is unreachable|No route to host/i, 'SERVER_UNREACHABLE'],
  [/no pg_hba\.conf entry|pg_hba\.conf rejects connection/i, 'CONNECTION_REJECTED'],
];

/**
 * The cause named by an error, from its code (Node errno / TLS code, or a
 * SQLSTATE) and its message; undefined when nothing is recognised.
 */
export function classifyFailure(message: string, code?: string): VerdictCode | undefined {
  // Messages first: "no encryption" is more specific than the SQLSTATE 28000 it comes with.
  for (const [pattern, verdict] of PATTERNS) if (pattern.test(message)) return verdict;
  if (code !== undefined && NODE_CODES[code] !== undefined) return NODE_CODES[code];
  return undefined;
}

/**
 * Strips OpenSSL's error-queue prefix and source location from a message:
 * "80AC…:error:0A000418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:../deps/…:SSL alert number 48"
 * becomes "tlsv1 alert unknown ca (SSL alert number 48)".
 */
export function cleanErrorMessage(message: string): string {
  const match = /^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+):[^\s:]+:\d+:?(.*)$/s.exec(message.trim());
  if (!match?.[1]) return message.trim();
  const extra = (match[2] ?? '').trim();
  return extra ? `${match[1]} (${extra})` : match[1];
}
