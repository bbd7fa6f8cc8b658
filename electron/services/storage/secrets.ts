/**
 * Where connection passwords live. Desktop: encrypted with Electron's
 * safeStorage (the OS keychain's key) and written next to the connection.
 * Web mode and CLI: kept in this process's memory only, never written; a
 * saved connection asks for its password again after a restart.
 */
export interface SecretStore {
  /** 'encrypted' writes ciphertext to disk; 'memory' never writes. */
  readonly kind: 'encrypted' | 'memory';
  /** Why passwords are kept in memory only where the user would expect them saved (desktop without a usable keychain). */
  readonly note?: string;
  put(id: string, secret: string): string | undefined;
  get(id: string, stored: string | undefined): string | undefined;
  remove(id: string): void;
}

/** Secrets held only in memory (web mode, or a desktop without a usable keychain: `note` says why). */
export function createMemorySecretStore(note?: string): SecretStore {
  const secrets = new Map<string, string>();
  return {
    kind: 'memory',
    ...(note !== undefined ? { note } : {}),
    put(id, secret) {
      secrets.set(id, secret);
      return undefined;
    },
    get: (id) => secrets.get(id),
    remove: (id) => void secrets.delete(id),
  };
}

/** Secrets encrypted by a cipher only this app holds (Electron safeStorage). */
export function createEncryptedSecretStore(cipher: { encrypt(text: string): string; decrypt(data: string): string }): SecretStore {
  return {
    kind: 'encrypted',
    put: (_id, secret) => cipher.encrypt(secret),
    get(_id, stored) {
      if (stored === undefined) return undefined;
      try {
        return cipher.decrypt(stored);
      } catch {
        return undefined;
      }
    },
    remove: () => undefined,
  };
}
