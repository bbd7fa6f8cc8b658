import type { SnapshotBuildResult } from '../../../../core/api/contract';
import { formatBytes } from '../../components/format';
import { wordForApp } from '../../lib/app-wording';

/** What the last build did: references replaced, size, warnings and what was left out. */
export function BuildSummary({ built, replaced, total, placeholder, minify }: { built: SnapshotBuildResult; replaced: number; total: number; placeholder: string; minify: boolean }) {
  return (
    <div className="card compact-card" aria-label="Build result">
      <strong>
        {replaced} of {total} {total === 1 ? 'reference' : 'references'} replaced with <span className="mono">{placeholder}</span>
      </strong>
      <div className="muted small-text">
        Snapshot: {formatBytes(built.text.length)}
        {minify ? ' (minified)' : ''}
      </div>
      {built.warnings.length > 0 ? (
        <div className="top-gap" aria-label="Warnings">
          <strong className="small-text">Warnings</strong>
          <ul className="wrap-anywhere small-text compact-list">
            {built.warnings.map((w, i) => (
              <li key={i}>{wordForApp(w)}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {built.stripped.length > 0 ? (
        <details className="top-gap">
          <summary>Left out of the snapshot ({built.stripped.length})</summary>
          <ul className="wrap-anywhere small-text compact-list">
            {built.stripped.map((x, i) => (
              <li key={i}>
                line {x.line}: <span className="mono">{x.text.slice(0, 80)}</span> — {wordForApp(x.reason)}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}
