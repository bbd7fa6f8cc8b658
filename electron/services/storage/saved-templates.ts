/**
 * The template schemas of the snapshots the app saved (<data>/snapshots/*.sql):
 * schemas that are not tenants, so no tenant may take their name and `drop`
 * refuses them (core/tenant/tenant-name.ts, protectedNames).
 */
import { openSync, readSync, closeSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// The header is one JSON line near the top; "schema" is its second key, so the first few KB hold it.
const HEAD_BYTES = 16_384;
const SCHEMA_FIELD = /"schema"\s*:\s*("(?:[^"\\]|\\.)*")/;

/** The `schema` of every snapshot file in `snapshotsDir` (none when the folder does not exist; unreadable files are skipped). */
export function listSavedTemplateSchemas(snapshotsDir: string): string[] {
  let files: string[];
  try {
    files = readdirSync(snapshotsDir).filter((f) => f.endsWith('.sql'));
  } catch {
    return [];
  }
  const schemas = new Set<string>();
  for (const file of files) {
    const schema = readTemplateSchema(join(snapshotsDir, file));
    if (schema !== undefined) schemas.add(schema);
  }
  return [...schemas];
}

function readTemplateSchema(path: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buffer, 0, HEAD_BYTES, 0);
    const match = SCHEMA_FIELD.exec(buffer.toString('utf8', 0, n));
    if (!match?.[1]) return undefined;
    const schema: unknown = JSON.parse(match[1]);
    return typeof schema === 'string' && schema.length > 0 ? schema : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
