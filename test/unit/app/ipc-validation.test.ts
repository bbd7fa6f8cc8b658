import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../core/api/contract.js';
import { validateRequest } from '../../../core/api/validate.js';
import { createBackend } from '../../../electron/handlers/create-handlers.js';
import { createMemorySecretStore } from '../../../electron/services/storage/secrets.js';
import { createInvokeListener, isTrustedSender, type InvokeSender } from '../../../electron/main/ipc.js';

describe('request validation', () => {
  it.each([
    ['unknown channel', 'fs:read', {}],
    ['prototype key as channel', '__proto__', {}],
    ['extra field', 'connections:delete', { id: 'a', evil: true }],
    ['wrong type', 'connections:delete', { id: 42 }],
    ['missing field', 'dump:start', { schema: 's' }],
    ['not an object', 'connections:test', 'postgresql://x'],
    ['array instead of object', 'app:info', []],
    ['port out of range', 'connections:test', { profile: { port: 70000 } }],
    ['unknown profile key', 'connections:test', { profile: { host: 'h', sslmode: 'require', options: '-c x=y' } }],
    ['bad sslmode', 'connections:test', { profile: { sslmode: 'maybe' } }],
    ['concurrency too high', 'provision:start', { snapshotId: 'a.sql', target: {}, tenants: ['a'], concurrency: 1000, continueOnError: true }],
    ['non-integer skip index', 'snapshot:build', { sql: '', schema: 's', placeholder: 'p', minify: false, skip: [1.5] }],
    ['overlong string', 'tenant:check-name', { name: 'x'.repeat(2000) }],
  ])('refuses %s with INVALID_REQUEST', (_label, channel, payload) => {
    expect(() => validateRequest(channel, payload)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });

  // Keys named like Object.prototype members: `key in shape` used to find them on the prototype and let them through.
  it.each(['toString', 'constructor', 'hasOwnProperty', 'valueOf', '__proto__', '__defineGetter__'])('refuses an extra field named %s', (key) => {
    const payload: unknown = JSON.parse(`{"id":"a",${JSON.stringify(key)}:1}`);
    expect(() => validateRequest('connections:delete', payload)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    const empty: unknown = JSON.parse(`{${JSON.stringify(key)}:{"polluted":true}}`);
    expect(() => validateRequest('app:info', empty)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });

  const build = { sql: 'create table s.t ();', schema: 's', placeholder: 'p', minify: false, skip: [] };
  const facts = { schema: 's', objects: { relations: ['t'], types: [], functions: [], sequences: [] }, extensionObjects: { relations: [], types: [], functions: [], operatorClasses: [], operators: [] }, extensions: [{ name: 'plpgsql', schema: 'pg_catalog' }] };
  // The engine's catalog facts come from the backend's own dump (services/snapshot/dump-catalogs.ts), never from the renderer.
  it('refuses snapshot:build carrying catalog facts', () => {
    expect(() => validateRequest('snapshot:build', { ...build, catalog: facts })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });

  it('accepts snapshot:build naming a dump, and refuses a dumpId that is not a short string', () => {
    const { req } = validateRequest<'snapshot:build'>('snapshot:build', { ...build, dumpId: 'a-job-id' });
    expect(req.dumpId).toBe('a-job-id');
    expect(() => validateRequest('snapshot:build', { ...build, dumpId: 42 })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
    expect(() => validateRequest('snapshot:build', { ...build, dumpId: 'x'.repeat(500) })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });

  it('accepts well-formed requests and returns only known fields', () => {
    const { req } = validateRequest<'dump:start'>('dump:start', { target: { connectionId: 'sandbox' }, schema: 'app', options: { noOwner: true, noPrivileges: false, ledgerTables: [] } });
    expect(req).toEqual({ target: { connectionId: 'sandbox' }, schema: 'app', options: { noOwner: true, noPrivileges: false, ledgerTables: [] } });
  });

  it('has a validator for every channel of the contract', () => {
    for (const channel of CHANNELS) {
      let error: unknown;
      try {
        validateRequest(channel, { definitelyNotAField: 1 });
      } catch (e) {
        error = e;
      }
      expect(error, channel).toMatchObject({ code: 'INVALID_REQUEST' });
    }
  });
});

describe('IPC sender check', () => {
  const trusted: InvokeSender = { sender: { id: 7 }, senderFrame: { url: 'app://tenantry/index.html', parent: null } };

  it.each([
    ['another window', { sender: { id: 8 }, senderFrame: { url: 'app://tenantry/index.html', parent: null } }],
    ['a sub-frame', { sender: { id: 7 }, senderFrame: { url: 'app://tenantry/index.html', parent: {} } }],
    ['a page that navigated away', { sender: { id: 7 }, senderFrame: { url: 'https://evil.example/', parent: null } }],
    ['a destroyed frame', { sender: { id: 7 }, senderFrame: null }],
  ])('refuses %s', (_label, event) => {
    expect(isTrustedSender(event as InvokeSender, 7)).toBe(false);
  });

  it('accepts the main frame of our window', () => {
    expect(isTrustedSender(trusted, 7)).toBe(true);
    expect(isTrustedSender(trusted, undefined)).toBe(false);
  });

  const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-ipc-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const backend = createBackend({ mode: 'desktop', version: 't', dataDir, secrets: createMemorySecretStore(), emit: () => undefined });
  const listener = createInvokeListener(backend.handlers, () => 7);

  it('answers a trusted, valid request through the real handler map', async () => {
    const result = await listener(trusted, 'app:info', {});
    expect(result).toMatchObject({ ok: true, value: { mode: 'desktop', dataDir } });
  });

  it('refuses an untrusted sender before validating or running anything', async () => {
    const result = await listener({ ...trusted, sender: { id: 9 } }, 'connections:delete', { id: 'x' });
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('returns INVALID_REQUEST as data instead of throwing', async () => {
    const result = await listener(trusted, 'connections:save', { name: 'x', profile: { host: 'h' }, shell: 'rm -rf /' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
    expect((await listener(trusted, 'connections:list', {})).ok).toBe(true);
  });
});
