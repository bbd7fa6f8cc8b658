import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConnectionTarget, PoolStatusInfo } from '../../../core/api/contract';
import type { ErrorInfo } from '../../../core/errors';
import { invoke, onEvent } from '../api/client';
import { watchJob } from '../api/jobs';
import { ErrorBox } from '../components/error-box';
import { formatMs } from '../components/format';
import { useAppState } from '../state/app-state';

export interface WarmPoolPanelProps {
  snapshotId: string;
  target: ConnectionTarget;
  /** Bumped by the parent after a claim: the panel re-reads the status (the backend refills the pool itself). */
  claims: number;
  /** Tells the parent how many spares of this snapshot are ready to claim. */
  onReady(ready: number): void;
}

/**
 * The warm pool of the target database for the chosen snapshot: ready spares
 * against the target size, the size field, Fill and Empty (with an inline
 * confirmation). Once a size is set, the backend refills the pool after a
 * claim; the panel shows that ("refilling…") and follows it through
 * `pool:refill` events and status reads. A pool that belongs to another
 * snapshot (built by the CLI or a colleague) is shown as such and left alone:
 * "Replace pool" drops its spares and rebuilds it from this snapshot, after an
 * inline confirmation.
 */
export function WarmPoolPanel({ snapshotId, target, claims, onReady }: WarmPoolPanelProps) {
  const [status, setStatus] = useState<PoolStatusInfo>();
  // What the user typed and has not saved; otherwise the field shows the pool's real target (never a stale first read).
  const [draft, setDraft] = useState<string>();
  const [fill, setFill] = useState<{ jobId: string; done: number; total: number }>();
  const [note, setNote] = useState<string>();
  const [confirming, setConfirming] = useState<'empty' | 'replace'>();
  const [error, setError] = useState<ErrorInfo>();
  const filling = useRef(false);
  const targetKey = JSON.stringify(target);

  const refresh = useCallback(async () => {
    const r = await invoke('pool:status', { target: JSON.parse(targetKey) as ConnectionTarget, snapshotId });
    if (!r.ok) {
      setStatus(undefined);
      onReady(0);
      return setError(r.error);
    }
    setStatus(r.value);
    onReady(r.value.ready);
  }, [snapshotId, targetKey, onReady]);

  useEffect(() => {
    setError(undefined);
    setDraft(undefined);
    setNote(undefined);
    void refresh();
  }, [refresh]);

  async function saveSize(): Promise<boolean> {
    const size = draft === undefined || draft.trim() === '' ? undefined : Math.min(10_000, Math.max(0, Math.floor(Number(draft) || 0)));
    if (size === undefined || size === status?.target) {
      setDraft(undefined);
      return true;
    }
    const r = await invoke('pool:size', { target, size });
    if (!r.ok) {
      setError(r.error);
      return false;
    }
    setDraft(undefined);
    await refresh();
    return true;
  }

  const fillPool = useCallback(
    async (replace = false) => {
      if (filling.current) return;
      filling.current = true;
      try {
        await runFill(replace);
      } finally {
        filling.current = false;
      }
    },
    [snapshotId, targetKey, refresh],
  );

  async function runFill(replace: boolean) {
    setError(undefined);
    setNote(undefined);
    const r = await invoke('pool:fill', { target: JSON.parse(targetKey) as ConnectionTarget, snapshotId, ...(replace ? { replace: true } : {}) });
    if (!r.ok) return setError(r.error);
    setFill({ jobId: r.value.jobId, done: 0, total: 0 });
    const result = await watchJob(r.value.jobId, 'pool', {
      onProgress: (p) => {
        setFill((f) => (f && p.done !== undefined ? { ...f, done: p.done, total: p.total ?? f.total } : f));
        if (p.done) void refresh();
      },
    });
    setFill(undefined);
    if (result.ok) {
      const v = result.value;
      setNote(v.busy ? 'Another session is filling this pool; nothing was done.' : `Built ${v.built} spare(s)${v.dropped ? `, dropped ${v.dropped} stale` : ''} in ${formatMs(v.elapsedMs)}.`);
    } else setError(result.error);
    await refresh();
  }

  // The pool can change elsewhere (the CLI, another window): read it again when this view is shown or the window is focused.
  const { view } = useAppState();
  useEffect(() => {
    if (view === 'provision') void refresh();
  }, [view]); // only when the view is shown again, not when the callbacks change
  useEffect(() => {
    const onFocus = () => void refresh();
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, [refresh]);

  // A claim took a spare: show it gone at once; the backend builds its replacement.
  useEffect(() => {
    if (claims === 0) return;
    void refresh();
  }, [claims]); // only on a new claim, not when the callbacks change

  // While the backend refills, follow it: on each of its events, and by reading the status every second.
  const refilling = status?.refilling === true;
  useEffect(() => {
    if (!refilling) return;
    const timer = setInterval(() => void refresh(), 1000);
    return () => clearInterval(timer);
  }, [refilling, refresh]);
  useEffect(
    () =>
      onEvent((m) => {
        if (m.event === 'pool:refill') void refresh();
      }),
    [refresh],
  );

  async function empty() {
    setConfirming(undefined);
    setError(undefined);
    const r = await invoke('pool:empty', { target, confirm: true });
    if (!r.ok) setError(r.error);
    else setNote(`Dropped ${r.value.dropped} spare(s).`);
    await refresh();
  }

  const ready = status?.ready ?? 0;
  const total = status?.spares.length ?? 0;
  return (
    <section className="card" aria-label="Warm pool">
      <div className="row">
        <h2 className="u-m-0">Warm pool</h2>
        <span className="muted u-fs-12">
          Spare tenants built ahead from this snapshot; “Create tenant” claims one in milliseconds.
        </span>
      </div>
      <div className="row u-mt-10">
        <span role="status" aria-label="Warm pool status" className={`pill ${status && ready >= status.target && status.target > 0 ? 'status-ok' : ''}`}>
          {fill || status?.building ? <span className="dot busy" /> : null}
          {status ? `${ready} of ${status.target} spare${status.target === 1 ? '' : 's'} ready` : 'Pool status unknown'}
          {refilling && !fill ? ' · refilling…' : null}
        </span>
        {status?.ownedByOther ? (
          <span className="pill status-warn" aria-label="Warm pool owner" title="Built from another snapshot (by the CLI, another app or an earlier choice here). Nothing drops or rebuilds it unless you replace it.">
            owned by another snapshot {status.owner}
          </span>
        ) : status && status.stale > 0 ? (
          <span className="pill status-warn" title={refilling ? 'Rows whose spare is gone; being cleared.' : 'Rows whose spare is gone or of an earlier snapshot; the next fill clears them.'}>
            {status.stale} stale
          </span>
        ) : null}
        {status ? (
          <span className="muted mono u-fs-12" title="Spares match this snapshot's checksum">
            snapshot {status.checksum}
          </span>
        ) : null}
        <span className="grow" />
        <label className="row u-gap-6 u-fs-12">
          Pool size
          <input
            type="number"
            aria-label="Pool size"
            min={0}
            max={10000}
            value={draft ?? (status ? String(status.target) : '')}
            className="u-w-72"
            onChange={(e) => setDraft(e.target.value)}
            onBlur={() => void saveSize()}
            onKeyDown={(e) => e.key === 'Enter' && void saveSize()}
          />
        </label>
        {status?.ownedByOther ? (
          confirming === 'replace' ? (
            <>
              <span className="u-fs-12">
                Drop {status.stale} spare{status.stale === 1 ? '' : 's'} of snapshot {status.owner} and rebuild from this one?
              </span>
              <button
                type="button"
                className="btn danger"
                onClick={() => {
                  setConfirming(undefined);
                  void saveSize().then((ok) => (ok ? fillPool(true) : undefined));
                }}
              >
                Confirm replace
              </button>
              <button type="button" className="btn" onClick={() => setConfirming(undefined)}>
                Keep
              </button>
            </>
          ) : (
            <button type="button" className="btn" disabled={fill !== undefined || status.building} onClick={() => setConfirming('replace')}>
              Replace pool…
            </button>
          )
        ) : (
          <button type="button" className="btn" disabled={fill !== undefined || !status || status.building} onClick={() => void saveSize().then((ok) => (ok ? fillPool() : undefined))}>
            Fill pool
          </button>
        )}
        {confirming === 'empty' ? (
          <>
            <span className="u-fs-12">Drop {total} spare schema{total === 1 ? '' : 's'}?</span>
            <button type="button" className="btn danger" onClick={() => void empty()}>
              Confirm empty
            </button>
            <button type="button" className="btn" onClick={() => setConfirming(undefined)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" className="btn danger" disabled={fill !== undefined || total === 0} onClick={() => setConfirming('empty')}>
            Empty pool
          </button>
        )}
      </div>
      {fill ? (
        <div className="row u-mt-10">
          <progress aria-label="Pool fill progress" value={fill.done} max={Math.max(fill.total, 1)} />
          <span className="mono muted">
            {fill.done}/{fill.total}
          </span>
          <button type="button" className="btn small" onClick={() => void invoke('job:cancel', { jobId: fill.jobId })}>
            Stop
          </button>
        </div>
      ) : null}
      {note ? (
        <p className="muted u-fs-12 u-m-8-0-0">
          {note}
        </p>
      ) : null}
      {status && total > 0 ? (
        <details className="u-mt-8 u-fs-12">
          <summary>Spares ({total})</summary>
          <ul className="mono u-m-4-0-0 u-pl-18">
            {status.spares.map((s) => (
              <li key={s.schema} className={s.matches ? '' : 'status-warn'}>
                {s.schema} — built {s.builtAt.slice(0, 19).replace('T', ' ')}
                {s.matches ? '' : ' (other snapshot)'}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {error ? <ErrorBox error={error} title="Warm pool" /> : null}
      {status?.refillError && !refilling ? <ErrorBox error={status.refillError} title="Warm pool refill" /> : null}
    </section>
  );
}
