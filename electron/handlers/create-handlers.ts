/**
 * The one handler map over the services, served by both transports (IPC in
 * the desktop app, HTTP in web mode). Handlers receive validated requests
 * (core/api/validate.ts) and return plain data; long work becomes a job.
 */
import type { AppInfo, ConnectionSummary, ConnectionTarget, DatabaseSummary, Handlers, SandboxStatus, ServerInfo } from '../../core/api/contract.js';
import { formatConnectionUri, parseConnectionString } from '../../core/connection/connection-string.js';
import type { ConnectionProfile } from '../../core/connection/profile.js';
// core's snapshot checksums and seals through node:crypto (installed on import).
import '../services/snapshot/native-sha256.js';
import { TenantryError } from '../../core/errors.js';
import { openClient } from '../services/connection/open-connection.js';
import { applyDefaults } from '../services/connection/defaults.js';
import { dumpSchema } from '../services/dump/dump-schema.js';
import { Sandbox } from '../services/sandbox/sandbox.js';
import { listSchemas } from '../services/catalog/list-schemas.js';
import { ConnectionStore } from './connection-store.js';
import { HistoryStore } from './history-store.js';
import { JobRegistry, type Emit } from './jobs.js';
import type { SecretStore } from './secrets.js';
import { SnapshotStore } from './snapshot-store.js';
import { createEngineHandlers } from './engine-handlers.js';
import { createFileHandlers } from './file-handlers.js';
import { createPoolHandlers } from './pool-handlers.js';
import { PoolKeeper } from './pool-keeper.js';
import { EngineThread } from './engine-thread.js';

export const SANDBOX_CONNECTION_ID = 'sandbox';

export interface HandlerDeps {
  mode: 'desktop' | 'web';
  version: string;
  dataDir: string;
  secrets: SecretStore;
  emit: Emit;
  /** Desktop only: the main-process file dialog. Returns null when cancelled. */
  pickFile?: (purpose: 'open' | 'save', filters: { name: string; extensions: string[] }[], title: string) => Promise<string | null>;
  /** Environment for binary discovery (TENANTRY_PG_BIN, PATH). */
  env?: NodeJS.ProcessEnv;
  /** Background warm-pool upkeep: retry delay when another session holds the fill lock (tests shorten it). */
  poolBusyRetryMs?: number;
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
  const history = new HistoryStore(deps.dataDir);
  const keeper = new PoolKeeper(deps.emit, deps.poolBusyRetryMs !== undefined ? { busyRetryMs: deps.poolBusyRetryMs } : {});
  let sandboxError: TenantryError | undefined;
  let sandboxStarting = false;

  function sandboxStatus(): SandboxStatus {
    const info = sandbox.running;
    if (info) {
      return { state: 'running', port: info.port, dataDir: sandbox.directory, serverVersion: info.serverVersion, connectionId: SANDBOX_CONNECTION_ID, database: info.database, templateSchema: info.templateSchema };
    }
    if (sandboxStarting) return { state: 'starting', dataDir: sandbox.directory };
    return sandboxError ? { state: 'failed', dataDir: sandbox.directory, error: sandboxError.toInfo() } : { state: 'stopped', dataDir: sandbox.directory };
  }

  async function startSandbox(): Promise<SandboxStatus> {
    sandboxStarting = true;
    sandboxError = undefined;
    deps.emit('sandbox:status', sandboxStatus());
    try {
      await sandbox.start();
    } catch (error) {
      sandboxError = error instanceof TenantryError ? error : new TenantryError('SANDBOX_FAILED', 'The local sandbox did not start.', { detail: String(error), cause: error });
    } finally {
      sandboxStarting = false;
    }
    const status = sandboxStatus();
    deps.emit('sandbox:status', status);
    if (sandboxError) throw sandboxError;
    return status;
  }

  /** The full profile (with secrets) and a display name for a target. */
  async function resolveTarget(target: ConnectionTarget): Promise<{ name: string; profile: ConnectionProfile }> {
    let resolved: { name: string; profile: ConnectionProfile };
    if (target.connectionId === SANDBOX_CONNECTION_ID) {
      const info = sandbox.running ?? (await startSandbox(), sandbox.running);
      if (!info) throw new TenantryError('SANDBOX_FAILED', 'The local sandbox is not running. Start it from the Connections view.');
      resolved = { name: 'Local sandbox', profile: { ...info.profile } };
    } else if (target.connectionId) {
      resolved = connections.resolve(target.connectionId);
    } else if (target.profile) {
      resolved = { name: 'Unsaved connection', profile: { ...target.profile } };
    } else {
      throw new TenantryError('INVALID_REQUEST', 'Choose a connection first.');
    }
    if (target.database) resolved.profile.database = target.database;
    resolved.profile = applyDefaults(resolved.profile);
    return resolved;
  }

  function sandboxSummary(): ConnectionSummary {
    const info = sandbox.running;
    const profile: ConnectionProfile = info ? { ...info.profile } : { host: '127.0.0.1', user: 'postgres', database: 'tenantry_demo', sslmode: 'disable' };
    delete profile.password;
    return { id: SANDBOX_CONNECTION_ID, name: 'Local sandbox', profile, hasPassword: Boolean(info), sandbox: true };
  }

  const binaryOptions = { env: deps.env ?? process.env };
  const engineThread = new EngineThread();
  const engine = createEngineHandlers({ jobs, snapshots, history, resolveTarget, binaryOptions, pickFile: deps.pickFile, keeper, engine: engineThread });
  const pool = createPoolHandlers({ jobs, snapshots, history, resolveTarget, keeper });
  const files = createFileHandlers({ mode: deps.mode, pickFile: deps.pickFile, jobs, resolveTarget, binaryOptions });

