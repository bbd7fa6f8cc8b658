/**
 * Runs the connection diagnostics (electron/services/diagnostics) and maps its
 * steps and verdict to the contract's plain types, reporting each step live.
 */
import type { DiagnosticStepInfo, DiagnosticsResult } from '../../core/api/contract.js';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { quoteShell } from '../../core/diagnostics/copyable-settings.js';
import type { DiagnosticReport, DiagnosticStep } from '../../core/diagnostics/types.js';
import { diagnoseWithSsh } from '../services/diagnostics/diagnose-with-ssh.js';
import type { KnownHosts } from '../services/ssh/known-hosts.js';
import type { JobContext } from './jobs.js';

/** The bastion and fingerprint to confirm when the verdict is an SSH host key seen for the first time. */
function sshHostKeyToConfirm(report: DiagnosticReport): DiagnosticsResult['verdict']['sshHostKey'] {
  const ssh = report.facts.ssh;
  if (report.verdict.code !== 'SSH_HOST_KEY_UNKNOWN' || !ssh?.fingerprint) return undefined;
  return { host: ssh.host, port: ssh.port, fingerprint: ssh.fingerprint };
}

function toStepInfo(step: DiagnosticStep): DiagnosticStepInfo {
  return {
    id: step.id,
    title: step.title,
    status: step.status,
    evidence: [step.summary, ...step.evidence.map((e) => `${e.label}: ${e.value}`)].filter((line) => line.length > 0),
    ...(step.durationMs !== undefined ? { elapsedMs: step.durationMs } : {}),
  };
}

/** How the copied commands authenticate: a passfile psql reads (the sandbox), or whether a password exists that they leave out. */
export interface CopyAuth {
  passfile?: string;
  hasPassword?: boolean;
}

/**
 * The copied psql command and environment never carry the password. With a passfile (the sandbox, whose
 * password nobody knows) they name it in PGPASSFILE so they work as pasted; otherwise a note says psql asks.
 */
function withCopyAuth(copyable: { envText: string; psqlCommand: string }, notes: string[], auth: CopyAuth): { env: string; psql: string; notes: string[] } {
  if (auth.passfile) {
    const lines = copyable.psqlCommand.split('\n');
    const command = lines.pop() ?? '';
    const assignment = `PGPASSFILE=${quoteShell(auth.passfile)}`;
    return {
      env: `${copyable.envText}\nexport ${assignment}`,
      psql: [...lines, `${assignment} ${command}`].join('\n'),
      notes: [...notes, `The password is not in the copied text: psql reads it from ${auth.passfile} (readable by you only, rewritten at every start of the sandbox).`],
    };
  }
  const promptNote = auth.hasPassword ? ['The password is not in the copied text: psql asks for it (or reads it from ~/.pgpass).'] : [];
  return { env: copyable.envText, psql: copyable.psqlCommand, notes: [...notes, ...promptNote] };
}

/** Maps a diagnostic report to what the SSL panel shows. */
export function toDiagnosticsResult(report: DiagnosticReport, auth: CopyAuth = {}): DiagnosticsResult {
  const suggestion = report.suggestion;
  const sshHostKey = sshHostKeyToConfirm(report);
  const copied = suggestion ? withCopyAuth(suggestion.copyable, suggestion.notes, auth) : undefined;
  return {
    steps: report.steps.map(toStepInfo),
    verdict: {
      ok: report.verdict.tenantryConnects,
      code: report.verdict.code,
      summary: report.verdict.title,
      explanation: report.verdict.explanation,
      chain: (report.facts.tls?.chain ?? []).map((c) => ({ subject: c.subject, issuer: c.issuer, validTo: c.validTo, sans: c.subjectAltNames })),
      warnings: report.verdict.warnings.map((w) => w.message),
      ...(sshHostKey ? { sshHostKey } : {}),
      ...(suggestion && copied
        ? {
            working: {
              uri: suggestion.copyable.uri,
              env: copied.env,
              psql: copied.psql,
              notes: copied.notes,
              insecure: suggestion.insecure,
              ...(suggestion.verified !== undefined ? { verified: suggestion.verified } : {}),
            },
          }
        : {}),
    },
  };
}

/** Runs diagnostics for a profile (its SSH tunnel first, when it has one), reporting each step as it starts and ends. */
export async function runDiagnostics(profile: ConnectionProfile, ctx: JobContext, ssh: { knownHosts: KnownHosts; env: NodeJS.ProcessEnv }, auth: CopyAuth = {}): Promise<DiagnosticsResult> {
  const report = await diagnoseWithSsh(profile, { signal: ctx.signal, onStep: (step) => ctx.step(toStepInfo(step)), knownHosts: ssh.knownHosts, sshEnv: ssh.env });
  return toDiagnosticsResult(report, { hasPassword: profile.password !== undefined && profile.password !== '', ...auth });
}
