/** Handlers for file pickers and file facts. */
import type { FilePurpose, Handlers } from '../../core/api/contract.js';
import { TenantryError } from '../../core/errors.js';
import { inspectFile } from '../services/diagnostics/file-facts.js';
import { completePath } from '../services/storage/complete-path.js';

const FILTERS: Record<FilePurpose, { name: string; extensions: string[] }[]> = {
  sslrootcert: [{ name: 'Certificates', extensions: ['crt', 'pem', 'cer'] }, { name: 'All files', extensions: ['*'] }],
  sslcert: [{ name: 'Certificates', extensions: ['crt', 'pem', 'cer'] }, { name: 'All files', extensions: ['*'] }],
  sslkey: [{ name: 'Keys', extensions: ['key', 'pem'] }, { name: 'All files', extensions: ['*'] }],
  sslcrl: [{ name: 'CRLs', extensions: ['crl', 'pem'] }, { name: 'All files', extensions: ['*'] }],
  // OpenSSH private keys usually have no extension (id_ed25519).
  'ssh-key': [{ name: 'All files', extensions: ['*'] }, { name: 'PEM keys', extensions: ['pem', 'key'] }],
  'snapshot-open': [{ name: 'Snapshots', extensions: ['sql'] }],
  'snapshot-save': [{ name: 'Snapshots', extensions: ['sql'] }],
  'tenant-csv': [{ name: 'CSV', extensions: ['csv', 'txt'] }],
  // A migration file (a folder is typed: one of its .sql files' folder).
  migration: [{ name: 'Migrations', extensions: ['sql'] }],
};

export interface FileHandlerDeps {
  mode: 'desktop' | 'web';
  /** The home folder completions stay under (default the OS user's). */
  home?: string;
  pickFile?: (purpose: 'open' | 'save', filters: { name: string; extensions: string[] }[], title: string) => Promise<string | null>;
}

/** Builds the file handlers. */
export function createFileHandlers(deps: FileHandlerDeps): Pick<Handlers, 'files:pick' | 'files:inspect' | 'files:complete'> {
  return {
    async 'files:pick'({ purpose }) {
      if (!deps.pickFile) throw new TenantryError('NOT_AVAILABLE', 'File dialogs exist only in the desktop app; in the browser, type the path on the server.');
      const path = await deps.pickFile(purpose === 'snapshot-save' ? 'save' : 'open', FILTERS[purpose], `Choose ${purpose}`);
      return { path };
    },
    async 'files:inspect'({ path, purpose, certificatePath }) {
      return inspectFile(path, purpose, certificatePath);
    },
    'files:complete': async ({ prefix }) => completePath(prefix, deps.home !== undefined ? { home: deps.home } : {}),
  };
}
