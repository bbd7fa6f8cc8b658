/**
 * `diagnoseConnection`: runs the diagnostic steps against a profile, reports
 * each as it changes (onStep), and ends with a verdict and the settings that
 * would work. Steps, facts and verdict are plain data from core/diagnostics;
 * the verdict rules themselves are core/diagnostics/verdict.ts.
 */
import { homedir } from 'node:os';
import type { Socket } from 'node:net';
import { formatKeyValue } from '../../../core/connection/connection-string.js';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { describeSslPolicy, isSocketHost, type SslPolicy } from '../../../core/connection/ssl-policy.js';
import { redactSecrets } from '../../../core/diagnostics/redact.js';
import { suggestSettings } from '../../../core/diagnostics/suggest-settings.js';
import type { AttemptFacts, DiagnosticFacts, DiagnosticReport, DiagnosticStep, Evidence, SuggestedSettings, Verdict, VerdictCode } from '../../../core/diagnostics/types.js';
import { decideVerdict } from '../../../core/diagnostics/verdict.js';
import { TenantryError, isTenantryError } from '../../../core/errors.js';
import { buildChildEnvironment } from '../connection/child-env.js';
import { applyDefaults } from '../connection/defaults.js';
import { checkProfileSsl, connectDriver, connectDriverWithTransport, toDriverConfig } from '../connection/driver-config.js';
import { readLibpqMajor } from '../connection/libpq-version.js';
import { describeAttempt, describeFile, errorParts, psqlAttempt, toAttempt } from './attempts.js';
import { findDefaultPsql } from './default-psql.js';
import { checkSslFiles } from './file-checks.js';
import { NOT_POSTGRES, closeQuietly, openTcp, sendSslRequest } from './probes.js';
import { explainPsqlDifference, plainPsqlProfile, writeSslPasswordService } from './psql-checks.js';
import { runPsql } from './run-psql.js';
import { probePolicy, upgradeHazards } from './server-policy.js';
import { StepRecorder } from './step-recorder.js';
import { inspectTls } from './tls-inspection.js';

export interface DiagnoseOptions {
  /** psql to run for step 6 (default: the newest installed, see default-psql.ts). */
  psqlPath?: string;
  /** The user's environment for plain psql (default process.env). */
  userEnv?: NodeJS.ProcessEnv;
  /** The user's home directory (default userEnv.HOME or the OS home). */
  home?: string;
  signal?: AbortSignal;
  /** Called with a copy of a step each time it starts or finishes. */
  onStep?: (step: DiagnosticStep) => void;
  /** Per network operation; default 10 s. */
  timeoutMs?: number;
  now?: Date;
}

/** Everything the steps share. */
interface Diagnosis {
  profile: ConnectionProfile;
  policy: SslPolicy;
  host: string;
  /** Where to connect: hostaddr (an SSH tunnel's local end) or host. */
  address: string;
  port: number;
  secrets: (string | undefined)[];
  timeoutMs: number;
  signal?: AbortSignal;
  now: Date;
  home: string;
  userEnv: NodeJS.ProcessEnv;
  psqlPath: string;
  recorder: StepRecorder;
  facts: DiagnosticFacts;
}

const PSQL_ARGS = ['-X', '-w', '-A', '-t', '-c', 'select 1'];

function throwIfCancelled(d: Diagnosis): void {
  if (d.signal?.aborted) throw new TenantryError('CANCELLED', 'The connection diagnosis was cancelled.');
}

function signalOption(d: Diagnosis): { signal?: AbortSignal } {
  return d.signal ? { signal: d.signal } : {};
}

/** 1. Name resolution and TCP connect; returns the open socket for the SSLRequest. */
async function stepTcp(d: Diagnosis): Promise<Socket | undefined> {
  const step = d.recorder.start('tcp');
  try {
    const tcp = await openTcp(d.address, d.port, d.timeoutMs, d.signal);
    d.facts.tcp = { ok: true, address: tcp.address, ms: tcp.ms };
    step.finish('passed', `Connected to ${tcp.address} in ${tcp.ms} ms.`, [{ label: 'address', value: tcp.address }, { label: 'time', value: `${tcp.ms} ms` }]);
    return tcp.socket;
  } catch (error) {
    const { message, code } = errorParts(error);
    d.facts.tcp = { ok: false, error: code ? `${code}: ${message}` : message };
    step.finish('failed', `Cannot connect to ${d.address}:${d.port}: ${message}`, [{ label: 'error', value: d.facts.tcp.error ?? message }]);
    return undefined;
  }
}

