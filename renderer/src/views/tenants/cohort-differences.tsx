/** A cohort's differences from the template: the verify comparison on its representative (`fleet:cohort`). */
import { useEffect, useState } from 'react';
import type { ConnectionTarget, FleetCohortInfo, VerifyResult } from '../../../../core/api/contract';
import type { ErrorInfo } from '../../../../core/errors';
import { invoke } from '../../api/client';
import { ErrorBox } from '../../components/error-box';
import { wordForApp } from '../../lib/app-wording';
import { pluralize } from '../../lib/plural';

export function CohortDifferences({ target, template, cohort, onClose }: { target: ConnectionTarget; template: string; cohort: FleetCohortInfo; onClose(): void }) {
  const [result, setResult] = useState<VerifyResult>();
  const [error, setError] = useState<ErrorInfo>();
  const targetKey = `${target.connectionId ?? ''}/${target.database ?? ''}`;

  useEffect(() => {
    let live = true;
    setResult(undefined);
    setError(undefined);
    void invoke('fleet:cohort', { target, template, tenant: cohort.representative }).then((r) => {
      if (!live) return;
      if (r.ok) setResult(r.value);
      else setError(r.error);
    });
    return () => {
      live = false;
    };
    // target is rebuilt every render; its key says when it changed.
  }, [targetKey, template, cohort.representative]);

  return (
    <section className="card" aria-label={`Differences of cohort ${cohort.id}`}>
      <div className="row">
        {/* The cohort's name is what the census bar and the table call it; its id (a fingerprint prefix) is for the CLI. */}
        {/* grow (flex-basis 0): a long name wraps inside the heading, not the Close button onto a line of its own. */}
        <h2 className="flush grow">
          {cohort.name.charAt(0).toUpperCase() + cohort.name.slice(1)}
          {cohort.differingKinds.length > 0 ? <span className="muted"> · {cohort.differingKinds.join(', ')}</span> : null}
        </h2>
        <button type="button" className="btn small" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="small-text">
        <strong>{cohort.size.toLocaleString('en-US')}</strong> {cohort.size === 1 ? 'tenant' : 'tenants'} {cohort.name}
        {cohort.differingKinds.length > 0 ? `; fingerprints differ in ${cohort.differingKinds.join(', ')}` : ''}. <span className="muted">Cohort <span className="mono">{cohort.id}</span>.</span>
      </p>
      <p className="muted small-text">
        Compared with <span className="mono">{template}</span> on <span className="mono">{cohort.representative}</span>; every member has the same structure. Verify the cohort to compare each one.
      </p>
      {error ? <ErrorBox error={error} title="Could not compare the cohort" /> : null}
      {!result && !error ? (
        <p className="muted" role="status">
          <span className="dot busy" /> Comparing {cohort.representative} with {template}…
        </p>
      ) : null}
      {result ? <DifferenceTable result={result} /> : null}
    </section>
  );
}

function DifferenceTable({ result }: { result: VerifyResult }) {
  const ok = result.equal && result.isolated;
  return (
    <div role="status" aria-label={`Verification of ${result.tenant}`}>
      <p className={ok ? 'status-ok' : 'status-bad'}>
        <strong>{ok ? 'Same as the template and isolated' : `${pluralize(result.differences.length, 'difference')}${result.isolated ? '' : '; not isolated'}`}</strong>
      </p>
      {result.differences.length > 0 ? (
        <table className="data diff-table">
          <thead>
            <tr>
              <th>Kind</th>
              <th>Object</th>
              <th>Difference</th>
            </tr>
          </thead>
          <tbody>
            {result.differences.slice(0, 200).map((d, i) => (
              <tr key={i}>
                <td>{d.kind}</td>
                <td className="mono">{d.object}</td>
                <td className="mono">{d.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {result.differences.length > 200 ? <p className="muted small-text">The first 200 of {result.differences.length} are shown.</p> : null}
      {result.notCompared.map((what, i) => (
        <div key={i} className="muted small-text top-gap">
          Not compared: {wordForApp(what)}
        </div>
      ))}
    </div>
  );
}
