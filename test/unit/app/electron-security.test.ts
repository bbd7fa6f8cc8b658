/**
 * The Electron security checklist's decisions, tested in Node (the Electron
 * binary cannot run here): password storage never uses the fixed-key
 * `basic_text` backend, the app refuses root and --no-sandbox, app:// requests
 * never throw on a malformed escape nor leave the renderer folder, developer
 * tools are off in packaged builds (https-only links: window-options.test.ts).
 */
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../../electron/handlers/create-handlers.js';
import { createEncryptedSecretStore, createMemorySecretStore } from '../../../electron/services/storage/secrets.js';
import { chooseLaunch, choosePasswordStorage, findLaunchRefusal, resolveRendererFile } from '../../../electron/main/security.js';
import { createWindowOptions } from '../../../electron/main/window-options.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

describe('password storage', () => {
  it.each(['basic_text', 'unknown', undefined])('refuses the Linux backend %s (a fixed key, or none known)', (backend) => {
    const storage = choosePasswordStorage({ platform: 'linux', encryptionAvailable: true, ...(backend !== undefined ? { linuxBackend: backend } : {}) });
    expect(storage.kind).toBe('memory');
    expect(storage.kind === 'memory' && storage.reason).toMatch(/memory only/);
  });
  it.each(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'])('uses the Linux keychain %s', (backend) => {
    expect(choosePasswordStorage({ platform: 'linux', encryptionAvailable: true, linuxBackend: backend })).toEqual({ kind: 'encrypted' });
  });
  it('uses the keychain on macOS and Windows, memory when none is available', () => {
    expect(choosePasswordStorage({ platform: 'darwin', encryptionAvailable: true })).toEqual({ kind: 'encrypted' });
    expect(choosePasswordStorage({ platform: 'win32', encryptionAvailable: true })).toEqual({ kind: 'encrypted' });
    expect(choosePasswordStorage({ platform: 'darwin', encryptionAvailable: false }).kind).toBe('memory');
  });
  it('tells the UI why passwords are kept in memory only (app:info)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenantry-sec-'));
    try {
      const storage = choosePasswordStorage({ platform: 'linux', encryptionAvailable: true, linuxBackend: 'basic_text' });
      const note = storage.kind === 'memory' ? storage.reason : '';
      const backend = createBackend({ mode: 'desktop', version: 't', dataDir: dir, secrets: createMemorySecretStore(note), emit: () => undefined });
      const info = await backend.handlers['app:info']({});
      expect(info.passwordStorage).toEqual({ kind: 'memory', note });
      expect(note).toMatch(/basic_text/);
      const keychain = createBackend({ mode: 'desktop', version: 't', dataDir: dir, secrets: createEncryptedSecretStore({ encrypt: (t) => t, decrypt: (t) => t }), emit: () => undefined });
      expect((await keychain.handlers['app:info']({})).passwordStorage).toEqual({ kind: 'encrypted' });
      await backend.shutdown();
      await keychain.shutdown();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('launch', () => {
  it('refuses root and --no-sandbox', () => {
    expect(findLaunchRefusal({ uid: 0, argv: ['electron', '.'] })).toMatch(/does not run as root/);
    expect(findLaunchRefusal({ uid: 1000, argv: ['electron', '.', '--no-sandbox'] })).toMatch(/--no-sandbox/);
    expect(findLaunchRefusal({ uid: 1000, argv: ['electron', '.'] })).toBeUndefined();
    expect(findLaunchRefusal({ uid: undefined, argv: ['tenantry.exe'] })).toBeUndefined();
  });
  it('npm start as root serves web mode instead of passing --no-sandbox', () => {
    expect(chooseLaunch({ hasElectron: true, hasDisplay: true, forceWeb: false, uid: 0 })).toMatchObject({ mode: 'web', why: expect.stringMatching(/root/) });
    expect(chooseLaunch({ hasElectron: true, hasDisplay: true, forceWeb: false, uid: 1000 })).toEqual({ mode: 'desktop' });
    expect(chooseLaunch({ hasElectron: false, hasDisplay: true, forceWeb: false, uid: 1000 })).toMatchObject({ mode: 'web' });
  });
});

describe('app:// requests', () => {
  const dir = join(sep, 'opt', 'tenantry', 'renderer');
  it.each([
    ['app://tenantry/', join(dir, 'index.html')],
    ['app://tenantry/assets/x.js', join(dir, 'assets', 'x.js')],
    ['app://tenantry/assets/a%20b.js', join(dir, 'assets', 'a b.js')],
  ])('%s → %s', (url, file) => {
    expect(resolveRendererFile(dir, url)).toBe(file);
  });
  it.each([
    'app://tenantry/%E0%A4%A', // malformed escape: decodeURIComponent throws (old code: an exception in the handler)
    'app://tenantry/%',
    'app://tenantry/..%2f..%2fetc%2fpasswd',
    'app://tenantry/x%00.html',
    'app://evil/index.html',
    'not a url',
  ])('%s → not found', (url) => {
    expect(resolveRendererFile(dir, url)).toBeUndefined();
  });

  it('keeps dot segments inside the folder (the URL parser resolves them first)', () => {
    expect(resolveRendererFile(dir, 'app://tenantry/%2e%2e/%2e%2e/etc/passwd')).toBe(join(dir, 'etc', 'passwd'));
  });
});

describe('window', () => {
  it('turns developer tools off in packaged builds only', () => {
    expect(createWindowOptions('p.cjs', false, true).webPreferences?.devTools).toBe(false);
    expect(createWindowOptions('p.cjs', false, false).webPreferences?.devTools).toBe(true);
  });
});