/** 2. The SSLRequest probe; returns whether the server speaks TLS. */
async function stepSslRequest(d: Diagnosis, socket: Socket | undefined): Promise<boolean> {
  if (!socket) return skip(d, 'ssl-request', 'The server is not reachable.', false);
  if (d.facts.socket) return skip(d, 'ssl-request', 'Unix-domain socket: libpq never uses SSL here.', false);
  if (d.profile.sslnegotiation === 'direct') return skip(d, 'ssl-request', 'sslnegotiation=direct: TLS starts at once, without the SSLRequest.', true);
  const step = d.recorder.start('ssl-request');
  try {
    const answer = await sendSslRequest(socket, d.timeoutMs);
    d.facts.sslRequest = { answer };
    // N is fatal for require and stronger, a downgrade to plaintext for prefer, expected for disable/allow.
    const status = answer === 'S' ? 'passed' : d.policy.first === 'tls' && !d.policy.fallback ? 'failed' : d.policy.first === 'tls' ? 'warning' : 'passed';
    step.finish(status, answer === 'S' ? 'The server answered S: it speaks TLS.' : 'The server answered N: ssl is off, it does not speak TLS.', [{ label: 'answer', value: answer }]);
    return answer === 'S';
  } catch (error) {
    const parts = errorParts(error);
    d.facts.sslRequest = { answer: 'error', error: parts.message, ...(parts.code === NOT_POSTGRES ? { notPostgres: true } : {}) };
    step.finish('failed', `No valid answer to the SSLRequest: ${d.facts.sslRequest.error}`);
    return false;
  }
}

function skip<T>(d: Diagnosis, id: DiagnosticStep['id'], reason: string, result: T): T {
  d.recorder.skip(id, reason);
  return result;
}

/** 3. The TLS handshake: chain, verification against each root, host name. */
async function stepTls(d: Diagnosis, speaksTls: boolean): Promise<void> {
  if (!speaksTls) return skip(d, 'tls', d.facts.tcp?.ok ? 'The server does not speak TLS on this connection.' : 'The server is not reachable.', undefined);
  const step = d.recorder.start('tls');
  const tls = await inspectTls(d.profile, d.facts.files, { host: d.host, ...(d.address !== d.host ? { address: d.address } : {}), port: d.port, timeoutMs: d.timeoutMs, directTls: d.profile.sslnegotiation === 'direct', now: d.now, ...signalOption(d) });
  d.facts.tls = tls;
  const evidence: Evidence[] = [];
  if (tls.protocol) evidence.push({ label: 'protocol', value: tls.protocol }, { label: 'cipher', value: tls.cipher ?? '?' });
  tls.chain.forEach((c, i) => {
    evidence.push({ label: `certificate ${i}`, value: `subject ${c.subject}; issuer ${c.issuer}; SAN ${c.subjectAltNames.join(', ') || 'none'}; valid ${c.validFrom} – ${c.validTo}${c.expired ? ' (EXPIRED)' : ''}${c.notYetValid ? ' (NOT YET VALID)' : ''}; SHA-256 ${c.fingerprint256}` });
  });
  const verdictOf = (v: { ok: boolean; error?: string } | undefined) => (v?.ok ? 'yes' : `no (${v?.error ?? '?'})`);
  if (tls.rootVerify) evidence.push({ label: 'verifies against sslrootcert', value: verdictOf(tls.rootVerify) });
  if (tls.systemVerify) evidence.push({ label: 'verifies against the system store', value: verdictOf(tls.systemVerify) });
  if (tls.defaultRootVerify) evidence.push({ label: 'verifies against ~/.postgresql/root.crt', value: verdictOf(tls.defaultRootVerify) });
  if (tls.hostname) evidence.push({ label: `names host "${d.host}"`, value: verdictOf(tls.hostname) });
  evidence.push({ label: 'what the settings check', value: d.policy.explanation });
  const problems: string[] = [];
  if (!tls.ok) problems.push(`handshake failed: ${tls.error}`);
  if (d.policy.verifyChain && tls.rootVerify && !tls.rootVerify.ok) problems.push('the chain does not verify against sslrootcert');
  if (d.policy.verifyHost && tls.hostname && !tls.hostname.ok) problems.push('the certificate does not name the host');
  if (tls.chain[0]?.expired) problems.push('the server certificate has expired');
  const status = problems.length === 0 ? 'passed' : !tls.ok || d.policy.verifyChain ? 'failed' : 'warning';
  step.finish(status, problems.length === 0 ? `${tls.protocol ?? 'TLS'} with a certificate for ${tls.chain[0]?.subject ?? '?'}.` : `TLS: ${problems.join('; ')}.`, evidence);
}

