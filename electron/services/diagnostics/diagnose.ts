/**
 * `diagnoseConnection`: runs the diagnostic steps against a profile, reports
 * each as it changes (onStep), and ends with a verdict and the settings that
 * would work. Steps, facts and verdict are plain data from core/diagnostics.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isIP } from 'node:net';
import { checkServerIdentity, type ConnectionOptions, type DetailedPeerCertificate } from 'node:tls';
import pg from 'pg';
import { formatKeyValue } from '../../../core/connection/connection-string.js';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { describeSslPolicy, type Transport } from '../../../core/connection/ssl-policy.js';
import { classifyFailure } from '../../../core/diagnostics/classify-failure.js';
import { redactSecrets } from '../../../core/diagnostics/redact.js';
import { suggestSettings } from '../../../core/diagnostics/suggest-settings.js';
import type { AttemptFacts, DiagnosticFacts, DiagnosticReport, DiagnosticStep, DiagnosticStepId, Evidence, FileFacts, StepStatus, TlsFacts } from '../../../core/diagnostics/types.js';
import { decideVerdict } from '../../../core/diagnostics/verdict.js';
import { isTenantryError } from '../../../core/errors.js';
import { buildChildEnvironment } from '../connection/child-env.js';
import { applyDefaults } from '../connection/defaults.js';
import { checkProfileSsl, connectDriver, connectDriverWithTransport, toDriverConfig } from '../connection/driver-config.js';
import { readClientMajor } from '../connection/libpq-version.js';
import { summarizePeerChain } from './certificate-summary.js';
import { checkSslFiles } from './file-checks.js';
import { closeQuietly, openTcp, sendSslRequest, startTls } from './probes.js';
import { runPsql } from './run-psql.js';

export interface DiagnoseOptions {
  /** psql to run for steps 6 (default: `psql` on PATH). */
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

const TITLES: Record<DiagnosticStepId, string> = {
  tcp: 'Name resolution and TCP connect',
  'ssl-request': 'SSLRequest: does the server speak TLS?',
  tls: 'TLS handshake and server certificate',
  'server-policy': 'Server policy (found by trying)',
  driver: 'Authentication and first query (driver)',
  'psql-tenantry': 'psql with Tenantry\'s environment',
  'psql-user': 'psql with your unmodified environment',
  'local-files': 'Client certificate, key and root files',
  'home-files': 'Default files in ~/.postgresql',
};

class StepRecorder {
  readonly steps: DiagnosticStep[] = [];
  constructor(private readonly onStep?: (step: DiagnosticStep) => void, private readonly secrets: (string | undefined)[] = []) {}

  private emit(step: DiagnosticStep): void {
    this.onStep?.(structuredClone(step));
  }

  start(id: DiagnosticStepId): { finish: (status: StepStatus, summary: string, evidence?: Evidence[]) => void } {
    const step: DiagnosticStep = { id, title: TITLES[id], status: 'running', summary: '', evidence: [] };
    this.steps.push(step);
    this.emit(step);
    const started = performance.now();
    return {
      finish: (status, summary, evidence = []) => {
        step.status = status;
        step.summary = redactSecrets(summary, this.secrets);
        step.evidence = evidence.map((e) => ({ label: e.label, value: redactSecrets(e.value, this.secrets) }));
        step.durationMs = Math.round(performance.now() - started);
        this.emit(step);
      },
    };
  }

  skip(id: DiagnosticStepId, reason: string): void {
    const step: DiagnosticStep = { id, title: TITLES[id], status: 'skipped', summary: reason, evidence: [] };
    this.steps.push(step);
    this.emit(step);
  }
}

