/**
 * The verdict of a diagnosis, decided from the facts the steps collected:
 * which single cause explains what failed, in plain language.
 */
import { classifyFailure } from './classify-failure.js';
import type { DiagnosticFacts, Hazard, Verdict, VerdictCode } from './types.js';

const TITLES: Record<VerdictCode, string> = {
  OK: 'The connection works',
  SSL_CLIENT_CERT_UNKNOWN_CA: 'The server rejects the client certificate (unknown CA)',
  SSL_DEFAULT_CERT_UNREADABLE: 'libpq cannot read ~/.postgresql/postgresql.crt',
  SSL_SERVER_CERT_UNTRUSTED: 'The server certificate does not verify against the root certificate',
  SSL_HOSTNAME_MISMATCH: 'The server certificate does not name this host',
  SSL_CERT_EXPIRED: 'A certificate has expired',
  SSL_REQUIRED_BY_SERVER: 'The server refuses unencrypted connections',
  SSL_NOT_SUPPORTED_BY_SERVER: 'The server does not offer SSL',
  CLIENT_CERT_REQUIRED: 'The server requires a client certificate',
  KEY_PERMISSIONS: 'libpq refuses the private key because of its permissions',
  KEY_CERT_MISMATCH: 'The private key does not belong to the certificate',
  CLIENT_CERT_USER_MISMATCH: 'The client certificate is for a different user',
  SSL_KEY_MISSING: 'A client certificate without its private key',
  SSL_ROOT_CERT_MISSING: 'No root certificate to verify the server with',
  SSL_FILE_UNREADABLE: 'An SSL file cannot be read',
  SERVER_UNREACHABLE: 'The server cannot be reached',
  HOST_NOT_FOUND: 'The host name does not resolve',
  NOT_POSTGRES: 'The service on this port is not a PostgreSQL server',
  AUTH_FAILED: 'Authentication failed',
  CONNECTION_REJECTED: 'pg_hba.conf has no entry for this connection',
  PROFILE_INVALID: 'The connection settings cannot be used as they are',
  CONNECTION_FAILED: 'The connection failed',
  SSH_UNREACHABLE: 'The SSH server cannot be reached',
  SSH_HOST_KEY_UNKNOWN: 'The SSH server\'s host key is not trusted yet',
  SSH_HOST_KEY_MISMATCH: 'The SSH server shows a different host key than the one trusted',
  SSH_KEY_UNREADABLE: 'The SSH key file cannot be used',
  SSH_AUTH_FAILED: 'The SSH server refused the login',
  SSH_FORWARD_FAILED: 'The SSH server cannot reach the database',
};

