/**
 * Monaco editors: one for SQL with reference decorations (inline colour,
 * gutter mark and overview-ruler mark by kind), and a diff editor.
 */
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import type { ReferenceInfo } from '../../../core/api/contract';
import { monaco, type MonacoApi } from '../monaco/monaco';
import { GROUP_RULER, groupOf } from '../lib/reference-kinds';

export interface SqlEditorHandle {
  reveal(ref: ReferenceInfo): void;
}

const COMMON: MonacoApi.editor.IStandaloneEditorConstructionOptions = {
  language: 'pgsql',
  automaticLayout: true,
  readOnly: true,
  minimap: { enabled: true, renderCharacters: false },
  fontSize: 13,
  scrollBeyondLastLine: false,
  wordWrap: 'off',
  glyphMargin: false,
  lineDecorationsWidth: 12,
  renderValidationDecorations: 'off',
  largeFileOptimizations: true,
};

const DECORATION_SLICE = 4000;

/** One reference as a decoration: inline colour, gutter mark and overview-ruler mark by kind. */
function toDecoration(r: ReferenceInfo, isSkipped: boolean): MonacoApi.editor.IModelDeltaDecoration {
  const group = groupOf(r);
  // References never span lines (a name, a quoted name or a literal's name part).
  return {
    range: new monaco.Range(r.line, r.column, r.line, r.column + (r.end - r.start)),
    options: {
      inlineClassName: isSkipped ? 'ref-hl-skipped' : `ref-hl-${group}`,
      linesDecorationsClassName: isSkipped ? undefined : `ref-gutter-${group}`,
      overviewRuler: isSkipped ? null : { color: GROUP_RULER[group], position: monaco.editor.OverviewRulerLane.Right },
      minimap: isSkipped ? null : { color: GROUP_RULER[group], position: monaco.editor.MinimapPosition.Inline },
      hoverMessage: { value: `**${r.kind}**${r.needsReview ? ' — needs a decision' : ''}${isSkipped ? ' — skipped' : ''}` },
      stickiness: monaco.editor.TrackedRangeStickiness.NeverGrowsWhenTypingAtEdges,
    },
  };
}

export const SqlEditor = forwardRef<SqlEditorHandle, { value: string; references: ReferenceInfo[]; skipped: ReadonlySet<number>; label: string }>(function SqlEditor({ value, references, skipped, label }, ref) {
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<MonacoApi.editor.IStandaloneCodeEditor>(null);
  const decorations = useRef<MonacoApi.editor.IEditorDecorationsCollection>(null);

  // One editor for the component's life. A new label only renames it: recreating
  // the editor for a new label left it empty when the label changed after the text
  // (a failed rebuild switches back to the dump one render after the text changes).
  useEffect(() => {
    if (!host.current) return;
    const instance = monaco.editor.create(host.current, { ...COMMON, value: '', ariaLabel: label });
    editor.current = instance;
    decorations.current = instance.createDecorationsCollection();
    return () => {
      instance.getModel()?.dispose();
      instance.dispose();
      editor.current = null;
    };
  }, []);

  useEffect(() => {
    editor.current?.updateOptions({ ariaLabel: label });
  }, [label]);

  useEffect(() => {
    const instance = editor.current;
    if (!instance) return;
    const old = instance.getModel();
    instance.setModel(monaco.editor.createModel(value, 'pgsql'));
    old?.dispose();
  }, [value]);

  useEffect(() => {
    const instance = editor.current;
    const model = instance?.getModel();
    const collection = decorations.current;
    if (!instance || !model || !collection) return;
    if (model.getValueLength() !== value.length) return;
    collection.clear();
    // Added in slices, one per frame: a 10 MB dump has 100 000+ references and
    // one big set() would block the UI for seconds.
    let next = 0;
    let frame = 0;
    const addSlice = () => {
      const slice = references.slice(next, next + DECORATION_SLICE).map((r) => toDecoration(r, skipped.has(r.index)));
      next += DECORATION_SLICE;
      collection.append(slice);
      if (next < references.length) frame = requestAnimationFrame(addSlice);
    };
    if (references.length > 0) addSlice();
    return () => cancelAnimationFrame(frame);
  }, [references, skipped, value]);

  useImperativeHandle(ref, () => ({
    reveal(r: ReferenceInfo) {
      const instance = editor.current;
      const model = instance?.getModel();
      if (!instance || !model) return;
      const start = model.getPositionAt(r.start);
      const end = model.getPositionAt(r.end);
      const range = new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column);
      instance.revealRangeInCenter(range);
      instance.setSelection(range);
      instance.focus();
    },
  }));

  return <div ref={host} data-testid="sql-editor" />;
});

/** Dump (left) against snapshot (right). */
export function SqlDiff({ original, modified }: { original: string; modified: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const diff = monaco.editor.createDiffEditor(host.current, { automaticLayout: true, readOnly: true, originalEditable: false, renderSideBySide: true, fontSize: 13, minimap: { enabled: false } });
    const a = monaco.editor.createModel(original, 'pgsql');
    const b = monaco.editor.createModel(modified, 'pgsql');
    diff.setModel({ original: a, modified: b });
    return () => {
      diff.dispose();
      a.dispose();
      b.dispose();
    };
  }, [original, modified]);
  return <div ref={host} data-testid="sql-diff" />;
}
