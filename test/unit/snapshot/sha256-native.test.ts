/**
 * The native SHA-256 the services hand core (node:crypto) gives the digests
 * core's TypeScript one gives, so snapshots sealed by either verify under the
 * other: the app's renderer and any host without node:crypto use TypeScript.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sha256Hex, sha256HexInTypeScript, useSha256 } from '../../../core/snapshot/sha256.js';
import { installNativeSha256, nativeSha256Hex } from '../../../electron/services/snapshot/native-sha256.js';

const samples: [string, string][] = [
  ['empty', ''],
  ['abc', 'abc'],
  ['one block boundary', 'a'.repeat(55)],
  ['two blocks', 'a'.repeat(64)],
  ['multi-byte', 'tenant_日本 Ünïcödé 🐘'],
  ['lone high surrogate', 'x\ud800y'],
  ['lone low surrogate at the end', 'x\udc00'],
  ['pair split across a 64 Ki chunk', 'a'.repeat(65535) + '🐘' + 'b'.repeat(10)],
  ['large', 'CREATE TABLE #{schema}.t (id int);\n'.repeat(40000)],
];

afterEach(() => installNativeSha256());

describe('native SHA-256 handed to core', () => {
  it.each(samples)('gives the TypeScript digest for %s', (_name, text) => {
    expect(nativeSha256Hex(text)).toBe(sha256HexInTypeScript(text));
  });

  it('is what sha256Hex uses once installed, and TypeScript again when withdrawn', () => {
    let calls = 0;
    useSha256((text) => {
      calls++;
      return nativeSha256Hex(text);
    });
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(calls).toBe(1);
    useSha256(undefined);
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(calls).toBe(1);
  });
});
