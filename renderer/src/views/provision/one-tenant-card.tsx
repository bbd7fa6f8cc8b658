import { useState } from 'react';
import type { ConnectionTarget } from '../../../../core/api/contract';
import { useTenantNameCheck } from './use-tenant-name-check';

export interface OneTenantCardProps {
  canCreate: boolean;
  poolReady: number;
  /** Where the tenant would be created: the hint also says when the schema is already there. */
  target: ConnectionTarget | undefined;
  /** Changes when tenants may have been created (the history changed): the hint is checked again. */
  revision: unknown;
  onCreate(tenant: string): void;
}

/** One tenant by name: the backend's check as it is typed, then Create (a warm-pool claim when a spare is ready). */
export function OneTenantCard({ canCreate, poolReady, target, revision, onCreate }: OneTenantCardProps) {
  const [name, setName] = useState('');
  const check = useTenantNameCheck(name, target, revision);
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
