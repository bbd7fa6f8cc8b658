/**
 * Web mode's guards against other pages and other machines: the token, the
 * Host header (DNS rebinding), the Origin, and static paths outside the UI.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBackend } from '../../../electron/handlers/create-handlers.js';
import { createEventHub } from '../../../electron/handlers/event-hub.js';
import { createMemorySecretStore } from '../../../electron/handlers/secrets.js';
import { MAX_BODY_BYTES, startWebServer, type WebServer } from '../../../electron/server/web-server.js';

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

  it('answers a malformed percent-encoding with 400, not a 500 and a stack trace', async () => {
    const logged = vi.spyOn(console, 'error');
    try {
      for (const path of ['/api/invoke/%E0%A4%A', '/%E0%A4%A', '/assets/%zz.js', '/api/invoke/app%3']) {
        const reply = await send(server, path, path.startsWith('/api/') ? { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Tenantry-Token': server.token }, body: '{}' } : {});
        expect(reply.status, path).toBe(400);
        expect(reply.body, path).toMatch(/malformed/);
      }
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it.each(['text/plain', 'application/jsonp', 'application/json-seq', 'application/json5', 'application/json; charset=latin1', 'application/json; boundary=x', 'multipart/form-data'])(
    'refuses the content type %s with 415',
    async (type) => {
      const reply = await send(server, '/api/invoke/app:info', { method: 'POST', headers: { 'Content-Type': type, 'X-Tenantry-Token': server.token }, body: '{}' });
      expect(reply.status).toBe(415);
      expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', userMessage: expect.stringMatching(/application\/json/) } });
    },
  );

  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"'])('accepts the content type %s', async (type) => {
    const reply = await invoke('app:info', {}, { 'Content-Type': type });
    expect(reply.status).toBe(200);
  });

  it('answers a body that is not JSON with 400 and a plain message', async () => {
    const reply = await send(server, '/api/invoke/app:info', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Tenantry-Token': server.token }, body: '{"a":' });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', userMessage: 'The request is not valid JSON.' } });
  });

  it('refuses a body announced larger than the cap with 413 before reading it', async () => {
    // Only the header claims the size: the answer must not wait for the body.
    const reply = await send(server, '/api/invoke/snapshot:save', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Tenantry-Token': server.token, 'Content-Length': String(MAX_BODY_BYTES + 1) }, body: '{' });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', userMessage: expect.stringMatching(/larger than \d+ MB/) } });
  });

  it('checks the tenant name of provision:verify before connecting anywhere', async () => {
    // A closed port: the old handler went on to connect (and with a real server, sent the NUL to PostgreSQL: INTERNAL).
    const reply = await invoke('provision:verify', { target: { profile: { host: '127.0.0.1', port: 1 } }, snapshotId: 'x.sql', tenant: 'acme\u0000' });
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'INVALID_TENANT_NAME' } });
  });

  it('requires the token for the event stream', async () => {
    expect((await send(server, '/api/events')).status).toBe(401);
  });
});

describe('web-mode server with a small body cap', () => {
  let server: WebServer;
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tenantry-web-cap-'));
    const events = createEventHub();
    const backend = createBackend({ mode: 'web', version: 't', dataDir: join(root, 'data'), secrets: createMemorySecretStore(), emit: events.emit });
    server = await startWebServer({ handlers: backend.handlers, events, staticDir: root, maxBodyBytes: 1024 });
  });
  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('refuses a chunked body that grows past the cap with 413, not "not valid JSON"', async () => {
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/api/invoke/snapshot:save', method: 'POST', headers: { Host: `127.0.0.1:${server.port}`, 'Content-Type': 'application/json', 'X-Tenantry-Token': server.token, 'Transfer-Encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(JSON.stringify({ name: 'x', text: 'y'.repeat(4096) }));
      req.end();
    });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });
});
