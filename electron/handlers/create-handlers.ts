/**
 * The one handler map over the services, served by both transports (IPC in
 * the desktop app, HTTP in web mode). Handlers receive validated requests
 * (core/api/validate.ts), make one service call and return plain data; long
 * work becomes a job. Each area builds its own map; this file joins them.
 */
import type { AppInfo, Handlers } from '../../core/api/contract.js';
// core's snapshot checksums and seals through node:crypto (installed on import).
import '../services/snapshot/native-sha256.js';
import { join } from 'node:path';
import { Sandbox } from '../services/sandbox/sandbox.js';
import { openKnownHosts } from '../services/ssh/known-hosts.js';
import { createTunnelCache } from '../services/ssh/tunnel-cache.js';
import { ConnectionStore } from '../services/storage/connection-store.js';
import { HistoryStore } from '../services/storage/history-store.js';
import type { SecretStore } from '../services/storage/secrets.js';
import { SnapshotStore } from '../services/storage/snapshot-store.js';
import { DumpCatalogs } from '../services/snapshot/dump-catalogs.js';
import { createConnectionHandlers } from './connection-handlers.js';
import { createCitusHandlers } from './citus-handlers.js';
import { createConsoleHandlers } from './console-handlers.js';
import { createSettingsHandlers } from './settings-handlers.js';
import { SettingsStore } from '../services/storage/settings-store.js';
import { createEngineHandlers } from './engine-handlers.js';
import { EngineThread } from './engine-thread.js';
import { createFileHandlers } from './file-handlers.js';
import { createFleetHandlers } from './fleet-handlers.js';
import { createMigrateHandlers } from './migrate-handlers.js';
import { JobRegistry, type Emit } from './jobs.js';
import { createPoolHandlers } from './pool-handlers.js';
import { PoolKeeper } from './pool-keeper.js';
import { createPublishHandlers } from './publish-handlers.js';
import { createTargetResolver } from './resolve-target.js';
import { createSandboxArea } from './sandbox-handlers.js';
import { createSchemaHandlers } from './schema-handlers.js';

export interface HandlerDeps {
  mode: 'desktop' | 'web';
  version: string;
  dataDir: string;
  /** Where the history log shared with the CLI lives (default dataDir; the desktop app's dataDir is Electron's, not the CLI's). */
  historyDir?: string;
  secrets: SecretStore;
  emit: Emit;
  /** Desktop only: the main-process file dialog. Returns null when cancelled. */
  pickFile?: (purpose: 'open' | 'save', filters: { name: string; extensions: string[] }[], title: string) => Promise<string | null>;
  /** Environment for binary discovery (TENANTRY_PG_BIN, PATH). */
  env?: NodeJS.ProcessEnv;
  /** Background warm-pool upkeep: retry delay when another session holds the fill lock (tests shorten it). */
  poolBusyRetryMs?: number;
  /** Rollouts: backoff base for lock-timeout retries (tests shorten it). */
  rolloutBackoffMs?: number;
}

export interface Backend {
  handlers: Handlers;
  jobs: JobRegistry;
  sandbox: Sandbox;
  /** Background upkeep of warm pools. */
  poolKeeper: PoolKeeper;
  /** Cancels jobs, stops background pool work and stops the sandbox. */
  shutdown(): Promise<void>;
  shutdownSync(): void;
}

/** Builds the services and the handler map over them. */
export function createBackend(deps: HandlerDeps): Backend {
  const jobs = new JobRegistry(deps.emit);
  const sandbox = new Sandbox({ dataDir: deps.dataDir, onLog: (line) => deps.emit('job:log', { jobId: 'sandbox', kind: 'sandbox', line }) });
  const connections = new ConnectionStore(deps.dataDir, deps.secrets);
  const snapshots = new SnapshotStore(deps.dataDir);
  const history = new HistoryStore(deps.historyDir ?? deps.dataDir, deps.dataDir);
  const keeper = new PoolKeeper(deps.emit, deps.poolBusyRetryMs !== undefined ? { busyRetryMs: deps.poolBusyRetryMs } : {});
  const engineThread = new EngineThread();
  const dumpCatalogs = new DumpCatalogs();
  const sandboxArea = createSandboxArea({ sandbox, emit: deps.emit, keeper });
  // The same known hosts as the CLI's (the data folder): a host key trusted in one is trusted in the other.
  const knownHosts = openKnownHosts(join(deps.dataDir, 'ssh-known-hosts.json'));
  const tunnels = createTunnelCache(knownHosts, { env: deps.env ?? process.env });
  const resolveTarget = createTargetResolver(connections, sandboxArea.profile, tunnels);
  const binaryOptions = { env: deps.env ?? process.env };

  const handlers = {
    async 'app:info'(): Promise<AppInfo> {
      const passwordStorage = { kind: deps.secrets.kind, ...(deps.secrets.note !== undefined ? { note: deps.secrets.note } : {}) };
      return { mode: deps.mode, version: deps.version, dataDir: deps.dataDir, canPickFiles: Boolean(deps.pickFile), platform: process.platform, passwordStorage };
    },
    'job:cancel': async ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
    ...sandboxArea.handlers,
    ...createConnectionHandlers({ connections, keeper, jobs, resolveTarget, knownHosts, sshEnv: deps.env ?? process.env, sandboxSummary: sandboxArea.summary, sandboxPassfile: sandboxArea.passfile }),
    ...createFileHandlers({ mode: deps.mode, pickFile: deps.pickFile }),
    ...createConsoleHandlers({ jobs, resolveTarget }),
    ...createCitusHandlers({ jobs, resolveTarget }),
    ...createSettingsHandlers(new SettingsStore(deps.dataDir)),
    ...createSchemaHandlers({ jobs, resolveTarget, binaryOptions, dumpCatalogs }),
    ...createEngineHandlers({ jobs, snapshots, history, resolveTarget, binaryOptions, pickFile: deps.pickFile, keeper, engine: engineThread, dumpCatalogs }),
    ...createPoolHandlers({ jobs, snapshots, history, resolveTarget, keeper }),
    ...createPublishHandlers({ snapshots, resolveTarget }),
    ...createFleetHandlers({ jobs, snapshots, resolveTarget }),
    ...createMigrateHandlers({ jobs, snapshots, history, resolveTarget, emit: deps.emit, ...(deps.rolloutBackoffMs !== undefined ? { backoffMs: deps.rolloutBackoffMs } : {}) }),
  } satisfies Handlers;

  return {
    handlers,
    jobs,
    sandbox,
    poolKeeper: keeper,
    async shutdown() {
      jobs.cancelAll();
      await engineThread.close().catch(() => undefined);
      await keeper.stopAll().catch(() => undefined);
      await tunnels.closeAll().catch(() => undefined);
      await sandbox.stop().catch(() => undefined);
    },
    shutdownSync() {
      jobs.cancelAll();
      void engineThread.close();
      keeper.abortAll();
      void tunnels.closeAll();
      sandbox.stopSync();
    },
  };
}
