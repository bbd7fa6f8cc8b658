import { useEffect, useRef, useState } from 'react';
import type { FilePurpose } from '../../../core/api/contract';
import type { FileFacts, FileRole } from '../../../core/diagnostics/types';
import { invoke } from '../api/client';
import { useAppState } from '../state/app-state';

function FactsView({ facts }: { facts: FileFacts }) {
  return (
    <div className="stack u-gap-4 u-fs-12">
      {facts.certificates.map((c, i) => (
        <dl className="kv" key={i}>
          <dt>Subject</dt>
          <dd>{c.subject}</dd>
          <dt>Issuer</dt>
          <dd>{c.issuer}</dd>
          <dt>Valid</dt>
          <dd className={c.expired || c.notYetValid ? 'status-bad' : undefined}>
            {c.validFrom.slice(0, 10)} → {c.validTo.slice(0, 10)} {c.expired ? '(expired)' : c.notYetValid ? '(not yet valid)' : ''}
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

type Completion = { entries: { path: string; dir: boolean }[]; note?: string };

/**
 * Web mode's path completion: as the path is typed, the readable files and
 * folders under the home folder that match (asked of the server, which never
 * offers anything outside home). A folder continues the completion; a file
 * fills the field.
 */
function Suggestions(props: { label: string; completion: Completion; onPick(entry: { path: string; dir: boolean }): void; onClose(): void }) {
  const { completion } = props;
  if (completion.entries.length === 0) return completion.note ? <p className="muted u-m-0 u-fs-12" role="note" aria-label={`No suggestions for ${props.label}`}>{completion.note}</p> : null;
  const move = (e: React.KeyboardEvent<HTMLElement>, by: number) => {
    const options = [...(e.currentTarget.parentElement?.querySelectorAll<HTMLElement>('[role=option]') ?? [])];
    options[options.indexOf(e.currentTarget) + by]?.focus();
  };
  return (
    <div role="listbox" aria-label={`Files for ${props.label}`} className="stack file-completions">
      {completion.entries.map((entry) => (
        <div
          key={entry.path}
          role="option"
          aria-selected={false}
          tabIndex={-1}
          className="mono u-p-4-8 u-cursor-pointer u-fs-12 u-wrap-anywhere"
          onClick={() => props.onPick(entry)}
          onKeyDown={(e) => {
            // Enter and Escape here mean this list, not the form's save and cancel.
            if (e.key === 'Enter') props.onPick(entry);
            else if (e.key === 'Escape') props.onClose();
            else if (e.key === 'ArrowDown') move(e, 1);
            else if (e.key === 'ArrowUp') move(e, -1);
            else return;
            e.preventDefault();
            e.stopPropagation();
          }}
        >
          {entry.path}
        </div>
      ))}
    </div>
  );
}

function isSslFile(purpose: FilePurpose): purpose is FileRole {
  return purpose === 'sslrootcert' || purpose === 'sslcert' || purpose === 'sslkey' || purpose === 'sslcrl';
}

/** A certificate/key/CRL path: a main-process file dialog in the desktop app, a path field with completion under home in web mode. */
export function FileField(props: { label: string; purpose: FilePurpose; value: string; onChange(value: string): void; certificatePath?: string; placeholder?: string }) {
  const { info } = useAppState();
  const [facts, setFacts] = useState<FileFacts>();
  const [completion, setCompletion] = useState<Completion>();
  // Only the answer to the latest typed path is shown (answers can arrive out of order).
  const asked = useRef(0);
  const { value, purpose, certificatePath } = props;
  const completes = info !== undefined && !info.canPickFiles;

  useEffect(() => {
    // Facts (subject, expiry, permissions as libpq wants them) exist for the SSL files only.
    if (!value || value === 'system' || !isSslFile(purpose)) {
      setFacts(undefined);
      return;
    }
    const timer = setTimeout(() => {
      void invoke('files:inspect', { path: value, purpose, ...(certificatePath ? { certificatePath } : {}) }).then((r) => setFacts(r.ok ? r.value : undefined));
    }, 250);
    return () => clearTimeout(timer);
  }, [value, purpose, certificatePath]);

  function complete(prefix: string) {
    const ask = ++asked.current;
    if (!completes || !prefix) return setCompletion(undefined);
    void invoke('files:complete', { prefix }).then((r) => {
      if (ask === asked.current) setCompletion(r.ok ? r.value : undefined);
    });
  }

  function pick(entry: { path: string; dir: boolean }) {
    props.onChange(entry.path);
    if (entry.dir) complete(entry.path);
    else setCompletion(undefined);
  }

  return (
    <div className="stack u-gap-4">
      <label className="field">
        <span>{props.label}</span>
        <div className="row">
          <input
            type="text"
            className="grow mono"
            aria-label={props.label}
            value={value}
            placeholder={props.placeholder ?? (info?.canPickFiles ? 'Choose a file…' : 'Path on the server: type ~/ to list files')}
            onChange={(e) => {
              props.onChange(e.target.value);
              complete(e.target.value);
            }}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown' && completion?.entries.length) {
                e.preventDefault();
                (e.currentTarget.closest('.stack')?.querySelector('[role=option]') as HTMLElement | null)?.focus();
              } else if (e.key === 'Escape' && completion) {
                e.stopPropagation();
                setCompletion(undefined);
              }
            }}
          />
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
            <button type="button" className="btn small" onClick={() => { props.onChange(''); setCompletion(undefined); }} aria-label={`Clear ${props.label}`}>
              ✕
            </button>
          ) : null}
        </div>
      </label>
      {completion ? <Suggestions label={props.label} completion={completion} onPick={pick} onClose={() => setCompletion(undefined)} /> : null}
      {facts ? <FactsView facts={facts} /> : null}
    </div>
  );
}
