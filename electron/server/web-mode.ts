/**
 * Web mode: the backend with in-memory secrets, served by the web server.
 * Used by `tenantry ui` and by `npm start` where no Electron binary exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend, type Backend } from '../handlers/create-handlers.js';
import { resolveDataDir } from '../services/storage/data-dir.js';
import { createEventHub } from '../handlers/event-hub.js';
import { createMemorySecretStore } from '../services/storage/secrets.js';
import { installProcessGuards } from '../handlers/process-guards.js';
import { startWebServer, type WebServer } from './web-server.js';

export interface WebModeOptions {
  port?: number;
  env?: NodeJS.ProcessEnv;
  staticDir?: string;
  /** This process is web mode's own (`tenantry ui`): log escaped errors instead of dying, stop the sandbox at exit. */
  guardProcess?: boolean;
}

/** Finds the built renderer (dist/renderer) from the source or the compiled tree. */
export function findRendererDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    for (const candidate of [join(dir, 'renderer'), join(dir, 'dist', 'renderer')]) {
      if (existsSync(join(candidate, 'index.html'))) return candidate;
    }
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'renderer');
}

function readVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    dir = dirname(dir);
  }
  return '0.0.0';
}

/** Starts web mode; resolves with the server (its url holds the token) and the backend. */
export async function startWebMode(options: WebModeOptions = {}): Promise<{ server: WebServer; backend: Backend; dataDir: string; close(): Promise<void> }> {
  const env = options.env ?? process.env;
  const dataDir = resolveDataDir(env);
  const events = createEventHub();
  const backend = createBackend({ mode: 'web', version: readVersion(), dataDir, secrets: createMemorySecretStore(), emit: events.emit, env });
  const removeGuards = options.guardProcess ? installProcessGuards({ log: (line) => process.stderr.write(line), onExit: () => backend.shutdownSync() }) : undefined;
  const server = await startWebServer({ handlers: backend.handlers, events, staticDir: options.staticDir ?? findRendererDir(), port: options.port ?? 0 });
  return {
    server,
    backend,
    dataDir,
    async close() {
      try {
        await server.close();
        await backend.shutdown();
      } finally {
        removeGuards?.();
      }
    },
  };
}
