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
import { createMemorySecretStore } from '../../../electron/services/storage/secrets.js';
import { MAX_BODY_BYTES, startWebServer, type WebServer } from '../../../electron/server/web-server.js';
import { CODE_LIFETIME_MS, OneTimeCodes } from '../../../electron/server/web-session.js';

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

  it('listens on 127.0.0.1 and gives out addresses with a one-time code, never the token', () => {
    const address = server.newAddress();
    expect(address).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?code=[A-Za-z0-9_-]{32}$`));
    expect(address).not.toContain(server.token);
    expect(server.newAddress()).not.toBe(address);
  });

  it('exchanges a code once for an HttpOnly, SameSite=Strict session cookie and drops it from the address', async () => {
    const path = new URL(server.newAddress()).pathname + new URL(server.newAddress()).search;
    const first = await send(server, path);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toBe(`tenantry-${server.port}=${server.token}; Path=/; HttpOnly; SameSite=Strict`);
    const again = await send(server, path);
    expect(again.status).toBe(401);
    expect(again.body).toMatch(/already been used or has expired/);
    expect(again.headers['set-cookie']).toBeUndefined();
    // The cookie opens the app and the API.
    const session = { Cookie: `other=1; tenantry-${server.port}=${server.token}` };
    expect((await send(server, '/', { headers: session })).status).toBe(200);
    const api = await send(server, '/api/invoke/app:info', { method: 'POST', headers: { ...session, 'Content-Type': 'application/json' }, body: '{}' });
    expect(JSON.parse(api.body)).toMatchObject({ ok: true });
  });

  it('shows a plain page saying how to get an address when opened without a session', async () => {
    for (const headers of [{} as Record<string, string>, { Cookie: `tenantry-${server.port}=${'x'.repeat(32)}` }, { Cookie: `tenantry-${server.port + 1}=${server.token}` }]) {
      const page = await send(server, '/', { headers });
      expect(page.status).toBe(401);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toMatch(/press <kbd>Enter<\/kbd> in the terminal where <code>tenantry ui<\/code> is running/);
      expect(page.body).not.toContain('id="root"');
    }
    expect((await send(server, '/?token=' + server.token)).status).toBe(401);
    expect((await send(server, '/?code=' + 'y'.repeat(32))).status).toBe(401);
  });

  it('shows the page for a browser opening any other path without a session, and a plain 401 to scripts', async () => {
    for (const headers of [{ 'Sec-Fetch-Dest': 'document' }, { Accept: 'text/html,application/xhtml+xml' }] as Record<string, string>[]) {
      const page = await send(server, '/provision', { headers });
      expect(page.status).toBe(401);
      expect(page.body).toMatch(/Tenantry needs a fresh address/);
    }
    const script = await send(server, '/assets/index.js', { headers: { 'Sec-Fetch-Dest': 'script', Accept: '*/*' } });
    expect(script.status).toBe(401);
    expect(script.body).toBe('Unauthorized');
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
    const index = await send(server, '/', { headers: { 'X-Tenantry-Token': server.token } });
    expect(index.status).toBe(200);
    expect(String(index.headers['content-security-policy'])).toMatch(/^default-src 'none'/);
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/../../secret.txt']) {
      const reply = await send(server, path, { headers: { 'X-Tenantry-Token': server.token } });
      expect(reply.body, path).not.toContain('outside the UI folder');
    }
  });

  it('answers a malformed percent-encoding with 400, not a 500 and a stack trace', async () => {
    const logged = vi.spyOn(console, 'error');
    try {
      for (const path of ['/api/invoke/%E0%A4%A', '/%E0%A4%A', '/assets/%zz.js', '/api/invoke/app%3']) {
        const reply = await send(server, path, path.startsWith('/api/') ? { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Tenantry-Token': server.token }, body: '{}' } : { headers: { 'X-Tenantry-Token': server.token } });
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

  it('requires the session for the event stream, and never takes the token from the address', async () => {
    expect((await send(server, '/api/events')).status).toBe(401);
    expect((await send(server, `/api/events?token=${server.token}`)).status).toBe(401);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/api/events', headers: { Host: `127.0.0.1:${server.port}`, Cookie: `tenantry-${server.port}=${server.token}` } }, (res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
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

describe('one-time codes', () => {
  it('work once, and not after their lifetime', () => {
    let now = 1_000;
    const codes = new OneTimeCodes(() => now);
    const a = codes.issue();
    const b = codes.issue();
    expect(codes.redeem('')).toBe(false);
    expect(codes.redeem(a)).toBe(true);
    expect(codes.redeem(a)).toBe(false);
    now += CODE_LIFETIME_MS;
    expect(codes.redeem(b)).toBe(false);
    const c = codes.issue();
    now += CODE_LIFETIME_MS - 1;
    expect(codes.redeem(c)).toBe(true);
  });
});
