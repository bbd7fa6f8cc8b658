import { useState } from 'react';
import { findInvalidTenantNames, parseTenantNames } from '../../lib/tenant-names';
import { pluralize } from '../../lib/plural';
import { MAX_BATCH_CONCURRENCY } from '../../../../core/provision/batch-concurrency';

export interface ManyTenantsCardProps {
  canCreate: boolean;
  poolReady: number;
  protectedNames: string[];
  concurrency: number;
  onConcurrency(n: number): void;
  continueOnError: boolean;
  onContinueOnError(on: boolean): void;
  /** Verify every created tenant after the batch (results go to the register). */
  verifyAfter: boolean;
  onVerifyAfter(on: boolean): void;
  onCreate(tenants: string[]): void;
}

/** A batch of names (typed, pasted or from a CSV), checked as the backend will check them, with its options. */
export function ManyTenantsCard(props: ManyTenantsCardProps) {
  const [batchText, setBatchText] = useState('');
  const names = parseTenantNames(batchText);
  const invalid = findInvalidTenantNames(names, props.protectedNames);
  return (
    <section className="card" aria-label="Many tenants">
      <h2>Many tenants</h2>
      <label className="field">
        <span>Tenant names</span>
        <textarea aria-label="Tenant names" rows={4} value={batchText} placeholder={'one per line, or a CSV whose first column is the name'} onChange={(e) => setBatchText(e.target.value)} />
      </label>
      <div className="row top-gap">
        <label className="btn small">
          Load CSV…
          <input
            type="file"
            accept=".csv,.txt,text/csv,text/plain"
            className="sr-only"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void file.text().then((t) => setBatchText(parseTenantNames(t).join('\n')));
            }}
          />
        </label>
        <label className="row tight small-text">
          Concurrency
          <input type="number" className="narrow-number" min={1} max={MAX_BATCH_CONCURRENCY} value={props.concurrency} onChange={(e) => props.onConcurrency(Math.min(MAX_BATCH_CONCURRENCY, Math.max(1, Number(e.target.value) || 1)))} />
        </label>
        <label className="row tight small-text">
          <input type="checkbox" checked={props.continueOnError} onChange={(e) => props.onContinueOnError(e.target.checked)} /> Carry on after a failure
        </label>
        <label className="row tight small-text">
          <input type="checkbox" checked={props.verifyAfter} onChange={(e) => props.onVerifyAfter(e.target.checked)} /> Verify after the batch
        </label>
        <span className="grow" />
        {props.poolReady > 0 ? <span className="muted small-text">claims up to {pluralize(props.poolReady, 'ready spare')} first</span> : null}
        <span className="muted small-text">{pluralize(names.length, 'name')}</span>
        <button type="button" className="btn primary" disabled={!props.canCreate || names.length === 0 || invalid.length > 0} onClick={() => props.onCreate(names)}>
          Create tenants
        </button>
      </div>
      {invalid.length > 0 ? (
        <div id="tenant-names-help" className="status-bad small-text top-gap" aria-live="polite">
          {invalid.length === 1 ? '1 name cannot be used' : `${invalid.length} names cannot be used`}; fix or remove {invalid.length === 1 ? 'it' : 'them'} to create the batch:
          <ul className="compact-list">
            {invalid.slice(0, 10).map((n) => (
              <li key={n.name}>{n.message}</li>
            ))}
            {invalid.length > 10 ? <li>… and {invalid.length - 10} more</li> : null}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