/**
 * What one policy login shows: accepted, refused for the reason probed, or
 * unknown because the login failed for another reason first (a wrong
 * password says nothing about whether plaintext would be accepted).
 */
function describePolicyFinding(attempt: AttemptFacts, refusal: VerdictCode, accepts: string, refuses: string, about: string): string {
  if (attempt.ok) return accepts;
  if (attempt.failure === refusal) return refuses;
  return `cannot be judged on ${about}: that login failed with ${attempt.failure ?? 'an unrecognised error'}`;
}

/** 4. The server's policy, by trying. */
async function stepPolicy(d: Diagnosis, speaksTls: boolean): Promise<void> {
  if (d.facts.profileError) return skip(d, 'server-policy', 'The settings cannot be used as they are.', undefined);
  if (d.facts.socket) return skip(d, 'server-policy', 'Unix-domain socket: no SSL policy applies.', undefined);
  if (!d.facts.tcp?.ok) return skip(d, 'server-policy', 'The server is not reachable.', undefined);
  const step = d.recorder.start('server-policy');
  const p = await probePolicy(d.profile, d.facts.files, speaksTls, d.secrets);
  d.facts.policy = p;
  upgradeHazards(d.facts);
  const findings: string[] = [];
  if (p.plaintext) findings.push(describePolicyFinding(p.plaintext, 'SSL_REQUIRED_BY_SERVER', 'accepts plaintext', 'refuses plaintext', 'plaintext'));
  if (p.withoutClientCert) findings.push(describePolicyFinding(p.withoutClientCert, 'CLIENT_CERT_REQUIRED', 'does not require a client certificate', 'requires a client certificate', 'a client certificate'));
  if (p.withProfileCert && !p.withProfileCert.ok) findings.push(`rejects the configured certificate (${p.withProfileCert.failure ?? p.withProfileCert.message})`);
  if (p.withDefaultCert && !p.withDefaultCert.ok) findings.push(`rejects ~/.postgresql/postgresql.crt (${p.withDefaultCert.failure ?? p.withDefaultCert.message})`);
  step.finish('passed', findings.length > 0 ? `The server ${findings.join(', ')}.` : 'Nothing to probe.', [
    ...describeAttempt('plaintext', p.plaintext),
    ...describeAttempt('TLS without a client certificate', p.withoutClientCert),
    ...describeAttempt('TLS with the configured client certificate', p.withProfileCert),
    ...describeAttempt('TLS with ~/.postgresql/postgresql.crt', p.withDefaultCert),
  ]);
}

/** 5. Authentication and a first query through the driver, with libpq's fallback rules. */
async function stepDriver(d: Diagnosis): Promise<void> {
  if (d.facts.profileError) {
    d.facts.driver = { ok: false, message: d.facts.profileError.message };
    return skip(d, 'driver', `The settings cannot be used: ${d.facts.profileError.message}`, undefined);
  }
  if (!d.facts.tcp?.ok) return skip(d, 'driver', 'The server is not reachable.', undefined);
  const step = d.recorder.start('driver');
  try {
    const { client, transport } = await connectDriverWithTransport(d.profile);
    try {
      const { rows } = await client.query<{ version: string; user: string; ssl: boolean | null }>(
        'select version() as version, current_user as user, (select ssl from pg_stat_ssl where pid = pg_backend_pid()) as ssl');
      const row = rows[0];
      d.facts.driver = { ok: true, transport, ...(row ? { serverVersion: row.version } : {}) };
      step.finish('passed', `Logged in as ${row?.user ?? '?'} over ${transport === 'tls' ? 'TLS' : 'plaintext'}.`, [
        { label: 'server', value: row?.version ?? '?' }, { label: 'encrypted', value: row?.ssl ? 'yes' : 'no' },
      ]);
    } finally {
      await client.end().catch(() => undefined);
    }
  } catch (error) {
    d.facts.driver = toAttempt(error, d.secrets);
    step.finish('failed', `The driver cannot connect: ${d.facts.driver.message}`, [{ label: 'cause', value: d.facts.driver.failure ?? 'not recognised' }]);
  }
}

