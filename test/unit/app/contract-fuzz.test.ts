/**
 * A fuzz run over the whole contract, through the real web server over HTTP
 * and through the IPC listener: for every channel, a valid request (aimed at
 * nothing real: an unknown connection, a missing file) and its mutations —
 * each field missing, of the wrong type, a huge string, a string with a NUL,
 * extra fields named like Object.prototype members — plus seeded random
 * combinations. Bad input must come back as a plain error, never INTERNAL,
 * never a 5xx, never a crash; the server answers afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHANNELS, type Channel, type Req } from '../../../core/api/contract.js';
import type { Result } from '../../../core/errors.js';
import { createSnapshot } from '../../../core/snapshot/template.js';
import { createBackend, type Backend } from '../../../electron/handlers/create-handlers.js';
import { createEventHub } from '../../../electron/handlers/event-hub.js';
import { createMemorySecretStore } from '../../../electron/services/storage/secrets.js';
import { createInvokeListener } from '../../../electron/main/ipc.js';
import { startWebServer, type WebServer } from '../../../electron/server/web-server.js';

const SEED = 20261206;
const RANDOM_CASES_PER_CHANNEL = 40;

/** mulberry32: a small seeded generator, so a failing case can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const nowhere = { connectionId: 'fuzz-no-such-connection' };
const snapshotText = createSnapshot('create table app.items (id int primary key);\ncreate index on app.items (id);\n', { schema: 'app', placeholder: 'tenant', minify: false, skip: [] }).text;

/** A valid request per channel; typed so a new channel needs an entry here. */
const BASES: { [C in Channel]: Req<C> } = {
  'app:info': {},
  'sandbox:status': {},
  'sandbox:start': {},
  'sandbox:stop': {},
  'connections:list': {},
  'connections:save': { name: 'fuzz', profile: { host: '127.0.0.1', port: 1, database: 'd', user: 'u', sslmode: 'disable' } },
  'connections:delete': { id: 'fuzz-id' },
  'connections:test': nowhere,
  'connections:parse-uri': { uri: 'postgresql://u@127.0.0.1:1/d?sslmode=disable' },
  'connections:format-uri': { profile: { host: '127.0.0.1', port: 1, user: 'u' } },
  'connections:diagnose': nowhere,
  'connections:trust-host-key': { host: 'fuzz-bastion.invalid', port: 2222, fingerprint: `SHA256:${'A'.repeat(43)}` },
  'files:pick': { purpose: 'sslcert' },
  'files:inspect': { path: '/nonexistent/fuzz/client.key', purpose: 'sslkey', certificatePath: '/nonexistent/fuzz/client.crt' },
  'files:complete': { prefix: '~/.postgresql/' },
  'schemas:databases': nowhere,
  'schemas:list': nowhere,
  'dump:start': { target: nowhere, schema: 'app', options: { noOwner: true, noPrivileges: false, ledgerTables: ['schema_migrations'] } },
  'job:cancel': { jobId: 'fuzz-job' },
  'snapshot:build': { sql: 'create table app.items (id int);', schema: 'app', placeholder: 'tenant', minify: false, skip: [0], replace: [], dumpId: 'fuzz-dump', source: { pgDumpVersion: '15', serverVersion: '15' }, stripOwner: true },
  'snapshot:save': { name: 'fuzz', text: snapshotText },
  'snapshot:list': {},
  'snapshot:read': { id: 'fuzz.sql' },
  'snapshot:open-file': {},
  'tenant:check-name': { name: 'acme' },
  'provision:start': { snapshotId: 'fuzz.sql', target: nowhere, tenants: ['acme', 'globex'], concurrency: 2, continueOnError: true },
  'provision:verify': { target: nowhere, snapshotId: 'fuzz.sql', tenant: 'acme' },
  'provision:history': {},
  'pool:status': { target: nowhere, snapshotId: 'fuzz.sql' },
  'pool:size': { target: nowhere, size: 2 },
  'pool:fill': { target: nowhere, snapshotId: 'fuzz.sql', replace: false },
  'pool:empty': { target: nowhere, confirm: true },
  'pool:claim': { target: nowhere, snapshotId: 'fuzz.sql', tenant: 'acme' },
  'publish:list': { target: nowhere },
  'publish:publish': { target: nowhere, snapshotId: 'fuzz.sql', label: 'v1', grants: ['app'] },
  'publish:unpublish': { target: nowhere, label: 'v1', confirm: true },
  'fleet:tenants': { target: nowhere, template: 'app' },
  'fleet:cohort': { target: nowhere, template: 'app', tenant: 'acme' },
  'fleet:verify': { target: nowhere, template: 'app', tenants: ['acme'] },
  'fleet:adopt-candidates': { target: nowhere, template: 'app', minMatch: 80 },
  'fleet:adopt': { target: nowhere, template: 'app', schemas: ['acme'] },
  'fleet:drop': { target: nowhere, tenant: 'acme', confirmName: 'acme' },
  'citus:placement': { target: nowhere },
  'citus:rebalance-plan': { target: nowhere },
  'citus:move': { target: nowhere, tenant: 'acme', node: '127.0.0.1:5432', mode: 'auto' },
  'sql:run': { target: nowhere, sql: 'SELECT 1', allowWrites: false, searchPath: 'acme', timeoutMs: 1000 },
  'migrate:plan': { target: nowhere, template: 'app', path: '/nonexistent/V2__tags.sql', placeholder: '#{prefix}', decisions: [{ id: 'V2__tags.sql/x', decision: 'keep' }] },
  'migrate:dry-run': { target: nowhere, template: 'app', path: '/nonexistent/V2__tags.sql', lockTimeoutMs: 3000, tenants: ['acme'], tenant: 'acme' },
  'migrate:start': { target: nowhere, template: 'app', path: '/nonexistent/migrations', all: true, order: 'size:desc', canary: 1, canaryOnly: true, concurrency: 4, lockTimeoutMs: 3000, statementTimeoutMs: 60_000, retries: 5, continueOnError: true },
  'migrate:resume': { target: nowhere, rolloutId: 'r1', tenants: ['acme'], concurrency: 2 },
  'migrate:skip': { target: nowhere, rolloutId: 'r1', tenants: ['acme'] },
  'migrate:list': { target: nowhere },
  'migrate:status': { target: nowhere, rolloutId: 'r1' },
  'migrate:refresh': { target: nowhere, rolloutId: 'r1', label: 'v2', skipPool: true },
  'settings:read': {},
  'settings:write': { theme: 'dark' },
};

