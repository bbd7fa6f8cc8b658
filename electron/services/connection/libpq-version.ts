/**
 * The libpq major version of a client binary (psql, pg_dump), which decides
 * which connection options its environment may carry.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TenantryError } from '../../../core/errors.js';

const run = promisify(execFile);

/** Parses "psql (PostgreSQL) 15.18 (Debian …)" → 15. */
export function parseClientMajor(versionOutput: string): number | undefined {
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(versionOutput) ?? /\b(\d+)\.\d+/.exec(versionOutput);
  return match?.[1] ? Number(match[1]) : undefined;
}

/** Runs `<binary> --version` and returns the major version (psql and pg_dump link the libpq of their release). */
export async function readClientMajor(binary = 'psql'): Promise<number> {
  let stdout: string;
  try {
    ({ stdout } = await run(binary, ['--version'], { timeout: 10_000 }));
  } catch (error) {
    throw new TenantryError('PSQL_NOT_FOUND', `Cannot run ${binary} --version. Install the PostgreSQL client tools or give the path to psql.`, { cause: error });
  }
  const major = parseClientMajor(stdout);
  if (major === undefined) throw new TenantryError('PSQL_FAILED', `Cannot read the version from "${stdout.trim()}" (${binary} --version).`);
  return major;
}
