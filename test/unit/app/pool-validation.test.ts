import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../core/api/contract.js';
import { validateRequest } from '../../../core/api/validate.js';
import { createBackend } from '../../../electron/handlers/create-handlers.js';
import { createMemorySecretStore } from '../../../electron/services/storage/secrets.js';
import { createInvokeListener, type InvokeSender } from '../../../electron/main/ipc.js';

const target = { connectionId: 'sandbox', database: 'tenantry_demo' };

describe('warm pool request validation', () => {
  it('lists every pool channel in the contract', () => {
    expect(CHANNELS).toEqual(expect.arrayContaining(['pool:status', 'pool:size', 'pool:fill', 'pool:empty', 'pool:claim']));
  });

  it.each([
    ['status without a snapshot', 'pool:status', { target }],
    ['status with a numeric snapshot id', 'pool:status', { target, snapshotId: 7 }],
    ['status with an unknown field', 'pool:status', { target, snapshotId: 'a.sql', checksum: 'x' }],
    ['size below zero', 'pool:size', { target, size: -1 }],
    ['size above 10000', 'pool:size', { target, size: 10_001 }],
    ['fractional size', 'pool:size', { target, size: 1.5 }],
    ['size as a string', 'pool:size', { target, size: '2' }],
    ['size without a target', 'pool:size', { size: 2 }],
    ['fill without a snapshot', 'pool:fill', { target }],
    ['fill with a bad target', 'pool:fill', { target: { connectionId: 3 }, snapshotId: 'a.sql' }],
    ['empty without confirm', 'pool:empty', { target }],
    ['empty with confirm as a string', 'pool:empty', { target, confirm: 'yes' }],
    ['claim without a tenant', 'pool:claim', { target, snapshotId: 'a.sql' }],
    ['claim with an overlong tenant', 'pool:claim', { target, snapshotId: 'a.sql', tenant: 'x'.repeat(1001) }],
  ])('refuses %s with INVALID_REQUEST', (_label, channel, payload) => {
    expect(() => validateRequest(channel, payload)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });

  it.each([
    ['pool:status', { target, snapshotId: 'demo.sql' }],
    ['pool:size', { target, size: 0 }],
    ['pool:size', { target, size: 10_000 }],
    ['pool:fill', { target, snapshotId: 'demo.sql' }],
    ['pool:empty', { target, confirm: true }],
    ['pool:claim', { target, snapshotId: 'demo.sql', tenant: 'acme' }],
  ])('accepts a well-formed %s request unchanged', (channel, payload) => {
    expect(validateRequest(channel, payload).req).toEqual(payload);
  });
});

describe('warm pool handlers', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-pool-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const backend = createBackend({ mode: 'desktop', version: 't', dataDir, secrets: createMemorySecretStore(), emit: () => undefined });
  const trusted: InvokeSender = { sender: { id: 7 }, senderFrame: { url: 'app://tenantry/index.html', parent: null } };
  const listener = createInvokeListener(backend.handlers, () => 7);

  it('refuses to empty the pool without confirmation, before connecting anywhere', async () => {
    const result = await listener(trusted, 'pool:empty', { target: { connectionId: 'no-such-connection' }, confirm: false });
    expect(result).toMatchObject({ ok: false, error: { code: 'CONFIRMATION_REQUIRED' } });
  });

  it('refuses a pool status for a snapshot that is not stored', async () => {
    const result = await listener(trusted, 'pool:status', { target: { connectionId: 'no-such-connection' }, snapshotId: 'missing.sql' });
    expect(result).toMatchObject({ ok: false, error: { code: 'FILE_NOT_FOUND' } });
  });
});
