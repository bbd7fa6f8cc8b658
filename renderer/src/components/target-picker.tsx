/**
 * The connection and database selects every view that works on a server shows: Schemas and Tenants in their
 * header, Provision in its target card. One component, so the three agree on the labels, the connection's
 * default database and how a database missing from the list is shown.
 */
import type { ConnectionSummary, DatabaseSummary } from '../../../core/api/contract';
import { formatBytes } from './format';

export interface TargetPickerProps {
  connections: ConnectionSummary[];
  connectionId: string;
  onConnection(id: string): void;
  databases: DatabaseSummary[];
  /** undefined: the connection's default database. */
  database: string | undefined;
  onDatabase(database: string | undefined): void;
  /** The connection select's label ("Connection" unless said otherwise). */
  connectionLabel?: string;
  /** Show each database's owner and size next to its name. */
  details?: boolean;
  /** Keep a chosen database that the list does not hold as an option (it may not be listed yet). */
  keepUnlisted?: boolean;
  /** Extra classes for the two fields (their widths), where a header lays them out. */
  fieldClass?: { connection?: string; database?: string };
}

/** The connection select and the database select of a target. */
export function TargetPicker(props: TargetPickerProps) {
  const { connections, connectionId, databases, database } = props;
  const unlisted = props.keepUnlisted === true && database !== undefined && !databases.some((d) => d.name === database);
  return (
    <>
      <label className={`field ${props.fieldClass?.connection ?? ''}`}>
        <span>{props.connectionLabel ?? 'Connection'}</span>
        <select value={connectionId} onChange={(e) => props.onConnection(e.target.value)}>
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label className={`field ${props.fieldClass?.database ?? ''}`}>
        <span>Database</span>
        <select value={database ?? ''} onChange={(e) => props.onDatabase(e.target.value || undefined)}>
          <option value="">(connection default)</option>
          {unlisted ? <option value={database}>{database}</option> : null}
          {databases.map((d) => (
            <option key={d.name} value={d.name}>
              {props.details === true ? `${d.name} — ${d.owner}, ${formatBytes(d.sizeBytes)}` : d.name}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
