/**
 * A rollout's live state: counts, throughput and ETA, the wave, every tenant's
 * status; its failures with tenant, error, file and line, statement, and
 * "Retry" / "Skip" per tenant or for all; continue after the canary; and, once
 * every tenant is done or left out, the refresh of the image.
 */
import { useState } from 'react';
import type { ConnectionTarget, RolloutRefreshInfo } from '../../../../core/api/contract';
import type { ErrorInfo } from '../../../../core/errors';
import { invoke } from '../../api/client';
import { ErrorBox } from '../../components/error-box';
import { formatMs } from '../../components/format';
import { countRows, type RolloutHandle, type RolloutRow, type RolloutTenantState } from './use-rollout';

const SHOWN_ROWS = 300;
const STATUS_ORDER: Record<RolloutTenantState, number> = { running: 0, retrying: 1, failed: 2, pending: 3, done: 4, skipped: 5 };
const STATUS_CLASS: Record<RolloutTenantState, string> = { running: 'busy', retrying: 'busy', failed: 'bad', pending: '', done: 'ok', skipped: 'ok' };
const WAVES = { template: 'the template', canary: 'the canary, one tenant at a time', rest: 'the rest' } as const;

function eta(seconds: number | undefined): string {
  if (seconds === undefined) return '';
  if (seconds < 1) return 'under 1 s';
  return seconds < 90 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

/** The failing statement as recorded runs on into the next ones: shown up to its first semicolon (the whole text on hover). */
function firstStatement(text: string): string {
  const end = text.indexOf(';');
  const head = end === -1 ? text : text.slice(0, end + 1);
  return head.length > 160 ? `${head.slice(0, 160)}…` : head;
}

function TenantStatusTable({ rows }: { rows: RolloutRow[] }) {
  const sorted = [...rows].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
  const shown = sorted.slice(0, SHOWN_ROWS);
  return (
    <div className="table-scroll rollout-tenants">
      <table className="data" aria-label="Rollout tenants">
        <thead>
          <tr>
            <th>Tenant</th>
            <th>Status</th>
            <th className="num">Attempts</th>
            <th className="num">Time</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.tenant}>
              <td className="mono">
                {r.tenant}
                {r.isTemplate ? <span className="muted"> (template)</span> : null}
              </td>
              <td>
                <span className={`dot ${STATUS_CLASS[r.status]}`} /> {r.status}
              </td>
              <td className="num">{r.attempts}</td>
              <td className="num">{r.status === 'running' ? '…' : formatMs(r.ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {sorted.length > shown.length ? <p className="small-text muted">… and {(sorted.length - shown.length).toLocaleString('en-US')} more (running and failed tenants come first).</p> : null}
    </div>
  );
}

function Failures({ rollout, failed }: { rollout: RolloutHandle; failed: RolloutRow[] }) {
  const busy = rollout.view.running;
  return (
    <section className="card" aria-label="Failures">
      <div className="row">
        <h2 className="flush">Failures ({failed.length.toLocaleString('en-US')})</h2>
        <span className="grow" />
        <button type="button" className="btn small primary" disabled={busy} onClick={() => void rollout.resume(failed.map((f) => f.tenant))}>
          Retry failed
        </button>
        <button type="button" className="btn small" disabled={busy} onClick={() => void rollout.skip(failed.map((f) => f.tenant))}>
          Skip all failed
        </button>
      </div>
      <div className="table-scroll">
        <table className="data" aria-label="Failed tenants">
          <thead>
            <tr>
              <th>Tenant</th>
              <th>Error</th>
              <th>Where</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {failed.map((f) => (
              <tr key={f.tenant}>
                <td className="mono">{f.tenant}</td>
                <td className="wrap-anywhere">
                  <span className="mono status-bad">
                    {f.error?.code ?? 'failed'}
                    {f.error?.sqlstate ? ` ${f.error.sqlstate}` : ''}
                  </span>{' '}
                  {f.error?.message ?? ''}
                  {f.error?.blockingPid !== undefined ? <div className="small-text muted">Blocked by pid {f.error.blockingPid}: <span className="mono">{f.error.blockingQuery ?? ''}</span></div> : null}
                </td>
                <td className="small-text wrap-anywhere">
                  {f.error?.file ? (
                    <span className="mono">
                      {f.error.file}
                      {f.error.line !== undefined ? `, line ${f.error.line}` : ''}
                    </span>
                  ) : null}
                  {f.error?.statement ? (
                    <div className="mono muted" title={f.error.statement}>
                      {firstStatement(f.error.statement)}
                    </div>
                  ) : null}
                </td>
                <td className="nowrap">
                  <button type="button" className="btn small" disabled={busy} aria-label={`Retry ${f.tenant}`} onClick={() => void rollout.resume([f.tenant])}>
                    Retry
                  </button>{' '}
                  <button type="button" className="btn small" disabled={busy} aria-label={`Skip ${f.tenant}`} onClick={() => void rollout.skip([f.tenant])}>
                    Skip
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="small-text muted flush">Skip leaves a tenant out of this rollout: it stays at the old version, and the refresh does not count it as migrated.</p>
    </section>
  );
}

function RefreshCard({ target, rollout, onRefreshed }: { target: ConnectionTarget; rollout: RolloutHandle; onRefreshed(): void }) {
  const { view } = rollout;
  const [label, setLabel] = useState(`${view.template ?? 'snapshot'}-v${view.versions.at(-1) ?? ''}`);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<RolloutRefreshInfo>();
  const [error, setError] = useState<ErrorInfo>();
  async function refresh() {
    if (!view.rolloutId) return;
    setBusy(true);
    setError(undefined);
    const r = await invoke('migrate:refresh', { target, rolloutId: view.rolloutId, label });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    setResult(r.value);
    onRefreshed();
  }
  return (
    <section className="card" aria-label="Refresh the image">
      <h2 className="flush">Refresh the image</h2>
      <p className="small-text muted">A new snapshot of the migrated template, saved in the app; the register records the migrated tenants at it, and the warm pool&apos;s spares are rebuilt from it.</p>
      <div className="row">
        <label className="field">
          <span>Snapshot name</span>
          <input type="text" className="mono" value={label} onChange={(e) => setLabel(e.target.value)} />
        </label>
        <button type="button" className="btn primary" disabled={busy || !label.trim() || view.running} onClick={() => void refresh()}>
          {busy ? 'Refreshing…' : 'Refresh snapshot and pool'}
        </button>
      </div>
      {error ? <ErrorBox error={error} title="Refresh failed" /> : null}
      {result ? (
        <div className="ok-box" role="status" aria-label="Refresh result">
          Snapshot <span className="mono">{result.snapshot.name}</span> saved (checksum <span className="mono">{result.checksum.slice(0, 12)}</span>); {result.registered.toLocaleString('en-US')} tenant(s) recorded at it; warm pool:{' '}
          {'untouched' in result.pool ? result.pool.untouched : `${result.pool.built.length} spare(s) built, ${result.pool.dropped.length} of the old snapshot dropped`}.
        </div>
      ) : null}
    </section>
  );
}

export function RolloutProgress({ target, rollout, onRefreshed }: { target: ConnectionTarget; rollout: RolloutHandle; onRefreshed(): void }) {
  const { view } = rollout;
  if (!view.rolloutId) return null;
  const counts = countRows(view.rows);
  const failed = view.rows.filter((r) => r.status === 'failed');
  const total = view.rows.length;
  const finished = counts.done + counts.skipped + counts.failed;
  const templateRow = view.rows.find((r) => r.isTemplate);
  const complete = !view.running && counts.pending === 0 && counts.failed === 0 && counts.running === 0 && (templateRow === undefined || templateRow.status === 'done' || templateRow.status === 'skipped');
  const p = view.progress;
  return (
    <>
      <section className="card" aria-label="Rollout progress">
        <div className="row">
          <h2 className="flush">
            Rollout <span className="mono">{view.rolloutId}</span>
          </h2>
          <span className="small-text muted">versions {view.versions.join(', ')}</span>
          <span className="grow" />
          {view.running ? (
            <button type="button" className="btn small" onClick={rollout.cancel}>
              Stop after the tenants in flight
            </button>
          ) : counts.pending > 0 ? (
            <button type="button" className="btn small primary" onClick={() => void rollout.resume()}>
              Continue with the rest ({counts.pending.toLocaleString('en-US')})
            </button>
          ) : null}
        </div>
        <div className="row progress-row">
          <progress className="rollout-progress-bar" max={Math.max(1, total)} value={finished} aria-label="Tenants finished" />
          <span className="small-text" role="status" aria-label="Rollout counts">
            {counts.done.toLocaleString('en-US')} done, {counts.skipped.toLocaleString('en-US')} skipped, {counts.failed.toLocaleString('en-US')} failed, {(counts.pending + counts.running + counts.retrying).toLocaleString('en-US')} to go
            {view.running && view.wave ? <span className="muted"> · {WAVES[view.wave]}</span> : null}
          </span>
          {p && view.running ? (
            <span className="small-text muted" aria-label="Throughput">
              {p.perSecond.toLocaleString('en-US')} tenants/s{p.etaSeconds !== undefined ? ` · ETA ${eta(p.etaSeconds)}` : ''}
            </span>
          ) : null}
        </div>
        {view.result && !view.running ? (
          <p className="small-text" role="status" aria-label="Last run">
            Last run: {view.result.done} done, {view.result.skipped} skipped, {view.result.failed} failed in {formatMs(view.result.elapsedMs)}, {view.result.concurrency} at a time
            {view.result.stopped ? ` — stopped: ${view.result.stopped === 'canary' ? 'a canary tenant failed' : view.result.stopped === 'template' ? 'the template failed, no tenant was touched' : view.result.stopped === 'signal' ? 'stopped on request' : view.result.stopped === 'failure' ? 'a tenant failed' : 'the server could not be reached'}` : ''}.
          </p>
        ) : null}
        {view.error ? <ErrorBox error={view.error} title="Rollout" /> : null}
        <TenantStatusTable rows={view.rows} />
      </section>
      {failed.length > 0 ? <Failures rollout={rollout} failed={failed} /> : null}
      {complete ? <RefreshCard key={view.rolloutId} target={target} rollout={rollout} onRefreshed={onRefreshed} /> : null}
    </>
  );
}