function errorParts(error: unknown): { message: string; code?: string } {
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

function toAttempt(error: unknown, secrets: (string | undefined)[]): AttemptFacts {
  const { message, code } = errorParts(error);
  const failure = classifyFailure(message, code) ?? (code === 'PG_AUTH_FAILED' ? 'AUTH_FAILED' : undefined);
  const facts: AttemptFacts = { ok: false, message: redactSecrets(message, secrets) };
  if (failure) facts.failure = failure;
  return facts;
}

function psqlAttempt(run: Awaited<ReturnType<typeof runPsql>>, secrets: (string | undefined)[]): AttemptFacts {
  if (run.ok) return { ok: true };
  const message = redactSecrets((run.spawnError ?? run.stderr).trim(), secrets);
  const failure = classifyFailure(message);
  return failure ? { ok: false, failure, message } : { ok: false, message };
}

async function tryDriverOnce(profile: ConnectionProfile, transport: Transport, secrets: (string | undefined)[]): Promise<AttemptFacts> {
  let client: pg.Client | undefined;
  try {
    client = new pg.Client(toDriverConfig(profile, transport));
    await client.connect();
    await client.query('select 1');
    return { ok: true };
  } catch (error) {
    return toAttempt(error, secrets);
  } finally {
    await client?.end().catch(() => undefined);
  }
}

function describeAttempt(label: string, attempt: AttemptFacts | undefined): Evidence[] {
  if (!attempt) return [];
  return [{ label, value: attempt.ok ? 'accepted' : `refused: ${attempt.message ?? 'unknown error'}${attempt.failure ? ` [${attempt.failure}]` : ''}` }];
}

function describeFile(file: FileFacts): string {
  const parts = [file.exists ? 'exists' : `missing (${file.error ?? 'ENOENT'})`];
  if (file.exists) parts.push(file.readable ? 'readable' : `unreadable (${file.error ?? '?'})`);
  if (file.mode) parts.push(`mode ${file.mode}${file.ownedByRoot ? ' owned by root' : ''}`);
  if (file.permissionsOk === false) parts.push('permissions refused by libpq');
  if (file.certificate) {
    parts.push(`subject ${file.certificate.subject}`, `issuer ${file.certificate.issuer}`, `valid to ${file.certificate.validTo}${file.certificate.expired ? ' (EXPIRED)' : ''}`);
    if (file.role === 'sslrootcert') parts.push(file.certificate.isCa ? 'is a CA' : 'NOT a CA');
  }
  if (file.matchesCertificate !== undefined) parts.push(file.matchesCertificate ? 'matches the certificate' : 'does NOT match the certificate');
  if (file.keyError) parts.push(file.keyError);
  return parts.join('; ');
}

/** Runs every diagnostic step against a profile and returns the report (never throws for connection problems). */
export async function diagnoseConnection(input: ConnectionProfile, options: DiagnoseOptions = {}): Promise<DiagnosticReport> {
  const startedAt = new Date();
  const now = options.now ?? startedAt;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const userEnv = options.userEnv ?? process.env;
  const home = options.home ?? userEnv.HOME ?? homedir();
  const psqlPath = options.psqlPath ?? 'psql';
  const profile = applyDefaults(input);
  const secrets = [profile.password, profile.sslpassword];
  const policy = describeSslPolicy(profile);
  const host = profile.host ?? 'localhost';
  const port = profile.port ?? 5432;
  const recorder = new StepRecorder(options.onStep, secrets);
  const facts: DiagnosticFacts = { host, port, sslmode: policy.sslmode, socket: policy.first === 'plaintext' && host.startsWith('/'), files: [], hazards: [] };

  try {
    facts.libpqMajor = await readClientMajor(psqlPath);
  } catch {
    // psql steps are skipped below.
  }
  try {
    checkProfileSsl(profile, policy);
    toDriverConfig(profile);
  } catch (error) {
    const parts = errorParts(error);
    facts.profileError = { code: parts.code ?? 'INTERNAL', message: parts.message };
  }
  const fileCheck = await checkSslFiles(profile, policy, home, now);
  facts.files = fileCheck.files;
  facts.hazards = fileCheck.hazards;

  // 1. TCP.
  const tcpStep = recorder.start('tcp');
  let socket;
  try {
    const tcp = await openTcp(host, port, timeoutMs, options.signal);
    socket = tcp.socket;
    facts.tcp = { ok: true, address: tcp.address, ms: tcp.ms };
    tcpStep.finish('passed', `Connected to ${tcp.address} in ${tcp.ms} ms.`, [{ label: 'address', value: tcp.address }, { label: 'time', value: `${tcp.ms} ms` }]);
  } catch (error) {
    const { message, code } = errorParts(error);
    facts.tcp = { ok: false, error: code ? `${code}: ${message}` : message };
    tcpStep.finish('failed', `Cannot connect to ${host}:${port}: ${message}`, [{ label: 'error', value: facts.tcp.error ?? message }]);
  }

  // 2. SSLRequest.
  const directTls = profile.sslnegotiation === 'direct';
  let speaksTls = false;
  if (!facts.tcp?.ok) {
    recorder.skip('ssl-request', 'The server is not reachable.');
  } else if (facts.socket) {
    recorder.skip('ssl-request', 'Unix-domain socket: libpq never uses SSL here.');
  } else if (directTls) {
    recorder.skip('ssl-request', 'sslnegotiation=direct: TLS starts at once, without the SSLRequest.');
    speaksTls = true;
  } else {
    const step = recorder.start('ssl-request');
    try {
      const answer = await sendSslRequest(socket!, timeoutMs);
      facts.sslRequest = { answer };
      speaksTls = answer === 'S';
      step.finish(answer === 'S' ? 'passed' : policy.first === 'tls' && !policy.fallback ? 'failed' : 'warning',
        answer === 'S' ? 'The server answered S: it speaks TLS.' : 'The server answered N: ssl is off, it does not speak TLS.',
        [{ label: 'answer', value: answer }]);
    } catch (error) {
      facts.sslRequest = { answer: 'error', error: errorParts(error).message };
      step.finish('failed', `No valid answer to the SSLRequest: ${facts.sslRequest.error}`);
    }
  }
  closeQuietly(socket);

  // 3. TLS handshake.
  if (!speaksTls) {
    recorder.skip('tls', facts.tcp?.ok ? 'The server does not speak TLS on this connection.' : 'The server is not reachable.');
  } else {
    const step = recorder.start('tls');
    facts.tls = await inspectTls(profile, fileCheck.files, { host, port, timeoutMs, directTls, signal: options.signal, now });
    const tls = facts.tls;
    const evidence: Evidence[] = [];
    if (tls.protocol) evidence.push({ label: 'protocol', value: tls.protocol }, { label: 'cipher', value: tls.cipher ?? '?' });
    tls.chain.forEach((c, i) => {
      evidence.push({ label: `certificate ${i}`, value: `subject ${c.subject}; issuer ${c.issuer}; SAN ${c.subjectAltNames.join(', ') || 'none'}; valid ${c.validFrom} – ${c.validTo}${c.expired ? ' (EXPIRED)' : ''}${c.notYetValid ? ' (NOT YET VALID)' : ''}; SHA-256 ${c.fingerprint256}` });
    });
    if (tls.rootVerify) evidence.push({ label: 'verifies against sslrootcert', value: tls.rootVerify.ok ? 'yes' : `no (${tls.rootVerify.error})` });
    if (tls.systemVerify) evidence.push({ label: 'verifies against the system store', value: tls.systemVerify.ok ? 'yes' : `no (${tls.systemVerify.error})` });
    if (tls.defaultRootVerify) evidence.push({ label: 'verifies against ~/.postgresql/root.crt', value: tls.defaultRootVerify.ok ? 'yes' : `no (${tls.defaultRootVerify.error})` });
    if (tls.hostname) evidence.push({ label: `names host "${host}"`, value: tls.hostname.ok ? 'yes' : `no (${tls.hostname.error})` });
    evidence.push({ label: 'what the settings check', value: policy.explanation });
    const problems: string[] = [];
    if (!tls.ok) problems.push(`handshake failed: ${tls.error}`);
    if (policy.verifyChain && tls.rootVerify && !tls.rootVerify.ok) problems.push('the chain does not verify against sslrootcert');
    if (policy.verifyHost && tls.hostname && !tls.hostname.ok) problems.push('the certificate does not name the host');
    if (tls.chain[0]?.expired) problems.push('the server certificate has expired');
    step.finish(problems.length === 0 ? 'passed' : !tls.ok || policy.verifyChain ? 'failed' : 'warning',
      problems.length === 0 ? `${tls.protocol ?? 'TLS'} with a certificate for ${tls.chain[0]?.subject ?? '?'}.` : `TLS: ${problems.join('; ')}.`, evidence);
  }

  // 4. Server policy.
  if (!facts.tcp?.ok || facts.socket || facts.profileError) {
    recorder.skip('server-policy', facts.profileError ? 'The settings cannot be used as they are.' : facts.socket ? 'Unix-domain socket: no SSL policy applies.' : 'The server is not reachable.');
  } else {
    const step = recorder.start('server-policy');
    facts.policy = await probePolicy(profile, fileCheck.files, speaksTls, secrets);
    upgradeHazards(facts);
    const p = facts.policy;
    const findings: string[] = [];
    if (p.plaintext) findings.push(p.plaintext.failure === 'SSL_REQUIRED_BY_SERVER' ? 'refuses plaintext' : 'accepts plaintext');
    if (p.withoutClientCert) findings.push(p.withoutClientCert.failure === 'CLIENT_CERT_REQUIRED' ? 'requires a client certificate' : 'does not require a client certificate');
    if (p.withProfileCert && !p.withProfileCert.ok) findings.push(`rejects the configured certificate (${p.withProfileCert.failure ?? p.withProfileCert.message})`);
    if (p.withDefaultCert && !p.withDefaultCert.ok) findings.push(`rejects ~/.postgresql/postgresql.crt (${p.withDefaultCert.failure ?? p.withDefaultCert.message})`);
    step.finish('passed', findings.length > 0 ? `The server ${findings.join(', ')}.` : 'Nothing to probe.', [
      ...describeAttempt('plaintext', p.plaintext),
      ...describeAttempt('TLS without a client certificate', p.withoutClientCert),
      ...describeAttempt('TLS with the configured client certificate', p.withProfileCert),
      ...describeAttempt('TLS with ~/.postgresql/postgresql.crt', p.withDefaultCert),
    ]);
  }

  // 5. Driver.
  if (facts.profileError || !facts.tcp?.ok) {
    if (facts.profileError) facts.driver = { ok: false, message: facts.profileError.message };
    recorder.skip('driver', facts.profileError ? `The settings cannot be used: ${facts.profileError.message}` : 'The server is not reachable.');
  } else {
    const step = recorder.start('driver');
    try {
      const { client, transport } = await connectDriverWithTransport(profile);
      try {
        const { rows } = await client.query<{ version: string; user: string; ssl: boolean | null }>(
          'select version() as version, current_user as user, (select ssl from pg_stat_ssl where pid = pg_backend_pid()) as ssl');
        const row = rows[0];
        facts.driver = { ok: true, transport, ...(row ? { serverVersion: row.version } : {}) };
        step.finish('passed', `Logged in as ${row?.user ?? '?'} over ${transport === 'tls' ? 'TLS' : 'plaintext'}.`, [
          { label: 'server', value: row?.version ?? '?' }, { label: 'encrypted', value: row?.ssl ? 'yes' : 'no' },
        ]);
      } finally {
        await client.end().catch(() => undefined);
      }
    } catch (error) {
      facts.driver = toAttempt(error, secrets);
      step.finish('failed', `The driver cannot connect: ${facts.driver.message}`, [{ label: 'cause', value: facts.driver.failure ?? 'not recognised' }]);
    }
  }

  // 6. psql, twice.
  const baseEnv: NodeJS.ProcessEnv = { ...userEnv, HOME: home };
  if (facts.libpqMajor === undefined) {
    recorder.skip('psql-tenantry', `${psqlPath} cannot be run.`);
    recorder.skip('psql-user', `${psqlPath} cannot be run.`);
  } else if (!facts.tcp?.ok) {
    recorder.skip('psql-tenantry', 'The server is not reachable.');
    recorder.skip('psql-user', 'The server is not reachable.');
  } else {
    const major = facts.libpqMajor;
    const step = recorder.start('psql-tenantry');
    try {
      const child = await buildChildEnvironment(profile, { libpqMajor: major, baseEnv });
      try {
        const run = await runPsql(psqlPath, ['-X', '-w', '-A', '-t', '-c', 'select 1'], child.env, { timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
        facts.psqlTenantry = psqlAttempt(run, secrets);
      } finally {
        await child.cleanup();
      }
    } catch (error) {
      facts.psqlTenantry = toAttempt(error, secrets);
      if (isTenantryError(error) && !facts.psqlTenantry.failure) facts.psqlTenantry.failure = 'PROFILE_INVALID';
    }
    step.finish(facts.psqlTenantry.ok ? 'passed' : 'failed', facts.psqlTenantry.ok ? `psql (libpq ${major}) connects with the environment Tenantry builds.` : `psql fails with Tenantry's environment: ${facts.psqlTenantry.message}`,
      [{ label: 'psql', value: `${psqlPath} (libpq ${major})` }, ...(facts.psqlTenantry.failure ? [{ label: 'cause', value: facts.psqlTenantry.failure }] : [])]);

    const userStep = recorder.start('psql-user');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(baseEnv)) if (v !== undefined) env[k] = v;
    // The password goes in the environment (never the command line); everything else is the user's.
    if (profile.password !== undefined) env.PGPASSWORD = profile.password;
    const conninfo = formatKeyValue(plainPsqlProfile(profile, major));
    const run = await runPsql(psqlPath, ['-X', '-w', '-A', '-t', '-c', 'select 1', conninfo], env, { timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
    facts.psqlUser = psqlAttempt(run, secrets);
    upgradeHazards(facts);
    userStep.finish(facts.psqlUser.ok ? 'passed' : 'failed', explainPsqlDifference(facts), [
      { label: 'command', value: `psql -X -w -c 'select 1' '${conninfo}'` },
      { label: 'HOME', value: home },
      ...(facts.psqlUser.message ? [{ label: 'psql said', value: facts.psqlUser.message }] : []),
    ]);
  }

  // 7. Files.
  const ownFiles = facts.files.filter((f) => f.source === 'profile');
  if (ownFiles.length === 0) recorder.skip('local-files', 'The settings name no certificate, key, root or CRL file.');
  else {
    const step = recorder.start('local-files');
    const bad = ownFiles.filter((f) => !f.readable || f.permissionsOk === false || f.matchesCertificate === false || f.certificate?.expired || f.keyError || (f.role === 'sslrootcert' && f.certificate && !f.certificate.isCa));
    step.finish(bad.length === 0 ? 'passed' : 'failed', bad.length === 0 ? 'The files named in the settings look right.' : `Problems with ${bad.map((f) => f.path).join(', ')}.`,
      ownFiles.map((f) => ({ label: `${f.role} ${f.path}`, value: describeFile(f) })));
  }
  const defaults = facts.files.filter((f) => f.source === 'default');
  if (defaults.length === 0) recorder.skip('home-files', policy.first === 'tls' || policy.fallback === 'tls' ? 'The settings name every file libpq would otherwise look for.' : 'No TLS, so libpq reads no default files.');
  else {
    const step = recorder.start('home-files');
    const breaking = facts.hazards.filter((h) => h.severity === 'breaks' && defaults.some((d) => d.path === h.path));
    const warnings = facts.hazards.filter((h) => h.severity === 'warning' && defaults.some((d) => d.path === h.path));
    step.finish(breaking.length > 0 ? 'failed' : warnings.length > 0 ? 'warning' : 'passed',
      breaking.length > 0 ? breaking.map((h) => h.message).join(' ') : warnings.length > 0 ? warnings.map((h) => h.message).join(' ') : 'No default files that could interfere.',
      [...defaults.map((f) => ({ label: f.path, value: describeFile(f) })), ...[...breaking, ...warnings].map((h) => ({ label: h.code, value: h.message }))]);
  }

  const verdict = decideVerdict(facts);
  const suggestion = suggestSettings(profile, facts, verdict);
  if (suggestion) {
    if (suggestion.profile === profile) suggestion.verified = verdict.tenantryConnects;
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
  }
  return {
    profile: withoutSecrets(profile),
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    steps: recorder.steps,
    facts,
    verdict: { ...verdict, explanation: redactSecrets(verdict.explanation, secrets) },
    ...(suggestion ? { suggestion } : {}),
  };
}

function withoutSecrets(profile: ConnectionProfile): ConnectionProfile {
  const copy = { ...profile };
  delete copy.password;
  delete copy.sslpassword;
  return copy;
}

/** The profile as plain psql gets it: only what the settings say, and only what this libpq knows. */
function plainPsqlProfile(profile: ConnectionProfile, major: number): ConnectionProfile {
  const copy: ConnectionProfile = { ...profile, connect_timeout: profile.connect_timeout ?? 10 };
  delete copy.password;
  delete copy.sslpassword;
  if (major < 16) delete copy.sslcertmode;
  if (major < 17) delete copy.sslnegotiation;
  if (major < 16 && copy.sslrootcert === 'system') delete copy.sslrootcert;
  return copy;
}

function explainPsqlDifference(facts: DiagnosticFacts): string {
  const user = facts.psqlUser;
  const ours = facts.psqlTenantry;
  if (!user) return '';
  if (user.ok && ours?.ok) return 'Plain psql connects too: your environment does not interfere.';
  if (user.ok) return 'Plain psql connects, but Tenantry\'s psql does not (see that step).';
  const hazard = facts.hazards.find((h) => h.severity === 'breaks' && h.code === user.failure) ?? facts.hazards.find((h) => h.severity === 'breaks');
  if (ours?.ok) {
    return `Plain psql fails where Tenantry's psql connects: ${hazard ? hazard.message : user.message ?? ''} Tenantry sets every PGSSL* variable itself and never reads ~/.postgresql.`;
  }
  return `Plain psql fails as well: ${user.message ?? ''}`;
}

/** After the policy probe and plain psql: which default-file hazards actually break things here. */
function upgradeHazards(facts: DiagnosticFacts): void {
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

async function inspectTls(profile: ConnectionProfile, files: FileFacts[], target: { host: string; port: number; timeoutMs: number; directTls: boolean; signal?: AbortSignal; now: Date }): Promise<TlsFacts> {
  const servername = isIP(target.host) === 0 ? target.host : undefined;
  const handshake = async (ca?: Buffer) => {
    const { socket } = await openTcp(target.host, target.port, target.timeoutMs, target.signal);
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

async function probePolicy(profile: ConnectionProfile, files: FileFacts[], speaksTls: boolean, secrets: (string | undefined)[]): Promise<DiagnosticFacts['policy'] & object> {
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
