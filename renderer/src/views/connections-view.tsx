import { describeCitus } from '../../../core/citus/citus-facts';
import { useEffect, useRef, useState } from 'react';
import { SANDBOX_CONNECTION_ID, type ConnectionSummary, type DiagnosticStepInfo, type DiagnosticsResult, type ServerInfo } from '../../../core/api/contract';
import { formatConnectionUri } from '../../../core/connection/connection-string';
import type { ConnectionProfile, SslMode } from '../../../core/connection/profile';
import type { ErrorInfo } from '../../../core/errors';
import { invoke, transport } from '../api/client';
import { watchJob } from '../api/jobs';
import { ErrorBox } from '../components/error-box';
import { formatMs } from '../components/format';
import { useAppState } from '../state/app-state';
import { DiagnosticsPanel } from './diagnostics-panel';
import { FileField } from './file-field';
import { HostKeyPrompt, type HostKeyToConfirm } from './host-key-prompt';
import { EMPTY_SSH, SshTab, fromSshDraft, toSshDraft, type SshDraft } from './ssh-tab';
import { SandboxTerminalPanel } from './sandbox-terminal';
import { SSL_MODE_CHOICES } from '../lib/ssl-modes';
import { defaultConnectionName } from '../lib/connection-name';
import { passwordPlaceholder } from '../lib/password-placeholder';

interface Draft {
  id?: string;
  name: string;
  host: string;
  port: string;
  database: string;
  user: string;
  password: string;
  sslmode: SslMode | '';
  sslrootcert: string;
  sslcert: string;
  sslkey: string;
  sslcrl: string;
  ssh: SshDraft;
}

const EMPTY: Draft = { name: '', host: 'localhost', port: '5432', database: '', user: '', password: '', sslmode: 'prefer', sslrootcert: '', sslcert: '', sslkey: '', sslcrl: '', ssh: EMPTY_SSH };

function toDraft(c: ConnectionSummary): Draft {
  const p = c.profile;
  return { id: c.id, name: c.name, host: p.host ?? '', port: p.port ? String(p.port) : '', database: p.database ?? '', user: p.user ?? '', password: '', sslmode: p.sslmode ?? '', sslrootcert: p.sslrootcert ?? '', sslcert: p.sslcert ?? '', sslkey: p.sslkey ?? '', sslcrl: p.sslcrl ?? '', ssh: toSshDraft(p.ssh) };
}

function fromProfile(p: ConnectionProfile, base: Draft): Draft {
  return { ...base, host: p.host ?? '', port: p.port ? String(p.port) : '', database: p.database ?? '', user: p.user ?? '', password: p.password ?? '', sslmode: p.sslmode ?? '', sslrootcert: p.sslrootcert ?? '', sslcert: p.sslcert ?? '', sslkey: p.sslkey ?? '', sslcrl: p.sslcrl ?? '', name: !base.name || base.name === defaultConnectionName(base) ? defaultConnectionName(p) : base.name };
}

/** The form as a URI for the URL field: no password, no connect_timeout (the form adds that itself). */
function describeUri(d: Draft): string {
  const profile = toProfile(d);
  delete profile.password;
  delete profile.connect_timeout;
  delete profile.ssh;
  return formatConnectionUri(profile);
}

function toProfile(d: Draft): ConnectionProfile {
  const p: ConnectionProfile = {};
  if (d.host) p.host = d.host.trim();
  const port = Number(d.port);
  if (d.port && Number.isInteger(port) && port > 0 && port < 65536) p.port = port;
  if (d.database) p.database = d.database.trim();
  if (d.user) p.user = d.user.trim();
  if (d.password) p.password = d.password;
  if (d.sslmode) p.sslmode = d.sslmode;
  if (d.sslrootcert) p.sslrootcert = d.sslrootcert.trim();
  if (d.sslcert) p.sslcert = d.sslcert.trim();
  if (d.sslkey) p.sslkey = d.sslkey.trim();
  if (d.sslcrl) p.sslcrl = d.sslcrl.trim();
  const ssh = fromSshDraft(d.ssh);
  if (ssh) p.ssh = ssh;
  p.connect_timeout = 10;
  return p;
}