  const handlers: Handlers = {
    async 'app:info'(): Promise<AppInfo> {
      const passwordStorage = { kind: deps.secrets.kind, ...(deps.secrets.note !== undefined ? { note: deps.secrets.note } : {}) };
      return { mode: deps.mode, version: deps.version, dataDir: deps.dataDir, canPickFiles: Boolean(deps.pickFile), platform: process.platform, passwordStorage };
    },
    'sandbox:status': async () => sandboxStatus(),
    'sandbox:start': async () => startSandbox(),
    async 'sandbox:stop'() {
      // No background pool work may outlive the server it talks to.
      await keeper.forgetConnection(SANDBOX_CONNECTION_ID);
      await sandbox.stop();
      const status = sandboxStatus();
      deps.emit('sandbox:status', status);
      return status;
    },
    'connections:list': async () => [sandboxSummary(), ...connections.list()],
    async 'connections:save'(draft) {
      if (draft.id === SANDBOX_CONNECTION_ID) throw new TenantryError('INVALID_REQUEST', 'The local sandbox cannot be edited; save a copy under another name.');
      // The connection's settings change: background pool work on the old ones stops (the next claim starts it anew).
      if (draft.id) void keeper.forgetConnection(draft.id);
      return connections.save(draft);
    },
    async 'connections:delete'({ id }) {
      if (id === SANDBOX_CONNECTION_ID) throw new TenantryError('INVALID_REQUEST', 'The local sandbox cannot be deleted; stop it instead.');
      void keeper.forgetConnection(id);
      return { deleted: connections.delete(id) };
    },
    async 'connections:test'(target): Promise<ServerInfo> {
      const { profile } = await resolveTarget(target);
      const started = performance.now();
      const client = await openClient(profile);
      try {
        const r = await client.query<{ v: string; u: string; d: string; ssl: boolean | null; detail: string | null }>(
          `select current_setting('server_version') as v, current_user as u, current_database() as d,
                  (select ssl from pg_catalog.pg_stat_ssl where pid = pg_backend_pid()) as ssl,
                  (select version || ' ' || cipher from pg_catalog.pg_stat_ssl where pid = pg_backend_pid() and ssl) as detail`,
        );
        const row = r.rows[0];
        return {
          serverVersion: row?.v ?? '',
          user: row?.u ?? '',
          database: row?.d ?? '',
          ssl: Boolean(row?.ssl),
          ...(row?.detail ? { sslDetail: row.detail } : {}),
          elapsedMs: Math.round(performance.now() - started),
        };
      } finally {
        await client.end();
      }
    },
    'connections:parse-uri': async ({ uri }) => parseConnectionString(uri.trim()),
    'connections:format-uri': async ({ profile }) => ({ uri: formatConnectionUri(profile) }),
    'connections:diagnose': files['connections:diagnose'],
    'files:pick': files['files:pick'],
    'files:inspect': files['files:inspect'],
    async 'schemas:databases'(target): Promise<DatabaseSummary[]> {
      const { profile } = await resolveTarget(target);
      const client = await openClient(profile);
      try {
        const r = await client.query<{ name: string; owner: string; size: string }>(
          `select datname as name, pg_catalog.pg_get_userbyid(datdba) as owner,
                  case when has_database_privilege(datname, 'CONNECT') then pg_catalog.pg_database_size(datname) else 0 end::bigint as size
             from pg_catalog.pg_database where datallowconn and not datistemplate order by datname`,
        );
        return r.rows.map((row) => ({ name: row.name, owner: row.owner, sizeBytes: Number(row.size) }));
      } finally {
        await client.end();
      }
    },
    async 'schemas:list'(target) {
      const { profile } = await resolveTarget(target);
      return listSchemas(profile);
    },
    async 'dump:start'(request) {
      const { profile } = await resolveTarget(request.target);
      const jobId = jobs.start('dump', async (ctx) => {
        ctx.progress({ message: `Running pg_dump for schema ${request.schema}…` });
        const dump = await dumpSchema(profile, {
          schema: request.schema,
          noOwner: request.options.noOwner,
          noPrivileges: request.options.noPrivileges,
          signal: ctx.signal,
          onStderrLine: (line) => ctx.log(line),
          ...binaryOptions,
        });
        ctx.progress({ message: `Dumped ${dump.bytes} bytes with pg_dump ${dump.pgDump.version}.`, bytes: dump.bytes });
        return engine.enrichDump(profile, dump, request.options.ledgerTables, request.options.noOwner, ctx.signal, request.options.noPrivileges);
      });
      return { jobId };
    },
    'job:cancel': async ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
    'snapshot:build': engine['snapshot:build'],
    'snapshot:save': engine['snapshot:save'],
    'snapshot:list': async () => snapshots.list(),
    'snapshot:read': async ({ id }) => snapshots.read(id),
    'snapshot:open-file': engine['snapshot:open-file'],
    'tenant:check-name': engine['tenant:check-name'],
    'provision:start': engine['provision:start'],
    'provision:verify': engine['provision:verify'],
    'provision:history': async () => history.list(),
    'pool:status': pool['pool:status'],
    'pool:size': pool['pool:size'],
    'pool:fill': pool['pool:fill'],
    'pool:empty': pool['pool:empty'],
    'pool:claim': pool['pool:claim'],
  };

  return {
    handlers,
    jobs,
    sandbox,
    poolKeeper: keeper,
    async shutdown() {
      jobs.cancelAll();
      await engineThread.close().catch(() => undefined);
      await keeper.stopAll().catch(() => undefined);
      await sandbox.stop().catch(() => undefined);
    },
    shutdownSync() {
      jobs.cancelAll();
      void engineThread.close();
      keeper.abortAll();
      sandbox.stopSync();
    },
  };
}