const ADVICE: Record<VerdictCode, string> = {
  OK: '',
  SSL_CLIENT_CERT_UNKNOWN_CA: 'The server (or a pooler in front of it) asked for a client certificate and rejected the one sent because it is not signed by a CA it trusts. Send no certificate (sslcertmode=disable, or remove sslcert) when the server does not need one, or use a certificate signed by the server\'s ssl_ca_file.',
  SSL_DEFAULT_CERT_UNREADABLE: 'With no sslcert set, libpq looks for ~/.postgresql/postgresql.crt, and any error other than "does not exist" is fatal: here the directory cannot be traversed. Fix the permissions of ~/.postgresql (or HOME), or set sslcertmode=disable (libpq 16+) or an explicit sslcert.',
  SSL_SERVER_CERT_UNTRUSTED: 'The server\'s certificate chain does not end in the root certificate being used. Get the CA certificate that signed the server certificate and set sslrootcert to it.',
  SSL_HOSTNAME_MISMATCH: 'verify-full checks that the server certificate names the host connected to. Connect using a name the certificate lists, or use verify-ca (chain checked, name not).',
  SSL_CERT_EXPIRED: 'The server certificate is outside its validity period. The server\'s certificate must be renewed; until then only sslmode=require without a root certificate connects, without verifying the server.',
  SSL_REQUIRED_BY_SERVER: 'pg_hba.conf only has hostssl lines for this connection, so a plaintext connection is refused. Use sslmode=require or stronger.',
  SSL_NOT_SUPPORTED_BY_SERVER: 'The server answered "N" to the SSL request: ssl is off on the server. Use sslmode=prefer or disable, or ask the DBA to enable ssl.',
  CLIENT_CERT_REQUIRED: 'pg_hba.conf requires a client certificate (cert authentication or clientcert=verify-*), and none was sent. Set sslcert and sslkey to a certificate signed by the server\'s CA whose CN is the user name.',
  KEY_PERMISSIONS: 'libpq refuses a private key that group or others can read: it must be 0600 or stricter (0640 if owned by root). Run chmod 0600 on the key file.',
  KEY_CERT_MISMATCH: 'The private key file does not contain the key of the certificate. Use the key that was generated with this certificate.',
  CLIENT_CERT_USER_MISMATCH: 'With cert authentication the certificate\'s CN must be the database user (unless a pg_ident map says otherwise). Connect as the user named in the certificate, or use a certificate issued for this user.',
  SSL_KEY_MISSING: 'A client certificate was found but not its private key. Set sslkey, or remove the certificate.',
  SSL_ROOT_CERT_MISSING: 'verify-ca and verify-full need a root certificate. Set sslrootcert to the CA file that signed the server certificate.',
  SSL_FILE_UNREADABLE: 'A certificate, key or CRL file named in the settings cannot be read. Check the path and its permissions.',
  SERVER_UNREACHABLE: 'Nothing answered at this host and port. Check the host name, the port, firewalls, and that the server listens on this address (listen_addresses).',
  HOST_NOT_FOUND: 'The name does not resolve: DNS (or /etc/hosts) has no address for it, so nothing was tried. Check the spelling of the host, and that this machine uses the DNS that knows it (a VPN or a private zone).',
  NOT_POSTGRES: 'Something answered at this host and port, but not with the PostgreSQL protocol (an HTTP server or another service). Check the port: PostgreSQL listens on 5432 unless configured otherwise.',
  AUTH_FAILED: 'The server refused the credentials. Check the user name and password (or .pgpass).',
  CONNECTION_REJECTED: 'The server has no pg_hba.conf line that allows this user, database and address. Ask the DBA to add one.',
  PROFILE_INVALID: 'Fix the setting named above.',
  CONNECTION_FAILED: 'The error above was not recognised; it is shown as the server or library reported it.',
  SSH_UNREACHABLE: 'Check the SSH host and port (22 unless the bastion is configured otherwise) and firewalls between this machine and the bastion.',
  SSH_HOST_KEY_UNKNOWN: 'Compare the fingerprint with the one the bastion\'s administrator gives you, and trust it once if they match.',
  SSH_HOST_KEY_MISMATCH: 'The bastion may have been reinstalled, or someone may be intercepting the connection. Check with its administrator before trusting the new key.',
  SSH_KEY_UNREADABLE: 'Choose the private key file (not the .pub file) and enter its passphrase if it has one.',
  SSH_AUTH_FAILED: 'Check the SSH user and that the public key is in its ~/.ssh/authorized_keys on the bastion, or that the agent holds the key.',
  SSH_FORWARD_FAILED: 'Check the database host and port as the bastion sees them, and that the bastion allows TCP forwarding (AllowTcpForwarding).',
};

/** A more precise cause where the generic one has a known explanation in the facts. */
function refine(code: VerdictCode, facts: DiagnosticFacts): VerdictCode {
  // libpq says only "certificate verify failed" for an expired certificate too.
  if (code === 'SSL_SERVER_CERT_UNTRUSTED' && facts.tls?.chain[0]?.expired && facts.tls.rootVerify?.ok !== false) return 'SSL_CERT_EXPIRED';
  if (code === 'SSL_SERVER_CERT_UNTRUSTED' && facts.tls?.rootVerify?.error === 'CERT_HAS_EXPIRED') return 'SSL_CERT_EXPIRED';
  return code;
}

/** The title and advice of a cause, for messages outside a full diagnosis (the quick connection test). */
export function describeCause(code: VerdictCode, facts?: Pick<DiagnosticFacts, 'host'>): { title: string; advice: string } {
  const advice = code === 'HOST_NOT_FOUND' && facts ? ADVICE.HOST_NOT_FOUND.replace('The name', `The name "${facts.host}"`) : ADVICE[code];
  return { title: TITLES[code], advice };
}

