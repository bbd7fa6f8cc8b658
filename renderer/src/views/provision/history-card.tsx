import { useState } from 'react';
import type { HistoryEntry, HistoryStatus } from '../../../../core/api/contract';
import { formatMs } from '../../components/format';
import { pluralize } from '../../lib/plural';
import { STATUS_CLASS } from './status-class';

const PAGE = 100;

const HISTORY_STATUS_CLASS: Record<HistoryStatus, string> = { ...STATUS_CLASS, migrated: 'status-ok', skipped: 'muted' };

/** Who did it: the app or the CLI (entries of earlier versions were all the app's). */
function describeSource(entry: HistoryEntry): string {
  return entry.source === 'cli' ? 'CLI' : 'App';
}

/** Whether an entry matches the filter text (tenant, connection, database, snapshot, status, App or CLI; case-insensitive). */
function matchesFilter(entry: HistoryEntry, filter: string): boolean {
  if (filter === '') return true;
  const needle = filter.toLowerCase();
  return [entry.tenant, entry.connectionName, entry.database, entry.snapshotName, entry.status, describeSource(entry)].some((field) => field.toLowerCase().includes(needle));
}

/** Every tenant provisioned or migrated from this machine (app and CLI), newest first: a filter and "Show more" reach every entry. */
export function HistoryCard({ history }: { history: HistoryEntry[] }) {
  const [filter, setFilter] = useState('');
  const [shown, setShown] = useState(PAGE);
  const matching = history.filter((h) => matchesFilter(h, filter.trim()));
  return (
    <section className="card" aria-label="History">
      <div className="row">
        <h2 className="flush">History on this machine</h2>
        <span className="grow" />
        {history.length > 0 ? (
          <input
            type="search"
            aria-label="Filter history"
            placeholder="Filter: tenant, connection, snapshot, status, CLI"
            className="history-filter"
            value={filter}
            onChange={(e) => {
              setFilter(e.target.value);
              setShown(PAGE);
            }}
          />
        ) : null}
      </div>
      {history.length === 0 ? (
        <p className="muted">No tenants provisioned or migrated yet, here or with the CLI.</p>
      ) : (
        <>
          <p className="muted small-text" role="status" aria-label="History count">
            {matching.length === history.length ? pluralize(history.length, 'entry', 'entries') : `${matching.length} of ${pluralize(history.length, 'entry', 'entries')} match`}
            {matching.length > shown ? `, showing the newest ${shown}` : ''}
          </p>
          <div className="table-scroll">
            <table className="data">
              <thead>
                <tr>
                  <th>When</th>
                  <th>Tenant</th>
                  <th>Where</th>
                  <th>Snapshot or rollout</th>
                  <th>Status</th>
                  <th>By</th>
                  <th className="num">Time</th>
                </tr>
              </thead>
              <tbody>
                {matching.slice(0, shown).map((h, i) => (
                  <tr key={i}>
                    <td className="nowrap">{h.at.slice(0, 19).replace('T', ' ')}</td>
                    <td className="mono">{h.tenant}</td>
                    <td>
                      {h.connectionName} / {h.database}
                    </td>
                    <td>{h.snapshotName}</td>
                    <td className={HISTORY_STATUS_CLASS[h.status]}>
                      {h.status}
                      {h.verified === true ? ' · verified' : h.verified === false ? ' · differs' : ''}
                    </td>
                    <td>{describeSource(h)}</td>
                    <td className="num">{formatMs(h.elapsedMs)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {matching.length > shown ? (
            <button type="button" className="btn small top-gap" onClick={() => setShown((n) => n + PAGE * 5)}>
              Show {Math.min(PAGE * 5, matching.length - shown)} more
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}
