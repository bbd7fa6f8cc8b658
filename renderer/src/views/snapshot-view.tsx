import { useEffect, useMemo, useRef, useState } from 'react';
import type { ReferenceInfo, SnapshotBuildResult, SnapshotFileInfo } from '../../../core/api/contract';
import type { ErrorInfo } from '../../../core/errors';
import { invoke } from '../api/client';
import { ErrorBox } from '../components/error-box';
import { formatBytes, formatMs } from '../components/format';
import { useAppState } from '../state/app-state';
import ReferencesWorker from '../workers/references.worker?worker';
import type { ReferencesRequest, ReferencesResponse } from '../workers/references-protocol';
import { GROUP_LABEL, groupOf, type RefGroup } from '../lib/reference-kinds';
import { SqlDiff, SqlEditor, type SqlEditorHandle } from './sql-editor';
import { SNAPSHOT_DEFAULTS } from '../../../core/dump/snapshot-defaults';
import { exportDecisions } from '../../../core/snapshot/reference-ids';

type Mode = 'dump' | 'snapshot' | 'diff';
const NO_REFS: ReferenceInfo[] = [];
const GROUPS: RefGroup[] = ['review', 'identifier', 'name-literal', 'function-body'];

let worker: Worker | undefined;
let nextRequest = 1;
/** Runs the reference finder in the worker; resolves with its answer. */
function findReferencesInWorker(req: Omit<ReferencesRequest, 'id'>): Promise<ReferencesResponse> {
  worker ??= new ReferencesWorker();
  const id = nextRequest++;
  const w = worker;
  return new Promise((resolve) => {
    const onMessage = (e: MessageEvent<ReferencesResponse>) => {
      if (e.data.id !== id) return;
      w.removeEventListener('message', onMessage);
      resolve(e.data);
    };
    w.addEventListener('message', onMessage);
    w.postMessage({ ...req, id });
  });
}

function ReferencePanel(props: { refs: ReferenceInfo[]; skipped: ReadonlySet<number>; onToggle(i: number): void; onReveal(r: ReferenceInfo): void }) {
  const groups = useMemo(() => {
    const map = new Map<RefGroup, ReferenceInfo[]>();
    for (const r of props.refs) {
      const g = groupOf(r);
      const list = map.get(g);
      if (list) list.push(r);
      else map.set(g, [r]);
    }
    return map;
  }, [props.refs]);
  return (
    <>
      {GROUPS.filter((g) => groups.has(g)).map((g) => {
        const list = groups.get(g) ?? [];
        return (
          <div className="ref-group" key={g} aria-label={`${GROUP_LABEL[g]} references`}>
            <h3>
              <span className={`swatch ${g}`} /> {GROUP_LABEL[g]} <span className="pill">{list.length}</span>
            </h3>
            {list.slice(0, 400).map((r) => (
              <div key={r.index} className={`ref-item ${props.skipped.has(r.index) ? 'skipped' : ''}`}>
                <button type="button" className="link mono" title={r.context} onClick={() => props.onReveal(r)}>
                  {r.line}:{r.column} {r.context.trim().slice(0, 60)}
                </button>
                <label className="row" style={{ gap: 4 }} title="Replace this reference">
                  <input type="checkbox" aria-label={`Replace reference at line ${r.line} column ${r.column}`} checked={!props.skipped.has(r.index)} onChange={() => props.onToggle(r.index)} />
                </label>
              </div>
            ))}
            {list.length > 400 ? <div className="muted">… {list.length - 400} more</div> : null}
          </div>
        );
      })}
    </>
  );
}

