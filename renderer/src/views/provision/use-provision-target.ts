import { useEffect, useMemo, useState } from 'react';
import type { ConnectionTarget, DatabaseSummary } from '../../../../core/api/contract';
import { invoke } from '../../api/client';

export interface ProvisionTarget {
  targetId: string;
  setTargetId(id: string): void;
  targetDb: string | undefined;
  setTargetDb(db: string | undefined): void;
  /** The databases of the target connection, as the Schemas view lists them (empty until read, or when unreachable). */
  databases: DatabaseSummary[];
  target: ConnectionTarget;
  /** Changes whenever the connection or database changes: results of the old target are cleared on it. */
  key: string;
}

/** Where Provision writes: follows the connection and database chosen elsewhere, and can be changed here. */
export function useProvisionTarget(connectionId: string, database: string | undefined, active: boolean): ProvisionTarget {
  const [targetId, setTargetId] = useState(connectionId);
  const [targetDb, setTargetDb] = useState<string | undefined>(database);
  const [databases, setDatabases] = useState<DatabaseSummary[]>([]);
  useEffect(() => {
    setTargetId(connectionId);
    setTargetDb(database);
  }, [connectionId, database]);
  useEffect(() => {
    if (!active || !targetId || targetId === 'new') return;
    let live = true;
    void invoke('schemas:databases', { connectionId: targetId }).then((r) => live && setDatabases(r.ok ? r.value : []));
    return () => {
      live = false;
    };
  }, [active, targetId]);
  const target = useMemo<ConnectionTarget>(() => ({ connectionId: targetId, ...(targetDb ? { database: targetDb } : {}) }), [targetId, targetDb]);
  return {
    targetId,
    setTargetId: (id) => {
      setTargetId(id);
      setTargetDb(undefined);
    },
    targetDb,
    setTargetDb,
    databases,
    target,
    key: `${targetId}\u0000${targetDb ?? ''}`,
  };
}
