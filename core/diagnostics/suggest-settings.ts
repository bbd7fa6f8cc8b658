/**
 * The settings that would work, derived from what the diagnosis found. The
 * service then tries them and marks them verified.
 */
import type { ConnectionProfile } from '../connection/profile.js';
import { formatCopyableSettings } from './copyable-settings.js';
import type { DiagnosticFacts, FileFacts, SuggestedSettings, Verdict } from './types.js';

function without(profile: ConnectionProfile, ...keys: (keyof ConnectionProfile)[]): ConnectionProfile {
  const copy = { ...profile };
  for (const key of keys) delete copy[key];
  return copy;
}

function defaultFile(facts: DiagnosticFacts, role: FileFacts['role']): FileFacts | undefined {
  return facts.files.find((f) => f.source === 'default' && f.role === role);
}

function certCommonName(facts: DiagnosticFacts): string | undefined {
  const cert = facts.files.find((f) => f.source === 'profile' && f.role === 'sslcert')?.certificates[0];
  return cert ? /(?:^|\n|,\s*)CN=([^\n,]+)/.exec(cert.subject)?.[1] : undefined;
}

/**
 * Settings that should connect given the facts, with notes; undefined when no
 * change of client settings can help (wrong password, missing certificate).
 */
export function suggestSettings(profile: ConnectionProfile, facts: DiagnosticFacts, verdict: Verdict): SuggestedSettings | undefined {
  const notes: string[] = [];
  let insecure = false;
  let next: ConnectionProfile | undefined;
  const names = facts.tls?.chain[0]?.subjectAltNames ?? [];
  switch (verdict.code) {
    case 'OK':
    case 'SSL_CLIENT_CERT_UNKNOWN_CA':
    case 'SSL_DEFAULT_CERT_UNREADABLE':
    case 'KEY_PERMISSIONS':
    case 'KEY_CERT_MISMATCH':
    case 'SSL_SERVER_CERT_UNTRUSTED':
    case 'SSL_CERT_EXPIRED':
      if (verdict.tenantryConnects) {
        next = profile;
        if (verdict.code !== 'OK') notes.push('These are your settings: they work. The copyable environment and psql command also switch off libpq\'s ~/.postgresql default files, so plain psql behaves like Tenantry.');
        break;
      }
      if (verdict.code === 'SSL_CLIENT_CERT_UNKNOWN_CA' && facts.policy?.withoutClientCert?.ok) {
        next = { ...without(profile, 'sslcert', 'sslkey', 'sslpassword'), sslcertmode: 'disable' };
        notes.push('The server accepts connections without a client certificate: send none.');
      } else if (verdict.code === 'SSL_SERVER_CERT_UNTRUSTED' || verdict.code === 'SSL_CERT_EXPIRED') {
        if (verdict.code === 'SSL_SERVER_CERT_UNTRUSTED' && facts.tls?.systemVerify?.ok && (facts.libpqMajor ?? 0) >= 16) {
          next = { ...profile, sslrootcert: 'system', sslmode: 'verify-full' };
          notes.push('The server certificate verifies against the system trust store.');
        } else {
          next = { ...without(profile, 'sslrootcert', 'sslcrl'), sslmode: 'require' };
          insecure = true;
          notes.push('sslmode=require without a root certificate encrypts but does not verify the server. Get the right CA certificate (or a renewed server certificate) and go back to verify-full.');
        }
      }
      break;
    case 'SSL_HOSTNAME_MISMATCH':
      next = { ...profile, sslmode: 'verify-ca' };
      notes.push(`verify-ca still verifies the chain but not the host name. The certificate names: ${names.join(', ') || 'none'}; connecting to one of those with verify-full is better.`);
      break;
    case 'SSL_REQUIRED_BY_SERVER':
      next = { ...profile, sslmode: profile.sslrootcert ? 'verify-full' : 'require' };
      if (!profile.sslrootcert) notes.push('require encrypts without verifying the server; add sslrootcert and use verify-full when you have the CA certificate.');
      break;
    case 'CONNECTION_REJECTED':
      // pg_hba.conf may accept this user only without encryption (hostnossl).
      if (facts.policy?.plaintext?.ok && facts.sslmode !== 'disable') {
        next = { ...without(profile, 'sslrootcert', 'sslcert', 'sslkey', 'sslcrl', 'sslpassword', 'sslcertmode', 'sslnegotiation'), sslmode: 'prefer' };
        insecure = true;
        notes.push('pg_hba.conf accepts this connection only without encryption (hostnossl). Ask the DBA for a hostssl line to encrypt it.');
      }
      break;
    case 'SSL_NOT_SUPPORTED_BY_SERVER':
      next = { ...without(profile, 'sslrootcert', 'sslcert', 'sslkey', 'sslcrl', 'sslpassword', 'sslcertmode', 'sslnegotiation'), sslmode: 'prefer' };
      insecure = true;
      notes.push('The server has ssl=off, so the connection is not encrypted. prefer will switch to TLS by itself once the server enables it.');
      break;
    case 'CLIENT_CERT_REQUIRED': {
      const cert = defaultFile(facts, 'sslcert');
      const key = defaultFile(facts, 'sslkey');
      if (facts.policy?.withDefaultCert?.ok && cert && key) {
        next = { ...profile, sslcert: cert.path, sslkey: key.path };
        notes.push('The certificate in ~/.postgresql is accepted by the server; name it explicitly.');
      }
      break;
    }
    case 'CLIENT_CERT_USER_MISMATCH': {
      const cn = certCommonName(facts);
      if (cn) {
        next = { ...profile, user: cn };
        notes.push(`The certificate is for the user "${cn}".`);
      }
      break;
    }
    case 'SSL_ROOT_CERT_MISSING':
      next = { ...profile, sslmode: 'require' };
      insecure = true;
      notes.push('require encrypts without verifying the server until you set sslrootcert.');
      break;
    default:
      break;
  }
  if (!next) return undefined;
  return { profile: next, notes, insecure, copyable: formatCopyableSettings(next, facts.libpqMajor !== undefined ? { libpqMajor: facts.libpqMajor } : {}) };
}
