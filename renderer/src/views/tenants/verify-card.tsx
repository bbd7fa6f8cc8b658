/** Progress and summary of a verify of many tenants. */
import { ErrorBox } from '../../components/error-box';
import { formatMs } from '../../components/format';
import type { VerifyJob } from './use-verify-job';

export function VerifyCard({ job }: { job: VerifyJob }) {
  const { running, summary, error } = job;
  if (!running && !summary && !error) return null;
  return (
    <section className="card" aria-label="Verify tenants">
      <div className="row">
        <h2 className="flush">Verify</h2>
        <span className="grow" />
        {running ? (
          <button type="button" className="btn small" onClick={job.cancel}>
            Cancel verify
          </button>
        ) : (
          <button type="button" className="btn small" onClick={job.clear}>
            Close
          </button>
        )}
      </div>
      {running ? (
        <div role="status" aria-label="Verify progress">
          <progress max={Math.max(1, running.total)} value={running.done} />
          <div className="small-text">
            {running.done.toLocaleString('en-US')} of {running.total.toLocaleString('en-US')} verified…
          </div>
        </div>
      ) : null}
      {error ? <ErrorBox error={error} title="Verify stopped" /> : null}
      {summary ? (
        <div className={summary.different + summary.failed > 0 ? 'error-box' : 'ok-box'} role="status" aria-label="Verify summary">
          <strong>
            {summary.equal.toLocaleString('en-US')} equal, {summary.different.toLocaleString('en-US')} different, {summary.failed.toLocaleString('en-US')} could not be verified
            {summary.skipped > 0 ? `, ${summary.skipped.toLocaleString('en-US')} not started (cancelled)` : ''}
          </strong>{' '}
          <span className="muted">in {formatMs(summary.elapsedMs)}</span>
          {summary.outcomes.some((o) => o.status !== 'equal') ? (
            <ul className="compact-list mono small-text">
              {summary.outcomes
                .filter((o) => o.status !== 'equal')
                .slice(0, 50)
                .map((o) => (
                  <li key={o.tenant}>
                    {o.tenant}: {o.summary ?? o.status}
                  </li>
                ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
