import { useCallback, useEffect, useState } from 'react';
import type { HistoryEntry, ProvisionResult, SnapshotFileInfo, TenantProgress, VerifyResult } from '../../../core/api/contract';
import type { ErrorInfo } from '../../../core/errors';
import { countKind } from '../../../core/verify/plural-kind';
import { invoke } from '../api/client';
import { watchJob } from '../api/jobs';
import { ErrorBox } from '../components/error-box';
import { formatMs } from '../components/format';
import { useAppState } from '../state/app-state';
import { formatProvisionSummary } from '../lib/provision-summary';
import { findInvalidTenantNames, parseTenantNames } from '../lib/tenant-names';
import { PublishPanel } from './publish-panel';
import { WarmPoolPanel } from './warm-pool-panel';

const STATUS_CLASS: Record<TenantProgress['status'], string> = {
  queued: 'muted',
  running: '',
  created: 'status-ok',
  exists: 'status-warn',
  failed: 'status-bad',
  cancelled: 'muted',
};

function VerifyView({ result }: { result: VerifyResult }) {
  return (
    <div className={result.equal && result.isolated ? 'ok-box' : 'error-box'} role="status" aria-label={`Verification of ${result.tenant}`}>
      <strong>
        {result.tenant}: {result.equal && result.isolated ? 'verified — same as the template and isolated' : `${result.differences.length} difference(s)`}
      </strong>
      <div className="muted" style={{ fontSize: 12, marginTop: 4 }}>
        Compared with <span className="mono">{result.template}</span>: {Object.entries(result.compared).map(([k, v]) => countKind(v, k)).join(', ')}
      </div>
      {result.differences.length > 0 ? (
        <ul className="mono" style={{ fontSize: 12 }}>
          {result.differences.slice(0, 50).map((d, i) => (
            <li key={i}>
              {d.kind} {d.object}: {d.detail}
            </li>
          ))}
        </ul>
      ) : null}
      {result.notes.length > 0 ? (
        <details style={{ fontSize: 12 }}>
          <summary>{result.notes.length} note(s): text naming the template that does not reach it</summary>
          <ul className="mono">
            {result.notes.slice(0, 50).map((d, i) => (
              <li key={i}>
                {d.object}: {d.detail}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {result.notCompared.map((what, i) => (
        <div key={i} className="muted" style={{ fontSize: 12 }}>
          Not compared: {what}
        </div>
      ))}
    </div>
  );
}

export function ProvisionView() {
  const { connections, connectionId, database, snapshot, setSnapshot, view } = useAppState();
  const [snapshots, setSnapshots] = useState<SnapshotFileInfo[]>([]);
  const [targetId, setTargetId] = useState(connectionId);
  const [targetDb, setTargetDb] = useState<string | undefined>(database);
  const [name, setName] = useState('');
  const [check, setCheck] = useState<{ valid: boolean; quoted: string; message?: string }>();
  const [batchText, setBatchText] = useState('');
  const [concurrency, setConcurrency] = useState(4);
  const [continueOnError, setContinueOnError] = useState(true);
  const [job, setJob] = useState<{ id: string; done: number; total: number }>();
  const [rows, setRows] = useState<TenantProgress[]>([]);
  const [summary, setSummary] = useState<ProvisionResult>();
  const [error, setError] = useState<ErrorInfo>();
  const [verifications, setVerifications] = useState<Record<string, VerifyResult | ErrorInfo | 'running'>>({});
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [poolReady, setPoolReady] = useState(0);
  const [claims, setClaims] = useState(0);
  const [claiming, setClaiming] = useState(false);

  const refresh = useCallback(() => {
    void invoke('snapshot:list', {}).then((r) => r.ok && setSnapshots(r.value));
    void invoke('provision:history', {}).then((r) => r.ok && setHistory(r.value));
  }, []);
  useEffect(() => {
    if (view === 'provision') refresh();
  }, [view, refresh]);
  useEffect(() => {
    setTargetId(connectionId);
    setTargetDb(database);
  }, [connectionId, database]);

  useEffect(() => {
    if (!name) return setCheck(undefined);
    let live = true;
    void invoke('tenant:check-name', { name }).then((r) => live && setCheck(r.ok ? r.value : { valid: false, quoted: '', message: r.error.userMessage }));
    return () => {
      live = false;
    };
  }, [name]);

  const target = () => ({ connectionId: targetId, ...(targetDb ? { database: targetDb } : {}) });

  async function provision(tenants: string[]) {
    if (!snapshot || tenants.length === 0) return;
    setError(undefined);
    setSummary(undefined);
    setVerifications({});
    setRows(tenants.map((t) => ({ tenant: t, status: 'queued' })));
    const r = await invoke('provision:start', { snapshotId: snapshot.id, target: target(), tenants, concurrency, continueOnError });
    if (!r.ok) {
      setRows([]);
      return setError(r.error);
    }
    setJob({ id: r.value.jobId, done: 0, total: tenants.length });
    const result = await watchJob<ProvisionResult>(r.value.jobId, {
      onTenant: (t) => setRows((list) => list.map((x) => (x.tenant === t.tenant ? t : x))),
      onProgress: (p) => setJob((j) => (j && p.done !== undefined ? { ...j, done: p.done, total: p.total ?? j.total } : j)),
    });
    setJob(undefined);
    if (result.ok) {
      setSummary(result.value);
      setRows(result.value.tenants);
      // The batch verified every tenant it created: show each verdict under its row.
      const verified = result.value.verified ?? [];
      if (verified.length > 0) setVerifications(Object.fromEntries(verified.map((v) => [v.tenant, v])));
      // Spares were claimed: the pool panel shows them gone and the backend's refill.
      if (result.value.tenants.some((t) => t.via === 'claimed')) setClaims((n) => n + 1);
    } else {
      setError(result.error);
      setRows((list) => list.map((x) => (x.status === 'queued' || x.status === 'running' ? { ...x, status: 'cancelled' } : x)));
    }
    refresh();
  }

  /** One tenant: claimed from the warm pool when a spare is ready, else built from the snapshot. */
  async function createOne(tenant: string) {
    if (!snapshot) return;
    if (poolReady === 0) return provision([tenant]);
    setError(undefined);
    setSummary(undefined);
    setVerifications({});
    setRows([{ tenant, status: 'running' }]);
    setClaiming(true);
    const r = await invoke('pool:claim', { target: target(), snapshotId: snapshot.id, tenant });
    setClaiming(false);
    if (!r.ok && r.error.code === 'POOL_EMPTY') return provision([tenant]);
    setClaims((n) => n + 1);
    if (!r.ok) {
      const status = r.error.code === 'TENANT_EXISTS' ? 'exists' : 'failed';
      const row: TenantProgress = { tenant, status, error: r.error };
      setRows([row]);
      setSummary({ tenants: [row], created: 0, failed: status === 'failed' ? 1 : 0, elapsedMs: 0 });
    } else {
      const row: TenantProgress = { tenant, status: 'created', elapsedMs: r.value.elapsedMs, via: 'claimed' };
      setRows([row]);
      setSummary({ tenants: [row], created: 1, failed: 0, elapsedMs: r.value.elapsedMs });
    }
    refresh();
  }

  async function verify(tenant: string) {
    if (!snapshot) return;
    setVerifications((v) => ({ ...v, [tenant]: 'running' }));
    const r = await invoke('provision:verify', { target: target(), snapshotId: snapshot.id, tenant });
    setVerifications((v) => ({ ...v, [tenant]: r.ok ? r.value : r.error }));
    refresh();
  }

  const batchNames = parseTenantNames(batchText);
  const invalidNames = findInvalidTenantNames(batchNames, snapshots.map((s) => s.schema));
  const failed = rows.filter((r) => r.status === 'failed' || r.status === 'cancelled').map((r) => r.tenant);
  const finished = rows.filter((r) => r.status !== 'queued' && r.status !== 'running').length;
  const progressValue = job ? job.done : finished;
  const progressMax = job ? job.total : Math.max(rows.length, 1);

  return (
    <>
      <header className="view-header">
        <h1>Provision</h1>
        <span className="sub">Create tenant schemas from a snapshot — each one atomic, then verified.</span>
      </header>
      <div className="view-body">
        <section className="card" aria-label="Snapshot and target">
          <div className="grid3">
            <label className="field">
              <span>Snapshot</span>
              <select value={snapshot?.id ?? ''} onChange={(e) => setSnapshot(snapshots.find((s) => s.id === e.target.value))}>
                <option value="">Choose a snapshot…</option>
                {snapshots.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name} ({s.schema || 'schema ?'}, {s.createdAt.slice(0, 16).replace('T', ' ')})
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>Target connection</span>
              <select value={targetId} onChange={(e) => setTargetId(e.target.value)}>
                {connections.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>Database</span>
              <input type="text" value={targetDb ?? ''} placeholder="(connection default)" onChange={(e) => setTargetDb(e.target.value || undefined)} />
            </label>
          </div>
          {!snapshot ? <p className="muted">Save a snapshot in the snapshot editor first, or pick one saved earlier.</p> : null}
        </section>

        {snapshot && targetId ? <WarmPoolPanel snapshotId={snapshot.id} target={target()} claims={claims} onReady={setPoolReady} /> : null}
        {snapshot && targetId ? <PublishPanel snapshotId={snapshot.id} target={target()} /> : null}

        <div className="grid2">
          <section className="card" aria-label="One tenant">
            <h2>One tenant</h2>
            <label className="field">
              <span>Tenant name</span>
              <input type="text" aria-label="Tenant name" aria-invalid={check ? !check.valid : undefined} aria-describedby="tenant-name-help" value={name} onChange={(e) => setName(e.target.value)} placeholder="acme" />
            </label>
            <div id="tenant-name-help" style={{ fontSize: 12, minHeight: 18, marginTop: 4 }} aria-live="polite">
              {check?.valid ? (
                <span>
                  Will be created as <code className="mono">{check.quoted}</code>
                </span>
              ) : check ? (
                <span className="status-bad">{check.message}</span>
              ) : null}
            </div>
            <button type="button" className="btn primary" style={{ marginTop: 8 }} disabled={!snapshot || !check?.valid || job !== undefined || claiming} onClick={() => void createOne(name)}>
              Create tenant
            </button>
            {snapshot && poolReady > 0 ? (
              <span className="muted" style={{ fontSize: 12, marginLeft: 8 }}>
                claims a spare from the warm pool
              </span>
            ) : null}
          </section>
          <section className="card" aria-label="Many tenants">
            <h2>Many tenants</h2>
            <label className="field">
              <span>Tenant names</span>
              <textarea aria-label="Tenant names" rows={4} value={batchText} placeholder={'one per line, or a CSV whose first column is the name'} onChange={(e) => setBatchText(e.target.value)} />
            </label>
            <div className="row" style={{ marginTop: 8 }}>
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
              <label className="row" style={{ gap: 6, fontSize: 12 }}>
                Concurrency
                <input type="number" min={1} max={64} value={concurrency} style={{ width: 64 }} onChange={(e) => setConcurrency(Math.min(64, Math.max(1, Number(e.target.value) || 1)))} />
              </label>
              <label className="row" style={{ gap: 6, fontSize: 12 }}>
                <input type="checkbox" checked={continueOnError} onChange={(e) => setContinueOnError(e.target.checked)} /> Carry on after a failure
              </label>
              <span className="grow" />
              {snapshot && poolReady > 0 ? (
                <span className="muted" style={{ fontSize: 12 }}>
                  claims up to {poolReady} ready spare{poolReady === 1 ? '' : 's'} first
                </span>
              ) : null}
              <span className="muted" style={{ fontSize: 12 }}>{batchNames.length} names</span>
              <button type="button" className="btn primary" disabled={!snapshot || batchNames.length === 0 || invalidNames.length > 0 || job !== undefined} onClick={() => void provision(batchNames)}>
                Create tenants
              </button>
            </div>
            {invalidNames.length > 0 ? (
              <div id="tenant-names-help" className="status-bad" style={{ fontSize: 12, marginTop: 6 }} aria-live="polite">
                {invalidNames.length === 1 ? '1 name cannot be used' : `${invalidNames.length} names cannot be used`}; fix or remove {invalidNames.length === 1 ? 'it' : 'them'} to create the batch:
                <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
                  {invalidNames.slice(0, 10).map((n) => (
                    <li key={n.name}>{n.message}</li>
                  ))}
                  {invalidNames.length > 10 ? <li>… and {invalidNames.length - 10} more</li> : null}
                </ul>
              </div>
            ) : null}
          </section>
        </div>

        {error ? <ErrorBox error={error} title="Provisioning stopped" /> : null}

        {rows.length > 0 ? (
          <section className="card" aria-label="Tenants">
            <div className="row">
              <h2 style={{ margin: 0 }}>Tenants</h2>
              <span className="grow" />
              {job ? (
                <button type="button" className="btn" onClick={() => void invoke('job:cancel', { jobId: job.id })}>
                  Cancel
                </button>
              ) : null}
              {!job && failed.length > 0 ? (
                <button type="button" className="btn" onClick={() => void provision(failed)}>
                  Retry failures ({failed.length})
                </button>
              ) : null}
            </div>
            <div className="row" style={{ margin: '10px 0' }}>
              <progress aria-label="Provisioning progress" value={progressValue} max={progressMax} />
              <span className="mono muted" style={{ minWidth: 70 }}>
                {progressValue}/{progressMax}
              </span>
            </div>
            {summary ? (
              <p role="status" className={summary.failed > 0 ? 'status-bad' : 'status-ok'}>
                {formatProvisionSummary(summary)}
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
                          {r.status === 'running' ? <span className="dot busy" /> : null} {r.status}
                          {r.status === 'created' && r.elapsedMs !== undefined ? (
                            <span className="muted" style={{ fontSize: 12 }}>
                              {' '}
                              · {r.via === 'claimed' ? 'claimed from pool' : 'built'} in {formatMs(r.elapsedMs)}
                            </span>
                          ) : null}
                          {r.error ? (
                            <div style={{ fontSize: 12 }}>
                              {r.error.userMessage}
                              {r.error.detail ? (
                                <details>
                                  <summary>Details</summary>
                                  <pre className="mono" style={{ whiteSpace: 'pre-wrap' }}>{r.error.detail}</pre>
                                </details>
                              ) : null}
                            </div>
                          ) : null}
                        </td>
                        <td className="num">{formatMs(r.elapsedMs)}</td>
                        <td>
                          {r.status === 'created' || r.status === 'exists' ? (
                            <button type="button" className="btn small" title={`Verify ${r.tenant} against the template`} disabled={v === 'running'} onClick={() => void verify(r.tenant)}>
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
            {Object.values(verifications).map((v, i) =>
              v === 'running' ? null : 'equal' in v ? <VerifyView key={i} result={v} /> : <ErrorBox key={i} error={v} title="Verification failed" />,
            )}
          </section>
        ) : null}

        <section className="card" aria-label="History">
          <h2>History on this machine</h2>
          {history.length === 0 ? (
            <p className="muted">No tenants provisioned yet.</p>
          ) : (
            <table className="data">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Tenant</th>
                  <th>Where</th>
                  <th>Snapshot</th>
                  <th>Status</th>
                  <th className="num">Time</th>
                </tr>
              </thead>
              <tbody>
                {history.slice(0, 100).map((h, i) => (
                  <tr key={i}>
                    <td>{h.at.slice(0, 19).replace('T', ' ')}</td>
                    <td className="mono">{h.tenant}</td>
                    <td>
                      {h.connectionName} / {h.database}
                    </td>
                    <td>{h.snapshotName}</td>
                    <td className={STATUS_CLASS[h.status]}>
                      {h.status}
                      {h.verified === true ? ' · verified' : h.verified === false ? ' · differs' : ''}
                    </td>
                    <td className="num">{formatMs(h.elapsedMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </>
  );
}
