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

async function knowsOption(psqlPath: string, option: string, value: string): Promise<boolean> {
  try {
    // A socket directory that cannot exist: libpq parses the options, then fails to connect.
    await run(psqlPath, ['-X', '-w', '-d', `host=/nonexistent/tenantry-libpq-probe ${option}=${value}`, '-c', 'select 1'], {
      timeout: 10_000,
      env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' },
    });
    return true;
  } catch (error) {
    return !/invalid connection option/.test((error as { stderr?: string }).stderr ?? '');
  }
}

/**
 * The major version of the libpq a psql actually loads, which can be newer
 * than psql itself (Debian's libpq5 from PGDG next to an older psql): probes
 * for the options libpq 17 and 16 added. Never lower than 15-or-the-binary.
 */
export async function readLibpqMajor(psqlPath = 'psql'): Promise<number> {
  const binaryMajor = await readClientMajor(psqlPath);
  if (await knowsOption(psqlPath, 'sslnegotiation', 'postgres')) return Math.max(binaryMajor, 17);
  if (await knowsOption(psqlPath, 'sslcertmode', 'allow')) return Math.max(binaryMajor, 16);
  return Math.min(binaryMajor, 15);
}
