/**
 * State shared across the four views: the connections, which one is chosen,
 * the sandbox, the last dump and the current snapshot.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { SANDBOX_CONNECTION_ID, type AppInfo, type ConnectionSummary, type DumpResult, type SandboxStatus, type SnapshotFileInfo } from '../../../core/api/contract';
import { invoke, onEvent } from '../api/client';

export type ViewName = 'connections' | 'schemas' | 'snapshot' | 'provision' | 'tenants' | 'console';

export interface AppState {
  info: AppInfo | undefined;
  view: ViewName;
  setView(view: ViewName): void;
  connections: ConnectionSummary[];
  refreshConnections(): Promise<void>;
  connectionId: string;
  setConnectionId(id: string): void;
  database: string | undefined;
  setDatabase(db: string | undefined): void;
  sandbox: SandboxStatus | undefined;
  dump: DumpResult | undefined;
  setDump(dump: DumpResult | undefined): void;
  snapshot: SnapshotFileInfo | undefined;
  setSnapshot(s: SnapshotFileInfo | undefined): void;
  /** Where Provision writes (its own choice of connection and database), once the Provision view has set it. */
  provisionTarget: ProvisionTargetChoice | undefined;
  setProvisionTarget(t: ProvisionTargetChoice): void;
}

export interface ProvisionTargetChoice {
  connectionId: string;
  database: string | undefined;
}

const Context = createContext<AppState | undefined>(undefined);

export function AppStateProvider({ children }: { children: ReactNode }) {
  const [info, setInfo] = useState<AppInfo>();
  const [view, setView] = useState<ViewName>('connections');
  const [connections, setConnections] = useState<ConnectionSummary[]>([]);
  const [connectionId, setConnectionIdState] = useState<string>(SANDBOX_CONNECTION_ID);
  const [database, setDatabase] = useState<string>();
  const [sandbox, setSandbox] = useState<SandboxStatus>();
  const [dump, setDump] = useState<DumpResult>();
  const [snapshot, setSnapshot] = useState<SnapshotFileInfo>();
  const [provisionTarget, setProvisionTarget] = useState<ProvisionTargetChoice>();

  const refreshConnections = useCallback(async () => {
    const r = await invoke('connections:list', {});
    if (r.ok) setConnections(r.value);
  }, []);

  const setConnectionId = useCallback((id: string) => {
    setConnectionIdState(id);
    setDatabase(undefined);
  }, []);

  useEffect(() => {
    void invoke('app:info', {}).then((r) => r.ok && setInfo(r.value));
    void invoke('sandbox:status', {}).then((r) => r.ok && setSandbox(r.value));
    void refreshConnections();
    return onEvent((m) => {
      if (m.event === 'sandbox:status') {
        setSandbox(m.payload as SandboxStatus);
        void refreshConnections();
      }
    });
  }, [refreshConnections]);

  const value = useMemo<AppState>(
    () => ({ info, view, setView, connections, refreshConnections, connectionId, setConnectionId, database, setDatabase, sandbox, dump, setDump, snapshot, setSnapshot, provisionTarget, setProvisionTarget }),
    [info, view, connections, refreshConnections, connectionId, setConnectionId, database, sandbox, dump, snapshot, provisionTarget],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useAppState(): AppState {
  const state = useContext(Context);
  if (!state) throw new Error('useAppState outside AppStateProvider');
  return state;
}
