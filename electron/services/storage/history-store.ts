/**
 * What was provisioned and migrated from this machine, by the app and the CLI alike, newest first.
 *
 * An append-only log, `<data>/history.jsonl`: one JSON object a line, each write one `O_APPEND` write of
 * whole lines, so the app and any number of CLI runs can add to it at the same time without losing each
 * other's entries (a read-modify-write of one JSON file would). A verification is a line of its own that
 * marks the newest entry of that tenant. When the log passes ROTATE_BYTES it is renamed to a unique
 * `history-<time>-<pid>.jsonl` (a writer that opened it before the rename still writes into a file that is
 * read); the oldest of those beyond KEEP_ARCHIVES are deleted. The `history.json` of earlier versions is
 * read as the oldest part and never written. The desktop app keeps the log in the CLI's data folder (its own
 * folder is Electron's), so both see one history.
 */
import { closeSync, existsSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync, constants } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEntry } from '../../../core/api/contract.js';

const ROTATE_BYTES = 8 * 1024 * 1024;
const KEEP_ARCHIVES = 3;
const LOG = 'history.jsonl';
const ARCHIVE = /^history-\d+-\d+\.jsonl$/;

interface VerifiedLine {
  verified: { tenant: string; database: string; verified: boolean };
}

function isEntry(value: unknown): value is HistoryEntry {
  const v = value as Partial<HistoryEntry> | null;
  return typeof v === 'object' && v !== null && typeof v.tenant === 'string' && typeof v.at === 'string' && typeof v.status === 'string';
}

function isVerifiedLine(value: unknown): value is VerifiedLine {
  const v = (value as Partial<VerifiedLine> | null)?.verified;
  return typeof v === 'object' && v !== null && typeof v.tenant === 'string' && typeof v.verified === 'boolean';
}

export class HistoryStore {
  /** dataDir: where the log is; legacyDir: where an earlier version's history.json may be (default dataDir). */
  constructor(
    private readonly dir: string,
    private readonly legacyDir = dir,
  ) {}

  /** Every entry, newest first. */
  list(): HistoryEntry[] {
    const entries: HistoryEntry[] = this.readLegacy();
    for (const file of [...this.archives(), LOG]) {
      for (const line of this.readLines(join(this.dir, file))) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          continue; // a line cut short by a crash mid-write: skipped, the rest stays readable
        }
        if (isEntry(parsed)) entries.push(parsed);
        else if (isVerifiedLine(parsed)) {
          const { tenant, database, verified } = parsed.verified;
          for (let i = entries.length - 1; i >= 0; i--) {
            const e = entries[i];
            if (e && e.tenant === tenant && e.database === database) {
              e.verified = verified;
              break;
            }
          }
        }
      }
    }
    return entries.reverse();
  }

  /** Appends entries (in the order they happened). */
  add(entries: HistoryEntry[]): void {
    if (entries.length === 0) return;
    this.append(entries.map((e) => JSON.stringify(e)));
  }

  /** Records a verification of the newest entry of a tenant. */
  markVerified(tenant: string, database: string, verified: boolean): void {
    const line: VerifiedLine = { verified: { tenant, database, verified } };
    this.append([JSON.stringify(line)]);
  }

  private append(lines: string[]): void {
    const path = join(this.dir, LOG);
    const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW, 0o600);
    let size: number;
    try {
      // A leading newline: a line a crashed writer left without its end cannot swallow this write's first line.
      writeSync(fd, '\n' + lines.map((l) => l + '\n').join(''));
      size = statSync(path).size;
    } finally {
      closeSync(fd);
    }
    if (size > ROTATE_BYTES) this.rotate(path);
  }

  private rotate(path: string): void {
    try {
      renameSync(path, join(this.dir, `history-${Date.now()}-${process.pid}.jsonl`));
    } catch {
      return; // another process rotated it first
    }
    const archives = this.archives();
    for (const old of archives.slice(0, Math.max(0, archives.length - KEEP_ARCHIVES))) rmSync(join(this.dir, old), { force: true });
  }

  /** Rotated logs, oldest first. */
  private archives(): string[] {
    if (!existsSync(this.dir)) return [];
    const stamp = (name: string) => Number(name.split('-')[1]);
    return readdirSync(this.dir)
      .filter((name) => ARCHIVE.test(name))
      .sort((a, b) => stamp(a) - stamp(b) || a.localeCompare(b));
  }

  private readLines(path: string): string[] {
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
  }

  /** The history.json of earlier versions (newest first there), oldest first. */
  private readLegacy(): HistoryEntry[] {
    const path = join(this.legacyDir, 'history.json');
    if (!existsSync(path)) return [];
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
      return Array.isArray(parsed) ? parsed.filter(isEntry).reverse() : [];
    } catch {
      return [];
    }
  }
}
