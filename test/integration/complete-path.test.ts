/**
 * Web mode's path completion for certificate and key fields: names of
 * readable files and folders under home only, never outside it (by "..", an
 * absolute path or a symbolic link), hidden entries only when asked for.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completePath } from '../../electron/services/storage/complete-path.js';

describe('completePath', () => {
  let base: string;
  let home: string;
  let outside: string;
  const paths = async (typed: string) => (await completePath(typed, { home })).entries.map((e) => e.path);

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'tenantry-complete-'));
    home = join(base, 'home');
    outside = join(base, 'outside');
    mkdirSync(join(home, '.postgresql'), { recursive: true });
    mkdirSync(join(home, 'certs'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(home, '.postgresql', 'root.crt'), 'x');
    writeFileSync(join(home, '.postgresql', 'postgresql.key'), 'x', { mode: 0o600 });
    writeFileSync(join(home, 'certs', 'ca.pem'), 'x');
    writeFileSync(join(home, 'certs', 'client.pem'), 'x');
    writeFileSync(join(outside, 'secret.key'), 'x');
    symlinkSync(outside, join(home, 'certs', 'elsewhere'));
    symlinkSync(join(outside, 'secret.key'), join(home, 'certs', 'cb-link.pem'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('lists folders first, then files, under ~/ and by prefix', async () => {
    expect(await paths('~/')).toEqual([join(home, 'certs') + '/']);
    expect(await paths('~/certs/c')).toEqual([join(home, 'certs', 'ca.pem'), join(home, 'certs', 'client.pem')]);
    expect(await paths(join(home, 'certs', 'cl'))).toEqual([join(home, 'certs', 'client.pem')]);
  });

  it('hidden entries only after a typed dot', async () => {
    expect(await paths('~/.')).toEqual([join(home, '.postgresql') + '/']);
    expect(await paths('~/.postgresql/')).toEqual([join(home, '.postgresql', 'postgresql.key'), join(home, '.postgresql', 'root.crt')]);
  });

  it('nothing outside home: an absolute path, "..", or a symbolic link leading out', async () => {
    const outsideNote = `Only files under your home folder (${home}) are offered.`;
    await expect(completePath(`${outside}/`, { home })).resolves.toMatchObject({ entries: [], note: outsideNote });
    await expect(completePath('/etc/pass', { home })).resolves.toMatchObject({ entries: [], note: outsideNote });
    await expect(completePath('~/../outside/', { home })).resolves.toMatchObject({ entries: [], note: outsideNote });
    await expect(completePath('~/certs/elsewhere/', { home })).resolves.toMatchObject({ entries: [], note: outsideNote });
    // Links out of home are not offered as entries either.
    expect(await paths('~/certs/')).toEqual([join(home, 'certs', 'ca.pem'), join(home, 'certs', 'client.pem')]);
    await expect(completePath('certs/ca', { home })).resolves.toMatchObject({ entries: [], note: 'Type a path starting with ~/ (your home folder).' });
  });

  // Root reads every file whatever its mode: nothing to tell apart there.
  it.skipIf(process.getuid?.() === 0)('unreadable files are not offered', async () => {
    chmodSync(join(home, 'certs', 'client.pem'), 0o000);
    expect(await paths('~/certs/c')).toEqual([join(home, 'certs', 'ca.pem')]);
  });
});
