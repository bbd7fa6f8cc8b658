import { useState } from 'react';
import { useTenantNameCheck } from './use-tenant-name-check';

export interface OneTenantCardProps {
  canCreate: boolean;
  poolReady: number;
  onCreate(tenant: string): void;
}

/** One tenant by name: the backend's check as it is typed, then Create (a warm-pool claim when a spare is ready). */
export function OneTenantCard({ canCreate, poolReady, onCreate }: OneTenantCardProps) {
  const [name, setName] = useState('');
  const check = useTenantNameCheck(name);
  return (
    <section className="card" aria-label="One tenant">
      <h2>One tenant</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (canCreate && check?.valid) onCreate(name);
        }}
      >
        <label className="field">
          <span>Tenant name</span>
          <input type="text" aria-label="Tenant name" aria-invalid={check ? !check.valid : undefined} aria-describedby="tenant-name-help" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. acme_corp" />
        </label>
        <div id="tenant-name-help" className="field-help" aria-live="polite">
          {check?.valid ? (
            <span>
              Will be created as <code className="mono">{check.quoted}</code>
            </span>
          ) : check ? (
            <span className="status-bad">{check.message}</span>
          ) : null}
        </div>
        <button type="submit" className="btn primary top-gap" disabled={!canCreate || !check?.valid}>
          Create tenant
        </button>
        {poolReady > 0 ? <span className="muted small-text left-gap">claims a spare from the warm pool</span> : null}
      </form>
    </section>
  );
}
