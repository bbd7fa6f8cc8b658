/** The schemas no CLI command treats as a tenant beyond the fixed rules: the template schemas of the app's saved snapshots. */
import { join } from 'node:path';
import { findDataDir } from '../services/storage/data-dir.js';
import { listSavedTemplateSchemas } from '../services/storage/saved-templates.js';
import type { CliIo } from './command.js';

/** Template schemas of the snapshots saved in the app's data folder (TENANTRY_DATA_DIR or ~/.local/share/tenantry). */
export function listSavedTemplates(io: CliIo): string[] {
  return listSavedTemplateSchemas(join(findDataDir(io.env), 'snapshots'));
}
