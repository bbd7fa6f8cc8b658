/** Records diagnostic steps and reports each change (plain data, secrets removed). */
import { redactSecrets } from '../../../core/diagnostics/redact.js';
import type { DiagnosticStep, DiagnosticStepId, Evidence, StepStatus } from '../../../core/diagnostics/types.js';

export interface StepHandle {
  finish: (status: StepStatus, summary: string, evidence?: Evidence[]) => void;
}

const TITLES: Record<DiagnosticStepId, string> = {
  'ssh-reachable': 'SSH server reachable',
  'ssh-host-key': 'SSH host key',
  'ssh-auth': 'SSH authentication',
  'ssh-forward': 'SSH forward to the database',
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

export class StepRecorder {
  readonly steps: DiagnosticStep[] = [];
  constructor(private readonly onStep?: (step: DiagnosticStep) => void, private readonly secrets: (string | undefined)[] = []) {}

  private emit(step: DiagnosticStep): void {
    this.onStep?.(structuredClone(step));
  }

  start(id: DiagnosticStepId): StepHandle {
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
