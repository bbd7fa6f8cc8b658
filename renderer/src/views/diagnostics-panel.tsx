import type { DiagnosticStepInfo, DiagnosticsResult } from '../../../core/api/contract';
import type { ErrorInfo } from '../../../core/errors';
import { CopyButton } from '../components/copy-button';
import { ErrorBox } from '../components/error-box';
import { formatMs } from '../components/format';

const ICON: Record<DiagnosticStepInfo['status'], { mark: string; cls: string; label: string }> = {
  running: { mark: '…', cls: '', label: 'running' },
  passed: { mark: '✓', cls: 'status-ok', label: 'passed' },
  failed: { mark: '✗', cls: 'status-bad', label: 'failed' },
  skipped: { mark: '–', cls: 'muted', label: 'skipped' },
  warning: { mark: '!', cls: 'status-warn', label: 'warning' },
};

/** Diagnostic steps as they arrive, then the verdict and the working settings. */
export function DiagnosticsPanel({ steps, result, error, running }: { steps: DiagnosticStepInfo[]; result?: DiagnosticsResult; error?: ErrorInfo; running: boolean }) {
  const shown = result?.steps ?? steps;
  const verdict = result?.verdict;
  return (
    <section className="card" aria-label="Diagnostics">
      <h2>Diagnostics {running ? <span className="dot busy" aria-label="running" /> : null}</h2>
      <ol className="steps">
        {shown.map((s) => (
          <li key={s.id} className="step" data-status={s.status}>
            <div className="step-head">
              <span className={ICON[s.status].cls} aria-label={ICON[s.status].label}>
                {ICON[s.status].mark}
              </span>
              <strong>{s.title}</strong>
              <span className="muted">{formatMs(s.elapsedMs)}</span>
            </div>
            {s.evidence.length > 0 ? (
              <ul>
                {s.evidence.map((e, i) => (
                  <li key={i}>{e}</li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ol>
      {error ? <ErrorBox error={error} title="Diagnostics did not finish" /> : null}
      {verdict ? (
        <div className={verdict.ok ? 'ok-box' : 'error-box'} role="status" aria-label="Verdict">
          <div>
            <strong>{verdict.ok ? '✓' : 'Cause found:'}</strong> <strong>{verdict.summary}</strong> {verdict.code ? <span className="mono muted">{verdict.code}</span> : null}
          </div>
          {verdict.explanation ? <p className="u-m-6-0">{verdict.explanation}</p> : null}
          {verdict.warnings.length > 0 ? (
            <ul className="u-m-4-0 u-pl-18" aria-label="Hazards">
              {verdict.warnings.map((w, i) => (
                <li key={i} className="status-warn">
                  {w}
                </li>
              ))}
            </ul>
          ) : null}
          {verdict.chain.length > 0 ? (
            <details open>
              <summary>Server certificate chain</summary>
              <ol className="mono">
                {verdict.chain.map((c, i) => (
                  <li key={i}>
                    {c.subject} — issued by {c.issuer}, valid to {c.validTo.slice(0, 10)}
                    {c.sans && c.sans.length > 0 ? ` — SAN ${c.sans.join(', ')}` : ''}
                  </li>
                ))}
              </ol>
            </details>
          ) : null}
          {verdict.working ? (
            <div className="stack u-mt-8">
              <div className="muted">
                {verdict.ok ? 'Settings that work' : 'Settings that would work'}
                {verdict.working.verified ? ' (checked: Tenantry connected with them)' : ''}
                {verdict.working.insecure ? ' — they do not verify the server' : ''}:
              </div>
              <code className="mono" aria-label="Working settings URI">{verdict.working.uri}</code>
              {verdict.working.notes.map((n, i) => (
                <div key={i} className="muted u-fs-12">
                  {n}
                </div>
              ))}
              <div className="row">
                <CopyButton label="Copy as URI" text={verdict.working.uri} />
                <CopyButton label="Copy as environment variables" text={verdict.working.env} />
                <CopyButton label="Copy as psql command" text={verdict.working.psql} />
              </div>
            </div>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
