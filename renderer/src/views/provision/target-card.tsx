import type { ConnectionSummary, SnapshotFileInfo } from '../../../../core/api/contract';
import { TargetPicker } from '../../components/target-picker';
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
        <TargetPicker
          connectionLabel="Target connection"
          connections={connections}
          connectionId={target.targetId}
          onConnection={target.setTargetId}
          databases={target.databases}
          database={target.targetDb}
          onDatabase={target.setTargetDb}
          details
          keepUnlisted
        />
      </div>
      {!snapshot ? <p className="muted">Save a snapshot in the snapshot editor first, or pick one saved earlier.</p> : null}
    </section>
  );
}
