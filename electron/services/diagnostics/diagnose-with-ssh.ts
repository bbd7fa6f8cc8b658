/**
 * Diagnostics for a connection behind an SSH tunnel: four SSH steps first
 * (the bastion reachable and speaking SSH, its host key, the login, the
 * forward to the database), each with its verdict; then, through the tunnel,
 * the usual database steps. When a stage fails, the database steps are
 * skipped and the verdict names that stage.
 */
import { connect } from 'node:net';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { sshHostKeyName, type SshSettings } from '../../../core/connection/ssh-settings.js';
import type { DiagnosticReport, DiagnosticStep, SshFacts, SshVerdictCode } from '../../../core/diagnostics/types.js';
import { describeCause } from '../../../core/diagnostics/verdict.js';
import { isTenantryError } from '../../../core/errors.js';
import { applyDefaults } from '../connection/defaults.js';
import type { KnownHosts } from '../ssh/known-hosts.js';
import { openSshTunnel, type SshTunnel } from '../ssh/ssh-tunnel.js';
import { throughTunnel, tunnelDestination } from '../ssh/tunnel-profile.js';
import { diagnoseConnection, type DiagnoseOptions } from './diagnose.js';
import { StepRecorder } from './step-recorder.js';

export interface SshDiagnoseOptions extends DiagnoseOptions {
  knownHosts: KnownHosts;
  /** Where SSH_AUTH_SOCK is read for the agent (default process.env). */
  sshEnv?: NodeJS.ProcessEnv;
  /** A host key fingerprint the user confirmed (the CLI's --ssh-trust-host-key). */
  trustHostKey?: string;
}

const SSH_CODES: readonly SshVerdictCode[] = ['SSH_UNREACHABLE', 'SSH_HOST_KEY_UNKNOWN', 'SSH_HOST_KEY_MISMATCH', 'SSH_KEY_UNREADABLE', 'SSH_AUTH_FAILED', 'SSH_FORWARD_FAILED'];

/** Connects and reads the SSH identification line ("SSH-2.0-OpenSSH_9.2p1"), or says why not. */
function readBanner(host: string, port: number, timeoutMs: number): Promise<{ ok: true; banner: string } | { ok: false; message: string }> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let data = '';
    const finish = (result: { ok: true; banner: string } | { ok: false; message: string }) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish(data ? { ok: false, message: `${host}:${port} answered, but not as an SSH server ("${data.slice(0, 40)}").` } : { ok: false, message: `No answer from ${host}:${port} within ${timeoutMs} ms.` }), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      const line = data.split(/\r?\n/)[0] ?? '';
      if (data.includes('\n') || data.length > 255) {
        finish(line.startsWith('SSH-') ? { ok: true, banner: line.trim() } : { ok: false, message: `${host}:${port} answered, but not as an SSH server ("${line.slice(0, 40)}").` });
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      const resolveFailed = error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN';
      finish({ ok: false, message: resolveFailed ? `The SSH host name ${host} does not resolve.` : `Nothing accepts connections at ${host}:${port} (${error.code ?? error.message}).` });
    });
  });
}

/** The report when the tunnel did not open: the SSH steps, the database steps skipped, the stage as the verdict. */
function sshFailureReport(profile: ConnectionProfile, recorder: StepRecorder, facts: SshFacts, code: SshVerdictCode, message: string, startedAt: Date): DiagnosticReport {
  for (const id of ['tcp', 'ssl-request', 'tls', 'server-policy', 'driver', 'psql-tenantry', 'psql-user'] as const) recorder.skip(id, 'The SSH tunnel did not open.');
  const { password: _p, sslpassword: _s, ssh: _ssh, ...shown } = profile;
  const cause = describeCause(code);
  facts.failure = { code, message };
  return {
    profile: shown,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    steps: recorder.steps,
    facts: { host: profile.host ?? '', port: profile.port ?? 5432, sslmode: profile.sslmode ?? 'prefer', socket: false, files: [], hazards: [], ssh: facts },
    verdict: { code, tenantryConnects: false, title: cause.title, explanation: `${message}\n${cause.advice}`, warnings: [] },
  };
}

/** Which SSH steps passed before the stage that failed, and the failing step's id. */
const FAILED_STEP: Record<SshVerdictCode, DiagnosticStep['id']> = {
  SSH_UNREACHABLE: 'ssh-reachable',
  SSH_HOST_KEY_UNKNOWN: 'ssh-host-key',
  SSH_HOST_KEY_MISMATCH: 'ssh-host-key',
  SSH_KEY_UNREADABLE: 'ssh-auth',
  SSH_AUTH_FAILED: 'ssh-auth',
  SSH_FORWARD_FAILED: 'ssh-forward',
};

/**
 * Diagnoses a profile with `ssh` settings: the SSH steps, then (through the
 * tunnel, closed afterwards) diagnoseConnection. Never throws for connection
 * problems, like diagnoseConnection.
 */
