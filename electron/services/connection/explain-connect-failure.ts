/**
 * The quick connection test's failure, explained like the diagnostics would:
 * when the driver's error alone names no cause ("Connection terminated
 * unexpectedly"), two cheap probes that need no login — TCP connect and the
 * SSLRequest — tell an unresolvable name, a closed port and a service that is
 * not PostgreSQL apart. The cause is then decided by the diagnostics' verdict.
 */
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { classifyFailure } from '../../../core/diagnostics/classify-failure.js';
import type { TenantryError } from '../../../core/errors.js';
import { errorParts } from '../diagnostics/attempts.js';
import { NOT_POSTGRES, closeQuietly, openTcp, sendSslRequest } from '../diagnostics/probes.js';
import { toConnectionError, type ConnectProbeFacts } from './connection-errors.js';
import { applyDefaults } from './defaults.js';

const PROBE_TIMEOUT_MS = 5_000;

async function probe(host: string, port: number): Promise<ConnectProbeFacts> {
  let socket;
  try {
    socket = (await openTcp(host, port, PROBE_TIMEOUT_MS)).socket;
  } catch (error) {
    const { message, code } = errorParts(error);
    return { tcp: { ok: false, error: code ? `${code}: ${message}` : message } };
  }
  try {
    if (host.startsWith('/')) return { tcp: { ok: true } };
    const answer = await sendSslRequest(socket, PROBE_TIMEOUT_MS);
    return { tcp: { ok: true }, sslRequest: { answer } };
  } catch (error) {
    const { message, code } = errorParts(error);
    return { tcp: { ok: true }, sslRequest: { answer: 'error', error: message, ...(code === NOT_POSTGRES ? { notPostgres: true } : {}) } };
  } finally {
    closeQuietly(socket);
  }
}

/** The TenantryError for a failed connect, probing first when the error itself is not recognised. */
export async function explainConnectFailure(error: unknown, profile: ConnectionProfile): Promise<TenantryError> {
  const { message, code } = errorParts(error);
  if (classifyFailure(message, code) !== undefined) return toConnectionError(error, profile);
  const full = applyDefaults(profile);
  const probes = await probe(full.hostaddr ?? full.host ?? 'localhost', full.port ?? 5432);
  return toConnectionError(error, profile, probes);
}
