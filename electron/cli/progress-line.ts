/**
 * A one-line progress display on stderr, redrawn in place, only when stderr is a
 * terminal: piped or redirected output gets no carriage returns or escape codes.
 */
import type { CliIo } from './command.js';

const CLEAR_LINE = '\r\u001b[K';

export interface ProgressLine {
  /** Replaces the status line. */
  update(text: string): void;
  /** Writes a normal stderr line above the status line. */
  log(text: string): void;
  /** Removes the status line (before the summary is printed). */
  done(): void;
}

/** A progress line on a terminal; elsewhere only `log` writes, `update` and `done` do nothing. */
export function createProgressLine(io: CliIo): ProgressLine {
  if (io.stderrIsTerminal !== true) {
    return { update: () => undefined, log: (text) => io.stderr(text), done: () => undefined };
  }
  let current = '';
  const columns = Math.max(20, io.terminalColumns ?? 80);
  return {
    update(text) {
      current = text.length >= columns ? text.slice(0, columns - 2) + '…' : text;
      io.stderr(CLEAR_LINE + current);
    },
    log(text) {
      io.stderr(CLEAR_LINE + text + current);
    },
    done() {
      if (current !== '') io.stderr(CLEAR_LINE);
      current = '';
    },
  };
}
