/** Handlers over saved connections: list, save, delete, test, URIs and diagnostics. */
import { SANDBOX_CONNECTION_ID, type ConnectionSummary, type Handlers } from '../../core/api/contract.js';
import { formatConnectionUri, parseConnectionString } from '../../core/connection/connection-string.js';
import { TenantryError } from '../../core/errors.js';
import { readServerInfo } from '../services/catalog/read-server-info.js';
import type { ConnectionStore } from '../services/storage/connection-store.js';
import { runDiagnostics } from './diagnostics-adapter.js';
import type { JobRegistry } from './jobs.js';
import type { PoolKeeper } from './pool-keeper.js';
import type { ResolveTarget } from './resolve-target.js';

export interface ConnectionHandlerDeps {
  connections: ConnectionStore;
  keeper: PoolKeeper;
  jobs: JobRegistry;
  resolveTarget: ResolveTarget;
  sandboxSummary(): ConnectionSummary;
}

type ConnectionHandlers = Pick<Handlers, 'connections:list' | 'connections:save' | 'connections:delete' | 'connections:test' | 'connections:parse-uri' | 'connections:format-uri' | 'connections:diagnose'>;

/** Builds the connection handlers. */
export function createConnectionHandlers(deps: ConnectionHandlerDeps): ConnectionHandlers {
  return {
    'connections:list': async () => [deps.sandboxSummary(), ...deps.connections.list()],
    async 'connections:save'(draft) {
      if (draft.id === SANDBOX_CONNECTION_ID) throw new TenantryError('INVALID_REQUEST', 'The local sandbox cannot be edited; save a copy under another name.');
      // The connection's settings change: background pool work on the old ones stops (the next claim starts it anew).
      if (draft.id) void deps.keeper.forgetConnection(draft.id);
      return deps.connections.save(draft);
    },
    async 'connections:delete'({ id }) {
      if (id === SANDBOX_CONNECTION_ID) throw new TenantryError('INVALID_REQUEST', 'The local sandbox cannot be deleted; stop it instead.');
      void deps.keeper.forgetConnection(id);
      return { deleted: deps.connections.delete(id) };
    },
    async 'connections:test'(target) {
      const { profile } = await deps.resolveTarget(target);
      return readServerInfo(profile);
    },
    'connections:parse-uri': async ({ uri }) => parseConnectionString(uri.trim()),
    'connections:format-uri': async ({ profile }) => ({ uri: formatConnectionUri(profile) }),
    async 'connections:diagnose'(target) {
      const { profile } = await deps.resolveTarget(target);
      const jobId = deps.jobs.start('diagnostics', (ctx) => runDiagnostics(profile, ctx));
      return { jobId };
    },
  };
}