function SandboxCard() {
  const { sandbox, setConnectionId, setView } = useAppState();
  const [error, setError] = useState<ErrorInfo>();
  const [busy, setBusy] = useState(false);
  const running = sandbox?.state === 'running';
  return (
    <section className="card" aria-label="Local sandbox">
      <h2>Local sandbox</h2>
      <p className="muted u-mt-0">
        A PostgreSQL server in the app's data folder with a demo database (<span className="mono">tenantry_demo</span>) whose template schema <span className="mono">tenant_template</span> is a small SaaS: accounts, users, projects, invoices, a migration ledger, functions, triggers, a view and a row-level security policy.
      </p>
      <div className="row">
        {running ? (
          <>
            <span className="pill">
              <span className="dot ok" /> Running — PostgreSQL {sandbox.serverVersion} on 127.0.0.1:{sandbox.port}
            </span>
            <button type="button" className="btn primary" onClick={() => { setConnectionId(SANDBOX_CONNECTION_ID); setView('schemas'); }}>
              Continue to Schemas →
            </button>
            <button type="button" className="btn" disabled={busy} onClick={() => { setBusy(true); void invoke('sandbox:stop', {}).finally(() => setBusy(false)); }}>
              Stop sandbox
            </button>
          </>
        ) : (
          <button
            type="button"
            className="btn primary"
            disabled={busy || sandbox?.state === 'starting'}
            onClick={() => {
              setBusy(true);
              setError(undefined);
              void invoke('sandbox:start', {}).then((r) => {
                setBusy(false);
                if (r.ok) setConnectionId(SANDBOX_CONNECTION_ID);
                else setError(r.error);
              });
            }}
          >
            Start local sandbox
          </button>
        )}
        {busy && !running ? <span className="muted"><span className="dot busy" /> Starting PostgreSQL and loading the demo schema…</span> : null}
      </div>
      <div className="muted mono u-mt-8 u-fs-11">{sandbox?.dataDir}</div>
      {running && sandbox.terminal ? <SandboxTerminalPanel terminal={sandbox.terminal} /> : null}
      {error ? <ErrorBox error={error} title="The sandbox did not start" /> : null}
    </section>
  );
}

