import { useEffect, useRef, useState } from 'react';
import type { DumpResult, SnapshotBuildResult, SnapshotFileInfo } from '../../../../core/api/contract';
import type { ErrorInfo } from '../../../../core/errors';
import { SNAPSHOT_DEFAULTS } from '../../../../core/dump/snapshot-defaults';
import { invoke } from '../../api/client';
import type { References } from './use-references';

export interface SnapshotBuild {
  placeholder: string;
  setPlaceholder(p: string): void;
  minify: boolean;
  setMinify(on: boolean): void;
  /** The last successful build, only while it matches the placeholder and choices shown (never a stale one). */
  built: SnapshotBuildResult | undefined;
  /** The placeholder the build used (what the summary names). */
  builtPlaceholder: string | undefined;
  building: boolean;
  error: ErrorInfo | undefined;
  setError(error: ErrorInfo | undefined): void;
  saved: SnapshotFileInfo | undefined;
  replaceAll(): Promise<boolean>;
  save(name: string, toPickedFile: boolean): Promise<void>;
  /** A snapshot stored from elsewhere (an uploaded file). */
  setSaved(info: SnapshotFileInfo | undefined): void;
}

/**
 * Building the snapshot from the dump and saving it. A failed build clears the
 * previous one (and its "Saved" note), so the panel shows the error alone and
 * Save cannot store a snapshot made with the old placeholder; so does a change
 * of the placeholder after a build.
 */
export function useSnapshotBuild(dump: DumpResult | undefined, references: References, onSaved: (info: SnapshotFileInfo) => void): SnapshotBuild {
  const [placeholder, setPlaceholderState] = useState(SNAPSHOT_DEFAULTS.placeholder);
  const [minify, setMinify] = useState(SNAPSHOT_DEFAULTS.minify);
  const [built, setBuilt] = useState<{ result: SnapshotBuildResult; placeholder: string }>();
  const [error, setError] = useState<ErrorInfo>();
  const [building, setBuilding] = useState(false);
  const [saved, setSaved] = useState<SnapshotFileInfo>();

  useEffect(() => {
    setBuilt(undefined);
    setSaved(undefined);
    setError(undefined);
  }, [dump]);

  async function replaceAll(): Promise<boolean> {
    if (!dump) return false;
    setBuilding(true);
    setError(undefined);
    setSaved(undefined);
    const { refs, skipped } = references;
    const r = await invoke('snapshot:build', {
      sql: dump.sql,
      schema: dump.schema,
      placeholder,
      minify,
      skip: [...skipped].sort((a, b) => a - b),
      replace: refs.filter((x) => x.keep === true && !skipped.has(x.index)).map((x) => x.index),
      dumpId: dump.dumpId,
      source: { pgDumpVersion: dump.pgDump.version, serverVersion: dump.serverVersion },
      stripOwner: dump.noOwner,
    });
    setBuilding(false);
    if (!r.ok) {
      setBuilt(undefined);
      setError(r.error);
      return false;
    }
    setBuilt({ result: r.value, placeholder });
    return true;
  }

  // Toggling minify on a built snapshot builds it again, so the view matches the toggle.
  const builtRef = useRef(built);
  builtRef.current = built;
  useEffect(() => {
    if (builtRef.current) void replaceAll();
  }, [minify]);

  async function save(name: string, toPickedFile: boolean) {
    if (!built) return;
    const r = await invoke('snapshot:save', { name: name || 'snapshot', text: built.result.text, ...(toPickedFile ? { toPickedFile } : {}) });
    if (!r.ok) return setError(r.error);
    setSaved(r.value);
    onSaved(r.value);
  }

  return {
    placeholder,
    setPlaceholder: (p) => {
      setPlaceholderState(p);
      // The built text carries the old placeholder: it must be built again before it can be saved.
      setBuilt((b) => (b && b.placeholder !== p ? undefined : b));
      setSaved(undefined);
    },
    minify,
    setMinify,
    built: built?.result,
    builtPlaceholder: built?.placeholder,
    building,
    error,
    setError,
    saved,
    replaceAll,
    save,
    setSaved,
  };
}
