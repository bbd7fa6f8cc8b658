import type { VerifyResult } from '../../../../core/api/contract';
import { countKind } from '../../../../core/verify/plural-kind';
import { pluralize } from '../../lib/plural';

/** One tenant's verdict: the differences, the notes and what was not compared. */
export function VerifyResultBox({ result }: { result: VerifyResult }) {
  const ok = result.equal && result.isolated;
  return (
    <div className={ok ? 'ok-box' : 'error-box'} role="status" aria-label={`Verification of ${result.tenant}`}>
      <strong>
        {result.tenant}: {ok ? 'verified — same as the template and isolated' : pluralize(result.differences.length, 'difference')}
      </strong>
      <div className="muted small-text top-gap">
        Compared with <span className="mono">{result.template}</span>: {Object.entries(result.compared).map(([k, v]) => countKind(v, k)).join(', ')}
      </div>
      {result.differences.length > 0 ? (
        <ul className="mono small-text">
          {result.differences.slice(0, 50).map((d, i) => (
            <li key={i}>
              {d.kind} {d.object}: {d.detail}
            </li>
          ))}
        </ul>
      ) : null}
      {result.notes.length > 0 ? (
        <details className="small-text">
          <summary>{pluralize(result.notes.length, 'note')}: text naming the template that does not reach it</summary>
          <ul className="mono">
            {result.notes.slice(0, 50).map((d, i) => (
              <li key={i}>
                {d.object}: {d.detail}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {result.notCompared.map((what, i) => (
        <div key={i} className="muted small-text">
          Not compared: {what}
        </div>
      ))}
    </div>
  );
}