export function ConnectionsView() {
  const { connections, connectionId, setConnectionId, refreshConnections, info } = useAppState();
  const passwordNote = info?.passwordStorage.note;
  const selected = connections.find((c) => c.id === connectionId);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [tab, setTab] = useState<'general' | 'ssl' | 'ssh'>('general');
  // An SSH server seen for the first time: its fingerprint to confirm, and what to retry once trusted.
  const [hostKey, setHostKey] = useState<{ key: HostKeyToConfirm; retry: () => void }>();
  const [url, setUrl] = useState('');
  const [urlError, setUrlError] = useState<ErrorInfo>();
  const [testResult, setTestResult] = useState<ServerInfo>();
  const [error, setError] = useState<ErrorInfo>();
  const [busy, setBusy] = useState<string>();
  const [steps, setSteps] = useState<DiagnosticStepInfo[]>([]);
  const [diag, setDiag] = useState<{ result?: DiagnosticsResult; error?: ErrorInfo; running: boolean }>();
  const [saved, setSaved] = useState<string>();
  // The quick test failed: offer the full diagnosis next to its error.
  const [testFailed, setTestFailed] = useState(false);

  const justSaved = useRef<string>(undefined);
  useEffect(() => {
    // Selecting another connection starts from a clean form; saving keeps the results on screen.
    if (justSaved.current !== undefined && justSaved.current === selected?.id) {
      justSaved.current = undefined;
      if (selected) setDraft(toDraft(selected));
      return;
    }
    if (selected && !selected.sandbox) setDraft(toDraft(selected));
    else if (!selected || selected.sandbox) setDraft(EMPTY);
    setUrl('');
    setUrlError(undefined);
    setTestResult(undefined);
    setError(undefined);
    setDiag(undefined);
    setSaved(undefined);
    setTestFailed(false);
    setHostKey(undefined);
  }, [selected?.id]);

  const editing = !selected?.sandbox;
  // The URL field shows the form as a URI once used: it follows edits of the form, and never shows the password.
  const set = (patch: Partial<Draft>) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    if (url) setUrl(describeUri(next));
  };
  const pasted = useRef(false);

  /** Escape: the form goes back to the saved connection (or an empty one). */
  function cancelEdit() {
    setDraft(selected && !selected.sandbox ? toDraft(selected) : EMPTY);
    setUrl('');
    setUrlError(undefined);
  }
  const target = () => (editing ? { profile: toProfile(draft) } : { connectionId: SANDBOX_CONNECTION_ID });

  async function applyUrl(text: string) {
    setUrl(text);
    if (!text.trim()) return setUrlError(undefined);
    const wasPasted = pasted.current;
    pasted.current = false;
    const r = await invoke('connections:parse-uri', { uri: text });
    if (r.ok) {
      setUrlError(undefined);
      setDraft((d) => fromProfile(r.value, d));
      // A pasted password moves to the (masked) password field and leaves the URL field.
      if (wasPasted && r.value.password !== undefined) setUrl(formatConnectionUri({ ...r.value, password: undefined }));
    } else setUrlError(r.error);
  }

  /** Typed rather than pasted: the password leaves the URL field when the field is left. */
  function hidePasswordInUrl() {
    if (url && !urlError) setUrl(describeUri(draft));
  }

  /** Enter in a text field saves; Escape cancels the edit. */
  function onFormKeyDown(e: React.KeyboardEvent) {
    const target = e.target as HTMLElement;
    if (e.key === 'Escape') {
      e.preventDefault();
      cancelEdit();
    } else if (e.key === 'Enter' && target instanceof HTMLInputElement && busy === undefined) {
      e.preventDefault();
      void save();
    }
  }

  /** The target for test and diagnose: the form as it is; for a saved connection, its stored password and passphrase unless new ones are typed. */
  const testTarget = () => (editing && draft.id ? { connectionId: draft.id, profile: toProfile(draft) } : target());

  /** The SSH server this form tunnels through, with a fingerprint it showed for the first time. */
  function hostKeyFrom(fingerprint: string | undefined): HostKeyToConfirm | undefined {
    const ssh = fromSshDraft(draft.ssh);
    return ssh && fingerprint ? { host: ssh.host, port: ssh.port ?? 22, fingerprint } : undefined;
  }

  async function test() {
    setBusy('test');
    setError(undefined);
    setTestFailed(false);
    setTestResult(undefined);
    setHostKey(undefined);
    const r = await invoke('connections:test', testTarget());
    setBusy(undefined);
    if (r.ok) setTestResult(r.value);
    else {
      const key = r.error.code === 'SSH_HOST_KEY_UNKNOWN' ? hostKeyFrom(r.error.detail) : undefined;
      // First use of the bastion: the prompt says it all; the error would repeat it.
      if (key) return setHostKey({ key, retry: () => void test() });
      setError(r.error);
      setTestFailed(true);
    }
  }

  async function diagnose() {
    setSteps([]);
    setDiag({ running: true });
    setHostKey(undefined);
    const r = await invoke('connections:diagnose', testTarget());
    if (!r.ok) return setDiag({ running: false, error: r.error });
    const done = await watchJob(r.value.jobId, 'diagnostics', {
      onStep: (s) => setSteps((list) => [...list.filter((x) => x.id !== s.id), s]),
    });
    setDiag(done.ok ? { running: false, result: done.value } : { running: false, error: done.error });
    const key = done.ok ? done.value.verdict.sshHostKey : undefined;
    if (key) setHostKey({ key, retry: () => void diagnose() });
  }

  async function save() {
    setBusy('save');
    setError(undefined);
    setTestFailed(false);
    const r = await invoke('connections:save', { ...(draft.id ? { id: draft.id } : {}), name: draft.name || defaultConnectionName(draft), profile: toProfile(draft) });
    setBusy(undefined);
    if (!r.ok) return setError(r.error);
    if (draft.id !== r.value.id) justSaved.current = r.value.id;
    await refreshConnections();
    setConnectionId(r.value.id);
    // The URL field may hold a password: it is stored now, so it leaves the screen.
    setUrl('');
    setSaved(`Saved “${r.value.name}”.`);
  }

  return (
    <>
      <header className="view-header">
        <h1>Connections</h1>
        <span className="sub">Where your template schema lives and where tenants go.</span>
      </header>
      <div className="view-body">
        <div className="split">
          <div className="card">
            <h2>Saved connections</h2>
            <div className="list">
              {connections.map((c) => (
                <button key={c.id} type="button" className="list-item" aria-pressed={c.id === connectionId} title={`${c.name} — ${c.profile.user ?? ''}@${c.profile.host ?? ''}${c.profile.port ? `:${c.profile.port}` : ''}/${c.profile.database ?? ''}`} onClick={() => setConnectionId(c.id)}>
                  <strong>{c.name}</strong>
                  <span className="muted mono u-fs-11">
                    {c.profile.user ?? ''}@{c.profile.host ?? ''}
                    {c.profile.port ? `:${c.profile.port}` : ''}/{c.profile.database ?? ''}
                    {c.profile.ssh ? ` via SSH ${c.profile.ssh.user}@${c.profile.ssh.host}` : ''}
                  </span>
                </button>
              ))}
            </div>
            <button type="button" className="btn u-mt-10 u-w-100pct" onClick={() => { setConnectionId('new'); setDraft(EMPTY); setUrl(''); }}>
              + Add connection
            </button>
          </div>
          <div>
            {selected?.sandbox ? <SandboxCard /> : null}
            {editing ? (
              <section className="card" aria-label="Connection settings" onKeyDown={onFormKeyDown}>
                <h2>{draft.id ? `Edit “${draft.name}”` : 'New connection'}</h2>
                <label className="field u-mb-12">
                  <span>Connection URL</span>
                  <input type="text" className="mono" aria-label="Connection URL" placeholder="postgresql://user@host:5432/db?sslmode=verify-full — paste to fill the form" value={url} onPaste={() => (pasted.current = true)} onBlur={hidePasswordInUrl} onChange={(e) => void applyUrl(e.target.value)} />
                </label>
                {urlError ? <ErrorBox error={urlError} /> : null}
                <div className="tabs" role="tablist">
                  <button type="button" role="tab" className="tab" aria-selected={tab === 'general'} onClick={() => setTab('general')}>
                    General
                  </button>
                  <button type="button" role="tab" className="tab" aria-selected={tab === 'ssl'} onClick={() => setTab('ssl')}>
                    SSL
                  </button>
                  <button type="button" role="tab" className="tab" aria-selected={tab === 'ssh'} onClick={() => setTab('ssh')}>
                    SSH{draft.ssh.enabled ? ' · on' : ''}
                  </button>
                </div>
                {tab === 'general' ? (
                  <div className="stack" role="tabpanel" aria-label="General">
                    <label className="field"><span>Name</span><input type="text" value={draft.name} onChange={(e) => set({ name: e.target.value })} /></label>
                    <div className="grid3">
                      <label className="field"><span>Host</span><input type="text" value={draft.host} onChange={(e) => set({ host: e.target.value })} /></label>
                      <label className="field"><span>Port</span><input type="text" inputMode="numeric" value={draft.port} onChange={(e) => set({ port: e.target.value })} /></label>
                      <label className="field"><span>Database</span><input type="text" value={draft.database} onChange={(e) => set({ database: e.target.value })} /></label>
                    </div>
                    <div className="grid2">
                      <label className="field"><span>User</span><input type="text" value={draft.user} onChange={(e) => set({ user: e.target.value })} /></label>
                      <label className="field">
                        <span>Password</span>
                        <input type="password" value={draft.password} placeholder={passwordPlaceholder(selected, transport, info?.passwordStorage.kind)} onChange={(e) => set({ password: e.target.value })} />
                      </label>
                    </div>
                    {passwordNote ? (
                      <p role="note" aria-label="Password storage" className="muted u-fs-12 u-m-0">
                        {passwordNote}
                      </p>
                    ) : null}
                  </div>
                ) : tab === 'ssh' ? (
                  <SshTab value={draft.ssh} passphraseStored={selected?.hasSshPassphrase === true} onChange={(patch) => set({ ssh: { ...draft.ssh, ...patch } })} />
                ) : (
                  <div className="stack" role="tabpanel" aria-label="SSL">
                    <label className="field">
                      <span>SSL mode</span>
                      <select aria-label="SSL mode" value={draft.sslmode} onChange={(e) => set({ sslmode: e.target.value as SslMode })}>
                        {SSL_MODE_CHOICES.map((m) => (
                          <option key={m.value} value={m.value}>
                            {m.label}
                          </option>
                        ))}
                      </select>
                    </label>
                    <p className="muted u-m-0" aria-live="polite">
                      {SSL_MODE_CHOICES.find((m) => m.value === draft.sslmode)?.explanation}
                    </p>
                    <FileField label="Root certificate (sslrootcert)" purpose="sslrootcert" value={draft.sslrootcert} onChange={(v) => set({ sslrootcert: v })} />
                    <FileField label="Client certificate (sslcert)" purpose="sslcert" value={draft.sslcert} onChange={(v) => set({ sslcert: v })} />
                    <FileField label="Client key (sslkey)" purpose="sslkey" value={draft.sslkey} onChange={(v) => set({ sslkey: v })} {...(draft.sslcert ? { certificatePath: draft.sslcert } : {})} />
                    <FileField label="Revocation list (sslcrl)" purpose="sslcrl" value={draft.sslcrl} onChange={(v) => set({ sslcrl: v })} />
                  </div>
                )}
              </section>
            ) : null}
            <div className="row u-mb-16">
              <button type="button" className="btn" disabled={busy !== undefined} onClick={() => void test()}>
                Test connection
              </button>
              <button type="button" className="btn" disabled={diag?.running} onClick={() => void diagnose()}>
                Run diagnostics
              </button>
              {editing ? (
                <button type="button" className="btn primary" disabled={busy !== undefined} onClick={() => void save()}>
                  Save connection
                </button>
              ) : null}
              {editing && draft.id ? (
                <button
                  type="button"
                  className="btn danger"
                  onClick={() => {
                    if (!draft.id || !window.confirm(`Delete the connection “${draft.name}”?`)) return;
                    void invoke('connections:delete', { id: draft.id }).then(async () => {
                      await refreshConnections();
                      setConnectionId(SANDBOX_CONNECTION_ID);
                    });
                  }}
                >
                  Delete
                </button>
              ) : null}
              {busy === 'test' ? <span className="muted"><span className="dot busy" /> Connecting…</span> : null}
              {saved ? <span className="status-ok">{saved}</span> : null}
            </div>
            {testResult ? (
              <div className="ok-box" role="status" aria-label="Connection test result">
                <strong>Connected</strong> as {testResult.user} to {testResult.database} — PostgreSQL {testResult.serverVersion}, {testResult.ssl ? `TLS (${testResult.sslDetail ?? 'on'})` : 'no TLS'}, {formatMs(testResult.elapsedMs)}
                {testResult.citus ? <div>{describeCitus(testResult.citus)}</div> : null}
              </div>
            ) : null}
            {hostKey ? (
              <HostKeyPrompt
                hostKey={hostKey.key}
                onCancel={() => setHostKey(undefined)}
                onTrusted={() => {
                  const retry = hostKey.retry;
                  setHostKey(undefined);
                  retry();
                }}
              />
            ) : null}
            {error ? <ErrorBox error={error} title="Connection failed" /> : null}
            {error && testFailed && !diag ? (
              <div className="row u-mb-16">
                <span className="muted">The diagnostics try each layer (name, port, TLS, certificates, server policy, psql) and show the evidence.</span>
                <button type="button" className="btn" onClick={() => void diagnose()}>
                  Run full diagnostics
                </button>
              </div>
            ) : null}
            {diag ? <DiagnosticsPanel steps={steps} running={diag.running} {...(diag.result ? { result: diag.result } : {})} {...(diag.error ? { error: diag.error } : {})} /> : null}
          </div>
        </div>
      </div>
    </>
  );
}
