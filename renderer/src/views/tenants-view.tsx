/**
 * Tenants (issue 14): every tenant of a template in the chosen database, from
 * the register and the census: a bar of cohorts, a virtualised table with
 * filter and sort, a cohort's differences, and verify, adopt, drop and CSV.
 */
import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { SANDBOX_CONNECTION_ID, type DatabaseSummary } from '../../../core/api/contract';
import { invoke } from '../api/client';
import { ErrorBox } from '../components/error-box';
import { TargetPicker } from '../components/target-picker';
import { formatMs } from '../components/format';
import { filterTenantRows, sortTenantRows, tenantsCsv, type TenantStatusFilter } from '../lib/fleet-rows';
import { useAppState } from '../state/app-state';
import { AdoptCard } from './tenants/adopt-card';
import { CohortBar } from './tenants/cohort-bar';
import { CohortDifferences } from './tenants/cohort-differences';
import { DropCard } from './tenants/drop-card';
import { MoveCard } from './tenants/move-card';
import { RebalanceCard } from './tenants/rebalance-card';
import { TenantTable, type Sort } from './tenants/tenant-table';
import { useFleet } from './tenants/use-fleet';
import { usePlacement } from './tenants/use-placement';
import { useVerifyJob } from './tenants/use-verify-job';
import { VerifyCard } from './tenants/verify-card';
import { RolloutsPanel } from './tenants/rollouts-panel';

const STATUS_CHOICES: { value: TenantStatusFilter; label: string }[] = [
  { value: 'all', label: 'Any status' },
  { value: 'equal', label: 'Verified equal' },
  { value: 'different', label: 'Verified different' },
  { value: 'failed', label: 'Verify failed' },
  { value: 'unverified', label: 'Never verified' },
  { value: 'missing', label: 'Schema missing' },
];

type Side = { kind: 'cohort' } | { kind: 'drop'; tenant: string } | { kind: 'adopt' } | { kind: 'move'; tenant: string } | { kind: 'rebalance' } | undefined;

/** The Node filter's value for tenants that stay on the coordinator (no host:port has this form). */
const ON_COORDINATOR = '(coordinator)';

