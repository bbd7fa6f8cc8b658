/**
 * The review of a planned migration: each version in the snapshot editor's
 * Monaco editor with the template's references highlighted by kind (those left
 * as written struck through), or the templated SQL every tenant runs; the
 * references that need a decision, each switchable between replace and keep;
 * and the refused statements.
 */
import { useMemo, useState } from 'react';
import type { MigrationPlanInfo } from '../../../../core/api/contract';
import { pluralize } from '../../lib/plural';
import { SqlEditor } from '../sql-editor';

const NO_REFS: never[] = [];

export function RolloutReview(props: { plan: MigrationPlanInfo; onDecide(id: string, decision: 'keep' | 'replace'): void }) {
  const { plan } = props;
  const [fileIndex, setFileIndex] = useState(0);
  const [shown, setShown] = useState<'written' | 'templated'>('written');
  const file = plan.files[Math.min(fileIndex, plan.files.length - 1)];
  const kept = useMemo(() => new Set(file?.references.filter((r) => r.keep === true).map((r) => r.index) ?? []), [file]);
  if (!file) return null;
  const replaced = file.references.length - kept.size;
  return (
    <section className="card rollout-review" aria-label="Migration review">
      <div className="row">
        <h2 className="flush">Review</h2>
        <span className="small-text muted">
          {pluralize(plan.files.length, 'version')} of <span className="mono">{plan.template}</span> · plan <span className="mono">{plan.checksum}</span>
        </span>
        <span className="grow" />
        <div className="tabs flush" role="tablist" aria-label="Migration text">
          <button type="button" role="tab" className="tab" aria-selected={shown === 'written'} onClick={() => setShown('written')}>
            As written
          </button>
          <button type="button" role="tab" className="tab" aria-selected={shown === 'templated'} onClick={() => setShown('templated')}>
            Templated ({plan.placeholder})
          </button>
        </div>
      </div>
      {plan.files.length > 1 ? (
        <div className="row top-gap" role="group" aria-label="Versions">
          {plan.files.map((f, i) => (
            <button key={f.name} type="button" className={`btn small${i === fileIndex ? ' primary' : ''}`} aria-pressed={i === fileIndex} onClick={() => setFileIndex(i)}>
              {f.name}
            </button>
          ))}
        </div>
      ) : null}
      <p className="small-text muted" role="status" aria-label="References found">
        <span className="mono">{file.name}</span> (version {file.version}, {file.step === 'alone' ? `runs alone: ${file.rule ?? ''}` : "in each tenant's transaction"}): {pluralize(replaced, 'reference')} of {plan.template} become the placeholder
        {kept.size > 0 ? `, ${kept.size} left as written` : ''}.
      </p>
      <div className="editor-host rollout-editor">
        <SqlEditor label={shown === 'written' ? `Migration ${file.name}` : `Templated ${file.name}`} value={shown === 'written' ? file.sql : file.templated} references={shown === 'written' ? file.references : NO_REFS} skipped={kept} />
      </div>
      {plan.review.length > 0 ? (
        <div className="top-gap" role="group" aria-label="References to review">
          <strong className="small-text">{pluralize(plan.review.length, 'reference')} to decide</strong>
          <ul className="compact-list small-text">
            {plan.review.map((r) => (
              <li key={r.id}>
                <span className="mono">
                  {r.file}:{r.line}:{r.column}
                </span>{' '}
                {r.kind}: <span className="mono">{r.context}</span> — {r.outcome === 'replaced' ? 'replaced' : 'kept as written'}{' '}
                <button type="button" className="btn small" onClick={() => props.onDecide(r.id, r.outcome === 'replaced' ? 'keep' : 'replace')}>
                  {r.outcome === 'replaced' ? 'Keep as written' : 'Replace'}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {plan.refused.length > 0 ? (
        <div className="error-box" role="alert" aria-label="Refused statements">
          <strong>{pluralize(plan.refused.length, 'statement')} refused; nothing can run until the migration changes:</strong>
          <ul className="compact-list small-text">
            {plan.refused.map((r) => (
              <li key={`${r.file}:${r.line}`}>
                <span className="mono">
                  {r.file}:{r.line}
                </span>{' '}
                {r.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
