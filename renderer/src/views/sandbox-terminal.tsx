import { Fragment } from 'react';
import type { SandboxTerminal } from '../../../core/connection/sandbox-terminal';
import { CopyButton } from '../components/copy-button';

const FIELDS: [string, 'host' | 'port' | 'socketDir' | 'user' | 'database' | 'passfile'][] = [
  ['Host', 'host'],
  ['Port', 'port'],
  ['Socket directory', 'socketDir'],
  ['User', 'user'],
  ['Database', 'database'],
  ['Password file', 'passfile'],
];

/**
 * How to reach the running sandbox from a terminal or another client. Its password is new at every start
 * and known to nobody, so the copied commands authenticate without it: over TCP psql reads it from the
 * sandbox's passfile, over the socket peer authentication needs none.
 */
export function SandboxTerminalPanel({ terminal }: { terminal: SandboxTerminal }) {
  return (
    <section aria-label="Connect from a terminal" className="stack u-mt-12">
      <h3 className="u-m-0">Connect from a terminal</h3>
      <dl className="kv">
        {FIELDS.map(([label, key]) => (
          <Fragment key={key}>
            <dt>{label}</dt>
            <dd className="mono" aria-label={`Sandbox ${label.toLowerCase()}`}>
              {terminal[key]}
            </dd>
          </Fragment>
        ))}
      </dl>
      <p className="muted u-m-0 u-fs-12">
        The password is new at every start of the sandbox and is never copied. Over TCP, psql reads it from the password file (readable by you only, deleted when the sandbox stops); other clients can take it from there. Over the socket, the OS user <span className="mono">{terminal.osUser}</span> needs no password.
      </p>
      <code className="mono" aria-label="psql over TCP">{terminal.psql}</code>
      <code className="mono" aria-label="psql over the socket">{terminal.psqlSocket}</code>
      <div className="row">
        <CopyButton label="Copy as psql command" text={terminal.psql} />
        <CopyButton label="Copy psql command for the socket" text={terminal.psqlSocket} />
      </div>
    </section>
  );
}
