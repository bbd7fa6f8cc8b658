/**
 * `tenantry` command-line entry. Exit statuses are listed in exit-status.ts
 * (0 done, 1 failed, 2 usage, 3 cannot connect, 4 differs, 5 already exists).
 * Messages go to stderr; with `--json`, results and errors go to stdout as JSON.
 */
import { isTenantryError, type ErrorCode } from '../../core/errors.js';
import { isConnectionLost } from '../services/provision/lost-connection.js';
// core's snapshot checksums and seals through node:crypto (installed on import).
import '../services/snapshot/native-sha256.js';
import { UsageError, type CliIo } from './command.js';
import { commands } from './commands/index.js';
import { findClosestName } from './did-you-mean.js';
import { closeAllSshTunnels } from '../services/ssh/ssh-tunnel.js';
import { EXIT, EXIT_STATUS_HELP, exitStatusFor } from './exit-status.js';

function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: tenantry <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `tenantry <command> --help` for the options of a command.',
    'Add --json to a command that supports it for JSON on stdout; errors then come',
    'out on stdout too, as {"ok": false, "error": {"code", "message", "detail"}}.',
    '',
    EXIT_STATUS_HELP,
    '',
  ].join('\n');
}

interface CliFailure {
  code: ErrorCode;
  message: string;
  detail?: string | undefined;
}

/** One failure, as text on stderr, and with --json also as `{ ok: false, error }` on stdout so stdout is never empty. */
function reportFailure(io: CliIo, json: boolean, text: string, failure: CliFailure): void {
  io.stderr(text);
  if (json) io.stdout(JSON.stringify({ ok: false, error: { code: failure.code, message: failure.message, detail: failure.detail ?? null } }, null, 2) + '\n');
}

/** Runs the CLI with the given arguments and returns the exit status. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const json = argv.includes('--json');
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(helpText());
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-v') {
    io.stdout('tenantry 0.1.0\n');
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const closest = findClosestName(name, commands.map((c) => c.name));
    const message = `unknown command "${name}".${closest ? ` Did you mean "${closest}"?` : ''}`;
    reportFailure(io, json, `tenantry: ${message}\n\n${closest ? `Run \`tenantry ${closest} --help\` for its options, or \`tenantry --help\` for every command.\n` : helpText()}`, { code: 'USAGE', message: `Unknown command "${name}".${closest ? ` Did you mean "${closest}"?` : ''}` });
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage.endsWith('\n') ? command.usage : command.usage + '\n');
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      reportFailure(io, json, `tenantry ${name}: ${error.message}\n\n${command.usage}\n`, { code: 'USAGE', message: error.message, detail: `Run \`tenantry ${name} --help\` for its options.` });
      return EXIT.usage;
    }
    if (!isTenantryError(error) && isConnectionLost(error)) {
      // A query outside a tenant's transaction (pool bookkeeping, a catalog read) lost its connection: a fault, not a bug.
      const message = `The connection to the server was lost (${error instanceof Error ? error.message : String(error)}). Nothing more was done; check that the server runs and try again.`;
      reportFailure(io, json, `tenantry ${name}: ${message}\n  [PG_CONNECTION_LOST]\n`, { code: 'PG_CONNECTION_LOST', message });
      return EXIT.failed;
    }
    if (isTenantryError(error)) {
      reportFailure(io, json, `tenantry ${name}: ${error.userMessage}${error.detail ? `\n  ${error.detail.replace(/\n/g, '\n  ')}` : ''}\n  [${error.code}]\n`, { code: error.code, message: error.userMessage, detail: error.detail });
      return exitStatusFor(error.code);
    }
    const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
    reportFailure(io, json, `tenantry ${name}: unexpected error (a bug): ${stack}\n`, { code: 'INTERNAL', message: 'Something unexpected went wrong (a bug). Report it with the detail.', detail: error instanceof Error ? error.message : String(error) });
    return EXIT.failed;
  } finally {
    // --ssh tunnels live as long as the command; an open one would keep the process running.
    await closeAllSshTunnels();
  }
}
