/**
 * Choosing the pg_dump or psql to run against a server: pure logic over the
 * binaries a service found. pg_dump refuses to dump a server whose major
 * version is newer than its own (peers.md bug 7), so the pick is the closest
 * major at or above the server's; an explicit setting is never second-guessed.
 */
import { TenantryError } from '../errors.js';
import type { PgVersion } from './pg-version.js';

export type ClientTool = 'pg_dump' | 'psql';

/** Where a candidate binary was found. */
export type BinarySource = 'setting' | 'path' | 'known-location';

export interface BinaryCandidate {
  tool: ClientTool;
  path: string;
  source: BinarySource;
  /** Undefined when `--version` could not be run or read. */
  version?: PgVersion;
}

export interface PickOptions {
  tool: ClientTool;
  server: PgVersion;
  /** The platform the binary runs on, for the install hint. */
  platform?: string;
  /** How the user can point to a binary folder, named in the hint. */
  settingHint?: string;
}

const DEFAULT_SETTING_HINT = 'pass --pg-bin DIR or set TENANTRY_PG_BIN to the folder that holds it';

function describeCandidate(c: BinaryCandidate): string {
  return `${c.path} (${c.version ? c.version.text : 'version unreadable'}${c.source === 'setting' ? ', from your setting' : ''})`;
}

/** How to install the client tools of one major version on a platform. */
export function describeInstallHint(major: number, platform = 'linux'): string {
  const m = Number.isInteger(major) ? String(major) : String(major);
  if (platform === 'darwin') return `brew install postgresql@${m} (or Postgres.app)`;
  if (platform === 'win32') return `the PostgreSQL ${m} installer from postgresql.org (C:\\Program Files\\PostgreSQL\\${m}\\bin)`;
  return `apt install postgresql-client-${m} (Debian/Ubuntu, PGDG repository) or dnf install postgresql${m} (RHEL/Fedora, PGDG repository)`;
}

function notFound(options: PickOptions, found: BinaryCandidate[]): TenantryError {
  const code = options.tool === 'pg_dump' ? 'PG_DUMP_NOT_FOUND' : 'PSQL_NOT_FOUND';
  const hint = options.settingHint ?? DEFAULT_SETTING_HINT;
  const unreadable = found.filter((c) => !c.version);
  return new TenantryError(
    code,
    `No usable ${options.tool} was found. Install the PostgreSQL ${options.server.major} client tools (${describeInstallHint(options.server.major, options.platform)}) or ${hint}.`,
    unreadable.length > 0 ? { detail: `Found but could not run: ${unreadable.map((c) => c.path).join(', ')}` } : {},
  );
}

function mismatch(options: PickOptions, found: BinaryCandidate[]): TenantryError {
  const hint = options.settingHint ?? DEFAULT_SETTING_HINT;
  const list = found.map(describeCandidate).join('; ');
  const newest = found.reduce((max, c) => Math.max(max, c.version?.major ?? 0), 0);
  return new TenantryError(
    'PG_DUMP_VERSION_MISMATCH',
    `The server runs PostgreSQL ${options.server.text} but the newest ${options.tool} found is ${newest > 0 ? newest : 'unknown'}; ${options.tool} must be version ${options.server.major} or newer. Install it (${describeInstallHint(options.server.major, options.platform)}) or ${hint}.`,
    { detail: `Server version: ${options.server.text}\n${options.tool} found: ${list}` },
  );
}

/**
 * Picks the binary to run against `server`: with an explicit setting, that one
 * (error when too old); otherwise the closest major at or above the server's,
 * earlier candidates winning ties. psql of any version can run a script, so for
 * psql the newest is taken when none is new enough.
 */
export function pickBinary(candidates: BinaryCandidate[], options: PickOptions): BinaryCandidate {
  const ofTool = candidates.filter((c) => c.tool === options.tool);
  const explicit = ofTool.filter((c) => c.source === 'setting');
  const pool = explicit.length > 0 ? explicit : ofTool;
  const runnable = pool.filter((c): c is BinaryCandidate & { version: PgVersion } => c.version !== undefined);
  if (runnable.length === 0) throw notFound(options, pool);
  const fitting = runnable.filter((c) => c.version.major >= options.server.major);
  if (fitting.length > 0) {
    return fitting.reduce((best, c) => (c.version.major < best.version.major ? c : best));
  }
  if (options.tool === 'psql') {
    return runnable.reduce((best, c) => (c.version.major > best.version.major ? c : best));
  }
  throw mismatch(options, runnable);
}
