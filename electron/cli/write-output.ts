/**
 * Output files of the CLI commands (-o, --report): a missing folder or a
 * read-only place becomes a clear error, checked before long work starts,
 * instead of "unexpected error (a bug)" and a stack trace after the dump.
 */
import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TenantryError } from '../../core/errors.js';

function writeError(path: string, error: unknown): TenantryError {
  const e = error as NodeJS.ErrnoException;
  const why =
    e.code === 'ENOENT' ? `the folder ${dirname(path)} does not exist` : e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS' ? 'permission denied' : e.code === 'EISDIR' ? 'it is a folder' : e.message;
  return new TenantryError('FILE_WRITE_FAILED', `Cannot write ${path}: ${why}. Choose another path with -o (or create the folder).`, { cause: error });
}

/** Fails early when `path` cannot be written: its folder is missing or read-only, or it is a folder. */
export async function checkOutputPath(path: string): Promise<void> {
  try {
    await access(dirname(path), constants.W_OK);
  } catch (error) {
    throw writeError(path, error);
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw writeError(path, Object.assign(new Error('is a directory'), { code: 'EISDIR' }));
}

/** writeFile with the failure explained; text may come in parts (a snapshot's head and body), written in order. */
export async function writeOutputFile(path: string, text: string | readonly string[], options: { mode?: number } = {}): Promise<void> {
  try {
    await writeFile(path, text, options);
  } catch (error) {
    throw writeError(path, error);
  }
}
