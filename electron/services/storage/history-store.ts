/** Tenants provisioned from this machine, newest first, in <data>/history.json. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEntry } from '../../../core/api/contract.js';

const LIMIT = 2000;

export class HistoryStore {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'history.json');
  }

  list(): HistoryEntry[] {
    if (!existsSync(this.file)) return [];
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as HistoryEntry[];
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  }

  add(entries: HistoryEntry[]): void {
    if (entries.length === 0) return;
    const next = [...entries.slice().reverse(), ...this.list()].slice(0, LIMIT);
    writeFileSync(this.file, JSON.stringify(next, null, 1), { mode: 0o600 });
  }

  markVerified(tenant: string, database: string, verified: boolean): void {
    const list = this.list();
    const hit = list.find((e) => e.tenant === tenant && e.database === database);
    if (!hit) return;
    hit.verified = verified;
    writeFileSync(this.file, JSON.stringify(list, null, 1), { mode: 0o600 });
  }
}
