/** Process entry of the `tenantry` CLI (bin/tenantry.js loads the compiled file). */
import type { CliIo } from './command.js';
import { main } from './main.js';

// `tenantry render … | head` closes the pipe early: stop quietly, like other Unix tools, instead of a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

/** Exit status of a process ended by a signal, as shells report it (128 + the signal number). */
const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };
let interruption: AbortController | undefined;
let interruptedBy: NodeJS.Signals | undefined;

// Commands that can stop cleanly take over SIGINT/SIGTERM through io.interrupts(); for every other command the
// signal ends the process as it would without a handler.
function onSignal(signal: NodeJS.Signals): void {
  if (!interruption || interruptedBy) process.exit(SIGNAL_EXIT[signal] ?? 1);
  interruptedBy = signal;
  process.stderr.write(`\n${signal === 'SIGINT' ? 'Ctrl+C' : signal}: stopping cleanly (press Ctrl+C again to quit at once).\n`);
  interruption.abort(signal);
}
// SIGHUP too: a closed terminal must not kill `tenantry ui` with its sandbox still running.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

const io: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  stderrIsTerminal: process.stderr.isTTY === true,
  ...(process.stderr.isTTY === true ? { terminalColumns: process.stderr.columns } : {}),
  interrupts: () => (interruption ??= new AbortController()).signal,
};
process.exitCode = await main(process.argv.slice(2), io);
