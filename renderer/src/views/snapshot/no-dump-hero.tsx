import type { ErrorInfo } from '../../../../core/errors';
import type { SnapshotFileInfo } from '../../../../core/api/contract';
import { ErrorBox } from '../../components/error-box';

export interface NoDumpHeroProps {
  savedList: SnapshotFileInfo[];
  canPickFiles: boolean;
  error: ErrorInfo | undefined;
  onGoToSchemas(): void;
  onOpenSaved(id: string): void;
  onPickFile(): void;
  onUpload(file: File | undefined): void;
}

/** The editor with nothing open: go dump a schema, or open a saved snapshot or a file. */
export function NoDumpHero(props: NoDumpHeroProps) {
  return (
    <>
      <header className="view-header">
        <h1>Snapshot editor</h1>
      </header>
      <div className="view-body">
        <div className="hero">
          <h2>No dump open</h2>
          <p>Dump a template schema in the Schemas view, or open a snapshot saved earlier.</p>
          <div className="row centered">
            <button type="button" className="btn primary" onClick={props.onGoToSchemas}>
              Go to Schemas
            </button>
            <select aria-label="Open a saved snapshot" className="saved-select" value="" onChange={(e) => e.target.value && props.onOpenSaved(e.target.value)}>
              <option value="">Open a saved snapshot…</option>
              {props.savedList.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            {props.canPickFiles ? (
              <button type="button" className="btn" onClick={props.onPickFile}>
                Open file…
              </button>
            ) : (
              <label className="btn">
                Open file…
                <input type="file" accept=".sql,text/plain" className="sr-only" onChange={(e) => props.onUpload(e.target.files?.[0])} />
              </label>
            )}
          </div>
          {props.error ? <ErrorBox error={props.error} /> : null}
        </div>
      </div>
    </>
  );
}
