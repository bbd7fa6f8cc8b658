/**
 * snapshot:build runs in a worker thread: while a big build runs, web mode
 * still answers other requests. It used to run on the server's own thread, so
 * a dump with millions of references stopped every request for a minute.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../../core/errors.js';
import { createBackend, type Backend } from '../../../electron/handlers/create-handlers.js';
import { createEventHub } from '../../../electron/handlers/event-hub.js';
import { createMemorySecretStore } from '../../../electron/services/storage/secrets.js';
import { startWebServer, type WebServer } from '../../../electron/server/web-server.js';

function invoke(server: WebServer, channel: string, payload: unknown): Promise<Result<unknown>> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify(payload);
    const req = request({ host: '127.0.0.1', port: server.port, path: `/api/invoke/${channel}`, method: 'POST', headers: { Host: `127.0.0.1:${server.port}`, 'Content-Type': 'application/json', 'X-Tenantry-Token': server.token } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve(JSON.parse(text) as Result<unknown>));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A template of `tables` tables, each named twice: a second or more of engine work for 1,000 on a busy machine. */
function bigDump(tables: number): string {
  const lines = ['create schema big;'];
  for (let i = 0; i < tables; i++) lines.push(`create table big.t${i} (id int); comment on table big.t${i} is 'table ${i}';`);
  return lines.join('\n');
}

describe('snapshot:build off the request thread', () => {
  let root: string;
  let backend: Backend;
  let server: WebServer;
  let buildStarted: Promise<void>;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tenantry-engine-'));
    const events = createEventHub();
    backend = createBackend({ mode: 'web', version: 't', dataDir: join(root, 'data'), secrets: createMemorySecretStore(), emit: events.emit });
    // Note when the build's handler starts: from then on the server must still answer.
    const build = backend.handlers['snapshot:build'];
    let started: () => void = () => undefined;
    buildStarted = new Promise((resolve) => (started = resolve));
    backend.handlers['snapshot:build'] = (req) => {
      started();
      return build(req);
    };
    server = await startWebServer({ handlers: backend.handlers, events, staticDir: root });
  });
  afterAll(async () => {
    await server.close();
    await backend.shutdown();
    rmSync(root, { recursive: true, force: true });
  });

  it('answers a cheap request while a big build runs', async () => {
    const order: string[] = [];
    const build = invoke(server, 'snapshot:build', { sql: bigDump(1000), schema: 'big', placeholder: 'tenant', minify: false, skip: [] }).then((r) => {
      order.push('snapshot:build');
      return r;
    });
    await buildStarted;
    const info = await invoke(server, 'app:info', {});
    order.push('app:info');
    expect(info).toMatchObject({ ok: true, value: { mode: 'web' } });
    const built = await build;
    expect(built.ok).toBe(true);
    expect(built.ok && (built.value as { references: unknown[] }).references).toHaveLength(2001);
    expect(order).toEqual(['app:info', 'snapshot:build']);
  }, 60_000);

  it('brings an engine error back with its code and message', async () => {
    const reply = await invoke(server, 'snapshot:build', { sql: "create table big.t (note text default 'open", schema: 'big', placeholder: 'tenant', minify: false, skip: [] });
    expect(reply).toMatchObject({ ok: false, error: { code: 'SQL_UNTERMINATED_STRING' } });
  });
});