/** 6a. psql with the environment Tenantry builds. */
async function stepPsqlTenantry(d: Diagnosis, major: number, baseEnv: NodeJS.ProcessEnv): Promise<void> {
  const step = d.recorder.start('psql-tenantry');
  try {
    const child = await buildChildEnvironment(d.profile, { libpqMajor: major, baseEnv });
    try {
      d.facts.psqlTenantry = psqlAttempt(await runPsql(d.psqlPath, PSQL_ARGS, child.env, { timeoutMs: d.timeoutMs, ...signalOption(d) }), d.secrets);
    } finally {
      await child.cleanup();
    }
  } catch (error) {
    d.facts.psqlTenantry = toAttempt(error, d.secrets);
    if (isTenantryError(error) && !d.facts.psqlTenantry.failure) d.facts.psqlTenantry.failure = 'PROFILE_INVALID';
  }
  const result = d.facts.psqlTenantry;
  step.finish(result.ok ? 'passed' : 'failed', result.ok ? `psql (libpq ${major}) connects with the environment Tenantry builds.` : `psql fails with Tenantry's environment: ${result.message}`,
    [{ label: 'psql', value: `${d.psqlPath} (libpq ${major})` }, ...(result.failure ? [{ label: 'cause', value: result.failure }] : [])]);
}

/** 6b. Plain psql: the user's environment and HOME untouched, the profile's parameters as conninfo, the password in PGPASSWORD. */
async function stepPsqlUser(d: Diagnosis, major: number, baseEnv: NodeJS.ProcessEnv): Promise<void> {
  const step = d.recorder.start('psql-user');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(baseEnv)) if (v !== undefined) env[k] = v;
  if (d.profile.password !== undefined) env.PGPASSWORD = d.profile.password;
  const plain = plainPsqlProfile(d.profile, major);
  const keyPassword = d.profile.sslpassword !== undefined && d.profile.sslcert !== undefined ? await writeSslPasswordService(d.profile.sslpassword) : undefined;
  if (keyPassword) {
    plain.service = keyPassword.service;
    env.PGSERVICEFILE = keyPassword.file;
  }
  // hostaddr is no profile parameter of its own: written out so plain psql goes through the same tunnel end.
  const conninfo = formatKeyValue(plain) + (d.profile.hostaddr !== undefined ? ` hostaddr=${d.profile.hostaddr}` : '');
  try {
    d.facts.psqlUser = psqlAttempt(await runPsql(d.psqlPath, [...PSQL_ARGS, conninfo], env, { timeoutMs: d.timeoutMs, ...signalOption(d) }), d.secrets);
  } finally {
    await keyPassword?.cleanup();
  }
  upgradeHazards(d.facts);
  step.finish(d.facts.psqlUser.ok ? 'passed' : 'failed', explainPsqlDifference(d.facts), [
    { label: 'command', value: `psql -X -w -c 'select 1' '${conninfo}'` },
    { label: 'HOME', value: d.home },
    ...(d.facts.psqlUser.message ? [{ label: 'psql said', value: d.facts.psqlUser.message }] : []),
  ]);
}

/** 6. Both psql runs, when psql can be run and the server reached. */
async function stepsPsql(d: Diagnosis): Promise<void> {
  const major = d.facts.libpqMajor;
  const reason = major === undefined ? `${d.psqlPath} cannot be run.` : !d.facts.tcp?.ok ? 'The server is not reachable.' : undefined;
  if (major === undefined || reason) {
    d.recorder.skip('psql-tenantry', reason ?? '');
    d.recorder.skip('psql-user', reason ?? '');
    return;
  }
  const baseEnv: NodeJS.ProcessEnv = { ...d.userEnv, HOME: d.home };
  await stepPsqlTenantry(d, major, baseEnv);
  await stepPsqlUser(d, major, baseEnv);
}

