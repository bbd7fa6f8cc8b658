import { describe, expect, it } from 'vitest';
import { pickBinary, type BinaryCandidate } from '../../../core/binaries/pick-binary.js';
import { parseServerVersionNum, parseToolVersion } from '../../../core/binaries/pg-version.js';
import { listBinaryLocations } from '../../../core/binaries/binary-locations.js';
import { TenantryError } from '../../../core/errors.js';

describe('parseToolVersion', () => {
  it.each([
    ['pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)', '15.18', 15],
    ['pg_dump (PostgreSQL) 9.6.24', '9.6.24', 9.6],
    ['psql (PostgreSQL) 18beta1', '18beta1', 18],
    ['pg_dump (PostgreSQL) 17.2 (Homebrew)', '17.2', 17],
    ['pg_dump.exe (PostgreSQL) 16.4', '16.4', 16],
  ])('%s', (output, text, major) => {
    expect(parseToolVersion(output)).toEqual({ text, major });
  });
  it('returns undefined for something else', () => {
    expect(parseToolVersion('mysqldump  Ver 10.19')).toBeUndefined();
  });
});

describe('parseServerVersionNum', () => {
  it.each([
    [150018, 15, '15.18'],
    [170000, 17, '17.0'],
    [90624, 9.6, '9.6.24'],
  ])('%i', (num, major, text) => {
    expect(parseServerVersionNum(num)).toEqual({ major, text });
  });
});

const c = (path: string, text: string | undefined, source: BinaryCandidate['source'] = 'path', tool: BinaryCandidate['tool'] = 'pg_dump'): BinaryCandidate =>
  text === undefined ? { tool, path, source } : { tool, path, source, version: parseToolVersion(`x (PostgreSQL) ${text}`)! };
const server = (text: string) => ({ text, major: Number(text.split('.')[0]) });

function catchError(fn: () => unknown): TenantryError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TenantryError) return error;
    throw error;
  }
  throw new Error('expected a TenantryError');
}

describe('pickBinary', () => {
  it('takes the closest major at or above the server', () => {
    const picked = pickBinary([c('/a/pg_dump', '18.1'), c('/b/pg_dump', '16.4'), c('/c/pg_dump', '15.18')], { tool: 'pg_dump', server: server('16.2') });
    expect(picked.path).toBe('/b/pg_dump');
  });
  it('prefers the earlier candidate among equal majors (PATH order)', () => {
    const picked = pickBinary([c('/a/pg_dump', '17.1'), c('/b/pg_dump', '17.5')], { tool: 'pg_dump', server: server('15.1') });
    expect(picked.path).toBe('/a/pg_dump');
  });
  it('ignores binaries of the other tool and unreadable ones', () => {
    const picked = pickBinary([c('/a/psql', '17.1', 'path', 'psql'), c('/b/pg_dump', undefined), c('/c/pg_dump', '15.2')], { tool: 'pg_dump', server: server('15.1') });
    expect(picked.path).toBe('/c/pg_dump');
  });
  it('names the server version and every binary found when all are too old', () => {
    const error = catchError(() => pickBinary([c('/usr/bin/pg_dump', '15.18'), c('/opt/pg14/pg_dump', '14.3')], { tool: 'pg_dump', server: server('17.2'), platform: 'linux' }));
    expect(error.code).toBe('PG_DUMP_VERSION_MISMATCH');
    expect(error.userMessage).toContain('PostgreSQL 17.2');
    expect(error.userMessage).toContain('newest pg_dump found is 15');
    expect(error.userMessage).toContain('postgresql-client-17');
    expect(error.userMessage).toContain('--pg-bin');
    expect(error.detail).toContain('/usr/bin/pg_dump (15.18)');
    expect(error.detail).toContain('/opt/pg14/pg_dump (14.3)');
  });
  it('gives a Homebrew hint on macOS', () => {
    const error = catchError(() => pickBinary([c('/usr/local/bin/pg_dump', '14.1')], { tool: 'pg_dump', server: server('16.0'), platform: 'darwin' }));
    expect(error.userMessage).toContain('brew install postgresql@16');
  });
  it('never falls back from an explicit setting to a newer binary elsewhere', () => {
    const error = catchError(() => pickBinary([c('/set/pg_dump', '14.1', 'setting'), c('/usr/bin/pg_dump', '17.1')], { tool: 'pg_dump', server: server('16.0') }));
    expect(error.code).toBe('PG_DUMP_VERSION_MISMATCH');
    expect(error.detail).toContain('from your setting');
    expect(error.detail).not.toContain('/usr/bin/pg_dump');
  });
  it('reports PG_DUMP_NOT_FOUND when nothing runs', () => {
    const error = catchError(() => pickBinary([c('/x/pg_dump', undefined)], { tool: 'pg_dump', server: server('15.0') }));
    expect(error.code).toBe('PG_DUMP_NOT_FOUND');
    expect(error.detail).toContain('/x/pg_dump');
    expect(catchError(() => pickBinary([], { tool: 'psql', server: server('15.0') })).code).toBe('PSQL_NOT_FOUND');
  });
  it('takes the newest psql when none is as new as the server', () => {
    const picked = pickBinary([c('/a/psql', '14.1', 'path', 'psql'), c('/b/psql', '15.3', 'path', 'psql')], { tool: 'psql', server: server('17.0') });
    expect(picked.path).toBe('/b/psql');
  });
  it('compares 9.6 below 10', () => {
    const picked = pickBinary([c('/a/pg_dump', '9.6.24'), c('/b/pg_dump', '10.23')], { tool: 'pg_dump', server: { text: '9.6.5', major: 9.6 } });
    expect(picked.path).toBe('/a/pg_dump');
  });
});

describe('listBinaryLocations', () => {
  it('searches only the explicit folders when set', () => {
    expect(listBinaryLocations({ platform: 'linux', pathVariable: '/usr/bin', explicitDirs: ['/opt/pg/bin'] })).toEqual([{ pattern: '/opt/pg/bin', source: 'setting' }]);
  });
  it('puts PATH first, then the platform locations, without duplicates', () => {
    const list = listBinaryLocations({ platform: 'linux', pathVariable: '/usr/local/bin:/usr/bin::/usr/bin' });
    expect(list.slice(0, 2)).toEqual([
      { pattern: '/usr/local/bin', source: 'path' },
      { pattern: '/usr/bin', source: 'path' },
    ]);
    expect(list.map((l) => l.pattern)).toContain('/usr/lib/postgresql/*/bin');
    expect(list.map((l) => l.pattern)).toContain('/usr/pgsql-*/bin');
  });
  it('knows Homebrew and Postgres.app on macOS and Program Files on Windows', () => {
    const mac = listBinaryLocations({ platform: 'darwin', pathVariable: '', home: '/Users/me' }).map((l) => l.pattern);
    expect(mac).toContain('/opt/homebrew/opt/postgresql@*/bin');
    expect(mac).toContain('/usr/local/opt/postgresql@*/bin');
    expect(mac).toContain('/Applications/Postgres.app/Contents/Versions/*/bin');
    expect(mac).toContain('/Users/me/Applications/Postgres.app/Contents/Versions/*/bin');
    const win = listBinaryLocations({ platform: 'win32', pathVariable: 'C:\\a;C:\\b' }).map((l) => l.pattern);
    expect(win.slice(0, 2)).toEqual(['C:\\a', 'C:\\b']);
    expect(win).toContain('C:\\Program Files\\PostgreSQL\\*\\bin');
  });
});
