import { useEffect, useState } from 'react';
import type { DumpResult, ReferenceInfo } from '../../../../core/api/contract';
import type { ErrorInfo } from '../../../../core/errors';
import { findReferencesInWorker } from './find-references-in-worker';

export interface References {
  refs: ReferenceInfo[];
  busy: boolean;
  elapsedMs: number | undefined;
  error: ErrorInfo | undefined;
  /** Indexes of references left as they are. */
  skipped: Set<number>;
  toggle(index: number): void;
}

/** The references of the open dump, found in the worker, and which of them the user chose to keep. */
export function useReferences(dump: DumpResult | undefined): References {
  const [refs, setRefs] = useState<ReferenceInfo[]>([]);
  const [state, setState] = useState<{ busy: boolean; elapsedMs?: number; error?: ErrorInfo }>({ busy: false });
  const [skipped, setSkipped] = useState<Set<number>>(new Set());
  useEffect(() => {
    setSkipped(new Set());
    if (!dump) {
      setRefs([]);
      setState({ busy: false });
      return;
    }
    setState({ busy: true });
    let live = true;
    void findReferencesInWorker({ sql: dump.sql, schema: dump.schema, ...(dump.catalog !== undefined ? { catalog: dump.catalog } : {}) }).then((r) => {
      if (!live) return;
      if (r.ok) {
        setRefs(r.references);
        setState({ busy: false, elapsedMs: r.elapsedMs });
        // Like the CLI, every reference is replaced unless the user skips it here, except text the engine
        // marks keep (a setting name, a pattern, a name built by concatenation): left until the user ticks it.
        setSkipped(new Set(r.references.filter((x) => x.keep === true).map((x) => x.index)));
      } else {
        setRefs([]);
        setState({ busy: false, error: r.error });
      }
    });
    return () => {
      live = false;
    };
  }, [dump]);
  return {
    refs,
    busy: state.busy,
    elapsedMs: state.elapsedMs,
    error: state.error,
    skipped,
    toggle: (i) =>
      setSkipped((s) => {
        const next = new Set(s);
        if (next.has(i)) next.delete(i);
        else next.add(i);
        return next;
      }),
  };
}
