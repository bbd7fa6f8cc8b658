/** Handlers over saved connections: list, save, delete, test, URIs and diagnostics. */
import { SANDBOX_CONNECTION_ID, type ConnectionSummary, type Handlers } from '../../core/api/contract.js';
import { formatConnectionUri, parseConnectionString } from '../../core/connection/connection-string.js';
import { sshHostKeyName } from '../../core/connection/ssh-settings.js';
import { TenantryError } from '../../core/errors.js';
import type { KnownHosts } from '../services/ssh/known-hosts.js';
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
  /** The SSH host keys trusted (shared with the CLI). */
  knownHosts: KnownHosts;
  /** Where SSH_AUTH_SOCK is read for the agent. */
  sshEnv: NodeJS.ProcessEnv;
  sandboxSummary(): ConnectionSummary;
  /** The running sandbox's passfile, named in the copied psql command of its diagnostics. */
  sandboxPassfile(): string | undefined;
}

/** OpenSSH's SHA-256 fingerprint: "SHA256:" and 43 characters of unpadded base64. */
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

type ConnectionHandlers = Pick<Handlers, 'connections:list' | 'connections:save' | 'connections:delete' | 'connections:test' | 'connections:parse-uri' | 'connections:format-uri' | 'connections:diagnose' | 'connections:trust-host-key'>;

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
      // The tunnel is opened by the diagnostics, step by step.
      const { profile } = await deps.resolveTarget(target, { keepSsh: true });
      const passfile = target.connectionId === SANDBOX_CONNECTION_ID ? deps.sandboxPassfile() : undefined;
      const jobId = deps.jobs.start('diagnostics', (ctx) => runDiagnostics(profile, ctx, { knownHosts: deps.knownHosts, env: deps.sshEnv }, passfile ? { passfile } : {}));
      return { jobId };
    },
    async 'connections:trust-host-key'({ host, port, fingerprint }) {
      if (!FINGERPRINT.test(fingerprint)) throw new TenantryError('INVALID_REQUEST', `"${fingerprint}" is not an SSH host key fingerprint (SHA256:… as ssh-keygen -l prints it).`);
      const name = sshHostKeyName({ host, ...(port !== undefined ? { port } : {}) });
      const trusted = deps.knownHosts.lookup(name);
      if (trusted !== undefined && trusted !== fingerprint) {
        // A changed key is never replaced from here: the user removes the old one knowingly.
        throw new TenantryError('SSH_HOST_KEY_MISMATCH', `${name} already has the trusted host key ${trusted}; ${fingerprint} is not trusted in its place. If the bastion really was reinstalled, remove its line from ssh-known-hosts.json in the data folder first.`, { detail: `expected ${trusted}\nseen ${fingerprint}` });
      }
      deps.knownHosts.trust(name, fingerprint);
      return { trusted: fingerprint };
    },
  };
}
