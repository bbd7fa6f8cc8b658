/**
 * A rebalance of tenants by size on a Citus coordinator: the moves `citus:rebalance-plan` proposes (the same plan
 * as `tenantry placement --rebalance`) with the bytes per node before and after, and, after an explicit
 * confirmation, each move run in turn as a `citus:move` job (progress; a cancel stops the running move, which
 * Citus rolls back, and no further move starts).
 */
import { useEffect, useRef, useState } from 'react';
import type { CitusMoveMode, CitusRebalancePlan, ConnectionTarget } from '../../../../core/api/contract';
import type { ErrorInfo } from '../../../../core/errors';
import { invoke } from '../../api/client';
import { watchJob } from '../../api/jobs';
import { ErrorBox } from '../../components/error-box';

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

type Stage = { kind: 'plan' } | { kind: 'confirm' } | { kind: 'running'; index: number; jobId?: string; message: string; done?: number; total?: number };

export function RebalanceCard({ target, onApplied, onClose }: { target: ConnectionTarget; onApplied(message: string, complete: boolean): void; onClose(): void }) {
  const [plan, setPlan] = useState<CitusRebalancePlan>();
  const [stage, setStage] = useState<Stage>({ kind: 'plan' });
  const [mode, setMode] = useState<CitusMoveMode>('auto');
  const [error, setError] = useState<ErrorInfo>();
  const [cancelled, setCancelled] = useState(false);
  // Read between moves: a cancel stops the running move and starts no further one.
  const cancelRef = useRef(false);

  useEffect(() => {
    let current = true;
    void invoke('citus:rebalance-plan', { target }).then((r) => {
      if (!current) return;
      if (r.ok) setPlan(r.value);
      else setError(r.error);
    });
    return () => {
      current = false;
    };
  }, [target]);

  async function apply(moves: CitusRebalancePlan['moves']) {
    setError(undefined);
    let moved = 0;
    for (const [index, m] of moves.entries()) {
      if (cancelRef.current) break;
      const label = `Move ${index + 1} of ${moves.length}: ${m.tenant} to ${m.to}`;
      setStage({ kind: 'running', index, message: `${label}…` });
      const r = await invoke('citus:move', { target, tenant: m.tenant, node: m.to, mode });
      if (!r.ok) {
        setError(r.error);
        break;
      }
      if (cancelRef.current) void invoke('job:cancel', { jobId: r.value.jobId });
      setStage({ kind: 'running', index, jobId: r.value.jobId, message: `${label}…` });
      const result = await watchJob(r.value.jobId, 'move', {
        onProgress: (p) => setStage((s) => (s.kind === 'running' ? { ...s, message: `${label}: ${p.message ?? ''}`, ...(p.done !== undefined ? { done: p.done, total: p.total ?? 0 } : {}) } : s)),
      });
      if (!result.ok) {
        setError(result.error);
        break;
      }
      moved++;
    }
    setStage({ kind: 'plan' });
    const left = moves.length - moved;
    onApplied(
      left === 0 ? `Rebalanced: moved ${moved} tenant${moved === 1 ? '' : 's'} (${moves.map((m) => `${m.tenant} to ${m.to}`).join(', ')}).` : `Rebalance stopped: moved ${moved} of ${moves.length} tenants; ${left} did not move.`,
      left === 0,
    );
  }

  const running = stage.kind === 'running' ? stage : undefined;
  const nodes = plan ? Object.keys(plan.before) : [];
  return (
    <section className="card" aria-label="Rebalance tenants">
      <h2>Rebalance by size</h2>
      <p className="small-text">Proposed moves, largest tenant first, from the fullest node to the emptiest while a move narrows the gap (as tenantry placement --rebalance). Nothing moves until you apply them.</p>
      {!plan && !error ? <p className="small-text muted">Reading the placement…</p> : null}
      {plan && plan.moves.length === 0 ? (
        <p className="small-text" role="status" aria-label="Rebalance plan">
          Balanced by size: no move would narrow the gap between the nodes.
        </p>
      ) : null}
      {plan && plan.moves.length > 0 ? (
        <div className="table-scroll">
          <table className="data rebalance-table" aria-label="Proposed moves">
            <thead>
              <tr>
                <th>Tenant</th>
                <th>From</th>
                <th>To</th>
                <th className="num">Size</th>
              </tr>
            </thead>
            <tbody>
              {plan.moves.map((m, i) => (
                <tr key={m.tenant} className={running?.index === i ? 'selected' : undefined}>
                  <td className="mono">{m.tenant}</td>
                  <td className="mono">{m.from}</td>
                  <td className="mono">{m.to}</td>
                  <td className="num nowrap">{mb(m.bytes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {plan && nodes.length > 0 ? (
        <table className="data rebalance-table u-mt-10" aria-label="Bytes per node">
          <thead>
            <tr>
              <th>Node</th>
              <th className="num">Before</th>
              <th className="num">After</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => (
              <tr key={n}>
                <td className="mono">{n}</td>
                <td className="num">{mb(plan.before[n] ?? 0)}</td>
                <td className="num">{mb(plan.after[n] ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {plan && plan.moves.length > 0 ? (
        <label className="field u-mt-10">
          <span>Mode</span>
          <select value={mode} disabled={stage.kind !== 'plan'} onChange={(e) => setMode(e.target.value as CitusMoveMode)}>
            <option value="auto">auto</option>
            <option value="force_logical">force_logical</option>
            <option value="block_writes">block_writes</option>
          </select>
        </label>
      ) : null}
      {running ? (
        <div role="status" aria-label="Rebalance progress">
          {running.done !== undefined && running.total ? <progress max={running.total} value={running.done} /> : <progress />}
          <div className="small-text">{running.message}</div>
        </div>
      ) : null}
      {stage.kind === 'confirm' && plan ? (
        <p className="small-text status-warn" role="alert" aria-label="Confirm rebalance">
          Move {plan.moves.length} tenant{plan.moves.length === 1 ? '' : 's'} with citus_schema_move ({mode}), one after another? Each is copied to its new node; a cancel stops the running move (Citus rolls it back) and starts no further one.
        </p>
      ) : null}
      <div className="row top-gap">
        {running ? (
          <button
            type="button"
            className="btn"
            disabled={cancelled}
            onClick={() => {
              cancelRef.current = true;
              setCancelled(true);
              if (running.jobId) void invoke('job:cancel', { jobId: running.jobId });
            }}
          >
            Cancel rebalance
          </button>
        ) : stage.kind === 'confirm' && plan ? (
          <>
            <button
              type="button"
              className="btn primary"
              onClick={() => {
                cancelRef.current = false;
                setCancelled(false);
                void apply(plan.moves);
              }}
            >
              Yes, move {plan.moves.length} tenant{plan.moves.length === 1 ? '' : 's'}
            </button>
            <button type="button" className="btn" onClick={() => setStage({ kind: 'plan' })}>
              Back
            </button>
          </>
        ) : (
          <>
            <button type="button" className="btn primary" disabled={!plan || plan.moves.length === 0} onClick={() => setStage({ kind: 'confirm' })}>
              Apply these moves…
            </button>
            <button type="button" className="btn" onClick={onClose}>
              Close
            </button>
          </>
        )}
      </div>
      {error ? <ErrorBox error={error} title="Rebalance stopped" /> : null}
    </section>
  );
}
