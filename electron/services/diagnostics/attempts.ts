/** Connection attempts as facts: errors recognised, cleaned and stripped of secrets. */
import pg from 'pg';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import type { Transport } from '../../../core/connection/ssl-policy.js';
import { classifyFailure, cleanErrorMessage } from '../../../core/diagnostics/classify-failure.js';
import { redactSecrets } from '../../../core/diagnostics/redact.js';
import type { AttemptFacts, Evidence, FileFacts, VerdictCode } from '../../../core/diagnostics/types.js';
import { isTenantryError } from '../../../core/errors.js';
import { absorbConnectionErrors, discardFailedClient, toDriverConfig } from '../connection/driver-config.js';
import type { PsqlRun } from './run-psql.js';

/** Message and code of anything thrown (AggregateErrors unwrapped, TenantryErrors by code). */
export function errorParts(error: unknown): { message: string; code?: string } {
  // Node's happy-eyeballs connect failures are AggregateErrors with an empty message.
  const inner = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
  if (isTenantryError(inner)) return { message: inner.userMessage, code: inner.code };
  if (inner instanceof Error) {
    const code = (inner as { code?: unknown }).code;
    const message = inner.message || (typeof code === 'string' ? code : String(inner));
    return typeof code === 'string' ? { message, code } : { message };
  }
  return { message: String(inner) };
}

/** A failed attempt as facts: cleaned message, secrets removed, cause recognised. */
export function toAttempt(error: unknown, secrets: (string | undefined)[]): AttemptFacts {
  const { message, code } = errorParts(error);
  const failure = classifyFailure(message, code) ?? (code === 'PG_AUTH_FAILED' ? 'AUTH_FAILED' : undefined);
  const facts: AttemptFacts = { ok: false, message: redactSecrets(cleanErrorMessage(message), secrets) };
  if (failure) facts.failure = failure;
  return facts;
}

/** A psql run as attempt facts. */
export function psqlAttempt(run: PsqlRun, secrets: (string | undefined)[]): AttemptFacts {
  if (run.ok) return { ok: true };
  const message = redactSecrets((run.spawnError ?? run.stderr).trim(), secrets);
  const failure = classifyFailure(message);
  return failure ? { ok: false, failure, message } : { ok: false, message };
}

/** One driver login on one transport, without libpq's fallback (for probing the server's policy). */
export async function tryDriverOnce(profile: ConnectionProfile, transport: Transport, secrets: (string | undefined)[]): Promise<AttemptFacts> {
  let client: pg.Client | undefined;
  try {
    client = absorbConnectionErrors(new pg.Client(toDriverConfig(profile, transport)));
    await client.connect();
    await client.query('select 1');
    await client.end();
    return { ok: true };
  } catch (error) {
    if (client) discardFailedClient(client);
    return toAttempt(error, secrets);
  }
}

/** Causes that are the server's policy saying no; any other failure says nothing about the policy. */
const REFUSALS: ReadonlySet<VerdictCode> = new Set<VerdictCode>(['SSL_REQUIRED_BY_SERVER', 'CONNECTION_REJECTED', 'CLIENT_CERT_REQUIRED', 'SSL_CLIENT_CERT_UNKNOWN_CA', 'CLIENT_CERT_USER_MISMATCH', 'SSL_NOT_SUPPORTED_BY_SERVER']);

/** Evidence line for an attempt. */
export function describeAttempt(label: string, attempt: AttemptFacts | undefined): Evidence[] {
  if (!attempt) return [];
  const verb = attempt.ok ? 'accepted' : attempt.failure && REFUSALS.has(attempt.failure) ? 'refused' : 'failed';
  return [{ label, value: attempt.ok ? verb : `${verb}: ${attempt.message ?? 'unknown error'}${attempt.failure ? ` [${attempt.failure}]` : ''}` }];
}

/** Evidence text for a checked file. */
export function describeFile(file: FileFacts): string {
  const parts = [file.exists ? 'exists' : `missing (${file.error ?? 'ENOENT'})`];
  if (file.exists) parts.push(file.readable ? 'readable' : `unreadable (${file.error ?? '?'})`);
  if (file.mode) parts.push(`mode ${file.mode}${file.ownedByRoot ? ' owned by root' : ''}`);
  if (file.permissionsOk === false) parts.push('permissions refused by libpq');
  const certificate = file.certificates[0];
  if (certificate) {
    parts.push(`subject ${certificate.subject}`, `issuer ${certificate.issuer}`, `valid to ${certificate.validTo}${certificate.expired ? ' (EXPIRED)' : ''}`);
    if (file.role === 'sslrootcert') parts.push(certificate.isCa ? 'is a CA' : 'NOT a CA');
  }
  if (file.matchesCertificate !== undefined) parts.push(file.matchesCertificate ? 'matches the certificate' : 'does NOT match the certificate');
  if (file.keyError) parts.push(file.keyError);
  return parts.join('; ');
}
