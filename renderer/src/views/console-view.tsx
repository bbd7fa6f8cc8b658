import { useEffect, useState } from 'react';
import { SANDBOX_CONNECTION_ID, type SchemaSummary, type SqlConsoleResult } from '../../../core/api/contract';
import type { ErrorInfo } from '../../../core/errors';
import { invoke } from '../api/client';
import { watchJob } from '../api/jobs';
import { ErrorBox } from '../components/error-box';
import { formatMs } from '../components/format';
import { pluralize } from '../lib/plural';
import { useAppState } from '../state/app-state';

const DEFAULT_TIMEOUT_S = 30;

/** What a finished statement did, in one line. */
function describeResult(r: SqlConsoleResult): string {
  const rows = r.columns.length > 0 ? `${pluralize(r.rowCount ?? r.rows.length, 'row')}${r.truncated ? `, the first ${r.rows.length} shown` : ''}` : `${r.command}${r.rowCount !== null ? ` ${r.rowCount}` : ''}`;
  return `${rows} in ${formatMs(r.elapsedMs)} — ${r.committed ? 'committed' : 'read-only, rolled back'}`;
}

/** One statement at a time against the selected connection and database, optionally with search_path set to a tenant. */
export function ConsoleView() {
  const { connections, connectionId, database, sandbox, view } = useAppState();
  const [sql, setSql] = useState('SELECT current_database(), current_user, current_setting(\'search_path\')');
  const [tenant, setTenant] = useState('');
  const [schemas, setSchemas] = useState<SchemaSummary[]>([]);
  const [allowWrites, setAllowWrites] = useState(false);
  const [timeoutS, setTimeoutS] = useState(DEFAULT_TIMEOUT_S);
  const [jobId, setJobId] = useState<string>();
  const [result, setResult] = useState<SqlConsoleResult>();
  const [error, setError] = useState<ErrorInfo>();
  const connection = connections.find((c) => c.id === connectionId);
  const usable = connection !== undefined && (connectionId !== SANDBOX_CONNECTION_ID || sandbox?.state === 'running');
  const target = { connectionId, ...(database ? { database } : {}) };

  useEffect(() => {
    if (!usable || view !== 'console') return;
    let live = true;
    void invoke('schemas:list', target).then((r) => live && setSchemas(r.ok ? r.value.filter((s) => !s.system) : []));
    return () => {
      live = false;
    };
    // target is rebuilt each render; the connection and database are what matter.
  }, [usable, view, connectionId, database]);

  async function run() {
    setError(undefined);
    setResult(undefined);
    const started = await invoke('sql:run', { target, sql, allowWrites, timeoutMs: Math.round(timeoutS * 1000), ...(tenant ? { searchPath: tenant } : {}) });
    if (!started.ok) return setError(started.error);
    setJobId(started.value.jobId);
    const done = await watchJob(started.value.jobId, 'console', {});
    setJobId(undefined);
    if (done.ok) setResult(done.value);
    else setError(done.error);
  }

  return (
    <>
      <header className="view-header">
        <h1>SQL console</h1>
        <span className="sub">One statement at a time on {connection ? <strong>{connection.name}</strong> : 'the chosen connection'}{database ? <span className="mono"> · {database}</span> : null}: read-only unless you allow writes.</span>
      </header>
      <div className="view-body">
        <section className="card stack" aria-label="Statement">
          <div className="row wrap">
            <label className="row tight">
              Tenant (search_path)
              <select aria-label="Tenant (search_path)" value={tenant} onChange={(e) => setTenant(e.target.value)}>
                <option value="">(connection default)</option>
                {schemas.map((s) => (
                  <option key={s.name} value={s.name}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="row tight">
              Statement timeout (s)
              <input type="number" aria-label="Statement timeout (s)" min={1} max={3600} value={timeoutS} onChange={(e) => setTimeoutS(Math.min(3600, Math.max(1, Number(e.target.value) || DEFAULT_TIMEOUT_S)))} className="narrow-number" />
            </label>
            <label className="row tight">
              <input type="checkbox" role="switch" aria-checked={allowWrites} checked={allowWrites} onChange={(e) => setAllowWrites(e.target.checked)} /> Allow writes
            </label>
          </div>
          <textarea
            aria-label="SQL statement"
            className="mono console-input"
            rows={6}
            spellCheck={false}
            value={sql}
            onChange={(e) => setSql(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !jobId && usable) {
                e.preventDefault();
                void run();
              }
            }}
          />
          <p className="muted small-text flush">
            {allowWrites ? 'Writes allowed: the statement runs in its own transaction and is committed when it succeeds.' : 'Read-only: the statement runs in a READ ONLY transaction that is rolled back; PostgreSQL refuses anything that writes.'} One statement per run; Ctrl+Enter runs it.
          </p>
          <div className="row">
            <button type="button" className={`btn ${allowWrites ? 'danger' : 'primary'}`} disabled={!usable || jobId !== undefined || sql.trim() === ''} onClick={() => void run()}>
              {allowWrites ? 'Run (writes allowed)' : 'Run'}
            </button>
            <button type="button" className="btn" disabled={jobId === undefined} onClick={() => jobId && void invoke('job:cancel', { jobId })}>
              Cancel
            </button>
            {jobId ? <span className="muted"><span className="dot busy" /> Running…</span> : null}
            {!usable ? <span className="muted">Choose a connection (and start the sandbox) first.</span> : null}
          </div>
        </section>
        {error ? <ErrorBox error={error} title="The statement did not run" /> : null}
        {result ? (
          <section className="card stack" aria-label="Result">
            <p className="muted flush" role="status" aria-label="Result summary">{describeResult(result)}</p>
            {result.columns.length > 0 ? (
              <div className="table-scroll console-result">
                <table className="data" aria-label="Result rows">
                  <thead>
                    <tr>
                      {result.columns.map((c, i) => (
                        <th key={i} title={c.type}>
                          {c.name}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {result.rows.map((row, i) => (
                      <tr key={i}>
                        {row.map((v, j) => (
                          <td key={j} className={v === null ? 'mono muted' : 'mono'}>
                            {v ?? 'NULL'}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
          </section>
        ) : null}
      </div>
    </>
  );
}
