/**
 * The TLS step: handshakes that record the whole chain and check it against
 * the profile's root, the system store and ~/.postgresql/root.crt, plus the
 * host-name check — without ever rejecting, so failures can be explained.
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { checkServerIdentity, type ConnectionOptions, type DetailedPeerCertificate } from 'node:tls';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import type { FileFacts, TlsFacts } from '../../../core/diagnostics/types.js';
import { errorParts } from './attempts.js';
import { summarizePeerChain } from './certificate-summary.js';
import { closeQuietly, openTcp, sendSslRequest, startTls } from './probes.js';

export interface TlsTarget {
  /** The server's name: SNI and the host-name check. */
  host: string;
  /** Where to connect when not `host` (an SSH tunnel's 127.0.0.1, as libpq's hostaddr). */
  address?: string;
  port: number;
  timeoutMs: number;
  directTls: boolean;
  signal?: AbortSignal;
  now: Date;
}

/** Handshakes with the server and collects the TLS facts. */
export async function inspectTls(profile: ConnectionProfile, files: FileFacts[], target: TlsTarget): Promise<TlsFacts> {
  const servername = isIP(target.host) === 0 ? target.host : undefined;
  const handshake = async (ca?: Buffer) => {
    const { socket } = await openTcp(target.address ?? target.host, target.port, target.timeoutMs, target.signal);
    try {
      if (!target.directTls) {
        const answer = await sendSslRequest(socket, target.timeoutMs);
        if (answer !== 'S') throw new Error('The server answered N to the SSLRequest.');
      }
      const options: ConnectionOptions = { ...(servername ? { servername } : {}), ...(ca ? { ca } : {}), ...(target.directTls ? { ALPNProtocols: ['postgresql'] } : {}) };
      const tls = await startTls(socket, options, target.timeoutMs);
      const result = {
        authorized: tls.authorized,
        error: tls.authorizationError ? String((tls.authorizationError as Error & { code?: string }).code ?? tls.authorizationError) : undefined,
        protocol: tls.getProtocol() ?? undefined,
        cipher: tls.getCipher()?.name,
        peer: tls.getPeerCertificate(true) as DetailedPeerCertificate,
      };
      closeQuietly(tls);
      return result;
    } finally {
      closeQuietly(socket);
    }
  };
  const facts: TlsFacts = { ok: false, chain: [] };
  try {
    const system = await handshake();
    facts.ok = true;
    if (system.protocol) facts.protocol = system.protocol;
    if (system.cipher) facts.cipher = system.cipher;
    facts.chain = summarizePeerChain(system.peer, target.now);
    facts.systemVerify = system.authorized ? { ok: true } : { ok: false, ...(system.error ? { error: system.error } : {}) };
    const identity = system.peer && Object.keys(system.peer).length > 0 ? checkServerIdentity(target.host, system.peer) : new Error('no certificate');
    facts.hostname = identity ? { ok: false, error: identity.message } : { ok: true };
    const rootFile = profile.sslrootcert && profile.sslrootcert !== 'system' ? profile.sslrootcert : undefined;
    if (rootFile) facts.rootVerify = await verifyWith(handshake, rootFile);
    const defaultRoot = files.find((f) => f.source === 'default' && f.role === 'sslrootcert' && f.readable);
    if (defaultRoot) facts.defaultRootVerify = await verifyWith(handshake, defaultRoot.path);
  } catch (error) {
    facts.error = errorParts(error).message;
  }
  return facts;
}

async function verifyWith(handshake: (ca?: Buffer) => Promise<{ authorized: boolean; error?: string | undefined }>, file: string): Promise<{ ok: boolean; error?: string }> {
  let ca: Buffer;
  try {
    ca = await readFile(file);
  } catch (error) {
    return { ok: false, error: `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
  const result = await handshake(ca);
  return result.authorized ? { ok: true } : { ok: false, ...(result.error ? { error: result.error } : {}) };
}
