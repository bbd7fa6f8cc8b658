import { useEffect, useRef, useState } from 'react';
import type { ErrorInfo } from '../../../core/errors';
import { invoke } from '../api/client';
import { ErrorBox } from '../components/error-box';

export interface HostKeyToConfirm {
  host: string;
  port: number;
  fingerprint: string;
}

/**
 * First use of an SSH server: its host key fingerprint, how to check it, and
 * a button that trusts exactly that key (then `onTrusted` retries).
 */
export function HostKeyPrompt(props: { hostKey: HostKeyToConfirm; onTrusted(): void; onCancel(): void }) {
  const { host, port, fingerprint } = props.hostKey;
  const [error, setError] = useState<ErrorInfo>();
  const [busy, setBusy] = useState(false);
  const where = port === 22 ? host : `${host}:${port}`;
  const ref = useRef<HTMLElement>(null);
  // It appears below the form: brought into view and focused (not its Trust button, which a stray Enter would press).
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest' });
    ref.current?.focus();
  }, [fingerprint]);
  return (
    <section ref={ref} tabIndex={-1} className="card host-key-card" role="alertdialog" aria-label="Trust SSH host key" aria-describedby="host-key-text">
      <h2>First connection to {where}</h2>
      <div id="host-key-text" className="stack u-gap-6">
        <p className="u-m-0">Tenantry has not connected to this SSH server before. It shows this host key fingerprint:</p>
        <p className="mono u-m-0 u-fs-14 u-wrap-anywhere" aria-label="Host key fingerprint">{fingerprint}</p>
        <p className="muted u-m-0">
          Compare it with the fingerprint the bastion's administrator gives you (on the server: <span className="mono">ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</span>). Trust it only if they match; it is then checked on every connection, and a different key is refused.
        </p>
      </div>
      <div className="row u-mt-10">
        <button
          type="button"
          className="btn primary"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            setError(undefined);
            void invoke('connections:trust-host-key', { host, port, fingerprint }).then((r) => {
              setBusy(false);
              if (r.ok) props.onTrusted();
              else setError(r.error);
            });
          }}
        >
          Trust this host key and connect
        </button>
        <button type="button" className="btn" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
      {error ? <ErrorBox error={error} title="Not trusted" /> : null}
    </section>
  );
}
