/** Moving one tenant to another Citus node (`citus:move`, citus_schema_move): node, mode, progress, cancel. */
import { useState } from 'react';
import type { CitusMoveMode, ConnectionTarget } from '../../../../core/api/contract';
import type { ErrorInfo } from '../../../../core/errors';
import { invoke } from '../../api/client';
import { watchJob } from '../../api/jobs';
import { ErrorBox } from '../../components/error-box';
import type { Placement } from './use-placement';

const MODES: { value: CitusMoveMode; help: string }[] = [
  { value: 'auto', help: 'Online (logical replication, writes keep going) when every table has a primary key or replica identity; Citus refuses otherwise.' },
  { value: 'force_logical', help: 'Online (logical replication): writes keep going during the copy.' },
  { value: 'block_writes', help: 'Writes to the tenant wait until the copy ends; needs no key or wal_level=logical.' },
];

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export function MoveCard({ target, tenant, placement, onMoved, onClose }: { target: ConnectionTarget; tenant: string; placement: Placement; onMoved(message: string): void; onClose(): void }) {
  const from = placement.nodeOf(tenant);
  const nodes = placement.info.nodes.filter((n) => n.node !== from);
  const [node, setNode] = useState(nodes.find((n) => n.shouldHaveShards)?.node ?? nodes[0]?.node ?? '');
  const [mode, setMode] = useState<CitusMoveMode>('auto');
  const [running, setRunning] = useState<{ jobId: string; message: string; done?: number; total?: number }>();
  const [error, setError] = useState<ErrorInfo>();

  async function move() {
    setError(undefined);
    const r = await invoke('citus:move', { target, tenant, node, mode });
    if (!r.ok) return setError(r.error);
    setRunning({ jobId: r.value.jobId, message: `Moving ${tenant} to ${node}…` });
    const result = await watchJob(r.value.jobId, 'move', {
      onProgress: (p) => setRunning((j) => (j ? { ...j, message: p.message ?? j.message, ...(p.done !== undefined ? { done: p.done, total: p.total ?? 0 } : {}) } : j)),
    });
    setRunning(undefined);
    if (!result.ok) return setError(result.error);
    const m = result.value;
    onMoved(`Moved ${m.tenant} from ${m.from} to ${m.to} (${mb(m.bytes)}, ${m.mode}) in ${(m.elapsedMs / 1000).toFixed(1)} s.`);
  }

  return (
    <section className="card" aria-label="Move tenant">
      <h2>
        Move <span className="mono">{tenant}</span>
      </h2>
      <p className="small-text">
        Now on <span className="mono">{from ?? 'the coordinator (not distributed)'}</span>. Citus copies every table of the tenant to the chosen node with citus_schema_move, then switches to it; a cancelled or failed move leaves it where it is.
      </p>
      <label className="field">
        <span>Target node</span>
        <select value={node} disabled={running !== undefined} onChange={(e) => setNode(e.target.value)}>
          {nodes.map((n) => (
            <option key={n.node} value={n.node}>
              {n.node}
              {n.shouldHaveShards ? '' : ' (coordinator)'}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Mode</span>
        <select value={mode} disabled={running !== undefined} onChange={(e) => setMode(e.target.value as CitusMoveMode)}>
          {MODES.map((m) => (
            <option key={m.value} value={m.value}>
              {m.value}
            </option>
          ))}
        </select>
      </label>
      <p className="small-text muted">{MODES.find((m) => m.value === mode)?.help}</p>
      {running ? (
        <div role="status" aria-label="Move progress">
          {running.done !== undefined && running.total ? <progress max={running.total} value={running.done} /> : <progress />}
          <div className="small-text">
            {running.message}
            {running.done !== undefined && running.total ? ` · ${mb(running.done)} of ${mb(running.total)} copied` : ''}
          </div>
        </div>
      ) : null}
      <div className="row top-gap">
        {running ? (
          <button type="button" className="btn" onClick={() => void invoke('job:cancel', { jobId: running.jobId })}>
            Cancel move
          </button>
        ) : (
          <>
            <button type="button" className="btn primary" disabled={!node || from === undefined} onClick={() => void move()}>
              Move
            </button>
            <button type="button" className="btn" onClick={onClose}>
              Close
            </button>
          </>
        )}
      </div>
      {error ? <ErrorBox error={error} title="Not moved" /> : null}
    </section>
  );
}
