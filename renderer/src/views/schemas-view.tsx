import { Fragment, useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { SANDBOX_CONNECTION_ID, type DatabaseSummary, type DumpResult, type SchemaSummary } from '../../../core/api/contract';
import type { ErrorInfo } from '../../../core/errors';
import { invoke } from '../api/client';
import { watchJob } from '../api/jobs';
import { ErrorBox } from '../components/error-box';
import { TargetPicker } from '../components/target-picker';
import { formatBytes, formatMs } from '../components/format';
import { useAppState } from '../state/app-state';
import { isReservedSchemaName } from '../../../core/pool/spare-name';
import { pickDefaultTemplate } from '../lib/pick-template';
import { filterGroup, filterSchemas } from '../lib/filter-schemas';
import { groupUnderTemplates } from '../lib/group-under-templates';
import { SNAPSHOT_DEFAULTS } from '../../../core/dump/snapshot-defaults';
import { ConfigTableHints } from './snapshot/config-table-hints';

/** Unfolded, a template's tenants are listed up to this many; the Tenants view lists them all. */
const TENANT_ROWS = 100;

/** "1 tenant", "2,000 tenants". */
function countOf(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

export function SchemasView() {
  const { connections, connectionId, setConnectionId, database, setDatabase, sandbox, setDump, setView, view } = useAppState();
  const [databases, setDatabases] = useState<DatabaseSummary[]>([]);
  const [schemas, setSchemas] = useState<SchemaSummary[]>([]);
  const [template, setTemplate] = useState<string>();
  const [showSystem, setShowSystem] = useState(false);
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState({ noOwner: SNAPSHOT_DEFAULTS.noOwner, noPrivileges: SNAPSHOT_DEFAULTS.noPrivileges, ledger: SNAPSHOT_DEFAULTS.ledgerTables.join(', '), carryPartitions: false });
  const [error, setError] = useState<ErrorInfo>();
  const [dumpError, setDumpError] = useState<ErrorInfo>();
  const [job, setJob] = useState<{ id: string; message: string; log: string[] }>();
  const [done, setDone] = useState<DumpResult>();
  const [loading, setLoading] = useState(false);
  // Groups under a template ('spares:tmpl', 'tenants:tmpl') the user folded or unfolded; the rest follow the filter
  // (collapsed without one; a template's tenants open when some match it). A new filter text starts afresh.
  const [folding, setFolding] = useState<ReadonlyMap<string, boolean>>(new Map());
  useEffect(() => setFolding(new Map()), [query]);

  const target = useCallback(() => ({ connectionId, ...(database ? { database } : {}) }), [connectionId, database]);
  const usable = connectionId !== 'new' && (connectionId !== SANDBOX_CONNECTION_ID || sandbox?.state === 'running');

  useEffect(() => {
    if (!usable || view !== 'schemas') return;
    setError(undefined);
    setLoading(true);
    void (async () => {
      const dbs = await invoke('schemas:databases', { connectionId });
      if (!dbs.ok) {
        setLoading(false);
        return setError(dbs.error);
      }
      setDatabases(dbs.value);
      const list = await invoke('schemas:list', target());
      setLoading(false);
      if (!list.ok) return setError(list.error);
      setSchemas(list.value);
      const preferred = connectionId === SANDBOX_CONNECTION_ID ? sandbox?.templateSchema : undefined;
      // A schema folded under a template (a tenant, a spare) is no candidate: the choice falls back as for a dropped schema.
      const candidates = groupUnderTemplates(list.value).rest;
      setTemplate((t) => (t && candidates.some((s) => s.name === t) ? t : (preferred ?? pickDefaultTemplate(candidates))));
    })();
  }, [usable, connectionId, database, target, sandbox?.templateSchema, view]);

  async function dump(chosen = options) {
    if (!template) return;
    setDumpError(undefined);
    setDone(undefined);
    const ledgerTables = chosen.ledger.split(/[\s,]+/).filter(Boolean);
    const r = await invoke('dump:start', { target: target(), schema: template, options: { noOwner: chosen.noOwner, noPrivileges: chosen.noPrivileges, ledgerTables, carryPartitions: chosen.carryPartitions } });
    if (!r.ok) return setDumpError(r.error);
    setJob({ id: r.value.jobId, message: 'Starting pg_dump…', log: [] });
    const result = await watchJob(r.value.jobId, 'dump', {
      onProgress: (p) => setJob((j) => (j ? { ...j, message: p.message ?? j.message } : j)),
      onLog: (line) => setJob((j) => (j ? { ...j, log: [...j.log, line].slice(-50) } : j)),
    });
    setJob(undefined);
    if (!result.ok) return setDumpError(result.error);
    setDone(result.value);
    setDump(result.value);
  }

  // Warm-pool spares (`_tenantry*`) and registered tenants are never a template: grouped under the template they came
  // from (collapsed), and any other reserved schema hidden, or shown dimmed with the system schemas.
  const { rest, sparesOf, tenantsOf } = useMemo(() => groupUnderTemplates(schemas), [schemas]);
  const visible = rest.filter((s) => showSystem || (!s.system && !s.extensionOwned && !isReservedSchemaName(s.name)));
  // Hundreds of tenants beside the template: a filter (which finds tenants too), the template pinned first, and a list
  // that scrolls on its own so the Dump panel stays in view.
  const shown = filterSchemas(visible, query, template, tenantsOf);
  const toggle = (key: string, open: boolean) => setFolding((f) => new Map(f).set(key, !open));
  return (
    <>
      <header className="view-header">
        <h1>Schemas</h1>
        <span className="sub">Pick the template schema and dump its definition.</span>
        <span className="grow" />
        <TargetPicker connections={connections} connectionId={connectionId} onConnection={setConnectionId} databases={databases} database={database} onDatabase={setDatabase} details fieldClass={{ connection: 'u-minw-200', database: 'u-minw-180' }} />
      </header>
      <div className="view-body">
        {!usable ? (
          <div className="empty">
            <h2>No server to look at yet</h2>
            <p>Start the local sandbox or choose a saved connection.</p>
            <button type="button" className="btn primary" onClick={() => setView('connections')}>
              Go to Connections
            </button>
          </div>
        ) : (
          <>
            {error ? <ErrorBox error={error} title="Could not list schemas" /> : null}
            <section className="card" aria-label="Schemas">
              <div className="row u-mb-8">
                <h2 className="u-m-0">Schemas {loading ? <span className="dot busy" /> : null}</h2>
                <span className="grow" />
                <input type="search" aria-label="Filter schemas" placeholder={`Filter ${visible.length} schemas`} value={query} onChange={(e) => setQuery(e.target.value)} className="u-minw-220" />
                <label className="row u-gap-6 u-fs-12">
                  <input type="checkbox" checked={showSystem} onChange={(e) => setShowSystem(e.target.checked)} /> Show system and extension schemas
                </label>
              </div>
              <div className="u-maxh-45vh u-overflow-auto" data-testid="schemas-scroll">
              <table className="data">
                <thead>
                  <tr>
                    <th>Template</th>
                    <th>Schema</th>
                    <th>Owner</th>
                    <th className="num">Tables</th>
                    <th className="num">Views</th>
                    <th className="num">Functions</th>
                    <th className="num">Sequences</th>
                    <th className="num">Size</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((s) => {
                    const spares = filterGroup(sparesOf.get(s.name) ?? [], query);
                    const sparesOpen = folding.get(`spares:${s.name}`) ?? false;
                    const tenants = tenantsOf.get(s.name) ?? [];
                    const matching = filterGroup(tenants, query);
                    const tenantsOpen = folding.get(`tenants:${s.name}`) ?? (query.trim() !== '' && matching.length > 0);
                    return (
                      <Fragment key={s.name}>
                        <SchemaRow schema={s} template={template} onChoose={setTemplate} />
                        {/* With a filter, a group none of whose schemas match stays out (the template is there, pinned or matching). */}
                        {matching.length > 0 ? (
                          <GroupRow open={tenantsOpen} onToggle={() => toggle(`tenants:${s.name}`, tenantsOpen)}>
                            {matching.length === tenants.length ? countOf(tenants.length, 'tenant') : `${matching.length.toLocaleString('en-US')} of ${countOf(tenants.length, 'tenant')}`} of {s.name}
                          </GroupRow>
                        ) : null}
                        {tenantsOpen ? <TenantRows tenants={matching} template={s.name} onAll={() => setView('tenants')} /> : null}
                        {spares.length > 0 ? (
                          <GroupRow open={sparesOpen} onToggle={() => toggle(`spares:${s.name}`, sparesOpen)}>
                            {spares.length} warm-pool {spares.length === 1 ? 'spare' : 'spares'} of {s.name}
                          </GroupRow>
                        ) : null}
                        {sparesOpen ? spares.map((spare) => <SchemaRow key={spare.name} schema={spare} template={template} onChoose={setTemplate} nested />) : null}
                      </Fragment>
                    );
                  })}
                </tbody>
              </table>
              </div>
              {shown.length === 0 && query ? <p className="muted">No schema matches "{query}".</p> : null}
            </section>
            <section className="card" aria-label="Dump options">
              <h2>Dump {template ? <span className="mono">{template}</span> : null}</h2>
              <div className="row u-gap-20">
                <label className="row u-gap-6">
                  <input type="checkbox" checked={options.noOwner} onChange={(e) => setOptions({ ...options, noOwner: e.target.checked })} /> No owner (--no-owner)
                </label>
                <label className="row u-gap-6">
                  <input type="checkbox" checked={options.noPrivileges} onChange={(e) => setOptions({ ...options, noPrivileges: e.target.checked })} /> No privileges (--no-privileges)
                </label>
                <label className="row u-gap-6" title="Partitioned tables whose partitions live in other schemas (GitLab's gitlab_partitions_static): each tenant gets its own copies of the partitions. Without this, such a template is refused.">
                  <input type="checkbox" checked={options.carryPartitions} onChange={(e) => setOptions({ ...options, carryPartitions: e.target.checked })} /> Carry partitions kept in other schemas (--carry-partitions)
                </label>
                <label className="field grow">
                  <span>Ledger tables whose rows are copied (besides the usual migration tables)</span>
                  <input type="text" className="mono" placeholder="e.g. feature_flags" value={options.ledger} onChange={(e) => setOptions({ ...options, ledger: e.target.value })} />
                </label>
              </div>
              <div className="row u-mt-12">
                <button type="button" className="btn primary" disabled={!template || job !== undefined} onClick={() => void dump()}>
                  Dump schema
                </button>
                {job ? (
                  <>
                    <span className="muted" role="status">
                      <span className="dot busy" /> {job.message}
                    </span>
                    <button type="button" className="btn" onClick={() => void invoke('job:cancel', { jobId: job.id })}>
                      Cancel
                    </button>
                  </>
                ) : null}
              </div>
              {job && job.log.length > 0 ? <pre className="mono muted">{job.log.join('\n')}</pre> : null}
              {dumpError ? <ErrorBox error={dumpError} title="The dump failed" /> : null}
              {dumpError?.code === 'SNAPSHOT_PARTITIONS_ELSEWHERE' && !options.carryPartitions ? (
                <button
                  type="button"
                  className="btn"
                  onClick={() => {
                    const chosen = { ...options, carryPartitions: true };
                    setOptions(chosen);
                    void dump(chosen);
                  }}
                >
                  Carry the partitions and dump again
                </button>
              ) : null}
              {done ? (
                <div className="ok-box" role="status" aria-label="Dump finished">
                  <div>
                    <strong>Dumped {done.schema}</strong> from {done.database}: {formatBytes(done.bytes)} in {formatMs(done.elapsedMs)}
                    {done.ledgerTables.length > 0 ? `, ledger rows from ${done.ledgerTables.join(', ')}` : ''}.
                  </div>
                  <div className="mono muted u-mt-4">
                    pg_dump {done.pgDump.version} — {done.pgDump.path} · server {done.serverVersion}
                  </div>
                  <ConfigTableHints
                    tables={done.configTables ?? []}
                    onCarry={(names) => {
                      const chosen = { ...options, ledger: [...new Set([...options.ledger.split(/[\s,]+/).filter(Boolean), ...names])].join(', ') };
                      setOptions(chosen);
                      void dump(chosen);
                    }}
                  />
                  <button type="button" className="btn primary u-mt-8" onClick={() => setView('snapshot')}>
                    Open in the snapshot editor →
                  </button>
                </div>
              ) : null}
            </section>
          </>
        )}
      </div>
    </>
  );
}

/** The row under a template that folds a group of schemas made from it: "▸ 3 warm-pool spares of tmpl". */
function GroupRow({ open, onToggle, children }: { open: boolean; onToggle: () => void; children: ReactNode }) {
  return (
    <tr className="spare-group">
      <td />
      <td colSpan={7}>
        <button type="button" className="disclosure" aria-expanded={open} onClick={onToggle}>
          {open ? '▾' : '▸'} {children}
        </button>
      </td>
    </tr>
  );
}

/** A template's registered tenants, unfolded: the first TENANT_ROWS, then a pointer to the Tenants view for the rest. */
function TenantRows({ tenants, template, onAll }: { tenants: readonly SchemaSummary[]; template: string; onAll: () => void }) {
  const more = tenants.length - TENANT_ROWS;
  return (
    <>
      {tenants.slice(0, TENANT_ROWS).map((t) => (
        <SchemaRow key={t.name} schema={t} template={undefined} onChoose={() => undefined} nested tenantOf={template} />
      ))}
      {more > 0 ? (
        <tr className="spare-group">
          <td />
          <td colSpan={7} className="muted u-fs-12 u-pl-28">
            {countOf(more, 'more tenant')}: filter by name, or{' '}
            <button type="button" className="disclosure u-p-0" onClick={onAll}>
              open the Tenants view
            </button>
          </td>
        </tr>
      ) : null}
    </>
  );
}

/**
 * One schema of the list: a template candidate, or a dimmed row that cannot be chosen (a warm-pool spare by its
 * reserved name, or a registered tenant listed under its template).
 */
function SchemaRow({ schema: s, template, onChoose, nested = false, tenantOf }: { schema: SchemaSummary; template: string | undefined; onChoose: (name: string) => void; nested?: boolean; tenantOf?: string }) {
  const pool = isReservedSchemaName(s.name);
  const fixed = pool || tenantOf !== undefined;
  const why = pool ? 'A spare tenant of the warm pool: not a template' : tenantOf !== undefined ? `A tenant of ${tenantOf} (recorded in the register): not a template` : undefined;
  return (
    <tr className={fixed ? 'muted' : `clickable ${s.name === template ? 'selected' : ''}`} onClick={fixed ? undefined : () => onChoose(s.name)} title={why}>
      <td>
        <input type="radio" name="template" aria-label={`Template ${s.name}`} disabled={fixed} checked={!fixed && s.name === template} onChange={() => onChoose(s.name)} />
      </td>
      <td className={nested ? 'mono u-pl-28' : 'mono'}>
        {s.name} {s.system ? <span className="pill">system</span> : null} {s.extensionOwned ? <span className="pill">extension</span> : null} {pool ? <span className="pill">warm pool</span> : null}
      </td>
      <td>{s.owner}</td>
      <td className="num">{s.tables}</td>
      <td className="num">{s.views}</td>
      <td className="num">{s.functions}</td>
      <td className="num">{s.sequences}</td>
      <td className="num">{formatBytes(s.sizeBytes)}</td>
    </tr>
  );
}
