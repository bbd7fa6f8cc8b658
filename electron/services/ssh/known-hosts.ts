/**
 * The SSH host keys Tenantry trusts, one SHA-256 fingerprint per "[host]:port",
 * in a small JSON file of its own (0600). A key is added only after the user
 * confirmed its fingerprint; a different key later is refused, never replaced
 * silently.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { TenantryError } from '../../../core/errors.js';

/** OpenSSH's way of writing a key's fingerprint: "SHA256:" and unpadded base64. */
export function fingerprintHostKey(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

export interface KnownHosts {
  /** The trusted fingerprint for a host name ("[host]:port"), if any. */
  lookup(name: string): string | undefined;
  /** Trusts a fingerprint for a host name (after the user confirmed it). */
  trust(name: string, fingerprint: string): void;
}

/** Known hosts kept in `file` (created on the first trust). */
export function openKnownHosts(file: string): KnownHosts {
  const read = (): Record<string, string> => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new TenantryError('FILE_WRITE_FAILED', `The SSH known-hosts file ${file} cannot be read. Check its permissions.`, { cause: error });
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch (error) {
      throw new TenantryError('FILE_WRITE_FAILED', `The SSH known-hosts file ${file} is not valid JSON. Fix or remove it (every host key will then be confirmed again).`, { cause: error });
    }
  };
  return {
    lookup: (name) => read()[name],
    trust(name, fingerprint) {
      const all = { ...read(), [name]: fingerprint };
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(all, null, 2) + '\n', { mode: 0o600 });
      renameSync(temporary, file);
    },
  };
}

/** Known hosts in memory (tests, and one-off runs that must not write a file). */
export function memoryKnownHosts(initial: Record<string, string> = {}): KnownHosts {
  const map = new Map(Object.entries(initial));
  return { lookup: (name) => map.get(name), trust: (name, fingerprint) => void map.set(name, fingerprint) };
}
