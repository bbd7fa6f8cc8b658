import { useCallback, useEffect, useState } from 'react';
import type { HistoryEntry, SnapshotFileInfo } from '../../../../core/api/contract';
import { invoke } from '../../api/client';

/** The saved snapshots and the provisioning history, read when the view opens and after each batch. */
export function useProvisionLists(active: boolean): { snapshots: SnapshotFileInfo[]; history: HistoryEntry[]; refresh(): void } {
  const [snapshots, setSnapshots] = useState<SnapshotFileInfo[]>([]);
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const refresh = useCallback(() => {
    void invoke('snapshot:list', {}).then((r) => r.ok && setSnapshots(r.value));
    void invoke('provision:history', {}).then((r) => r.ok && setHistory(r.value));
  }, []);
  useEffect(() => {
    if (active) refresh();
  }, [active, refresh]);
  return { snapshots, history, refresh };
}
