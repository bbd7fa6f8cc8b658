/**
 * Runs the connection diagnostics (electron/services/diagnostics) and maps its
 * steps and verdict to the contract's plain types, reporting each step live.
 */
import type { DiagnosticStepInfo, DiagnosticsResult } from '../../core/api/contract.js';
import type { ConnectionProfile } from '../../core/connection/profile.js';
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

/** Maps a diagnostic report to what the SSL panel shows. */
export function toDiagnosticsResult(report: DiagnosticReport): DiagnosticsResult {
  const suggestion = report.suggestion;
  const sshHostKey = sshHostKeyToConfirm(report);
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
      ...(suggestion
        ? {
            working: {
              uri: suggestion.copyable.uri,
              env: suggestion.copyable.envText,
              psql: suggestion.copyable.psqlCommand,
              notes: suggestion.notes,
              insecure: suggestion.insecure,
              ...(suggestion.verified !== undefined ? { verified: suggestion.verified } : {}),
            },
          }
        : {}),
    },
  };
}

/** Runs diagnostics for a profile (its SSH tunnel first, when it has one), reporting each step as it starts and ends. */
export async function runDiagnostics(profile: ConnectionProfile, ctx: JobContext, ssh: { knownHosts: KnownHosts; env: NodeJS.ProcessEnv }): Promise<DiagnosticsResult> {
  const report = await diagnoseWithSsh(profile, { signal: ctx.signal, onStep: (step) => ctx.step(toStepInfo(step)), knownHosts: ssh.knownHosts, sshEnv: ssh.env });
  return toDiagnosticsResult(report);
}
