/**
 * The libpq sslmode table as data: what a profile means for encryption, chain
 * verification and host-name verification. Services apply the answer; this
 * file only answers questions like "does `require` verify the server here?".
 */
import type { ConnectionProfile, SslMode } from './profile.js';

export type Transport = 'plaintext' | 'tls';

export interface SslPolicy {
  sslmode: SslMode;
  /** What the first attempt uses. */
  first: Transport;
  /** What libpq retries with when the first attempt fails, if anything. */
  fallback?: Transport;
  /** Whether the server certificate chain must verify against a root. */
  verifyChain: boolean;
  /** Whether the server certificate must name the host. */
  verifyHost: boolean;
  /** Whether the root is the OS trust store (sslrootcert=system). */
  systemRoot: boolean;
  /** Why verification is on or off, in one sentence. */
  explanation: string;
}

/** Whether a host is a Unix socket directory (libpq: an absolute path). */
export function isSocketHost(host: string | undefined): boolean {
  return host === undefined ? false : host.startsWith('/') || /^[A-Za-z]:[\\/]/.test(host);
}

/**
 * What a profile's sslmode means here (libpq semantics): an explicit
 * sslrootcert makes `allow`/`prefer`/`require` verify the chain like
 * `verify-ca`; `sslrootcert=system` forces `verify-full`; Unix sockets never
 * use TLS. Only the profile's own settings count: default files under
 * ~/.postgresql are deliberately ignored.
 */
export function describeSslPolicy(profile: Pick<ConnectionProfile, 'sslmode' | 'sslrootcert' | 'host'>): SslPolicy {
  const sslmode = profile.sslmode ?? 'prefer';
  const systemRoot = profile.sslrootcert === 'system';
  const hasRoot = profile.sslrootcert !== undefined && profile.sslrootcert !== '';
  if (isSocketHost(profile.host)) {
    return { sslmode, first: 'plaintext', verifyChain: false, verifyHost: false, systemRoot, explanation: 'Unix-domain socket connections never use SSL; sslmode is ignored.' };
  }
  if (sslmode === 'disable') {
    return { sslmode, first: 'plaintext', verifyChain: false, verifyHost: false, systemRoot, explanation: 'sslmode=disable: the connection is not encrypted.' };
  }
  const strict = sslmode === 'verify-ca' || sslmode === 'verify-full';
  const verifyChain = strict || hasRoot;
  const verifyHost = sslmode === 'verify-full' || systemRoot;
  const base = { sslmode, verifyChain, verifyHost, systemRoot };
  let explanation: string;
  if (verifyHost) explanation = systemRoot && sslmode !== 'verify-full'
    ? 'sslrootcert=system forces verify-full: the chain and the host name are checked against the system trust store.'
    : 'verify-full: the server certificate must chain to the root and name the host.';
  else if (sslmode === 'verify-ca') explanation = 'verify-ca: the server certificate must chain to the root; the host name is not checked.';
  else if (verifyChain) explanation = `sslmode=${sslmode} with a root certificate verifies the chain like verify-ca; the host name is not checked.`;
  else explanation = `sslmode=${sslmode} without a root certificate encrypts but does not verify the server.`;
  if (sslmode === 'allow') return { ...base, first: 'plaintext', fallback: 'tls', explanation: `${explanation} Plaintext is tried first; TLS only if the server refuses it.` };
  if (sslmode === 'prefer') return { ...base, first: 'tls', fallback: 'plaintext', explanation: `${explanation} If TLS fails, libpq retries in plaintext.` };
  return { ...base, first: 'tls', explanation };
}
