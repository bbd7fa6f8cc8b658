/**
 * Snapshot files the app saved, in <data>/snapshots. The renderer names a
 * snapshot; this store turns the name into a safe file name inside that folder
 * (the renderer never hands over a path of its own making).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { SnapshotFileInfo } from '../../../core/api/contract.js';
import { TenantryError } from '../../../core/errors.js';
import { listSavedTemplateSchemas } from './saved-templates.js';

/** A file name made of safe characters only. */
export function toSafeFileName(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/\.sql$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return (base || 'snapshot') + '.sql';
}

function readHeader(text: string): { schema: string; placeholder: string; createdAt: string } {
  // The snapshot header is a leading SQL comment block holding JSON (core/snapshot/format.ts).
  const head = text.slice(0, 8192);
  const pick = (key: string): string => new RegExp(`"${key}"\\s*:\\s*"([^"]*)"`).exec(head)?.[1] ?? '';
  return { schema: pick('schema'), placeholder: pick('placeholder'), createdAt: pick('createdAt') };
}

export class SnapshotStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'snapshots');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  private infoFor(fileName: string, text?: string): SnapshotFileInfo {
    const path = join(this.dir, fileName);
    const body = text ?? readFileSync(path, 'utf8');
    const header = readHeader(body);
    const stat = statSync(path);
    return {
      id: fileName,
      name: fileName.replace(/\.sql$/, ''),
      schema: header.schema,
      placeholder: header.placeholder,
      createdAt: header.createdAt || stat.mtime.toISOString(),
      bytes: stat.size,
      path,
    };
  }

  /** The template schemas of the saved snapshots: names no tenant may take (core/tenant/tenant-name.ts). */
  templateSchemas(): string[] {
    return listSavedTemplateSchemas(this.dir);
  }

  list(): SnapshotFileInfo[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => this.infoFor(f))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  save(name: string, text: string): SnapshotFileInfo {
    const fileName = toSafeFileName(name);
    writeFileSync(join(this.dir, fileName), text, { mode: 0o600 });
    return this.infoFor(fileName, text);
  }

  /** Copies a file the user picked (through the main-process dialog) into the store. */
  import(path: string): { info: SnapshotFileInfo; text: string } {
    const text = readFileSync(path, 'utf8');
    const digest = createHash('sha256').update(text).digest('hex').slice(0, 8);
    const info = this.save(`${basename(path).replace(/\.sql$/i, '')}-${digest}`, text);
    return { info, text };
  }

  /** Writes a copy to a file the user picked (through the main-process dialog), readable by the user only. */
  export(path: string, text: string): void {
    writeFileSync(path, text, { mode: 0o600 });
  }

  read(id: string): { info: SnapshotFileInfo; text: string } {
    const fileName = basename(id);
    if (fileName !== id || !fileName.endsWith('.sql') || !existsSync(join(this.dir, fileName))) {
      throw new TenantryError('FILE_NOT_FOUND', 'That snapshot is not in the snapshots folder any more. Save it again or pick another one.');
    }
    const text = readFileSync(join(this.dir, fileName), 'utf8');
    return { info: this.infoFor(fileName, text), text };
  }
}
