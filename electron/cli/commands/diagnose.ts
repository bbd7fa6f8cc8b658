/** `tenantry diagnose`: runs the connection and SSL diagnostics and prints the steps and the verdict. */
import type { DiagnosticReport, DiagnosticStep } from '../../../core/diagnostics/types.js';
import { describeNoSuggestion } from '../../../core/diagnostics/no-suggestion-note.js';
import { diagnoseWithSsh } from '../../services/diagnostics/diagnose-with-ssh.js';
import { UsageError, type CliCommand } from '../command.js';
import { EXIT } from '../exit-status.js';
import { parseOptions, resolveCliProfile, stringOption } from './parse-options.js';
import { SSH_OPTIONS, SSH_USAGE, cliKnownHosts, readSshOptions, trustedHostKeyOption } from './ssh-options.js';

const MARKS: Record<DiagnosticStep['status'], string> = { running: '…', passed: 'ok  ', failed: 'FAIL', warning: 'WARN', skipped: 'skip' };

/** The human-readable report. */
export function formatReport(report: DiagnosticReport): string {
  const lines: string[] = [];
  for (const step of report.steps) {
    lines.push(`[${MARKS[step.status]}] ${step.title}${step.durationMs !== undefined && step.status !== 'skipped' ? ` (${step.durationMs} ms)` : ''}`);
    if (step.summary) lines.push(`       ${step.summary}`);
    for (const e of step.evidence) lines.push(`         ${e.label}: ${e.value}`);
  }
  const v = report.verdict;
  lines.push('', `Verdict: ${v.code} — ${v.title}`, ...v.explanation.split('\n').map((l) => `  ${l}`));
  const ssh = report.facts.ssh;
  if (v.code === 'SSH_HOST_KEY_UNKNOWN' && ssh?.fingerprint) lines.push(`  To trust it, run the command again with --ssh-trust-host-key ${ssh.fingerprint}`);
  if (v.warnings.length > 0) lines.push('', 'Warnings:', ...v.warnings.map((w) => `  - [${w.code}] ${w.message}`));
  const s = report.suggestion;
  if (s) {
    lines.push('', `Settings that ${s.verified ? 'work (checked)' : s.verified === false ? 'should work (they did not connect when tried)' : 'should work'}${s.insecure ? ' — NOT verifying the server' : ''}:`);
    for (const note of s.notes) lines.push(`  ${note}`);
    lines.push('', '  URI:', `    ${s.copyable.uri}`, '', '  Environment:', ...s.copyable.envText.split('\n').map((l) => `    ${l}`), '', '  psql:', `    ${s.copyable.psqlCommand}`);
    lines.push('', '  (No password is shown: give it through ~/.pgpass or PGPASSWORD.)');
  } else {
    lines.push('', describeNoSuggestion(v));
  }
  return lines.join('\n') + '\n';
}

export const diagnoseCommand: CliCommand = {
  name: 'diagnose',
  summary: 'Diagnose a connection, SSL included, and say why it fails',
  usage: [
    'Usage: tenantry diagnose [--url URL] [--json] [--psql PATH] [--timeout SECONDS]',
    '',
    'Runs the connection diagnostics: TCP, the SSLRequest, the TLS handshake and',
    'certificate chain, the server\'s SSL policy, a login through the driver, psql',
    'with Tenantry\'s environment and with yours, and the certificate files in',
    '~/.postgresql. Ends with a verdict and settings that work.',
    '',
    '  --url URL        libpq URI or key=value string (default: PG* variables,',
    '                   service file and ~/.pgpass, as libpq reads them)',
    '  --json           print the report as JSON',
    '  --psql PATH      the psql to test with (default: the newest found)',
    '  --timeout SECONDS  per network operation (default 10)',
    SSH_USAGE,
    '',
    'Exit status: 0 when Tenantry can connect, 3 when it cannot.',
  ].join('\n'),
  async run(argv, io) {
    const values = parseOptions(argv, { url: { type: 'string' }, json: { type: 'boolean' }, psql: { type: 'string' }, timeout: { type: 'string' }, ...SSH_OPTIONS });
    const json = values.json === true;
    const psqlPath = stringOption(values, 'psql');
    const seconds = Number(stringOption(values, 'timeout') ?? 10);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError('--timeout needs a positive number of seconds.');
    const timeoutMs = seconds * 1000;
    const profile = await resolveCliProfile(stringOption(values, 'url'), io);
    // With --ssh the tunnel is opened by the diagnosis itself, step by step (reachable, host key, login, forward).
    const ssh = readSshOptions(values, io.env);
    if (ssh) profile.ssh = ssh;
    const trust = trustedHostKeyOption(values);
    const controller = new AbortController();
    const cancel = () => controller.abort();
    process.once('SIGINT', cancel);
    let report: DiagnosticReport;
    try {
      report = await diagnoseWithSsh(profile, {
        knownHosts: cliKnownHosts(io),
        sshEnv: io.env,
        ...(trust !== undefined ? { trustHostKey: trust } : {}),
        ...(psqlPath !== undefined ? { psqlPath } : {}),
        userEnv: io.env,
        timeoutMs,
        signal: controller.signal,
        ...(json ? {} : { onStep: (step: DiagnosticStep) => { if (step.status === 'running') io.stderr(`… ${step.title}\n`); } }),
      });
    } finally {
      process.off('SIGINT', cancel);
    }
    io.stdout(json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
    return report.verdict.tenantryConnects ? EXIT.ok : EXIT.cannotConnect;
  },
};
