/**
 * The CLI writes what it provisioned and migrated into the same history log as the app
 * (`<data folder>/history.jsonl`), so the app's History shows CLI runs too. A history that cannot be
 * written is a warning, never a failed command: the database work is done and reported either way.
 */
import type { HistoryEntry } from '../../core/api/contract.js';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { resolveDataDir } from '../services/storage/data-dir.js';
import { HistoryStore } from '../services/storage/history-store.js';
import type { CliIo } from './command.js';

/** How a CLI run's connection is named in the history: user@host:port (no password, no options). */
export function describeCliConnection(profile: ConnectionProfile): string {
  const host = profile.host ?? 'localhost';
  return `${profile.user ?? ''}${profile.user ? '@' : ''}${host.startsWith('/') ? `socket ${host}` : host}:${profile.port ?? 5432}`;
}

/** Runs one write to the history, turning a failure into a warning on stderr. */
export function writeCliHistory(io: CliIo, write: (history: HistoryStore) => void): void {
  try {
    write(new HistoryStore(resolveDataDir(io.env)));
  } catch (error) {
    io.stderr(`warning: this run was not added to the history (${(error as Error).message}).\n`);
  }
}

/** Appends a CLI run's entries (marked source: cli). */
export function recordCliHistory(io: CliIo, entries: Omit<HistoryEntry, 'source'>[]): void {
  if (entries.length === 0) return;
  writeCliHistory(io, (history) => history.add(entries.map((e) => ({ ...e, source: 'cli' }))));
}
