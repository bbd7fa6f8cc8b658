/**
 * Migration files and their versions. A folder of migrations is applied in
 * version order: `V12__add_tags.sql` (Flyway), `20240101120000_add_tags.sql`
 * (Rails, Django-style numbers), `0012_add_tags.sql`; the version is the
 * leading number (Flyway's `V1_1` and `1.1` are 1.1), compared segment by
 * segment as numbers, so V9 comes before V10. A file without a leading number
 * is its own version, named by the file.
 */
import { TenantryError } from '../errors.js';

export interface MigrationFile {
  /** The file name (no folder). */
  name: string;
  sql: string;
}

const VERSIONED = /^[Vv]?(\d+(?:[._]\d+)*)(?:__|_|-|\.sql$|$)/;

/** The version a file name stands for (see the file comment). */
export function migrationVersion(name: string): string {
  const m = VERSIONED.exec(name);
  if (m === null) return name.replace(/\.sql$/i, '');
  return (m[1] as string).replace(/_/g, '.');
}

/** Orders two versions: numeric segments as numbers, anything else as text after the numbers. */
export function compareVersions(a: string, b: string): number {
  const numeric = /^\d+(\.\d+)*$/;
  const an = numeric.test(a);
  const bn = numeric.test(b);
  if (an !== bn) return an ? -1 : 1;
  if (!an) return a < b ? -1 : a > b ? 1 : 0;
  const as = a.split('.');
  const bs = b.split('.');
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const x = BigInt(as[i] ?? '0');
    const y = BigInt(bs[i] ?? '0');
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The files in version order; two files of one version are an error (which one would win is a guess). */
export function sortMigrationFiles(files: readonly MigrationFile[]): (MigrationFile & { version: string })[] {
  const withVersions = files.map((f) => ({ ...f, version: migrationVersion(f.name) }));
  withVersions.sort((a, b) => compareVersions(a.version, b.version) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < withVersions.length; i++) {
    const a = withVersions[i - 1] as { name: string; version: string };
    const b = withVersions[i] as { name: string; version: string };
    if (compareVersions(a.version, b.version) === 0) {
      throw new TenantryError('USAGE', `Migration files ${a.name} and ${b.name} both have version ${a.version}. Give each file its own version number.`);
    }
  }
  return withVersions;
}