/** "50,000 tenants", "1 cohort". */
function countOf(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

function downloadText(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function TenantsView() {
  const { connections, connectionId, setConnectionId, database, setDatabase, sandbox, setView, view } = useAppState();
  const usable = connectionId !== 'new' && (connectionId !== SANDBOX_CONNECTION_ID || sandbox?.state === 'running');
  const active = view === 'tenants' && usable;
  const target = useMemo(() => ({ connectionId, ...(database ? { database } : {}) }), [connectionId, database]);
  const [databases, setDatabases] = useState<DatabaseSummary[]>([]);
  const [schemas, setSchemas] = useState<string[]>([]);
  const [template, setTemplate] = useState<string>();
  const fleet = useFleet(usable ? target : undefined, template, active);
  const info = fleet.info;
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [status, setStatus] = useState<TenantStatusFilter>('all');
  const [cohort, setCohort] = useState<number>();
  const [sort, setSort] = useState<Sort>({ key: 'tenant', descending: false });
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [side, setSide] = useState<Side>();
  const [notice, setNotice] = useState<string>();
  const [rollouts, setRollouts] = useState(false);
  const verify = useVerifyJob(fleet.reload);
  // On a Citus coordinator: each tenant's node (a column, a filter, and moves).
  const citus = usePlacement(usable ? target : undefined, active);
  const placement = citus.placement;
  const [node, setNode] = useState('');
  useEffect(() => setNode(''), [placement]);

  useEffect(() => {
    if (!active) return;
    void invoke('schemas:databases', { connectionId }).then((r) => r.ok && setDatabases(r.value));
    void invoke('schemas:list', target).then((r) => r.ok && setSchemas(r.value.filter((s) => !s.system && !s.extensionOwned && !s.name.startsWith('_tenantry')).map((s) => s.name)));
  }, [active, connectionId, target]);

  // New data (another database, template, or a reload after an action): old row indices mean nothing.
  useEffect(() => {
    setSelected(new Set());
    setCohort(undefined);
    setSide((s) => (s?.kind === 'adopt' ? s : undefined));
  }, [info]);
  useEffect(() => setTemplate(undefined), [connectionId, database]);

  const columns = info?.tenants;
  const filteredByFleet = useMemo(() => (columns ? filterTenantRows(columns, { query: deferredQuery, status, ...(cohort !== undefined ? { cohort } : {}) }) : []), [columns, deferredQuery, status, cohort]);
  const filtered = useMemo(
    () => (columns && placement && node ? filteredByFleet.filter((r) => (placement.nodeOf(columns.tenant[r] ?? '') ?? ON_COORDINATOR) === node) : filteredByFleet),
    [columns, placement, node, filteredByFleet],
  );
  const rows = useMemo(() => (columns ? sortTenantRows(columns, filtered, sort.key, sort.descending) : []), [columns, filtered, sort]);
  const selectedNames = useMemo(() => (columns ? [...selected].map((i) => columns.tenant[i] ?? '').filter(Boolean) : []), [columns, selected]);
  const chosenCohort = cohort !== undefined ? info?.cohorts[cohort] : undefined;

  const toggle = useCallback((row: number) => {
    setSelected((s) => {
      const next = new Set(s);
      if (!next.delete(row)) next.add(row);
      return next;
    });
  }, []);
  const toggleAll = useCallback(() => {
    setSelected((s) => (rows.length > 0 && rows.every((r) => s.has(r)) ? new Set() : new Set(rows)));
  }, [rows]);

  function chooseCohort(index: number | undefined) {
    setCohort(index);
    setSide(index !== undefined && info?.cohorts[index]?.status !== 'template' ? { kind: 'cohort' } : undefined);
  }

  const template_ = info?.template;
  const sidePanel =
    side?.kind === 'cohort' && chosenCohort && template_ ? (
      <CohortDifferences target={target} template={template_} cohort={chosenCohort} onClose={() => setSide(undefined)} />
    ) : side?.kind === 'drop' ? (
      <DropCard
        target={target}
        tenant={side.tenant}
        onClose={() => setSide(undefined)}
        onDropped={(message) => {
          setNotice(message);
          setSide(undefined);
          fleet.reload();
        }}
      />
    ) : side?.kind === 'move' && placement ? (
      <MoveCard
        target={target}
        tenant={side.tenant}
        placement={placement}
        onClose={() => setSide(undefined)}
        onMoved={(message) => {
          setNotice(message);
          setSide(undefined);
          citus.reload();
        }}
      />
    ) : side?.kind === 'rebalance' && placement ? (
      <RebalanceCard
        target={target}
        onClose={() => setSide(undefined)}
        onApplied={(message, complete) => {
          setNotice(message);
          // A rebalance that stopped keeps its card open with the reason.
          if (complete) setSide(undefined);
          citus.reload();
        }}
      />
    ) : side?.kind === 'adopt' ? (
      <AdoptCard
        target={target}
        template={template_}
        schemas={schemas}
        onClose={() => setSide(undefined)}
        onAdopted={(t, message) => {
          setNotice(message);
          setSide(undefined);
          setTemplate(t);
          fleet.reload();
        }}
      />
    ) : null;

  return (
    <>
      <header className="view-header">
        <h1>Tenants</h1>
        <span className="sub">Every tenant of a template, grouped by structure.</span>
        <span className="grow" />
        <TargetPicker connections={connections} connectionId={connectionId} onConnection={setConnectionId} databases={databases} database={database} onDatabase={setDatabase} />
        <label className="field">
          <span>Template</span>
          <select value={info?.template ?? ''} onChange={(e) => setTemplate(e.target.value || undefined)} disabled={!info || info.templates.length === 0}>
            {info?.templates.length ? null : <option value="">(none recorded)</option>}
            {info?.templates.map((t) => (
              <option key={t.name} value={t.name}>
                {t.name} ({t.tenants.toLocaleString('en-US')})
              </option>
            ))}
          </select>
        </label>
      </header>
      <div className="view-body tenants-body">
        {!usable ? (
          <div className="empty">
            <h2>No server to look at yet</h2>
            <p>Start the local sandbox or choose a saved connection.</p>
            <button type="button" className="btn primary" onClick={() => setView('connections')}>
              Go to Connections
            </button>
          </div>
        ) : (
          <div className="tenants-layout">
            {fleet.error ? <ErrorBox error={fleet.error} title="Could not read the tenants" /> : null}
            {citus.error ? <ErrorBox error={citus.error} title="Could not read where the tenants live on Citus" /> : null}
            {notice ? (
              <div className="ok-box row" role="status" aria-label="Tenants notice">
                <span className="grow">{notice}</span>
                <button type="button" className="btn small" onClick={() => setNotice(undefined)}>
                  Dismiss
                </button>
              </div>
            ) : null}
            <section className="card flush" aria-label="Census">
              <div className="row">
                <h2 className="flush">
                  Census {fleet.loading ? <span className="dot busy" aria-label="Loading" /> : null}
                </h2>
                {info?.template ? (
                  <span className="small-text census-summary">
                    {/* Registered tenants whose schema is gone are in no cohort: the count in cohorts says so rather than include them. */}
                    <span className="mono">{info.template}</span>:{' '}
                    {info.missing > 0
                      ? `${countOf(info.tenants.tenant.length, 'tenant')} registered, ${(info.tenants.tenant.length - info.missing).toLocaleString('en-US')} in ${countOf(info.cohorts.length, 'cohort')}`
                      : `${countOf(info.tenants.tenant.length, 'tenant')} in ${countOf(info.cohorts.length, 'cohort')}`}
                    <span className="muted"> · census {formatMs(info.censusMs)}</span>
                    {info.keys.reused > 0 ? (
                      <span className="muted" title="Schemas whose catalog rows are unchanged since the last census reuse the keys it kept; the others are read again.">
                        {' '}
                        · {info.keys.reused.toLocaleString('en-US')} of {(info.keys.reused + info.keys.computed).toLocaleString('en-US')} schemas unchanged
                      </span>
                    ) : null}
                  </span>
                ) : null}
                <span className="grow" />
                <button type="button" className="btn small" disabled={fleet.loading} onClick={fleet.reload}>
                  Refresh
                </button>
                <button type="button" className="btn small" onClick={() => setSide({ kind: 'adopt' })}>
                  Adopt schemas…
                </button>
                <button type="button" className="btn small primary" aria-pressed={rollouts} disabled={!template_ && !rollouts} onClick={() => setRollouts((r) => !r)}>
                  {rollouts ? 'Back to the tenants' : 'Rollouts…'}
                </button>
              </div>
              {info ? <CohortBar cohorts={info.cohorts} missing={info.missing} chosen={cohort} onChoose={chooseCohort} /> : null}
              {info && info.templates.length === 0 ? (
                <p className="muted">No tenants are recorded in this database yet. Provision some, or adopt schemas made by your migrations.</p>
              ) : null}
            </section>
            {rollouts && template_ && info ? (
              <RolloutsPanel target={target} template={template_} tenantCount={info.tenants.tenant.length} cohorts={info.cohorts} selected={selectedNames} onChanged={fleet.reload} />
            ) : null}
            {/* The panel takes the table's place (hidden, not unmounted: .tenants-split's display would override [hidden]). */}
            <div className={`tenants-split${rollouts ? ' is-hidden' : ''}`}>
              <div className="tenants-main">
                <div className="tenants-toolbar">
                  <input type="search" aria-label="Filter tenants" placeholder="Filter by name" value={query} onChange={(e) => setQuery(e.target.value)} className="tenants-filter" />
                  <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value as TenantStatusFilter)} className="tenants-status">
                    {STATUS_CHOICES.map((c) => (
                      <option key={c.value} value={c.value}>
                        {c.label}
                      </option>
                    ))}
                  </select>
                  {placement ? (
                    <select aria-label="Node" value={node} onChange={(e) => setNode(e.target.value)} className="tenants-status">
                      <option value="">Any node</option>
                      {placement.info.nodes.map((n) => (
                        <option key={n.node} value={n.node}>
                          {n.node}
                        </option>
                      ))}
                      <option value={ON_COORDINATOR}>On the coordinator (not distributed)</option>
                    </select>
                  ) : null}
                  <span className="small-text muted" role="status" aria-label="Tenants shown">
                    {rows.length.toLocaleString('en-US')} of {(columns?.tenant.length ?? 0).toLocaleString('en-US')} shown
                    {selected.size > 0 ? ` · ${selected.size.toLocaleString('en-US')} selected` : ''}
                  </span>
                  <span className="grow" />
                  {/* The actions move as one group: the toolbar wraps before them, never between them (Export CSV alone on a line). */}
                  <div className="tenants-actions">
                    <button type="button" className="btn small" disabled={selectedNames.length === 0 || verify.running !== undefined || !template_} onClick={() => template_ && void verify.start(target, template_, selectedNames)}>
                      Verify selected
                    </button>
                    <button type="button" className="btn small" disabled={rows.length === 0 || verify.running !== undefined || !template_ || !columns} onClick={() => columns && template_ && void verify.start(target, template_, rows.map((r) => columns.tenant[r] ?? ''))}>
                      Verify shown
                    </button>
                    {placement ? (
                      <button
                        type="button"
                        className="btn small"
                        disabled={selectedNames.length !== 1 || !placement.nodeOf(selectedNames[0] ?? '')}
                        title={selectedNames.length !== 1 ? 'Select one tenant to move' : placement.nodeOf(selectedNames[0] ?? '') ? 'Move it to another Citus node (citus_schema_move)' : `${selectedNames[0] ?? ''} is not a distributed schema: it stays on the coordinator`}
                        onClick={() => selectedNames[0] && setSide({ kind: 'move', tenant: selectedNames[0] })}
                      >
                        Move to node…
                      </button>
                    ) : null}
                    {placement ? (
                      <button type="button" className="btn small" title="Propose moves that even out the bytes per Citus node (nothing moves until you confirm)" onClick={() => setSide({ kind: 'rebalance' })}>
                        Propose rebalance…
                      </button>
                    ) : null}
                    <button type="button" className="btn small danger" disabled={selectedNames.length !== 1} title="Select one tenant to drop" onClick={() => selectedNames[0] && setSide({ kind: 'drop', tenant: selectedNames[0] })}>
                      Drop…
                    </button>
                    <button type="button" className="btn small" disabled={rows.length === 0 || !columns || !info} onClick={() => columns && info && downloadText(`tenants-${info.template ?? 'none'}.csv`, tenantsCsv(columns, info.cohorts, rows))}>
                      Export CSV
                    </button>
                  </div>
                </div>
                {columns && info ? (
                  <TenantTable
                    columns={columns}
                    cohorts={info.cohorts}
                    rows={rows}
                    selected={selected}
                    onToggle={toggle}
                    onToggleAll={toggleAll}
                    sort={sort}
                    onSort={setSort}
                    resetKey={`${deferredQuery}|${status}|${cohort ?? ''}|${node}|${sort.key}|${sort.descending}`}
                    {...(placement ? { nodeOf: placement.nodeOf } : {})}
                  />
                ) : null}
              </div>
              {sidePanel || verify.running || verify.summary || verify.error ? (
                <aside className="tenants-side" aria-label="Tenant details">
                  <VerifyCard job={verify} />
                  {sidePanel}
                </aside>
              ) : null}
            </div>
          </div>
        )}
      </div>
    </>
  );
}
