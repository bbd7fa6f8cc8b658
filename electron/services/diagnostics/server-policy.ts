/**
 * The server's SSL policy, found by trying: plaintext, TLS without a client
 * certificate, with the profile's certificate, with the one libpq would pick
 * up from ~/.postgresql.
 */
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import type { DiagnosticFacts, FileFacts } from '../../../core/diagnostics/types.js';
import { tryDriverOnce } from './attempts.js';

/** Tries the logins that reveal the server's policy. */
export async function probePolicy(profile: ConnectionProfile, files: FileFacts[], speaksTls: boolean, secrets: (string | undefined)[]): Promise<DiagnosticFacts['policy'] & object> {
  const policy: NonNullable<DiagnosticFacts['policy']> = {};
  const base: ConnectionProfile = { ...profile };
  delete base.sslrootcert;
  delete base.sslcrl;
  delete base.sslcert;
  delete base.sslkey;
  delete base.sslcertmode;
  delete base.sslnegotiation;
  policy.plaintext = await tryDriverOnce({ ...base, sslmode: 'disable' }, 'plaintext', secrets);
  if (!speaksTls) return policy;
  const tlsBase: ConnectionProfile = { ...base, sslmode: 'require' };
  policy.withoutClientCert = await tryDriverOnce({ ...tlsBase, sslcertmode: 'disable' }, 'tls', secrets);
  if (profile.sslcert && profile.sslkey && profile.sslcertmode !== 'disable') {
    policy.withProfileCert = await tryDriverOnce({ ...tlsBase, sslcert: profile.sslcert, sslkey: profile.sslkey }, 'tls', secrets);
  }
  const defCert = files.find((f) => f.source === 'default' && f.role === 'sslcert' && f.readable);
  const defKey = files.find((f) => f.role === 'sslkey' && f.readable && f.path !== profile.sslkey) ?? files.find((f) => f.role === 'sslkey' && f.readable);
  if (!profile.sslcert && defCert && defKey && !defKey.keyError) {
    policy.withDefaultCert = await tryDriverOnce({ ...tlsBase, sslcert: defCert.path, sslkey: defKey.path }, 'tls', secrets);
  }
  return policy;
}

/** After the policy probe and plain psql: which default-file hazards actually break things here. */
export function upgradeHazards(facts: DiagnosticFacts): void {
  const rejected = facts.policy?.withDefaultCert;
  for (const hazard of facts.hazards) {
    if (hazard.code === 'SSL_CLIENT_CERT_UNKNOWN_CA' && hazard.severity === 'warning' && rejected && !rejected.ok && rejected.failure === 'SSL_CLIENT_CERT_UNKNOWN_CA') {
      hazard.severity = 'breaks';
      hazard.message = `${hazard.message} This server rejects it: "tlsv1 alert unknown ca".`;
    }
    if (hazard.code === 'SSL_SERVER_CERT_UNTRUSTED' && hazard.severity === 'warning' && facts.tls?.defaultRootVerify && !facts.tls.defaultRootVerify.ok && hazard.path?.endsWith('root.crt')) {
      hazard.severity = 'breaks';
      hazard.message = `${hazard.message} The server certificate does not verify against it (${facts.tls.defaultRootVerify.error}), so plain psql fails with "certificate verify failed".`;
    }
  }
}
