import type { ConnectionSummary, SnapshotFileInfo } from '../../../../core/api/contract';
import { formatBytes } from '../../components/format';
import type { ProvisionTarget } from './use-provision-target';

export interface TargetCardProps {
  snapshots: SnapshotFileInfo[];
  snapshot: SnapshotFileInfo | undefined;
  onSnapshot(snapshot: SnapshotFileInfo | undefined): void;
  connections: ConnectionSummary[];
  target: ProvisionTarget;
}

/** Which snapshot, and where it is provisioned: the connection and one of its databases. */
export function TargetCard({ snapshots, snapshot, onSnapshot, connections, target }: TargetCardProps) {
  const listed = target.databases.some((d) => d.name === target.targetDb);
  return (
    <section className="card" aria-label="Snapshot and target">
      <div className="grid3">
        <label className="field">
          <span>Snapshot</span>
          <select value={snapshot?.id ?? ''} onChange={(e) => onSnapshot(snapshots.find((s) => s.id === e.target.value))}>
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
          <select value={target.targetId} onChange={(e) => target.setTargetId(e.target.value)}>
            {connections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Database</span>
          <select value={target.targetDb ?? ''} onChange={(e) => target.setTargetDb(e.target.value || undefined)}>
            <option value="">(connection default)</option>
            {target.targetDb !== undefined && !listed ? <option value={target.targetDb}>{target.targetDb}</option> : null}
            {target.databases.map((d) => (
              <option key={d.name} value={d.name}>
                {d.name} — {d.owner}, {formatBytes(d.sizeBytes)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {!snapshot ? <p className="muted">Save a snapshot in the snapshot editor first, or pick one saved earlier.</p> : null}
    </section>
  );
}
