import { useEffect, useRef, useState } from 'react';
import type { ReferenceInfo, SnapshotFileInfo } from '../../../core/api/contract';
import { exportDecisions } from '../../../core/snapshot/reference-ids';
import { invoke } from '../api/client';
import { ErrorBox } from '../components/error-box';
import { formatBytes, formatMs } from '../components/format';
import { pluralize } from '../lib/plural';
import { useAppState } from '../state/app-state';
import { ConfigTableHints } from './snapshot/config-table-hints';
import { BuildSummary } from './snapshot/build-summary';
import { CitusReport } from './snapshot/citus-report';
import { NoDumpHero } from './snapshot/no-dump-hero';
import { ReferencePanel } from './snapshot/reference-panel';
import { useReferences } from './snapshot/use-references';
import { useSnapshotBuild } from './snapshot/use-snapshot-build';
import { SqlDiff, SqlEditor, type SqlEditorHandle } from './sql-editor';

type Mode = 'dump' | 'snapshot' | 'diff';
const NO_REFS: ReferenceInfo[] = [];

/** Offers a text as a file download (web mode has no save dialog). */
function downloadText(text: string, fileName: string, type: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

/** The snapshot editor: the dump with its references, the build, save and export; or a saved snapshot opened read-only. */
export function SnapshotView() {
  const { dump, setSnapshot, setView, info } = useAppState();
  const editorRef = useRef<SqlEditorHandle>(null);
  const references = useReferences(dump);
  const build = useSnapshotBuild(dump, references, setSnapshot);
  const [mode, setMode] = useState<Mode>('dump');
  const [name, setName] = useState('');
  const [opened, setOpened] = useState<{ info: SnapshotFileInfo; text: string }>();
  const [savedList, setSavedList] = useState<SnapshotFileInfo[]>([]);
  const { refs, skipped } = references;
  const { built, saved } = build;

  useEffect(() => {
    void invoke('snapshot:list', {}).then((r) => r.ok && setSavedList(r.value));
  }, [saved]);

  useEffect(() => {
    setMode('dump');
    setOpened(undefined);
    if (dump) setName(`${dump.schema}-${new Date().toISOString().slice(0, 10)}`);
  }, [dump]);

  // A build that is gone (failed, or the placeholder changed) cannot be looked at.
  useEffect(() => {
    if (!built) setMode('dump');
  }, [built]);

  async function replaceAll() {
    if (await build.replaceAll()) setMode('snapshot');
  }

  // Web mode has no file dialog: the browser reads the file and the backend checks and stores it.
  async function uploadSnapshot(file: File | undefined) {
    if (!file) return;
    const r = await invoke('snapshot:save', { name: file.name, text: await file.text() });
    if (!r.ok) return build.setError(r.error);
    build.setSaved(r.value);
    await openSaved(r.value.id);
  }

  /** The keep/replace choices for every reference that needs review, as a decisions file (the CLI reads it too). */
  function downloadDecisions() {
    if (!dump) return;
    const reviewed = refs.filter((r) => r.needsReview);
    const file = exportDecisions(dump.schema, reviewed.filter((r) => !skipped.has(r.index)), reviewed.filter((r) => skipped.has(r.index)));
    downloadText(JSON.stringify(file, null, 2) + '\n', `${name || 'snapshot'}-decisions.json`, 'application/json');
  }

  async function openSaved(id: string) {
    const r = await invoke('snapshot:read', { id });
    if (!r.ok) return build.setError(r.error);
    setOpened(r.value);
    setSnapshot(r.value.info);
  }

  if (!dump && !opened) {
    return (
      <NoDumpHero
        savedList={savedList}
        canPickFiles={info?.canPickFiles === true}
        error={build.error}
        onGoToSchemas={() => setView('schemas')}
        onOpenSaved={(id) => void openSaved(id)}
        onPickFile={() => void invoke('snapshot:open-file', {}).then((r) => r.ok && r.value && (setOpened(r.value), setSnapshot(r.value.info)))}
        onUpload={(file) => void uploadSnapshot(file)}
      />
    );
  }

  // Without a build (it failed, or the placeholder changed) only the dump can be shown, in this very render.
  const shown: Mode = built ? mode : 'dump';
  const editorText = opened ? opened.text : shown === 'snapshot' && built ? built.text : (dump?.sql ?? '');
  const showRefs = !opened && shown === 'dump';
  return (
    <>
      <header className="view-header">
        <h1>Snapshot editor</h1>
        <span className="sub mono">{opened ? opened.info.name : `${dump?.database} · ${dump?.schema} · ${formatBytes(dump?.bytes ?? 0)}`}</span>
        <span className="grow" />
        {!opened ? (
          <span role="status" aria-live="polite" className="pill">
            {references.busy ? (
              <>
                <span className="dot busy" /> Finding references…
              </>
            ) : (
              <>
                {pluralize(refs.length, 'reference')} found{references.elapsedMs !== undefined ? ` in ${formatMs(references.elapsedMs)}` : ''}
                {skipped.size > 0 ? `, ${skipped.size} skipped` : ''}
              </>
            )}
          </span>
        ) : null}
      </header>
      <div className="view-body fill">
        <div className="editor-layout">
          <div className="editor-toolbar">
            {!opened ? (
              <>
                <div className="tabs flush borderless" role="tablist">
                  <button type="button" role="tab" className="tab" aria-selected={shown === 'dump'} onClick={() => setMode('dump')}>
                    Dump
                  </button>
                  <button type="button" role="tab" className="tab" aria-selected={shown === 'snapshot'} disabled={!built} title={built ? undefined : 'Replace all references first'} onClick={() => setMode('snapshot')}>
                    Snapshot
                  </button>
                  <button type="button" role="tab" className="tab" aria-selected={shown === 'diff'} disabled={!built} title={built ? undefined : 'Replace all references first'} onClick={() => setMode('diff')}>
                    Diff
                  </button>
                </div>
                <label className="row tight">
                  <span className="muted">Placeholder</span>
                  <input type="text" aria-label="Placeholder" className="mono placeholder-input" value={build.placeholder} onChange={(e) => build.setPlaceholder(e.target.value)} />
                </label>
                <label className="row tight">
                  <input type="checkbox" role="switch" aria-checked={build.minify} checked={build.minify} onChange={(e) => build.setMinify(e.target.checked)} /> Minify
                </label>
                <button type="button" className="btn primary" disabled={build.building || references.busy || !build.placeholder} onClick={() => void replaceAll()}>
                  Replace all references
                </button>
                {build.building ? <span className="dot busy" aria-label="building" /> : null}
                <span className="grow" />
                <input type="text" aria-label="Snapshot name" title="Snapshot name" placeholder="Snapshot name" className="snapshot-name" value={name} onChange={(e) => setName(e.target.value)} />
                <button type="button" className="btn primary" disabled={!built} onClick={() => void build.save(name, false)}>
                  Save snapshot
                </button>
                {info?.canPickFiles ? (
                  <button type="button" className="btn" disabled={!built} onClick={() => void build.save(name, true)}>
                    Export…
                  </button>
                ) : (
                  <button type="button" className="btn" disabled={!built} onClick={() => built && downloadText(built.text, `${name || 'snapshot'}.sql`, 'application/sql')}>
                    Download
                  </button>
                )}
              </>
            ) : (
              <>
                <span>
                  Snapshot of <span className="mono">{opened.info.schema}</span> with placeholder <span className="mono">{opened.info.placeholder}</span>
                </span>
                <span className="grow" />
                <button type="button" className="btn primary" onClick={() => setView('provision')}>
                  Provision from it →
                </button>
              </>
            )}
          </div>
          <div className="editor-host">
            {shown === 'diff' && built && dump ? <SqlDiff original={dump.sql} modified={built.text} /> : <SqlEditor ref={editorRef} label={opened ? 'Snapshot' : shown === 'dump' ? 'Dump' : 'Snapshot'} value={editorText} references={showRefs ? refs : NO_REFS} skipped={skipped} />}
          </div>
          <aside className="side-panel" aria-label="References">
            <div className="side-panel-inner">
              {build.error ? <ErrorBox error={build.error} title="Could not build the snapshot" /> : null}
              {references.error ? <ErrorBox error={references.error} title="The dump could not be read" /> : null}
              {saved ? (
                <div className="ok-box sticky-note" role="status" aria-label="Snapshot saved">
                  Saved <strong>{saved.name}</strong> ({formatBytes(saved.bytes)}).{' '}
                  <button type="button" className="btn small primary" onClick={() => setView('provision')}>
                    Provision tenants →
                  </button>
                </div>
              ) : null}
              {built && build.builtPlaceholder !== undefined ? <BuildSummary built={built} replaced={refs.length - skipped.size} total={refs.length} placeholder={build.builtPlaceholder} minify={build.minify} /> : null}
              {built?.citus ? <CitusReport report={built.citus} /> : null}
              {dump && !opened && dump.shared.length > 0 ? (
                <details className="card compact-card" aria-label="Shared with the rest of the database">
                  <summary>
                    <strong className="text-color">Tenants will share</strong> ({dump.shared.length})
                  </summary>
                  <ul className="wrap-anywhere small-text compact-list">
                    {dump.shared.map((line, i) => (
                      <li key={i}>{line}</li>
                    ))}
                  </ul>
                </details>
              ) : null}
              {dump && !opened ? <ConfigTableHints tables={dump.configTables ?? []} /> : null}
              {!opened && refs.some((r) => r.needsReview) ? (
                // Here rather than in the toolbar: it is about the references that need review, and the toolbar keeps to one line at 1440 px.
                <button type="button" className="btn small" disabled={references.busy} title="Save the keep/replace choices for the references that need review, to apply them to a later dump" onClick={downloadDecisions}>
                  Export decisions
                </button>
              ) : null}
              {!opened ? (
                <ReferencePanel
                  refs={refs}
                  skipped={skipped}
                  onToggle={references.toggle}
                  onReveal={(r) => {
                    setMode('dump');
                    setTimeout(() => editorRef.current?.reveal(r), 0);
                  }}
                />
              ) : null}
            </div>
          </aside>
        </div>
      </div>
    </>
  );
}
