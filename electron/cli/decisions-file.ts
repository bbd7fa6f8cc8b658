/** Reading a decisions file (`--decisions FILE`) for `tenantry template` and `tenantry snapshot`. */
import { readFile } from 'node:fs/promises';
import { TenantryError } from '../../core/errors.js';
import { parseDecisions, type ReferenceDecisions } from '../../core/snapshot/reference-ids.js';

/** Reads and checks a decisions file (JSON, see core/snapshot/reference-ids.ts). */
export async function readDecisionsFile(path: string): Promise<ReferenceDecisions> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new TenantryError('FILE_NOT_FOUND', `The decisions file ${path} does not exist. Check the path.`, { cause: error });
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TenantryError('INVALID_DECISIONS', `The decisions file ${path} is not valid JSON (${(error as Error).message}). Write it as tenantry template --export-decisions does.`, { cause: error });
  }
  return parseDecisions(value, `The decisions file ${path}`);
}
