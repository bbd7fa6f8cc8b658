/**
 * Handlers over the snapshot engine (core/snapshot) and the provision and
 * verify services.
 */
import type { ConnectionTarget, DumpResult, Handlers } from '../../core/api/contract.js';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { TenantryError } from '../../core/errors.js';
import type { BinarySearchOptions } from '../services/binaries.js';
import type { SchemaDump } from '../services/dump.js';
import type { HistoryStore } from './history-store.js';
import type { JobRegistry } from './jobs.js';
import type { SnapshotStore } from './snapshot-store.js';
import { openClient } from '../services/catalog/connect.js';
import { readCatalogFacts } from '../services/catalog/read-catalog-facts.js';
import { readLedgers } from '../services/ledger.js';
import { verifyTenant } from '../services/verify.js';

export interface EngineDeps {
  jobs: JobRegistry;
  snapshots: SnapshotStore;
  history: HistoryStore;
  resolveTarget(target: ConnectionTarget): Promise<{ name: string; profile: ConnectionProfile }>;
  binaryOptions: BinarySearchOptions;
  pickFile?: (purpose: 'open' | 'save', filters: { name: string; extensions: string[] }[], title: string) => Promise<string | null>;
}

type EngineHandlers = Pick<Handlers, 'snapshot:build' | 'snapshot:save' | 'snapshot:open-file' | 'tenant:check-name' | 'provision:start' | 'provision:verify'> & {
  enrichDump(profile: ConnectionProfile, dump: SchemaDump, ledgerTables: string[], signal: AbortSignal): Promise<DumpResult>;
};

const notYet = (): never => {
  throw new TenantryError('NOT_AVAILABLE', 'This part of the engine is not available in this build yet.');
};

/** Builds the engine handlers. */
export function createEngineHandlers(deps: EngineDeps): EngineHandlers {
  return {
    async enrichDump(profile, dump, ledgerTables, signal) {
      // The catalog decides which names belong to the template; the ledger rows travel with the snapshot.
      const client = await openClient(profile);
      try {
        const catalog = await readCatalogFacts(client, dump.schema);
        if (signal.aborted) throw new TenantryError('CANCELLED', 'Cancelled.');
        const ledger = await readLedgers(client, dump.schema, ledgerTables);
        const sql = ledger.sql ? `${dump.sql.replace(/\s*$/, '\n')}\n${ledger.sql}` : dump.sql;
        return { ...dump, sql, bytes: new TextEncoder().encode(sql).length, catalog, ledgerTables: ledger.tables.map((t) => `${t.name} (${t.rows} rows)`) };
      } finally {
        await client.end();
      }
    },
    'snapshot:build': async () => notYet(),
    async 'snapshot:save'({ name, text, toPickedFile }) {
      const info = deps.snapshots.save(name, text);
      if (toPickedFile && deps.pickFile) {
        const path = await deps.pickFile('save', [{ name: 'Snapshots', extensions: ['sql'] }], 'Save snapshot');
        if (path) (await import('node:fs')).writeFileSync(path, text, { mode: 0o600 });
      }
      return info;
    },
    async 'snapshot:open-file'() {
      if (!deps.pickFile) throw new TenantryError('NOT_AVAILABLE', 'Opening files from disk needs the desktop app; in the browser, pick a saved snapshot from the list.');
      const path = await deps.pickFile('open', [{ name: 'Snapshots', extensions: ['sql'] }], 'Open snapshot');
      return path ? deps.snapshots.import(path) : null;
    },
    'tenant:check-name': async () => notYet(),
    'provision:start': async () => notYet(),
    async 'provision:verify'({ target, snapshotId, tenant }) {
      const { info } = deps.snapshots.read(snapshotId);
      if (!info.schema) throw new TenantryError('SNAPSHOT_INVALID', 'This snapshot does not name its template schema, so there is nothing to compare the tenant with.');
      const { profile } = await deps.resolveTarget(target);
      const result = await verifyTenant(profile, { template: info.schema, tenant });
      deps.history.markVerified(tenant, profile.database ?? '', result.equal && result.isolated);
      return result;
    },
  };
}
