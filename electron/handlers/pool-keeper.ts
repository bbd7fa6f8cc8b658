/**
 * Keeps the app's warm pools at their target in the background. It only refills a pool that belongs to the
 * snapshot it was asked to keep (or to none): a pool another snapshot owns (the
 * CLI's, a colleague's) is never dropped or rebuilt in the background; that
 * takes the user's confirmed "Replace pool".
 *
 * One WarmPool (electron/services/pool/warm-pool.ts) per database, with its own
 * small pool of connections, started the first time the app claims a spare
 * there or sees spare rows of its own pool whose schema is gone.
 * Handlers only ask (`keep`), never wait: work runs behind the request, its
 * outcome is pushed as `pool:refill` events and shown by `pool:status`
 * (refilling, refillError). A database whose pool size is 0 costs one status
 * read: fillPool builds nothing and drops only stale spares.
 *
 * Stopping (app/server shutdown, a saved connection edited or deleted, the
 * sandbox stopped) aborts the refill after the spare being built, waits for
 * it, then ends the connections: nothing runs on a closed pool.
 */
import type pg from 'pg';
import type { Emit } from './jobs.js';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { toErrorInfo, type ErrorInfo } from '../../core/errors.js';
import { createPool } from '../services/connection/open-connection.js';
import { WarmPool, type PoolEvent, type PoolSnapshot } from '../services/pool/warm-pool.js';

/** Where a pool lives: one per database of a server. */
export function poolKey(profile: ConnectionProfile): string {
  return `${profile.host ?? ''}:${profile.port ?? ''}/${profile.database ?? ''}`;
}

interface Kept {
  key: string;
  /** The saved connection it came from (to stop it when that connection changes). */
  connectionId: string | undefined;
  /** The profile it connects with (a change means new connections). */
  profileText: string;
  database: string;
  db: pg.Pool;
  warm: WarmPool;
  error: ErrorInfo | undefined;
  /** When the last refill ended (Date.now()). */
  endedAt: number;
  /** The last refill found the pool owned by this other snapshot and left it alone. */
  ownedBy: string | undefined;
}

/** A status read does not start another rebuild of the same snapshot sooner than this after one ended. */
const REBUILD_PAUSE_MS = 5000;

export interface KeepRequest {
  profile: ConnectionProfile;
  connectionId?: string | undefined;
  snapshot: PoolSnapshot;
}

