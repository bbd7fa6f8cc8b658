/**
 * The local sandbox cluster: its status, start and stop, and what the rest of
 * the handlers need of it (its profile when a request targets it, its row in
 * the connection list). A start that fails is remembered until the next one.
 */
import { SANDBOX_CONNECTION_ID, type ConnectionSummary, type Handlers, type SandboxStatus } from '../../core/api/contract.js';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { describeSandboxTerminal } from '../../core/connection/sandbox-terminal.js';
import { TenantryError } from '../../core/errors.js';
import type { Sandbox } from '../services/sandbox/sandbox.js';
import type { Emit } from './jobs.js';
import type { PoolKeeper } from './pool-keeper.js';

export interface SandboxArea {
  handlers: Pick<Handlers, 'sandbox:status' | 'sandbox:start' | 'sandbox:stop'>;
  /** The running sandbox's profile, starting it first when it is not running. */
  profile(): Promise<ConnectionProfile>;
  /** The sandbox's entry in the connection list (without password). */
  summary(): ConnectionSummary;
  /** The running sandbox's passfile (for copied psql commands), if it runs. */
  passfile(): string | undefined;
}

/** Builds the sandbox handlers over one Sandbox. */
export function createSandboxArea(deps: { sandbox: Sandbox; emit: Emit; keeper: PoolKeeper }): SandboxArea {
  const { sandbox } = deps;
  let sandboxError: TenantryError | undefined;
  let starting = false;

  function status(): SandboxStatus {
    const info = sandbox.running;
    if (info) {
      const terminal = describeSandboxTerminal({ port: info.port, socketDir: info.baseDir, user: 'postgres', database: info.database, passfile: info.passfile, osUser: info.osUser });
      return { state: 'running', port: info.port, dataDir: sandbox.directory, serverVersion: info.serverVersion, connectionId: SANDBOX_CONNECTION_ID, database: info.database, templateSchema: info.templateSchema, terminal };
    }
    if (starting) return { state: 'starting', dataDir: sandbox.directory };
    return sandboxError ? { state: 'failed', dataDir: sandbox.directory, error: sandboxError.toInfo() } : { state: 'stopped', dataDir: sandbox.directory };
  }

  async function start(): Promise<SandboxStatus> {
    starting = true;
    sandboxError = undefined;
    deps.emit('sandbox:status', status());
    try {
      await sandbox.start();
    } catch (error) {
      sandboxError = error instanceof TenantryError ? error : new TenantryError('SANDBOX_FAILED', 'The local sandbox did not start.', { detail: String(error), cause: error });
    } finally {
      starting = false;
    }
    const current = status();
    deps.emit('sandbox:status', current);
    if (sandboxError) throw sandboxError;
    return current;
  }

  return {
    handlers: {
      'sandbox:status': async () => status(),
      'sandbox:start': async () => start(),
      async 'sandbox:stop'() {
        // No background pool work may outlive the server it talks to.
        await deps.keeper.forgetConnection(SANDBOX_CONNECTION_ID);
        await sandbox.stop();
        const current = status();
        deps.emit('sandbox:status', current);
        return current;
      },
    },
    async profile() {
      const info = sandbox.running ?? (await start(), sandbox.running);
      if (!info) throw new TenantryError('SANDBOX_FAILED', 'The local sandbox is not running. Start it from the Connections view.');
      return { ...info.profile };
    },
    passfile: () => sandbox.running?.passfile,
    summary() {
      const info = sandbox.running;
      const profile: ConnectionProfile = info ? { ...info.profile } : { host: '127.0.0.1', user: 'postgres', database: 'tenantry_demo', sslmode: 'disable' };
      delete profile.password;
      return { id: SANDBOX_CONNECTION_ID, name: 'Local sandbox', profile, hasPassword: Boolean(info), sandbox: true };
    },
  };
}