/** 7. The profile's files and the ~/.postgresql defaults (checked at the start; reported here). */
function stepsFiles(d: Diagnosis): void {
  const own = d.facts.files.filter((f) => f.source === 'profile');
  if (own.length === 0) d.recorder.skip('local-files', 'The settings name no certificate, key, root or CRL file.');
  else {
    const step = d.recorder.start('local-files');
    const bad = own.filter((f) => !f.readable || f.permissionsOk === false || f.matchesCertificate === false || f.certificates[0]?.expired || f.keyError || (f.role === 'sslrootcert' && f.certificates.length > 0 && !f.certificates.some((c) => c.isCa)));
    step.finish(bad.length === 0 ? 'passed' : 'failed', bad.length === 0 ? 'The files named in the settings look right.' : `Problems with ${bad.map((f) => f.path).join(', ')}.`,
      own.map((f) => ({ label: `${f.role} ${f.path}`, value: describeFile(f) })));
  }
  const defaults = d.facts.files.filter((f) => f.source === 'default');
  if (defaults.length === 0) {
    d.recorder.skip('home-files', d.policy.first === 'tls' || d.policy.fallback === 'tls' ? 'The settings name every file libpq would otherwise look for.' : 'No TLS, so libpq reads no default files.');
    return;
  }
  const step = d.recorder.start('home-files');
  const about = (h: { path?: string }) => defaults.some((f) => f.path === h.path);
  const breaking = d.facts.hazards.filter((h) => h.severity === 'breaks' && about(h));
  const warnings = d.facts.hazards.filter((h) => h.severity === 'warning' && about(h));
  const shown = breaking.length > 0 ? breaking : warnings;
  step.finish(breaking.length > 0 ? 'failed' : warnings.length > 0 ? 'warning' : 'passed',
    shown.length > 0 ? shown.map((h) => h.message).join(' ') : 'No default files that could interfere.',
    [...defaults.map((f) => ({ label: f.path, value: describeFile(f) })), ...[...breaking, ...warnings].map((h) => ({ label: h.code, value: h.message }))]);
}

function withoutSecrets(profile: ConnectionProfile): ConnectionProfile {
  const copy = { ...profile };
  delete copy.password;
  delete copy.sslpassword;
  return copy;
}

/** The settings that would work, tried through the driver when they differ from the profile. */
async function suggest(d: Diagnosis, verdict: Verdict): Promise<SuggestedSettings | undefined> {
  const suggestion = suggestSettings(d.profile, d.facts, verdict);
  if (!suggestion) return undefined;
  if (suggestion.profile === d.profile) suggestion.verified = verdict.tenantryConnects;
  else {
    try {
      const client = await connectDriver(suggestion.profile);
      await client.end();
      suggestion.verified = true;
    } catch {
      suggestion.verified = false;
    }
  }
  suggestion.profile = withoutSecrets(suggestion.profile);
  return suggestion;
}

/**
 * Runs every diagnostic step against a profile and returns the report. Never
 * throws for connection problems; throws TenantryError CANCELLED when `signal` aborts.
 */
export async function diagnoseConnection(input: ConnectionProfile, options: DiagnoseOptions = {}): Promise<DiagnosticReport> {
  const startedAt = new Date();
  const userEnv = options.userEnv ?? process.env;
  const profile = applyDefaults(input);
  const policy = describeSslPolicy(profile);
  const host = profile.host ?? 'localhost';
  const port = profile.port ?? 5432;
  const secrets = [profile.password, profile.sslpassword];
  const d: Diagnosis = {
    profile, policy, host, address: profile.hostaddr ?? host, port, secrets, userEnv,
    timeoutMs: options.timeoutMs ?? 10_000,
    now: options.now ?? startedAt,
    home: options.home ?? userEnv.HOME ?? homedir(),
    psqlPath: options.psqlPath ?? (await findDefaultPsql(userEnv)),
    recorder: new StepRecorder(options.onStep, secrets),
    facts: { host, port, sslmode: policy.sslmode, socket: isSocketHost(host), files: [], hazards: [] },
    ...(options.signal ? { signal: options.signal } : {}),
  };
  try {
    d.facts.libpqMajor = await readLibpqMajor(d.psqlPath);
  } catch {
    // The psql steps are skipped.
  }
  try {
    checkProfileSsl(profile, policy);
    toDriverConfig(profile);
  } catch (error) {
    const parts = errorParts(error);
    d.facts.profileError = { code: parts.code ?? 'INTERNAL', message: parts.message };
  }
  Object.assign(d.facts, await checkSslFiles(profile, policy, d.home, d.now));

  throwIfCancelled(d);
  const socket = await stepTcp(d);
  const speaksTls = await stepSslRequest(d, socket).finally(() => closeQuietly(socket));
  for (const step of [() => stepTls(d, speaksTls), () => stepPolicy(d, speaksTls), () => stepDriver(d), () => stepsPsql(d)]) {
    throwIfCancelled(d);
    await step();
  }
  throwIfCancelled(d);
  stepsFiles(d);

  const verdict = decideVerdict(d.facts);
  const suggestion = await suggest(d, verdict);
  return {
    profile: withoutSecrets(profile),
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    steps: d.recorder.steps,
    facts: d.facts,
    verdict: { ...verdict, explanation: redactSecrets(verdict.explanation, secrets) },
    ...(suggestion ? { suggestion } : {}),
  };
}
