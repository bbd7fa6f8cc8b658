import { neverStarted } from '../../../../core/provision/cancelled-tenants';
import { ErrorBox } from '../../components/error-box';
import { formatMs } from '../../components/format';
import { formatProvisionSummary } from '../../lib/provision-summary';
import { STATUS_CLASS } from './status-class';
import type { ProvisionBatch } from './use-provision-batch';
import { VerifyResultBox } from './verify-result-box';

/**
 * The batch's tenants: progress, the summary, Cancel while it runs, then
 * "Start the remaining (N)" for tenants a Cancel left unstarted and "Retry
 * failures (N)" for failed ones, and each tenant's status and verification.
 */
export function TenantsCard({ batch }: { batch: ProvisionBatch }) {
  const { rows, job, summary, verifications } = batch;
  const failed = rows.filter((r) => r.status === 'failed').map((r) => r.tenant);
  const notStarted = rows.filter((r) => r.status === 'cancelled').map((r) => r.tenant);
  const settled = rows.filter((r) => r.status !== 'queued' && r.status !== 'running' && r.status !== 'cancelled').length;
  // While the job runs its own count; afterwards what actually settled, so a cancelled batch never reads "200/200".
  const progressValue = job ? job.done : settled;
  const progressMax = job ? job.total : Math.max(rows.length, 1);
  const tone = summary && (summary.failed > 0 ? 'status-bad' : batch.cancelled || notStarted.length > 0 ? 'status-warn' : 'status-ok');
  return (
    <section className="card" aria-label="Tenants">
      <div className="row">
        <h2 className="flush">Tenants</h2>
        <span className="grow" />
        {job ? (
          <button type="button" className="btn" onClick={batch.cancel}>
            Cancel
          </button>
        ) : null}
        {!job && notStarted.length > 0 ? (
          <button type="button" className="btn" onClick={() => void batch.provision(notStarted)}>
            Start the remaining ({notStarted.length})
          </button>
        ) : null}
        {!job && failed.length > 0 ? (
          <button type="button" className="btn" onClick={() => void batch.provision(failed)}>
            Retry failures ({failed.length})
          </button>
        ) : null}
      </div>
      <div className="row progress-row">
        <progress aria-label="Provisioning progress" value={progressValue} max={progressMax} />
        <span className="mono muted num progress-count">
          {progressValue}/{progressMax}
        </span>
      </div>
      {summary ? (
        <p role="status" className={tone}>
          {formatProvisionSummary(summary, { cancelled: batch.cancelled })}
          {summary.verified ? ` Verified: ${summary.verified.filter((v) => v.equal && v.isolated).length} of ${summary.verified.length} equal and isolated.` : ''}
          {summary.verifyError ? ` Verification could not run: ${summary.verifyError}` : ''}
        </p>
      ) : null}
      <div className="tenant-list">
        <table className="data">
          <thead>
            <tr>
              <th>Tenant</th>
              <th>Status</th>
              <th className="num">Time</th>
              <th>Check</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const v = verifications[r.tenant];
              return (
                <tr key={r.tenant} data-tenant={r.tenant}>
                  <td className="mono">{r.tenant}</td>
                  <td className={STATUS_CLASS[r.status]}>
                    {r.status === 'running' ? <span className="dot busy" /> : null} <span className="status-word">{neverStarted(r) ? 'not started' : r.status}</span>
                    {r.status === 'created' && r.elapsedMs !== undefined ? (
                      <span className="muted small-text">
                        {' '}
                        · {r.via === 'claimed' ? 'claimed from pool' : 'built'} in {formatMs(r.elapsedMs)}
                      </span>
                    ) : null}
                    {r.error ? (
                      <div className="small-text">
                        {r.error.userMessage}
                        {r.error.detail ? (
                          <details>
                            <summary>Details</summary>
                            <pre className="mono pre-wrap">{r.error.detail}</pre>
                          </details>
                        ) : null}
                      </div>
                    ) : null}
                  </td>
                  <td className="num">{formatMs(r.elapsedMs)}</td>
                  <td>
                    {r.status === 'created' || r.status === 'exists' ? (
                      <button type="button" className="btn small" title={`Verify ${r.tenant} against the template`} disabled={v === 'running'} onClick={() => void batch.verify(r.tenant)}>
                        Verify
                      </button>
                    ) : null}{' '}
                    {v && v !== 'running' && 'equal' in v ? <span className={v.equal && v.isolated ? 'status-ok' : 'status-bad'}>{v.equal && v.isolated ? '✓ verified' : '✗ differs'}</span> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {Object.values(verifications).map((v, i) => (v === 'running' ? null : 'equal' in v ? <VerifyResultBox key={i} result={v} /> : <ErrorBox key={i} error={v} title="Verification failed" />))}
    </section>
  );
}
