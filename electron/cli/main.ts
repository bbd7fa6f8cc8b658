/**
 * `tenantry` command-line entry. Exit status: 0 success, 1 the operation
 * failed, 2 usage error. Messages go to stderr; `--json` results to stdout.
 */
import { isTenantryError } from '../../core/errors.js';
import { isConnectionLost } from '../services/provision/lost-connection.js';
// core's snapshot checksums and seals through node:crypto (installed on import).
import '../services/snapshot/native-sha256.js';
import { UsageError, type CliIo } from './command.js';
import { commands } from './commands/index.js';

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
    '',
  ].join('\n');
}

/** Runs the CLI with the given arguments and returns the exit status. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(helpText());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    io.stdout('tenantry 0.1.0\n');
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`tenantry: unknown command "${name}".\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(command.usage.endsWith('\n') ? command.usage : command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`tenantry ${name}: ${error.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (!isTenantryError(error) && isConnectionLost(error)) {
      // A query outside a tenant's transaction (pool bookkeeping, a catalog read) lost its connection: a fault, not a bug.
      io.stderr(`tenantry ${name}: the connection to the server was lost (${error instanceof Error ? error.message : String(error)}). Nothing more was done; check that the server runs and try again.\n  [PG_CONNECTION_LOST]\n`);
      return 1;
    }
    if (isTenantryError(error)) {
      io.stderr(`tenantry ${name}: ${error.userMessage}${error.detail ? `\n  ${error.detail.replace(/\n/g, '\n  ')}` : ''}\n  [${error.code}]\n`);
      return 1;
    }
    io.stderr(`tenantry ${name}: unexpected error (a bug): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
