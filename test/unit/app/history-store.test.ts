/**
 * The history log shared by the app and the CLI: entries from two writers (two HistoryStore objects, as
 * the app and a CLI run hold) are all kept, verifications mark the newest entry of a tenant, the
 * history.json of earlier versions is still read, and a rotated log is still read.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../core/api/contract.js';
import { HistoryStore } from '../../../electron/services/storage/history-store.js';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-history-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function entry(tenant: string, extra: Partial<HistoryEntry> = {}): HistoryEntry {
  return { tenant, connectionName: 'c', database: 'db', snapshotName: 's', status: 'created', at: '2026-12-06T10:00:00.000Z', ...extra };
}

describe('history store', () => {
  it('keeps the entries of two writers interleaved, newest first', () => {
    const dir = dataDir();
    const app = new HistoryStore(dir);
    const cli = new HistoryStore(dir);
    app.add([entry('a1'), entry('a2')]);
    cli.add([entry('c1', { source: 'cli' })]);
    app.add([entry('a3')]);
    expect(new HistoryStore(dir).list().map((e) => e.tenant)).toEqual(['a3', 'c1', 'a2', 'a1']);
    expect(app.list()[1]?.source).toBe('cli');
  });

  it('marks the newest entry of a tenant verified, in its database only', () => {
    const dir = dataDir();
    const store = new HistoryStore(dir);
    store.add([entry('t'), entry('t', { database: 'other' })]);
    store.add([entry('t', { status: 'failed' })]);
    store.markVerified('t', 'db', true);
    store.markVerified('t', 'other', false);
    const list = store.list();
    expect(list.map((e) => [e.database, e.status, e.verified])).toEqual([
      ['db', 'failed', true],
      ['other', 'created', false],
      ['db', 'created', undefined],
    ]);
  });

  it("reads the earlier versions' history.json as the oldest entries and skips a line cut short", () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'history.json'), JSON.stringify([entry('old2'), entry('old1')]));
    const store = new HistoryStore(dir);
    store.add([entry('new')]);
    writeFileSync(join(dir, 'history.jsonl'), '{"tenant":"cut', { flag: 'a' });
    store.add([entry('after')]);
    expect(store.list().map((e) => e.tenant)).toEqual(['after', 'new', 'old2', 'old1']);
  });

  it("reads the desktop app's old history.json from its own folder while the log lives in the CLI's", () => {
    const electronDir = dataDir();
    const cliDir = dataDir();
    writeFileSync(join(electronDir, 'history.json'), JSON.stringify([entry('desktop-old')]));
    new HistoryStore(cliDir).add([entry('from-cli', { source: 'cli' })]);
    expect(new HistoryStore(cliDir, electronDir).list().map((e) => e.tenant)).toEqual(['from-cli', 'desktop-old']);
  });
});
