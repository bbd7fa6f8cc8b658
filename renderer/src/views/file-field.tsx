import { useEffect, useState } from 'react';
import type { FileFacts, FilePurpose } from '../../../core/api/contract';
import { invoke } from '../api/client';
import { useAppState } from '../state/app-state';

function FactsView({ facts }: { facts: FileFacts }) {
  return (
    <div className="stack" style={{ gap: 4, fontSize: 12 }}>
      {facts.certificates.map((c, i) => (
        <dl className="kv" key={i}>
          <dt>Subject</dt>
          <dd>{c.subject}</dd>
          <dt>Issuer</dt>
          <dd>{c.issuer}</dd>
          <dt>Valid</dt>
          <dd className={c.expired ? 'status-bad' : undefined}>
            {c.validFrom.slice(0, 10)} → {c.validTo.slice(0, 10)} {c.expired ? '(expired)' : ''}
          </dd>
          <dt>CA</dt>
          <dd>{c.isCa ? 'yes' : 'no'}</dd>
        </dl>
      ))}
      {facts.kind === 'key' ? (
        <dl className="kv">
          <dt>Permissions</dt>
          <dd className={facts.permissionsOk ? 'status-ok' : 'status-bad'}>
            {facts.mode} {facts.permissionsOk ? '(ok for libpq)' : '(too open for libpq)'}
          </dd>
          {facts.matchesCertificate !== undefined ? (
            <>
              <dt>Matches certificate</dt>
              <dd className={facts.matchesCertificate ? 'status-ok' : 'status-bad'}>{facts.matchesCertificate ? 'yes' : 'no'}</dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {facts.problems.map((p) => (
        <div key={p} className="status-bad">
          ⚠ {p}
        </div>
      ))}
    </div>
  );
}

/** A certificate/key/CRL path: a main-process file dialog in the desktop app, a server-side path field in web mode. */
export function FileField(props: { label: string; purpose: FilePurpose; value: string; onChange(value: string): void; certificatePath?: string; placeholder?: string }) {
  const { info } = useAppState();
  const [facts, setFacts] = useState<FileFacts>();
  const { value, purpose, certificatePath } = props;
  // Facts (subject, expiry, permissions as libpq wants them) exist for the SSL files only.
  const inspectable = purpose === 'sslrootcert' || purpose === 'sslcert' || purpose === 'sslkey' || purpose === 'sslcrl';

  useEffect(() => {
    if (!value || value === 'system' || !inspectable) {
      setFacts(undefined);
      return;
    }
    const timer = setTimeout(() => {
      void invoke('files:inspect', { path: value, purpose, ...(certificatePath ? { certificatePath } : {}) }).then((r) => setFacts(r.ok ? r.value : undefined));
    }, 250);
    return () => clearTimeout(timer);
  }, [value, purpose, certificatePath, inspectable]);

  return (
    <div className="stack" style={{ gap: 4 }}>
      <label className="field">
        <span>{props.label}</span>
        <div className="row">
          <input type="text" className="grow mono" aria-label={props.label} value={value} placeholder={props.placeholder ?? (info?.canPickFiles ? 'Choose a file…' : 'Path on the machine running Tenantry')} onChange={(e) => props.onChange(e.target.value)} />
          {info?.canPickFiles ? (
            <button
              type="button"
              className="btn"
              onClick={() => {
                void invoke('files:pick', { purpose }).then((r) => r.ok && r.value.path && props.onChange(r.value.path));
              }}
            >
              Choose…
            </button>
          ) : null}
          {value ? (
            <button type="button" className="btn small" onClick={() => props.onChange('')} aria-label={`Clear ${props.label}`}>
              ✕
            </button>
          ) : null}
        </div>
      </label>
      {facts ? <FactsView facts={facts} /> : null}
    </div>
  );
}
