import { useEffect } from 'react';
import { useAppState, type ViewName } from './state/app-state';
import { ConnectionsView } from './views/connections-view';
import { SchemasView } from './views/schemas-view';
import { SnapshotView } from './views/snapshot-view';
import { ProvisionView } from './views/provision-view';
import { TenantsView } from './views/tenants-view';
import { ConsoleView } from './views/console-view';
import { SessionLostPage, useSessionLost } from './components/session-lost';
import { ThemeSelect } from './components/theme-select';

const VIEWS: { name: ViewName; label: string }[] = [
  { name: 'connections', label: 'Connections' },
  { name: 'schemas', label: 'Schemas' },
  { name: 'snapshot', label: 'Snapshot editor' },
  { name: 'provision', label: 'Provision' },
  { name: 'tenants', label: 'Tenants' },
  { name: 'console', label: 'SQL console' },
];

function SandboxBadge() {
  const { sandbox } = useAppState();
  if (!sandbox) return null;
  const dot = sandbox.state === 'running' ? 'ok' : sandbox.state === 'starting' ? 'busy' : sandbox.state === 'failed' ? 'bad' : '';
  return (
    <div>
      <span className={`dot ${dot}`} /> Sandbox {sandbox.state}
      {sandbox.port ? <span className="mono"> :{sandbox.port}</span> : null}
    </div>
  );
}

export function App() {
  const { view, setView, info, connections, connectionId, database, dump, snapshot, provisionTarget } = useAppState();
  const current = connections.find((c) => c.id === connectionId);
  // Provision follows the connection chosen elsewhere until it is given its own target.
  const writesTo = provisionTarget ?? { connectionId, database };
  const writesToConnection = connections.find((c) => c.id === writesTo.connectionId);
  const writesToDatabase = writesTo.database ?? writesToConnection?.profile.database;

  // Alt+1…6 switch views from the keyboard.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey) return;
      const index = Number(e.key) - 1;
      const target = VIEWS[index];
      if (target) {
        e.preventDefault();
        setView(target.name);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setView]);
  const sessionLost = useSessionLost();

  if (sessionLost) return <SessionLostPage />;

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Views">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" /> Tenantry
        </div>
        {VIEWS.map((v, i) => (
          <button key={v.name} type="button" className="nav-item" aria-current={view === v.name ? 'page' : undefined} onClick={() => setView(v.name)} title={`Alt+${i + 1}`}>
            <span className="nav-num" aria-hidden="true">{i + 1}</span>
            {v.label}
          </button>
        ))}
        <div className="sidebar-footer" aria-live="polite">
          <div>
            Connection: <strong>{current?.name ?? '—'}</strong>
          </div>
          <div aria-label="Provision target" title="Where Provision creates tenants">
            Provision writes to: <strong>{writesToConnection?.name ?? '—'}</strong>
            {writesToConnection && writesToDatabase ? <span className="mono"> · {writesToDatabase}</span> : null}
          </div>
          <SandboxBadge />
          {dump ? <div>Dump: <span className="mono">{dump.schema}</span></div> : null}
          {snapshot ? <div>Snapshot: <span className="mono">{snapshot.name}</span></div> : null}
          <div>{info ? `${info.mode === 'web' ? 'Web mode' : 'Desktop'} · v${info.version}` : ''}</div>
          <ThemeSelect />
        </div>
      </nav>
      <main className="main">
        {/* Views stay mounted so switching keeps each one's work (editor, choices, progress). */}
        <section className="main" hidden={view !== 'connections'} aria-label="Connections view">
          <ConnectionsView />
        </section>
        <section className="main" hidden={view !== 'schemas'} aria-label="Schemas view">
          <SchemasView />
        </section>
        <section className="main" hidden={view !== 'snapshot'} aria-label="Snapshot editor view">
          <SnapshotView />
        </section>
        <section className="main" hidden={view !== 'provision'} aria-label="Provision view">
          <ProvisionView />
        </section>
        <section className="main" hidden={view !== 'tenants'} aria-label="Tenants view">
          <TenantsView />
        </section>
        <section className="main" hidden={view !== 'console'} aria-label="SQL console view">
          <ConsoleView />
        </section>
      </main>
    </div>
  );
}
