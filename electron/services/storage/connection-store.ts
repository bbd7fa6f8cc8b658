/**
 * Saved connections in <data>/connections.json (mode 0600). Profiles are
 * stored without password and sslpassword; those go through a SecretStore.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionDraft, ConnectionSummary } from '../../../core/api/contract.js';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { TenantryError } from '../../../core/errors.js';
import type { SecretStore } from './secrets.js';

interface StoredConnection {
  id: string;
  name: string;
  profile: ConnectionProfile;
  password?: string;
  sslpassword?: string;
  /** The SSH key's passphrase (profile.ssh.passphrase), kept like the password. */
  sshpassphrase?: string;
}

type SecretKey = 'password' | 'sslpassword' | 'sshpassphrase';
const SECRET_KEYS: readonly SecretKey[] = ['password', 'sslpassword', 'sshpassphrase'];

function withoutSecrets(profile: ConnectionProfile): ConnectionProfile {
  const { password: _p, sslpassword: _s, ...rest } = profile;
  if (rest.ssh) {
    const { passphrase: _k, ...ssh } = rest.ssh;
    rest.ssh = ssh;
  }
  return rest;
}

function secretOf(profile: ConnectionProfile, key: SecretKey): string | undefined {
  return key === 'sshpassphrase' ? profile.ssh?.passphrase : profile[key];
}

export class ConnectionStore {
  private readonly file: string;

  constructor(dataDir: string, private readonly secrets: SecretStore) {
    this.file = join(dataDir, 'connections.json');
  }

  private read(): StoredConnection[] {
    if (!existsSync(this.file)) return [];
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as { connections?: StoredConnection[] };
      return Array.isArray(parsed.connections) ? parsed.connections : [];
    } catch {
      return [];
    }
  }

  private write(list: StoredConnection[]): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, connections: list }, null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  list(): ConnectionSummary[] {
    return this.read().map((c) => ({
      id: c.id,
      name: c.name,
      profile: withoutSecrets(c.profile),
      hasPassword: this.secrets.get(`${c.id}:password`, c.password) !== undefined,
      ...(c.profile.ssh ? { hasSshPassphrase: this.secrets.get(`${c.id}:sshpassphrase`, c.sshpassphrase) !== undefined } : {}),
      sandbox: false,
    }));
  }

  /** The full profile, with its secrets, for a service. */
  resolve(id: string): { name: string; profile: ConnectionProfile } {
    const c = this.read().find((x) => x.id === id);
    if (!c) throw new TenantryError('INVALID_REQUEST', 'That connection no longer exists. Pick another one or add it again.');
    const profile: ConnectionProfile = { ...c.profile };
    const password = this.secrets.get(`${c.id}:password`, c.password);
    const sslpassword = this.secrets.get(`${c.id}:sslpassword`, c.sslpassword);
    if (password !== undefined) profile.password = password;
    if (sslpassword !== undefined) profile.sslpassword = sslpassword;
    const passphrase = this.secrets.get(`${c.id}:sshpassphrase`, c.sshpassphrase);
    if (profile.ssh && passphrase !== undefined) profile.ssh = { ...profile.ssh, passphrase };
    return { name: c.name, profile };
  }

  save(draft: ConnectionDraft): ConnectionSummary {
    const list = this.read();
    const id = draft.id ?? randomUUID();
    const existing = list.find((c) => c.id === id);
    if (draft.id && !existing) throw new TenantryError('INVALID_REQUEST', 'That connection no longer exists; save it as a new one.');
    const next: StoredConnection = { id, name: draft.name.trim() || 'Unnamed connection', profile: withoutSecrets(draft.profile) };
    for (const key of SECRET_KEYS) {
      const value = secretOf(draft.profile, key);
      if (value !== undefined && value !== '') {
        const stored = this.secrets.put(`${id}:${key}`, value);
        if (stored !== undefined) next[key] = stored;
      } else if ((draft.clearPassword && key === 'password') || (key === 'sshpassphrase' && !draft.profile.ssh?.keyFile)) {
        // A cleared password, or no SSH key file any more (no tunnel, or the agent only): the stored secret goes.
        this.secrets.remove(`${id}:${key}`);
      } else if (existing?.[key] !== undefined) {
        next[key] = existing[key];
      }
    }
    this.write(existing ? list.map((c) => (c.id === id ? next : c)) : [...list, next]);
    const summary = this.list().find((c) => c.id === id);
    if (!summary) throw new TenantryError('INTERNAL', 'The connection was not saved.');
    return summary;
  }

  delete(id: string): boolean {
    const list = this.read();
    const next = list.filter((c) => c.id !== id);
    this.secrets.remove(`${id}:password`);
    this.secrets.remove(`${id}:sslpassword`);
    this.secrets.remove(`${id}:sshpassphrase`);
    if (next.length === list.length) return false;
    this.write(next);
    return true;
  }
}
