/**
 * files:inspect serves the SSL fields of the connection form: it answered for
 * any purpose, read any file whole (a 700 MB file took 1 GB of memory) and
 * reported the mode of whatever path it was given.
 */
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateRequest } from '../../../core/api/validate.js';
import { MAX_PEM_BYTES, inspectFile } from '../../../electron/services/diagnostics/file-facts.js';
import { isKeyModeAcceptable } from '../../../electron/services/diagnostics/key-permissions.js';

const dir = mkdtempSync(join(tmpdir(), 'tenantry-facts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const KEY_HEADER = '-----BEGIN PRIVATE KEY-----\n';

describe('files:inspect', () => {
  it('does not read a file larger than a certificate or key can be', () => {
    const path = join(dir, 'huge.pem');
    const fd = openSync(path, 'w', 0o600);
    writeSync(fd, KEY_HEADER);
    // Sparse: the size is there without writing it.
    ftruncateSync(fd, MAX_PEM_BYTES + 1);
    closeSync(fd);
    const facts = inspectFile(path, 'sslkey');
    expect(facts.kind).toBe('unknown');
    expect(facts.problems).toEqual([expect.stringMatching(/too large for a certificate, key or CRL .*so it was not read/)]);
    expect(facts.mode).toBeUndefined();
  });

  it('reads a key up to the cap and reports its mode, where libpq checks it', () => {
    const path = join(dir, 'client.key');
    writeFileSync(path, `${KEY_HEADER}${'A'.repeat(MAX_PEM_BYTES - 100)}\n-----END PRIVATE KEY-----\n`, { mode: 0o644 });
    const facts = inspectFile(path, 'sslkey');
    expect(facts.kind).toBe('key');
    expect(facts.mode).toBe('0644');
    expect(facts.permissionsOk).toBe(false);
  });

  it('reports no mode for a file that is not a key', () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'just text', { mode: 0o640 });
    const facts = inspectFile(path, 'sslrootcert');
    expect(facts).toMatchObject({ exists: true, readable: true, kind: 'unknown' });
    expect(facts.mode).toBeUndefined();
  });

  it('refuses a path with a NUL character plainly', () => {
    expect(inspectFile(`${dir}/a\u0000b`, 'sslcert').problems).toEqual(['A file path cannot contain a NUL character.']);
  });

  it.each(['snapshot-open', 'snapshot-save', 'tenant-csv'])('answers only for SSL files, not for purpose %s', (purpose) => {
    expect(() => validateRequest('files:inspect', { path: '/etc/passwd', purpose })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });
});

// files:inspect and the diagnostics' file checks had one type each and a key rule each; the diagnostics'
// refused a root-owned key with the owner's execute bit (0700, 0740), which libpq loads.
describe('one key rule for the form and the diagnosis (libpq fe-secure-openssl.c)', () => {
  it.each([
    [0o600, false, true],
    [0o400, false, true],
    [0o640, false, false],
    [0o604, false, false],
    [0o640, true, true],
    [0o700, true, true],
    [0o740, true, true],
    [0o660, true, false],
    [0o650, true, false],
    [0o644, true, false],
  ])('mode %o, owned by root %s: accepted %s', (mode, root, accepted) => {
    expect(isKeyModeAcceptable(mode, root, 'linux')).toBe(accepted);
  });

  it('is not checked on Windows, as libpq does not', () => {
    expect(isKeyModeAcceptable(0o666, false, 'win32')).toBe(true);
  });

  it('files:inspect answers in the diagnostics\' FileFacts: role, source, kind, mode', () => {
    const path = join(dir, 'role.key');
    writeFileSync(path, `${KEY_HEADER}AAAA\n-----END PRIVATE KEY-----\n`, { mode: 0o600 });
    expect(inspectFile(path, 'sslkey')).toMatchObject({ role: 'sslkey', source: 'profile', kind: 'key', mode: '0600', permissionsOk: true, certificates: [] });
  });
});
