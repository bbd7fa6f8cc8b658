/** Where the app keeps connections and snapshots: secrets never in plain text, names never escape their folder. */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConnectionStore } from '../../../electron/services/storage/connection-store.js';
import { createEncryptedSecretStore, createMemorySecretStore } from '../../../electron/services/storage/secrets.js';
import { SnapshotStore, toSafeFileName } from '../../../electron/services/storage/snapshot-store.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tenantry-stores-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('connection store', () => {
  it('web mode: the password stays in memory and never reaches the file', () => {
    const dir = tempDir();
    const store = new ConnectionStore(dir, createMemorySecretStore());
    const saved = store.save({ name: 'prod', profile: { host: 'db', user: 'app', password: 's3cret-pw', sslpassword: 'key-pw' } });
    expect(saved.hasPassword).toBe(true);
    expect(saved.profile).not.toHaveProperty('password');
    const file = readFileSync(join(dir, 'connections.json'), 'utf8');
    expect(file).not.toContain('s3cret-pw');
    expect(file).not.toContain('key-pw');
    expect(store.resolve(saved.id).profile).toMatchObject({ password: 's3cret-pw', sslpassword: 'key-pw' });
    // After a restart (a new store on the same file) the password is gone, the rest stays.
    const restarted = new ConnectionStore(dir, createMemorySecretStore());
    expect(restarted.resolve(saved.id).profile).toEqual({ host: 'db', user: 'app' });
  });

  it('desktop: the password is stored encrypted and read back', () => {
    const dir = tempDir();
    // A reversible stand-in for safeStorage (XOR + base64): what matters is that the file holds ciphertext.
    const cipher = {
      encrypt: (t: string) => Buffer.from([...Buffer.from(t)].map((b) => b ^ 0x5a)).toString('base64'),
      decrypt: (d: string) => Buffer.from([...Buffer.from(d, 'base64')].map((b) => b ^ 0x5a)).toString(),
    };
    const store = new ConnectionStore(dir, createEncryptedSecretStore(cipher));
    const saved = store.save({ name: 'prod', profile: { host: 'db', password: 's3cret-pw' } });
    expect(readFileSync(join(dir, 'connections.json'), 'utf8')).not.toContain('s3cret-pw');
    expect(new ConnectionStore(dir, createEncryptedSecretStore(cipher)).resolve(saved.id).profile.password).toBe('s3cret-pw');
    // Editing without typing a password keeps the stored one.
    store.save({ id: saved.id, name: 'prod2', profile: { host: 'db2' } });
    expect(store.resolve(saved.id).profile).toEqual({ host: 'db2', password: 's3cret-pw' });
  });

  it('writes the file readable by its owner only', () => {
    const dir = tempDir();
    new ConnectionStore(dir, createMemorySecretStore()).save({ name: 'x', profile: {} });
    expect(statSync(join(dir, 'connections.json')).mode & 0o077).toBe(0);
  });
});

describe('snapshot store', () => {
  it.each([
    ['../../etc/passwd', 'etc-passwd.sql'],
    ['/absolute/path', 'absolute-path.sql'],
    ['tenant template 2024', 'tenant-template-2024.sql'],
    ['..', 'snapshot.sql'],
    ['demo.sql', 'demo.sql'],
  ])('turns the name %j into the file name %j', (name, file) => {
    expect(toSafeFileName(name)).toBe(file);
  });

  it('saves inside its folder whatever the name, and refuses to read outside it', () => {
    const dir = tempDir();
    const store = new SnapshotStore(dir);
    const info = store.save('../../escape', 'select 1;');
    expect(readdirSync(store.dir)).toEqual([info.id]);
    expect(existsSync(join(dir, '..', 'escape.sql'))).toBe(false);
    expect(() => store.read('../connections.json')).toThrow(expect.objectContaining({ code: 'FILE_NOT_FOUND' }));
    expect(store.read(info.id).text).toBe('select 1;');
  });
});
