/**
 * How to reach the local sandbox from a terminal. Its superuser password is
 * random at every start, so a copied command must not depend on the user
 * knowing it: over TCP psql reads it from a 0600 passfile the sandbox writes
 * (PGPASSFILE), over the Unix socket peer authentication needs none. Neither
 * command carries the password itself, so nothing secret reaches the
 * clipboard or the shell history.
 */
import { quoteShell } from '../diagnostics/copyable-settings.js';
import { formatConnectionUri } from './connection-string.js';

export interface SandboxTerminalFacts {
  port: number;
  /** The Unix socket directory (the sandbox's private folder). */
  socketDir: string;
  user: string;
  database: string;
  /** The 0600 passfile holding the current password for 127.0.0.1:port. */
  passfile: string;
  /** The OS user peer authentication admits on the socket. */
  osUser: string;
}

export interface SandboxTerminal extends SandboxTerminalFacts {
  host: string;
  /** psql over TCP, the password read from the passfile. */
  psql: string;
  /** psql over the Unix socket, peer authentication (no password), for the OS user running Tenantry only. */
  psqlSocket: string;
}

/** The sandbox's terminal facts with the two ready-to-paste psql commands. */
export function describeSandboxTerminal(facts: SandboxTerminalFacts): SandboxTerminal {
  const host = '127.0.0.1';
  const uri = formatConnectionUri({ host, port: facts.port, user: facts.user, database: facts.database, sslmode: 'disable' });
  return {
    ...facts,
    host,
    psql: `PGPASSFILE=${quoteShell(facts.passfile)} psql ${quoteShell(uri)}`,
    psqlSocket: ['psql', '-h', facts.socketDir, '-p', String(facts.port), '-U', facts.user, '-d', facts.database].map(quoteShell).join(' '),
  };
}
