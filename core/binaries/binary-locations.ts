/**
 * Folders where PostgreSQL client tools are usually installed, per platform.
 * A `*` stands for one path segment (a version) that the service expands by
 * listing the parent folder; PATH entries come first, in PATH order.
 */
export interface BinaryLocation {
  /** A folder, possibly with one `*` segment. */
  pattern: string;
  source: 'setting' | 'path' | 'known-location';
}

export interface LocationInput {
  platform: string;
  /** The PATH variable as is. */
  pathVariable?: string;
  /** Explicit folders from a setting (--pg-bin, TENANTRY_PG_BIN): searched alone when given. */
  explicitDirs?: string[];
  home?: string;
}

const KNOWN: Record<string, string[]> = {
  linux: ['/usr/lib/postgresql/*/bin', '/usr/pgsql-*/bin', '/usr/local/pgsql/bin', '/opt/homebrew/opt/postgresql@*/bin', '/home/linuxbrew/.linuxbrew/opt/postgresql@*/bin'],
  darwin: [
    '/opt/homebrew/opt/postgresql@*/bin',
    '/usr/local/opt/postgresql@*/bin',
    '/opt/homebrew/opt/libpq/bin',
    '/usr/local/opt/libpq/bin',
    '/Applications/Postgres.app/Contents/Versions/*/bin',
    '/usr/local/pgsql/bin',
  ],
  win32: ['C:\\Program Files\\PostgreSQL\\*\\bin', 'C:\\Program Files (x86)\\PostgreSQL\\*\\bin'],
};

/** The folders to search for pg_dump/psql, in order: explicit setting alone, else PATH then known locations. */
export function listBinaryLocations(input: LocationInput): BinaryLocation[] {
  if (input.explicitDirs && input.explicitDirs.length > 0) {
    return input.explicitDirs.map((pattern) => ({ pattern, source: 'setting' as const }));
  }
  const separator = input.platform === 'win32' ? ';' : ':';
  const fromPath = (input.pathVariable ?? '')
    .split(separator)
    .filter((dir) => dir.length > 0)
    .map((pattern) => ({ pattern, source: 'path' as const }));
  const known = (KNOWN[input.platform] ?? KNOWN.linux ?? []).map((pattern) => ({ pattern, source: 'known-location' as const }));
  if (input.platform === 'darwin' && input.home) {
    known.push({ pattern: `${input.home}/Applications/Postgres.app/Contents/Versions/*/bin`, source: 'known-location' });
  }
  const seen = new Set<string>();
  return [...fromPath, ...known].filter((l) => (seen.has(l.pattern) ? false : (seen.add(l.pattern), true)));
}

/** The executable file name of a tool on a platform (pg_dump.exe on Windows). */
export function toolFileName(tool: string, platform: string): string {
  return platform === 'win32' ? `${tool}.exe` : tool;
}