export class PoolKeeper {
  private readonly kept = new Map<string, Kept>();
  /** Keys asked for but not started yet (so status says "refilling" from the moment of the request). */
  private readonly scheduled = new Set<string>();
  /** Every start and stop runs in order on this chain: no two pools for one database, no start after shutdown. */
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly emit: Emit,
    private readonly options: { busyRetryMs?: number; connections?: number } = {},
  ) {}

  /** Refills the database's pool in the background when `snapshot` owns it. Returns at once; never throws. */
  keep(request: KeepRequest): void {
    if (this.closed) return;
    const key = poolKey(request.profile);
    this.scheduled.add(key);
    this.enqueue(async () => {
      try {
        if (this.closed) return;
        const profileText = JSON.stringify(request.profile);
        let kept = this.kept.get(key);
        if (kept && kept.profileText !== profileText) {
          await this.retire(kept);
          kept = undefined;
        }
        if (!kept) {
          try {
            kept = await this.start(key, request, profileText);
          } catch (error) {
            // No connection settings that work (createPool probes sslmode=prefer): reported, never thrown at a request.
            this.emit('pool:refill', { pool: key, database: request.profile.database ?? '', refilling: false, checksum: request.snapshot.checksum.slice(0, 12), error: toErrorInfo(error) });
            return;
          }
          void kept.warm.refill();
        } else if (kept.warm.checksum !== request.snapshot.checksum) {
          kept.warm.setSnapshot(request.snapshot);
        } else {
          void kept.warm.refill();
        }
        kept.connectionId = request.connectionId;
      } finally {
        this.scheduled.delete(key);
      }
    });
  }

  /**
   * For a status read that found the pool, owned by `snapshot`, with rows to
   * clear (schemas dropped by hand): starts a refill unless one runs, or the
   * last one for this snapshot failed or ended moments ago (so a read after
   * each event cannot turn into a loop). Returns whether it started one.
   */
  rebuild(request: KeepRequest): boolean {
    const kept = this.kept.get(poolKey(request.profile));
    if (kept && kept.warm.checksum === request.snapshot.checksum && (kept.warm.busy || kept.error || Date.now() - kept.endedAt < REBUILD_PAUSE_MS)) return false;
    if (this.scheduled.has(poolKey(request.profile))) return false;
    this.keep(request);
    return !this.closed;
  }

  /** Whether the database's pool is being refilled (or about to be). */
  isRefilling(profile: ConnectionProfile): boolean {
    const key = poolKey(profile);
    return this.scheduled.has(key) || (this.kept.get(key)?.warm.busy ?? false);
  }

  /** The last background failure for the database, until a refill succeeds. */
  errorOf(profile: ConnectionProfile): ErrorInfo | undefined {
    return this.kept.get(poolKey(profile))?.error;
  }

  /** The checksum of the snapshot the app keeps this database's pool for, if it keeps it. */
  checksumOf(profile: ConnectionProfile): string | undefined {
    return this.kept.get(poolKey(profile))?.warm.checksum;
  }

  /** Refills a pool the app already keeps (its size changed); does nothing for others. */
  nudge(profile: ConnectionProfile): void {
    const kept = this.kept.get(poolKey(profile));
    if (kept && !this.closed) void kept.warm.refill();
  }

  /** Waits until no refill runs for the database (tests, and before an explicit fill or empty). */
  async idle(profile: ConnectionProfile): Promise<void> {
    await this.chain;
    await this.kept.get(poolKey(profile))?.warm.idle();
  }

  /** Stops the pools started from a saved connection (it was edited or deleted, or the sandbox stops). */
  async forgetConnection(connectionId: string): Promise<void> {
    await this.enqueue(async () => {
      for (const kept of [...this.kept.values()]) if (kept.connectionId === connectionId) await this.retire(kept);
    });
  }

  /** Stops the database's pool (before the user empties it, say). */
  async forget(profile: ConnectionProfile): Promise<void> {
    const key = poolKey(profile);
    await this.enqueue(async () => {
      const kept = this.kept.get(key);
      if (kept) await this.retire(kept);
    });
  }

  /** Stops everything and ends the connections; no refill starts afterwards. */
  async stopAll(): Promise<void> {
    this.closed = true;
    await this.enqueue(async () => {
      await Promise.all([...this.kept.values()].map((kept) => this.retire(kept)));
    });
  }

  /** Process exit: aborts every refill without waiting. */
  abortAll(): void {
    this.closed = true;
    for (const kept of this.kept.values()) {
      this.kept.delete(kept.key);
      void kept.warm.stop().then(() => kept.db.end()).catch(() => undefined);
    }
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(work).catch((error: unknown) => {
      // Starting failed (e.g. no connection settings): reported like a refill failure, never thrown at a request.
      this.emit('pool:refill', { pool: '', database: '', refilling: false, checksum: '', error: toErrorInfo(error) });
    });
    this.chain = next;
    return next;
  }

  private async start(key: string, request: KeepRequest, profileText: string): Promise<Kept> {
    const db = await createPool(request.profile, this.options.connections ?? 2);
    const database = request.profile.database ?? '';
    const kept: Kept = { key, connectionId: request.connectionId, profileText, database, db, error: undefined, endedAt: 0, ownedBy: undefined, warm: undefined as unknown as WarmPool };
    kept.warm = new WarmPool(db, request.snapshot, (event) => this.report(kept, event), this.options.busyRetryMs !== undefined ? { busyRetryMs: this.options.busyRetryMs } : {});
    this.kept.set(key, kept);
    return kept;
  }

  private report(kept: Kept, event: PoolEvent): void {
    const base = { pool: kept.key, database: kept.database, checksum: kept.warm.checksum.slice(0, 12) };
    switch (event.type) {
      case 'refilling':
        if (event.refilling) {
          kept.error = undefined;
          kept.ownedBy = undefined;
        }
        else kept.endedAt = Date.now();
        // A failed run keeps its error visible after it ends.
        this.emit('pool:refill', { ...base, refilling: event.refilling, ...(kept.error ? { error: kept.error } : {}) });
        break;
      case 'built':
        this.emit('pool:refill', { ...base, refilling: true, built: event.schema });
        break;
      case 'dropped':
        this.emit('pool:refill', { ...base, refilling: true, dropped: event.schema });
        break;
      case 'not-owner':
        kept.ownedBy = event.owner;
        this.emit('pool:refill', { ...base, refilling: true, ownedBy: event.owner.slice(0, 12) });
        break;
      case 'error':
        kept.error = toErrorInfo(event.error);
        this.emit('pool:refill', { ...base, refilling: true, error: kept.error });
        break;
      default:
        break;
    }
  }

  private async retire(kept: Kept): Promise<void> {
    if (this.kept.get(kept.key) === kept) this.kept.delete(kept.key);
    await kept.warm.stop();
    await kept.db.end().catch(() => undefined);
  }
}