function withMessage(text: string, message: string | undefined): string {
  return message ? `${text}\n\nReported: ${message}` : text;
}

/** Decides the verdict: the first failure along driver → Tenantry's psql → plain psql, else the hazards found. */
export function decideVerdict(facts: DiagnosticFacts): Verdict {
  const warnings: Hazard[] = [...facts.hazards];
  if (facts.tls?.chain[0]?.expired && !warnings.some((w) => w.code === 'SSL_CERT_EXPIRED')) {
    warnings.push({ code: 'SSL_CERT_EXPIRED', severity: 'warning', message: `The server certificate expired on ${facts.tls.chain[0].validTo}; it is accepted only because sslmode=${facts.sslmode} does not verify it.` });
  }
  const make = (code: VerdictCode, tenantryConnects: boolean, explanation: string): Verdict => ({ code, tenantryConnects, title: TITLES[code], explanation, warnings });

  if (facts.profileError) {
    const code: VerdictCode = facts.profileError.code === 'FILE_NOT_FOUND' ? 'SSL_FILE_UNREADABLE' : 'PROFILE_INVALID';
    return make(code, false, `${facts.profileError.message}${code === 'SSL_FILE_UNREADABLE' ? ' ' + ADVICE[code] : ''}`);
  }
  if (facts.tcp && !facts.tcp.ok) {
    const code: VerdictCode = classifyFailure(facts.tcp.error ?? '') === 'HOST_NOT_FOUND' ? 'HOST_NOT_FOUND' : 'SERVER_UNREACHABLE';
    return make(code, false, withMessage(describeCause(code, facts).advice, facts.tcp.error));
  }
  if (facts.sslRequest?.notPostgres) return make('NOT_POSTGRES', false, withMessage(ADVICE.NOT_POSTGRES, facts.sslRequest.error));
  if (facts.driver && !facts.driver.ok) {
    const code = refine(facts.driver.failure ?? 'CONNECTION_FAILED', facts);
    return make(code, false, withMessage(describeCause(code, facts).advice, facts.driver.message));
  }
  if (facts.psqlTenantry && !facts.psqlTenantry.ok) {
    const code = refine(facts.psqlTenantry.failure ?? 'CONNECTION_FAILED', facts);
    return make(code, false, withMessage(`The driver connects, but psql with Tenantry's environment does not, so dumps and provisioning would fail. ${ADVICE[code]}`, facts.psqlTenantry.message));
  }
  if (facts.psqlUser && !facts.psqlUser.ok) {
    const hazard = facts.hazards.find((h) => h.severity === 'breaks' && h.code === facts.psqlUser?.failure) ?? facts.hazards.find((h) => h.severity === 'breaks');
    const code = refine(facts.psqlUser.failure ?? hazard?.code ?? 'CONNECTION_FAILED', facts);
    const because = hazard ? ` ${hazard.message}` : '';
    if (hazard) warnings.splice(warnings.indexOf(hazard), 1);
    return make(code, true, withMessage(`Tenantry connects (driver and psql with its own environment). Plain psql with your environment fails.${because} ${ADVICE[code]} Tenantry never reads those default files; it sets every libpq SSL setting explicitly.`, facts.psqlUser.message));
  }
  const breaking = warnings.find((w) => w.severity === 'breaks');
  if (breaking) warnings.splice(warnings.indexOf(breaking), 1);
  if (breaking) return make(breaking.code, true, `Tenantry connects, but ${breaking.message} ${ADVICE[breaking.code]}`);
  const expired = warnings.find((w) => w.code === 'SSL_CERT_EXPIRED');
  if (expired) return make('SSL_CERT_EXPIRED', true, `The connection works, but ${expired.message} ${ADVICE.SSL_CERT_EXPIRED}`);
  return make('OK', true, warnings.length > 0 ? `The connection works. Warnings: ${warnings.map((w) => w.message).join(' ')}` : 'The driver and psql connect with these settings.');
}