export function SnapshotView() {
  const { dump, setSnapshot, setView, info } = useAppState();
  const editorRef = useRef<SqlEditorHandle>(null);
  const [refs, setRefs] = useState<ReferenceInfo[]>([]);
  const [refState, setRefState] = useState<{ busy: boolean; elapsedMs?: number; error?: ErrorInfo }>({ busy: false });
  const [skipped, setSkipped] = useState<Set<number>>(new Set());
  const [placeholder, setPlaceholder] = useState(SNAPSHOT_DEFAULTS.placeholder);
  const [minify, setMinify] = useState(SNAPSHOT_DEFAULTS.minify);
  const [built, setBuilt] = useState<SnapshotBuildResult>();
  const [buildError, setBuildError] = useState<ErrorInfo>();
  const [building, setBuilding] = useState(false);
  const [mode, setMode] = useState<Mode>('dump');
  const [name, setName] = useState('');
  const [saved, setSaved] = useState<SnapshotFileInfo>();
  const [opened, setOpened] = useState<{ info: SnapshotFileInfo; text: string }>();
  const [savedList, setSavedList] = useState<SnapshotFileInfo[]>([]);

  useEffect(() => {
    void invoke('snapshot:list', {}).then((r) => r.ok && setSavedList(r.value));
  }, [saved]);

  useEffect(() => {
    setBuilt(undefined);
    setSaved(undefined);
    setSkipped(new Set());
    setMode('dump');
    setOpened(undefined);
    if (!dump) return setRefs([]);
    setName(`${dump.schema}-${new Date().toISOString().slice(0, 10)}`);
    setRefState({ busy: true });
    void findReferencesInWorker({ sql: dump.sql, schema: dump.schema, ...(dump.catalog !== undefined ? { catalog: dump.catalog } : {}) }).then((r) => {
      if (r.ok) {
        setRefs(r.references);
        setRefState({ busy: false, elapsedMs: r.elapsedMs });
        // Like the CLI, every reference is replaced unless the user skips it here, except text the engine
        // marks keep (a setting name, a pattern, a name built by concatenation): left until the user ticks it.
        setSkipped(new Set(r.references.filter((x) => x.keep === true).map((x) => x.index)));
      } else {
        setRefs([]);
        setRefState({ busy: false, error: r.error });
      }
    });
  }, [dump]);

  async function replaceAll() {
    if (!dump) return;
    setBuilding(true);
    setBuildError(undefined);
    const r = await invoke('snapshot:build', {
      sql: dump.sql,
      schema: dump.schema,
      placeholder,
      minify,
      skip: [...skipped].sort((a, b) => a - b),
      replace: refs.filter((x) => x.keep === true && !skipped.has(x.index)).map((x) => x.index),
      ...(dump.catalog !== undefined ? { catalog: dump.catalog } : {}),
      source: { pgDumpVersion: dump.pgDump.version, serverVersion: dump.serverVersion },
      stripOwner: dump.noOwner,
    });
    setBuilding(false);
    if (!r.ok) return setBuildError(r.error);
    setBuilt(r.value);
    setSaved(undefined);
    setMode('snapshot');
  }

  // Toggling minify on a built snapshot builds it again, so the view matches the toggle.
  const builtRef = useRef(built);
  builtRef.current = built;
  useEffect(() => {
    if (builtRef.current) void replaceAll();
  }, [minify]);

  async function save(toPickedFile: boolean) {
    if (!built) return;
    const r = await invoke('snapshot:save', { name: name || 'snapshot', text: built.text, ...(toPickedFile ? { toPickedFile } : {}) });
    if (!r.ok) return setBuildError(r.error);
    setSaved(r.value);
    setSnapshot(r.value);
  }

  // Web mode has no file dialog: the browser reads the file and the backend checks and stores it.
  async function uploadSnapshot(file: File | undefined) {
    if (!file) return;
    const r = await invoke('snapshot:save', { name: file.name, text: await file.text() });
    if (!r.ok) return setBuildError(r.error);
    setSaved(r.value);
    await openSaved(r.value.id);
  }

  function download() {
    if (!built) return;
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([built.text], { type: 'application/sql' }));
    link.download = `${name || 'snapshot'}.sql`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }

  /** The keep/replace choices for every reference that needs review, as a decisions file for tenantry template/snapshot --decisions. */
  function downloadDecisions() {
    if (!dump) return;
    const reviewed = refs.filter((r) => r.needsReview);
    const file = exportDecisions(dump.schema, reviewed.filter((r) => !skipped.has(r.index)), reviewed.filter((r) => skipped.has(r.index)));
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([JSON.stringify(file, null, 2) + '\n'], { type: 'application/json' }));
    link.download = `${name || 'snapshot'}-decisions.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  }

  async function openSaved(id: string) {
    const r = await invoke('snapshot:read', { id });
    if (!r.ok) return setBuildError(r.error);
    setOpened(r.value);
    setSnapshot(r.value.info);
  }

  const editorText = opened ? opened.text : mode === 'snapshot' && built ? built.text : (dump?.sql ?? '');
  const showRefs = !opened && mode === 'dump';
  const replaced = refs.length - skipped.size;

  if (!dump && !opened) {
    return (
      <>
        <header className="view-header">
          <h1>Snapshot editor</h1>
        </header>
        <div className="view-body">
          <div className="hero">
            <h2>No dump open</h2>
            <p>Dump a template schema in the Schemas view, or open a snapshot saved earlier.</p>
            <div className="row" style={{ justifyContent: 'center' }}>
              <button type="button" className="btn primary" onClick={() => setView('schemas')}>
                Go to Schemas
              </button>
              <select aria-label="Open a saved snapshot" value="" onChange={(e) => e.target.value && void openSaved(e.target.value)} style={{ width: 260 }}>
                <option value="">Open a saved snapshot…</option>
                {savedList.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
              {info?.canPickFiles ? (
                <button type="button" className="btn" onClick={() => void invoke('snapshot:open-file', {}).then((r) => r.ok && r.value && (setOpened(r.value), setSnapshot(r.value.info)))}>
                  Open file…
                </button>
              ) : (
                <label className="btn">
                  Open file…
                  <input type="file" accept=".sql,text/plain" className="sr-only" onChange={(e) => void uploadSnapshot(e.target.files?.[0])} />
                </label>
              )}
            </div>
            {buildError ? <ErrorBox error={buildError} /> : null}
          </div>
        </div>
      </>
    );
  }

  return (
    <>
      <header className="view-header">
        <h1>Snapshot editor</h1>
        <span className="sub mono">{opened ? opened.info.name : `${dump?.database} · ${dump?.schema} · ${formatBytes(dump?.bytes ?? 0)}`}</span>
        <span className="grow" />
        {!opened ? (
          <span role="status" aria-live="polite" className="pill">
            {refState.busy ? (
              <>
                <span className="dot busy" /> Finding references…
              </>
            ) : (
              <>
                {refs.length} references found{refState.elapsedMs !== undefined ? ` in ${formatMs(refState.elapsedMs)}` : ''}
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
                <div className="tabs" role="tablist" style={{ margin: 0, border: 0 }}>
                  <button type="button" role="tab" className="tab" aria-selected={mode === 'dump'} onClick={() => setMode('dump')}>
                    Dump
                  </button>
                  <button type="button" role="tab" className="tab" aria-selected={mode === 'snapshot'} disabled={!built} onClick={() => setMode('snapshot')}>
                    Snapshot
                  </button>
                  <button type="button" role="tab" className="tab" aria-selected={mode === 'diff'} disabled={!built} onClick={() => setMode('diff')}>
                    Diff
                  </button>
                </div>
                <label className="row" style={{ gap: 6 }}>
                  <span className="muted">Placeholder</span>
                  <input type="text" aria-label="Placeholder" className="mono" style={{ width: 110 }} value={placeholder} onChange={(e) => setPlaceholder(e.target.value)} />
                </label>
                <label className="row" style={{ gap: 6 }}>
                  <input type="checkbox" role="switch" aria-checked={minify} checked={minify} onChange={(e) => setMinify(e.target.checked)} /> Minify
                </label>
                <button type="button" className="btn primary" disabled={building || refState.busy || !placeholder} onClick={() => void replaceAll()}>
                  Replace all references
                </button>
                <button type="button" className="btn" disabled={refState.busy || !refs.some((r) => r.needsReview)} title="Save the keep/replace choices for references that need review, for tenantry template/snapshot --decisions" onClick={downloadDecisions}>
                  Export decisions
                </button>
                {building ? <span className="dot busy" aria-label="building" /> : null}
                <span className="grow" />
                <input type="text" aria-label="Snapshot name" title="Snapshot name" placeholder="Snapshot name" style={{ width: 150 }} value={name} onChange={(e) => setName(e.target.value)} />
                <button type="button" className="btn primary" disabled={!built} onClick={() => void save(false)}>
                  Save snapshot
                </button>
                {info?.canPickFiles ? (
                  <button type="button" className="btn" disabled={!built} onClick={() => void save(true)}>
                    Export…
                  </button>
                ) : (
                  <button type="button" className="btn" disabled={!built} onClick={download}>
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
            {mode === 'diff' && built && dump ? <SqlDiff original={dump.sql} modified={built.text} /> : <SqlEditor ref={editorRef} label={opened ? 'Snapshot' : mode === 'dump' ? 'Dump' : 'Snapshot'} value={editorText} references={showRefs ? refs : NO_REFS} skipped={skipped} />}
          </div>
          <aside className="side-panel" aria-label="References">
            {buildError ? <ErrorBox error={buildError} title="Could not build the snapshot" /> : null}
            {refState.error ? <ErrorBox error={refState.error} title="The dump could not be read" /> : null}
            {saved ? (
              <div className="ok-box" role="status" aria-label="Snapshot saved">
                Saved <strong>{saved.name}</strong> ({formatBytes(saved.bytes)}).{' '}
                <button type="button" className="btn small primary" onClick={() => setView('provision')}>
                  Provision tenants →
                </button>
              </div>
            ) : null}
            {built ? (
              <div className="card" style={{ padding: 10 }}>
                <strong>
                  {replaced} of {refs.length} references replaced with <span className="mono">{placeholder}</span>
                </strong>
                <div className="muted" style={{ fontSize: 12 }}>
                  Snapshot: {formatBytes(built.text.length)}
                  {minify ? ' (minified)' : ''}
                </div>
                {built.warnings.length > 0 ? (
                  <div style={{ marginTop: 8 }} aria-label="Warnings">
                    <strong style={{ fontSize: 12 }}>Warnings</strong>
                    <ul className="wrap-anywhere" style={{ fontSize: 12, paddingLeft: 18, margin: '4px 0' }}>
                      {built.warnings.map((w, i) => (
                        <li key={i}>{w}</li>
                      ))}
                    </ul>
                  </div>
                ) : null}
                {built.stripped.length > 0 ? (
                  <details style={{ marginTop: 6 }}>
                    <summary>Left out of the snapshot ({built.stripped.length})</summary>
                    <ul className="wrap-anywhere" style={{ fontSize: 12, paddingLeft: 18, margin: '4px 0' }}>
                      {built.stripped.map((x, i) => (
                        <li key={i}>
                          line {x.line}: <span className="mono">{x.text.slice(0, 80)}</span> — {x.reason}
                        </li>
                      ))}
                    </ul>
                  </details>
                ) : null}
              </div>
            ) : null}
            {dump && !opened && dump.shared.length > 0 ? (
              <details className="card" style={{ padding: 10 }} aria-label="Shared with the rest of the database">
                <summary>
                  <strong style={{ color: 'var(--text)' }}>Tenants will share</strong> ({dump.shared.length})
                </summary>
                <ul className="wrap-anywhere" style={{ fontSize: 12, paddingLeft: 18, margin: '4px 0' }}>
                  {dump.shared.map((line, i) => (
                    <li key={i}>{line}</li>
                  ))}
                </ul>
              </details>
            ) : null}
            {!opened ? (
              <ReferencePanel
                refs={refs}
                skipped={skipped}
                onToggle={(i) =>
                  setSkipped((s) => {
                    const next = new Set(s);
                    if (next.has(i)) next.delete(i);
                    else next.add(i);
                    return next;
                  })
                }
                onReveal={(r) => {
                  setMode('dump');
                  setTimeout(() => editorRef.current?.reveal(r), 0);
                }}
              />
            ) : null}
          </aside>
        </div>
      </div>
    </>
  );
}
