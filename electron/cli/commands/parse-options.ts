/**
 * Option parsing shared by the schemas/dump/snapshot/provision/verify/drop
 * commands: node:util parseArgs in strict mode, its errors turned into
 * UsageError (exit 2), and the connection options every one of them takes.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { resolveProfile } from '../../services/connection/resolve-profile.js';
import { UsageError, type CliIo } from '../command.js';
import { SSH_OPTIONS, SSH_USAGE, tunnelCliProfile } from './ssh-options.js';
import { findClosestName } from '../did-you-mean.js';

/** Options every database command accepts. */
export const CONNECTION_OPTIONS = {
  url: { type: 'string' },
  'pg-bin': { type: 'string', multiple: true },
  ...SSH_OPTIONS,
} as const satisfies ParseArgsConfig['options'];

export const CONNECTION_USAGE = [
  '  --url URL        libpq URI or key=value string (default: PG* variables,',
  '                   service file and ~/.pgpass, as libpq reads them)',
  '  --pg-bin DIR     folder holding pg_dump/psql to use (or TENANTRY_PG_BIN)',
  SSH_USAGE,
].join('\n');

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** parseArgs with bad arguments reported as usage errors. */
export function parseOptions(argv: string[], options: NonNullable<ParseArgsConfig['options']>): OptionValues {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(describeParseError(error as Error & { code?: string }, Object.keys(options)));
  }
}

/** parseArgs' messages, reworded the way every command words them. */
function describeParseError(error: Error & { code?: string }, known: readonly string[]): string {
  const quoted = /'(-[^' ]+)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && quoted) {
    const closest = quoted.startsWith('--') ? findClosestName(quoted.slice(2).split('=')[0] ?? '', known) : undefined;
    return `unknown option ${quoted}${closest ? ` (did you mean --${closest}?)` : ''}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && quoted && /argument missing/.test(error.message)) return `${quoted} needs a value.`;
  return error.message.replace(/\. To specify a positional argument.*$/s, '.');
}

/**
 * The profile for --url or the PG* environment, as libpq would resolve it;
 * with --ssh (in `values`), rewritten to the local end of an SSH tunnel that
 * stays open until the command ends.
 */
export async function resolveCliProfile(url: string | undefined, io: CliIo, values?: OptionValues): Promise<ConnectionProfile> {
  const profile = await resolveProfile({ ...(url !== undefined ? { url } : {}), env: io.env, onWarning: (message) => io.stderr(`warning: ${message}\n`) });
  return values ? tunnelCliProfile(profile, values, io) : profile;
}

/** A string option, or undefined. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** A repeatable string option (empty when absent). */
export function listOption(values: OptionValues, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];
}

/** A required string option. */
export function requireOption(values: OptionValues, name: string): string {
  const value = stringOption(values, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required.`);
  return value;
}