export async function diagnoseWithSsh(input: ConnectionProfile, options: SshDiagnoseOptions): Promise<DiagnosticReport> {
  const startedAt = new Date();
  const profile = applyDefaults(input);
  const ssh: SshSettings | undefined = profile.ssh;
  if (!ssh) return diagnoseConnection(profile, options);
  const secrets = [profile.password, profile.sslpassword, ssh.passphrase];
  const recorder = new StepRecorder(options.onStep, secrets);
  const port = ssh.port ?? 22;
  const facts: SshFacts = { host: ssh.host, port, user: ssh.user };
  const timeoutMs = options.timeoutMs ?? 10_000;

  const reach = recorder.start('ssh-reachable');
  const banner = await readBanner(ssh.host, port, timeoutMs);
  if (!banner.ok) {
    reach.finish('failed', banner.message, [{ label: 'address', value: `${ssh.host}:${port}` }]);
    for (const id of ['ssh-host-key', 'ssh-auth', 'ssh-forward'] as const) recorder.skip(id, 'The SSH server is not reachable.');
    return sshFailureReport(profile, recorder, facts, 'SSH_UNREACHABLE', banner.message, startedAt);
  }
  facts.banner = banner.banner;
  reach.finish('passed', `${ssh.host}:${port} answers as an SSH server.`, [{ label: 'server', value: banner.banner }]);

  let dest: { host: string; port: number };
  let tunnel: SshTunnel;
  const hostKey = recorder.start('ssh-host-key');
  try {
    dest = tunnelDestination(profile);
    tunnel = await openSshTunnel(ssh, dest, { knownHosts: options.knownHosts, timeoutMs, ...(options.sshEnv ? { env: options.sshEnv } : {}), ...(options.trustHostKey ? { trustHostKey: options.trustHostKey } : {}) });
  } catch (error) {
    const code = isTenantryError(error) && (SSH_CODES as readonly string[]).includes(error.code) ? (error.code as SshVerdictCode) : undefined;
    const message = isTenantryError(error) ? error.userMessage : String(error);
    if (!code) {
      hostKey.finish('failed', message);
      for (const id of ['ssh-auth', 'ssh-forward'] as const) recorder.skip(id, 'The SSH settings cannot be used.');
      return sshFailureReport(profile, recorder, facts, 'SSH_UNREACHABLE', message, startedAt);
    }
    const failed = FAILED_STEP[code];
    const trusted = options.knownHosts.lookup(sshHostKeyName(ssh));
    if (code === 'SSH_HOST_KEY_UNKNOWN' && isTenantryError(error) && error.detail) facts.fingerprint = error.detail;
    if (failed === 'ssh-host-key') {
      hostKey.finish('failed', message, [{ label: 'fingerprint shown', value: facts.fingerprint ?? (isTenantryError(error) ? /seen (\S+)/.exec(error.detail ?? '')?.[1] ?? '?' : '?') }, { label: 'trusted', value: trusted ?? 'none yet' }]);
      for (const id of ['ssh-auth', 'ssh-forward'] as const) recorder.skip(id, 'The host key is not trusted.');
    } else if (code === 'SSH_UNREACHABLE') {
      hostKey.finish('failed', message);
      for (const id of ['ssh-auth', 'ssh-forward'] as const) recorder.skip(id, 'The SSH handshake did not finish.');
    } else {
      // A key file that cannot be read stops before the handshake: the host key was not checked.
      if (code === 'SSH_KEY_UNREADABLE') hostKey.finish('skipped', 'Not checked: the key file cannot be used, so no login was tried.');
      else hostKey.finish('passed', trusted ? `The host key is the one trusted (${trusted}).` : 'The host key was accepted.', trusted ? [{ label: 'fingerprint', value: trusted }] : []);
      const auth = recorder.start('ssh-auth');
      if (failed === 'ssh-auth') {
        auth.finish('failed', message, [{ label: 'login', value: `${ssh.user} with ${ssh.useAgent ? 'the SSH agent' : `key file ${ssh.keyFile ?? ''}`}` }]);
        recorder.skip('ssh-forward', 'The login failed.');
      } else {
        auth.finish('passed', `Logged in as ${ssh.user}.`);
        recorder.start('ssh-forward').finish('failed', message, [{ label: 'to', value: `${profile.host ?? ''}:${profile.port ?? 5432} as the bastion sees it` }]);
      }
    }
    return sshFailureReport(profile, recorder, facts, code, message, startedAt);
  }
  facts.fingerprint = tunnel.hostKeyFingerprint;
  facts.localPort = tunnel.localPort;
  hostKey.finish('passed', `The host key is trusted: ${tunnel.hostKeyFingerprint}.`, [{ label: 'fingerprint', value: tunnel.hostKeyFingerprint }]);
  recorder.start('ssh-auth').finish('passed', `Logged in as ${ssh.user} with ${ssh.useAgent ? 'the SSH agent' : 'the key file'}.`, [{ label: 'login', value: `${ssh.user}@${ssh.host}:${port}` }]);
  recorder.start('ssh-forward').finish('passed', `The bastion opens connections to ${dest.host}:${dest.port}; they arrive at 127.0.0.1:${tunnel.localPort} here.`, [{ label: 'forward', value: `127.0.0.1:${tunnel.localPort} → ${dest.host}:${dest.port}` }]);
  try {
    const report = await diagnoseConnection(throughTunnel(profile, tunnel), options);
    const { hostaddr: _a, ...shown } = report.profile;
    const suggestion = report.suggestion && { ...report.suggestion, notes: [...report.suggestion.notes, `Through the SSH tunnel to ${ssh.user}@${ssh.host}:${port}: port ${tunnel.localPort} above is the tunnel's local end, which closes after the diagnosis; the database is ${dest.host}:${dest.port} as the bastion sees it.`] };
    return { ...report, ...(suggestion ? { suggestion } : {}), profile: { ...shown, port: dest.port }, startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime(), steps: [...recorder.steps, ...report.steps], facts: { ...report.facts, ssh: facts } };
  } finally {
    await tunnel.close();
  }
}