/** Channels whose valid request would start real work (a PostgreSQL server): only their mutations are sent. */
const NO_VALID_CALL = new Set<Channel>(['sandbox:start']);

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
// Longer than every field's limit except the dump and snapshot texts (64 Mi characters).
const HUGE = 'x'.repeat(10_000);
const WRONG_VALUES: unknown[] = [null, 0, -1, 1.5, 2 ** 53, true, '', 'x', 'a\u0000b', '\u202eevil', HUGE, [], [null], {}, { a: 1 }];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

/** Every path to a value inside a request. */
function paths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push([...prefix, i], ...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push([...prefix, k], ...paths(v, [...prefix, k]));
  return out;
}

/** A copy of `value` with the thing at `path` replaced (or removed when `replacement` is the REMOVE marker). */
const REMOVE = Symbol('remove');
function withAt(value: unknown, path: Path, replacement: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as Json;
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path[path.length - 1] as string | number;
  if (replacement === REMOVE) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = replacement as Json;
  return copy;
}

/** Adds an own, enumerable key (even `__proto__`) to the object at `path`. */
function withExtraKey(value: unknown, path: Path, key: string, extra: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as Json;
  let node = copy as Record<string | number, Json>;
  for (const k of path) node = node[k] as Record<string | number, Json>;
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return copy;
  Object.defineProperty(node, key, { value: extra, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** The mutations of one channel's valid request: systematic ones, then seeded random combinations. */
function mutations(channel: Channel, random: () => number): { label: string; body: string }[] {
  const base = BASES[channel];
  const cases: { label: string; payload: unknown }[] = [];
  if (!NO_VALID_CALL.has(channel)) cases.push({ label: 'valid', payload: base });
  // A null payload stands for {} (the valid request of an empty channel).
  for (const top of NO_VALID_CALL.has(channel) ? [[], 'text', 42, true] : [null, [], 'text', 42, true]) cases.push({ label: `payload ${JSON.stringify(top)}`, payload: top });
  const objectPaths: Path[] = [[], ...paths(base).filter((p) => {
    const v = p.reduce<unknown>((n, k) => (n as Record<string | number, unknown>)[k], base);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  })];
  for (const p of objectPaths) for (const key of PROTOTYPE_KEYS) cases.push({ label: `extra ${key} at ${p.join('.') || 'top'}`, payload: withExtraKey(base, p, key, { polluted: true }) });
  for (const p of paths(base)) {
    cases.push({ label: `missing ${p.join('.')}`, payload: withAt(base, p, REMOVE) });
    for (const wrong of WRONG_VALUES) cases.push({ label: `${p.join('.')} = ${JSON.stringify(wrong)?.slice(0, 20)}`, payload: withAt(base, p, wrong) });
  }
  const all = paths(base);
  for (let i = 0; i < RANDOM_CASES_PER_CHANNEL && all.length > 0; i++) {
    let payload: unknown = base;
    const steps: string[] = [];
    for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
      const p = all[Math.floor(random() * all.length)] as Path;
      const wrong = WRONG_VALUES[Math.floor(random() * WRONG_VALUES.length)];
      try {
        payload = withAt(payload, p, wrong);
        steps.push(`${p.join('.')}=${JSON.stringify(wrong)?.slice(0, 12)}`);
      } catch {
        // an earlier step replaced a parent of this path
      }
    }
    cases.push({ label: `random ${steps.join(' ')}`, payload });
  }
  return cases.map((c) => ({ label: c.label, body: JSON.stringify(c.payload) ?? 'null' }));
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function post(server: WebServer, channel: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: '127.0.0.1', port: server.port, path: `/api/invoke/${encodeURIComponent(channel)}`, method: 'POST', headers: { Host: `127.0.0.1:${server.port}`, 'Content-Type': 'application/json', 'X-Tenantry-Token': server.token } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe(`contract fuzz (seed ${SEED})`, () => {
  let root: string;
  let backend: Backend;
  let server: WebServer;
  const random = seeded(SEED);
  const cases = CHANNELS.flatMap((channel) => mutations(channel, random).map((c) => ({ channel, ...c })));

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tenantry-fuzz-'));
    const events = createEventHub();
    backend = createBackend({ mode: 'web', version: 't', dataDir: join(root, 'data'), secrets: createMemorySecretStore(), emit: events.emit });
    server = await startWebServer({ handlers: backend.handlers, events, staticDir: root });
  });
  afterAll(async () => {
    agent.destroy();
    await server.close();
    await backend.shutdown();
    rmSync(root, { recursive: true, force: true });
  });

  it('covers every channel with hundreds of cases', () => {
    expect(new Set(cases.map((c) => c.channel)).size).toBe(CHANNELS.length);
    expect(cases.length).toBeGreaterThan(2000);
    expect(cases.filter((c) => c.body.includes('__proto__')).length).toBeGreaterThan(40);
  });

  it('answers every case over HTTP with a plain error or a result, never INTERNAL or a 5xx', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const failures: string[] = [];
    try {
      for (const c of cases) {
        const reply = await post(server, c.channel, c.body);
        let result: Result<unknown> | undefined;
        try {
          result = JSON.parse(reply.text) as Result<unknown>;
        } catch {
          // not JSON: reported below
        }
        if (reply.status >= 500 || !result || (!result.ok && result.error.code === 'INTERNAL')) {
          failures.push(`${c.channel} ${c.label}: ${reply.status} ${reply.text.slice(0, 200)}`);
        }
      }
      expect(failures).toEqual([]);
      expect(logged).not.toHaveBeenCalled();
      // Still alive and answering.
      expect(JSON.parse((await post(server, 'app:info', '{}')).text)).toMatchObject({ ok: true });
    } finally {
      logged.mockRestore();
    }
  }, 120_000);

  it('answers every case over IPC the same way', async () => {
    const listener = createInvokeListener(backend.handlers, () => 7);
    const trusted = { sender: { id: 7 }, senderFrame: { url: 'app://tenantry/index.html', parent: null } };
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const failures: string[] = [];
    try {
      for (const c of cases) {
        const result = await listener(trusted, c.channel, JSON.parse(c.body));
        if (!result.ok && result.error.code === 'INTERNAL') failures.push(`${c.channel} ${c.label}: ${result.error.detail ?? ''}`);
      }
      expect(failures).toEqual([]);
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  }, 120_000);
});
