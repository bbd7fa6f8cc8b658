/** Dropping one tenant: its name typed again, then DROP SCHEMA … CASCADE (`fleet:drop`). */
import { useState } from 'react';
import type { ConnectionTarget } from '../../../../core/api/contract';
import type { ErrorInfo } from '../../../../core/errors';
import { invoke } from '../../api/client';
import { ErrorBox } from '../../components/error-box';

export function DropCard({ target, tenant, onDropped, onClose }: { target: ConnectionTarget; tenant: string; onDropped(message: string): void; onClose(): void }) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo>();
  async function drop() {
    setBusy(true);
    setError(undefined);
    const r = await invoke('fleet:drop', { target, tenant, confirmName: typed });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    onDropped(`Dropped tenant ${r.value.tenant} (${r.value.objects} objects).`);
  }
  return (
    <section className="card" aria-label="Drop tenant">
      <h2>
        Drop <span className="mono">{tenant}</span>
      </h2>
      <p className="small-text">
        <strong className="status-bad">DROP SCHEMA … CASCADE deletes the tenant and all its data.</strong> It cannot be undone. Type the tenant's name to confirm.
      </p>
      <label className="field">
        <span>Tenant name to drop</span>
        <input type="text" className="mono" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
      </label>
      <div className="row top-gap">
        <button type="button" className="btn danger" disabled={typed !== tenant || busy} onClick={() => void drop()}>
          Drop tenant
        </button>
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
      </div>
      {error ? <ErrorBox error={error} title="Not dropped" /> : null}
    </section>
  );
}
