/**
 * What to say when a diagnosis found no settings that would work. "No change
 * of client settings alone can fix this" only where that is true: the
 * server's pg_hba.conf or its certificate must change. A wrong host, port or
 * password is a client setting, and says so.
 */
import type { Verdict, VerdictCode } from './types.js';

const SERVER_SIDE = 'No change of client settings alone can fix this';

const NOTES: Partial<Record<VerdictCode, string>> = {
  SERVER_UNREACHABLE: 'Check the host and port, and that the server listens there (listen_addresses, firewalls); no SSL setting changes this.',
  HOST_NOT_FOUND: 'Check the host name: it does not resolve, so no other setting matters yet.',
  NOT_POSTGRES: 'Check the port: the service answering there is not PostgreSQL.',
  AUTH_FAILED: 'Check the user name and the password (or ~/.pgpass); no SSL setting changes this.',
  CONNECTION_REJECTED: `${SERVER_SIDE} for this user, database and address: the server's pg_hba.conf has to allow them (see the verdict).`,
  SSL_CERT_EXPIRED: `${SERVER_SIDE} safely: the server certificate has to be renewed (see the verdict).`,
  CLIENT_CERT_REQUIRED: 'A client certificate signed by a CA the server trusts is needed; once you have one, set sslcert and sslkey to it.',
  SSL_CLIENT_CERT_UNKNOWN_CA: 'A client certificate signed by a CA the server trusts is needed; once you have one, set sslcert and sslkey to it.',
  CLIENT_CERT_USER_MISMATCH: 'Connect as the user the certificate names, or use a certificate issued for this user.',
  KEY_PERMISSIONS: 'Fix the key file as the verdict says, then run the diagnosis again.',
  KEY_CERT_MISMATCH: 'Point sslkey at the key of this certificate, then run the diagnosis again.',
  SSL_KEY_MISSING: 'Set sslkey (or remove sslcert), then run the diagnosis again.',
  SSL_FILE_UNREADABLE: 'Fix the file named in the verdict, then run the diagnosis again.',
  SSL_DEFAULT_CERT_UNREADABLE: 'Fix the permissions named in the verdict, then run the diagnosis again.',
  PROFILE_INVALID: 'Fix the setting named in the verdict, then run the diagnosis again.',
  SSH_UNREACHABLE: 'Fix the SSH tunnel as the verdict says, then run the diagnosis again; no database setting changes this.',
  SSH_HOST_KEY_UNKNOWN: 'Trust the SSH server\'s host key once its fingerprint is confirmed, then run the diagnosis again.',
  SSH_HOST_KEY_MISMATCH: 'Check the new SSH host key with the bastion\'s administrator; no database setting changes this.',
  SSH_KEY_UNREADABLE: 'Fix the SSH key file or its passphrase, then run the diagnosis again.',
  SSH_AUTH_FAILED: 'Fix the SSH login as the verdict says, then run the diagnosis again; no database setting changes this.',
  SSH_FORWARD_FAILED: 'Fix the database host and port as the bastion sees them, or the bastion\'s forwarding, then run the diagnosis again.',
};

/** The line shown instead of working settings when the diagnosis has none to offer. */
export function describeNoSuggestion(verdict: Pick<Verdict, 'code' | 'tenantryConnects'>): string {
  if (verdict.tenantryConnects) return 'Tenantry connects with these settings; the verdict says what else to change.';
  return NOTES[verdict.code] ?? 'No settings that would work were found; the verdict shows the error as it was reported.';
}
