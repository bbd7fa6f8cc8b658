/**
 * Finds pg_dump and psql on this machine, reads their versions and picks the
 * one to run against a server (the choice itself is core/binaries/pick-binary.ts).
 */
import { accessSync, constants, readdirSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, basename, join } from 'node:path';
import { execa } from 'execa';
import { listBinaryLocations, toolFileName } from '../../../core/binaries/binary-locations.js';
import { parseToolVersion, type PgVersion } from '../../../core/binaries/pg-version.js';
import { pickBinary, type BinaryCandidate, type ClientTool } from '../../../core/binaries/pick-binary.js';
import { TenantryError } from '../../../core/errors.js';

export interface BinarySearchOptions {
  /** Folders from --pg-bin; when absent, TENANTRY_PG_BIN of `env`. */
  pgBin?: string[];
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

function expandPattern(pattern: string): string[] {
  const parts = pattern.split(/[\\/]/);
  const star = parts.findIndex((p) => p.includes('*'));
  if (star < 0) return [pattern];
  const sep = pattern.includes('\\') && !pattern.includes('/') ? '\\' : '/';
  const parent = parts.slice(0, star).join(sep) || sep;
  const [before, after] = (parts[star] ?? '').split('*') as [string, string];
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return [];
  }
  // Newest version first: a plain name sort would put 9.6 after 17.
  const matches = entries
    .filter((e) => e.startsWith(before) && e.endsWith(after) && e.length >= before.length + after.length)
    .sort((a, b) => Number.parseFloat(b.slice(before.length)) - Number.parseFloat(a.slice(before.length)) || b.localeCompare(a));
  return matches.map((m) => [parent === sep ? '' : parent, m, ...parts.slice(star + 1)].join(sep));
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const versionCache = new Map<string, PgVersion | undefined>();

/** Runs `<binary> --version` and reads the PostgreSQL version (cached per path). */
export async function readBinaryVersion(path: string): Promise<PgVersion | undefined> {
  if (versionCache.has(path)) return versionCache.get(path);
  let version: PgVersion | undefined;
  try {
    const { stdout } = await execa(path, ['--version'], { timeout: 10_000, stdin: 'ignore', env: { LC_ALL: 'C' } });
    version = parseToolVersion(stdout);
  } catch {
    version = undefined;
  }
  versionCache.set(path, version);
  return version;
}

/** The explicit binary folders: --pg-bin, else TENANTRY_PG_BIN (a PATH-style list). */
export function explicitBinaryDirs(options: BinarySearchOptions): string[] | undefined {
  if (options.pgBin && options.pgBin.length > 0) return options.pgBin;
  const fromEnv = (options.env ?? process.env).TENANTRY_PG_BIN;
  return fromEnv ? fromEnv.split(delimiter).filter((d) => d.length > 0) : undefined;
}

/** Every installed copy of a tool, de-duplicated by real path, with its version. */
export async function findClientBinaries(tool: ClientTool, options: BinarySearchOptions = {}): Promise<BinaryCandidate[]> {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const explicitDirs = explicitBinaryDirs(options);
  const locations = listBinaryLocations({ platform, pathVariable: env.PATH ?? env.Path ?? '', home: homedir(), ...(explicitDirs ? { explicitDirs } : {}) });
  const seen = new Set<string>();
  const found: Omit<BinaryCandidate, 'version'>[] = [];
  for (const location of locations) {
    for (const dir of expandPattern(location.pattern)) {
      // An explicit setting may name the binary itself rather than its folder.
      const path = location.source === 'setting' && basename(dir) === toolFileName(tool, platform) ? dir : join(dir, toolFileName(tool, platform));
      if (!isExecutable(path)) continue;
      let real: string;
      try {
        real = realpathSync(path);
      } catch {
        continue;
      }
      // Debian's /usr/bin/pg_dump is a wrapper script that picks a version itself; keep it but also the real ones.
      if (seen.has(real)) continue;
      seen.add(real);
      found.push({ tool, path, source: location.source });
    }
  }
  return Promise.all(
    found.map(async (c) => {
      const version = await readBinaryVersion(c.path);
      return version ? { ...c, version } : c;
    }),
  );
}

/** Finds and picks the tool to run against a server of version `server`. */
export async function resolveClientBinary(tool: ClientTool, server: PgVersion, options: BinarySearchOptions = {}): Promise<BinaryCandidate & { version: PgVersion }> {
  const candidates = await findClientBinaries(tool, options);
  const explicitDirs = explicitBinaryDirs(options);
  if (explicitDirs && candidates.length === 0) throw explicitSettingError(tool, explicitDirs, server, options);
  const picked = pickBinary(candidates, { tool, server, platform: options.platform ?? process.platform });
  // pickBinary only returns candidates with a version.
  return picked as BinaryCandidate & { version: PgVersion };
}

/** --pg-bin / TENANTRY_PG_BIN named folders without the tool: say which setting, what is wrong with it, and how to fix it. */
function explicitSettingError(tool: ClientTool, dirs: string[], server: PgVersion, options: BinarySearchOptions): TenantryError {
  const setting = options.pgBin && options.pgBin.length > 0 ? '--pg-bin' : 'TENANTRY_PG_BIN';
  const problems = dirs.map((dir) => {
    try {
      return statSync(dir).isDirectory() ? `${dir} has no executable ${tool}` : `${dir} is not a folder`;
    } catch {
      return `${dir} does not exist`;
    }
  });
  const fix = setting === 'TENANTRY_PG_BIN' ? 'Unset TENANTRY_PG_BIN to search PATH and the usual install folders, or set it' : 'Leave out --pg-bin to search PATH and the usual install folders, or point it';
  return new TenantryError(tool === 'pg_dump' ? 'PG_DUMP_NOT_FOUND' : 'PSQL_NOT_FOUND', `${setting} names where to find ${tool}, but ${problems.join('; ')}. ${fix} to the folder that holds ${tool} (a PostgreSQL ${server.major} or newer client, for example /usr/lib/postgresql/${server.major}/bin on Debian).`);
}
