/**
 * Web mode's guards against other pages and other machines: the token, the
 * Host header (DNS rebinding), the Origin, and static paths outside the UI.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../../electron/handlers/create-handlers.js';
import { createEventHub } from '../../../electron/handlers/event-hub.js';
import { createMemorySecretStore } from '../../../electron/handlers/secrets.js';
import { startWebServer, type WebServer } from '../../../electron/server/web-server.js';

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function send(server: WebServer, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method: options.method ?? 'GET', headers: { Host: `127.0.0.1:${server.port}`, ...options.headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

describe('web-mode server', () => {
  let server: WebServer;
  let root: string;
  const invoke = (channel: string, payload: unknown, headers: Record<string, string> = {}) =>
    send(server, `/api/invoke/${channel}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Tenantry-Token': server.token, ...headers }, body: JSON.stringify(payload) });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tenantry-web-'));
    const staticDir = join(root, 'renderer');
    mkdirSync(staticDir);
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(root, 'secret.txt'), 'outside the UI folder');
    const events = createEventHub();
    const backend = createBackend({ mode: 'web', version: 't', dataDir: join(root, 'data'), secrets: createMemorySecretStore(), emit: events.emit });
    server = await startWebServer({ handlers: backend.handlers, events, staticDir });
  });
  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 with a long random token in the printed address', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[A-Za-z0-9_-]{32}$`));
  });

  it('serves the handler map to a request with the token', async () => {
    const reply = await invoke('app:info', {});
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: true, value: { mode: 'web', canPickFiles: false } });
  });

  it.each([
    ['no token', {}],
    ['a wrong token', { 'X-Tenantry-Token': 'x'.repeat(32) }],
  ])('refuses API calls with %s', async (_label, headers) => {
    const reply = await send(server, '/api/invoke/app:info', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: '{}' });
    expect(reply.status).toBe(401);
  });

  it('refuses a Host header naming another site (DNS rebinding)', async () => {
    const reply = await invoke('app:info', {}, { Host: `evil.example:${server.port}` });
    expect(reply.status).toBe(403);
    expect((await send(server, '/', { headers: { Host: 'evil.example' } })).status).toBe(403);
  });

  it('refuses cross-origin requests even with the token', async () => {
    expect((await invoke('app:info', {}, { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await invoke('app:info', {}, { Origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
  });

  it('refuses form posts (only application/json)', async () => {
    const reply = await send(server, '/api/invoke/app:info', { method: 'POST', headers: { 'Content-Type': 'text/plain', 'X-Tenantry-Token': server.token }, body: '{}' });
    expect(reply.status).toBe(415);
  });

  it('validates payloads and answers errors as data', async () => {
    const reply = await invoke('connections:delete', { id: 'a', extra: 1 });
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    const unknown = await invoke('child_process:exec', {});
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });

  it('serves the UI with the CSP and nothing outside its folder', async () => {
    const index = await send(server, '/');
    expect(index.status).toBe(200);
    expect(String(index.headers['content-security-policy'])).toMatch(/^default-src 'none'/);
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/../../secret.txt']) {
      const reply = await send(server, path);
      expect(reply.body, path).not.toContain('outside the UI folder');
    }
  });

  it('requires the token for the event stream', async () => {
    expect((await send(server, '/api/events')).status).toBe(401);
  });
});
