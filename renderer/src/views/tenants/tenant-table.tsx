/** The virtualised table of tenants: sortable headers, a checkbox per row, cohort and verification columns. */
import type { FleetCohortInfo, FleetTenantColumns } from '../../../../core/api/contract';
import { VirtualTable } from '../../components/virtual-table';
import { statusOf, type SortKey } from '../../lib/fleet-rows';

const ROW_HEIGHT = 30;
const COLUMNS = '24px minmax(110px, 2fr) minmax(120px, 2fr) minmax(60px, 1fr) 64px 118px minmax(110px, 1.3fr)';
/**
 * With the Node column (on a Citus coordinator): host:port needs about 124 px, taken from the other columns' minimums
 * so that the row still fits beside the side panel at 1440 px.
 */
const COLUMNS_WITH_NODE = '24px minmax(90px, 2fr) minmax(100px, 2fr) minmax(44px, 1fr) 56px 118px minmax(90px, 1.3fr) minmax(124px, 1.2fr)';

const HEADERS: { key: SortKey; label: string }[] = [
  { key: 'tenant', label: 'Tenant' },
  { key: 'cohort', label: 'Cohort' },
  { key: 'snapshot', label: 'Snapshot' },
  { key: 'how', label: 'How' },
  { key: 'createdAt', label: 'Created' },
  { key: 'verifiedAt', label: 'Last verified' },
];

const shortTime = (ms: number): string => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

export interface Sort {
  key: SortKey;
  descending: boolean;
}

export interface TenantTableProps {
  columns: FleetTenantColumns;
  cohorts: FleetCohortInfo[];
  rows: number[];
  selected: ReadonlySet<number>;
  onToggle(row: number): void;
  onToggleAll(): void;
  sort: Sort;
  onSort(sort: Sort): void;
  resetKey: unknown;
  /** On a Citus coordinator: each tenant's node (undefined: on the coordinator, not distributed); adds the Node column. */
  nodeOf?: (tenant: string) => string | undefined;
}

export function TenantTable({ columns, cohorts, rows, selected, onToggle, onToggleAll, sort, onSort, resetKey, nodeOf }: TenantTableProps) {
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r));
  const header = (
    <>
      <span role="columnheader">
        <input type="checkbox" aria-label="Select all shown tenants" checked={allSelected} onChange={onToggleAll} />
      </span>
      {HEADERS.map((h) => (
        <span key={h.key} role="columnheader" aria-sort={sort.key === h.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
          <button type="button" className="sort-button" aria-pressed={sort.key === h.key} onClick={() => onSort({ key: h.key, descending: sort.key === h.key ? !sort.descending : false })}>
            {h.label} {sort.key === h.key ? (sort.descending ? '▼' : '▲') : ''}
          </button>
        </span>
      ))}
      {nodeOf ? <span role="columnheader">Node</span> : null}
    </>
  );
  return (
    <VirtualTable
      label="Tenants"
      rowCount={rows.length}
      rowHeight={ROW_HEIGHT}
      columns={nodeOf ? COLUMNS_WITH_NODE : COLUMNS}
      header={header}
      resetKey={resetKey}
      rowClass={(i) => (selected.has(rows[i] ?? -1) ? 'selected' : '')}
      renderRow={(i) => {
        const r = rows[i] ?? 0;
        const name = columns.tenant[r] ?? '';
        const cohort = cohorts[columns.cohort[r] ?? -1];
        const status = statusOf(columns, r);
        const verifiedAt = columns.verifiedAt[r];
        return (
          <>
            <span role="cell">
              <input type="checkbox" aria-label={`Select ${name}`} checked={selected.has(r)} onChange={() => onToggle(r)} />
            </span>
            <span role="cell" className="mono" title={name}>
              {name}
            </span>
            <span role="cell" title={cohort ? `${cohort.name}${cohort.differingKinds.length > 0 ? ` (${cohort.differingKinds.join(', ')})` : ''}, cohort ${cohort.id}` : 'The schema no longer exists'}>
              {cohort ? (
                <>
                  <span className={`dot ${cohort.status === 'template' ? 'ok' : cohort.status === 'snapshot' ? '' : 'bad'}`} /> {cohort.name}
                  {/* Drifted cohorts of one snapshot differ in what drifted: the census bar's chips say it, the rows too. */}
                  {cohort.differingKinds.length > 0 ? <span className="muted"> · {cohort.differingKinds.join(', ')}</span> : null}
                </>
              ) : (
                <span className="status-warn">schema missing</span>
              )}
            </span>
            <span role="cell" className="mono">
              {columns.snapshot[r] ?? '—'}
            </span>
            <span role="cell">{columns.how[r]}</span>
            <span role="cell" className="mono">
              {shortTime(columns.createdAt[r] ?? 0)}
            </span>
            <span role="cell" className={status === 'equal' ? 'status-ok' : status === 'different' || status === 'failed' ? 'status-bad' : 'muted'}>
              {verifiedAt === null || verifiedAt === undefined ? 'never' : `${columns.verifyResult[r] ?? ''} · ${shortTime(verifiedAt)}`}
            </span>
            {nodeOf ? (
              <span role="cell" aria-label={`Node of ${name}`} className={nodeOf(name) ? 'mono' : 'muted'} title={nodeOf(name) ? 'The Citus node holding this tenant' : 'Not a distributed schema: it stays on the coordinator'}>
                {nodeOf(name) ?? 'coordinator'}
              </span>
            ) : null}
          </>
        );
      }}
    />
  );
}
