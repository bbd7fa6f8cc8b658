/**
 * Handlers over the warm pool (electron/services/pool/warm-pool.ts): inspect, size,
 * fill (a job with one progress event per built spare), empty (only with an
 * explicit confirmation) and claim a spare for a tenant.
 *
 * Background upkeep (PoolKeeper): after a claim, and when a status read finds
 * rows of the chosen snapshot's own pool whose schema was dropped by hand, the
 * pool is refilled behind the request; status says `refilling`. A pool that
 * belongs to another snapshot is only reported (`ownedByOther`); replacing it
 * takes `pool:fill` with `replace`, which the panel sends after the user
 * confirms.
 */
import type { Handlers, PoolFillResult } from '../../core/api/contract.js';
import { TenantryError } from '../../core/errors.js';
import { parseSnapshot } from '../../core/snapshot/format.js';
import { validateTenantName } from '../../core/tenant/tenant-name.js';
import { withPool } from '../services/connection/open-connection.js';
import { claimSpare, emptyPool, fillPool, hasPoolSchema, ownedByOtherError, placedOtherwiseError, readPoolStatus, setPoolTarget, type PoolSnapshot, type PoolStatus } from '../services/pool/warm-pool.js';
import { toPoolSnapshot } from '../services/pool/warm-pool-snapshot.js';
import type { HistoryStore } from '../services/storage/history-store.js';
import type { JobRegistry } from './jobs.js';
import type { SnapshotStore } from '../services/storage/snapshot-store.js';
import { poolKey, type PoolKeeper } from './pool-keeper.js';
import type { ResolveTarget } from './resolve-target.js';

export interface PoolDeps {
  jobs: JobRegistry;
  snapshots: SnapshotStore;
  history: HistoryStore;
  /** Keeps pools at their target in the background. */
  keeper: PoolKeeper;
  resolveTarget: ResolveTarget;
}

type PoolHandlers = Pick<Handlers, 'pool:status' | 'pool:size' | 'pool:fill' | 'pool:empty' | 'pool:claim'>;

const REPLACE_IN_APP = 'choose "Replace pool" on the Provision view and confirm';

/** Builds the warm pool handlers. */
export function createPoolHandlers(deps: PoolDeps): PoolHandlers {
  /** Databases with a fill running in this app. */
  const filling = new Set<string>();
  /** Parsed pool snapshots by snapshot id and checksum (parsing a large snapshot is not free). */
  const parsed = new Map<string, { text: string; snapshot: PoolSnapshot }>();

  function loadSnapshot(snapshotId: string): { name: string; snapshot: PoolSnapshot } {
    const { info, text } = deps.snapshots.read(snapshotId);
    let entry = parsed.get(snapshotId);
    if (!entry || entry.text !== text) {
      entry = { text, snapshot: toPoolSnapshot(parseSnapshot(text), info.name) };
      if (parsed.size > 8) parsed.clear();
      parsed.set(snapshotId, entry);
    }
    return { name: info.name, snapshot: entry.snapshot };
  }

  return {
    async 'pool:status'({ target, snapshotId }) {
      const { snapshot } = loadSnapshot(snapshotId);
      const { profile } = await deps.resolveTarget(target);
      // Looking must not create anything: without the bookkeeping schema the pool is simply empty (and read-only roles see that, not an error).
      const empty: PoolStatus = { target: 0, owner: null, ready: [], stale: [] };
      const status = await withPool(profile, async (db) => ((await hasPoolSchema(db)) ? readPoolStatus(db, snapshot.checksum) : empty));
      const key = poolKey(profile);
      const ownedByOther = status.owner !== null && status.owner !== snapshot.checksum;
      // Only this snapshot's own pool is tidied in the background (rows whose schema was dropped by hand); never another snapshot's.
      if (status.owner === snapshot.checksum && status.target > 0 && !filling.has(key) && status.stale.length > 0) {
        deps.keeper.rebuild({ profile, connectionId: target.connectionId, snapshot });
      }
      const refilling = deps.keeper.isRefilling(profile);
      const refillError = deps.keeper.errorOf(profile);
      const spares = [
        ...status.ready.map((s) => ({ schema: s.schema, matches: true, builtAt: s.builtAt.toISOString() })),
        ...status.stale.map((s) => ({ schema: s.schema, matches: false, builtAt: s.builtAt.toISOString() })),
      ];
      return {
        target: status.target,
        ready: status.ready.length,
        stale: status.stale.length,
        building: filling.has(key) || refilling,
        refilling,
        ...(refillError ? { refillError } : {}),
        checksum: snapshot.checksum.slice(0, 12),
        ...(status.owner !== null ? { owner: status.owner.slice(0, 12) } : {}),
        ownedByOther,
        spares,
      };
    },
    async 'pool:size'({ target, size }) {
      const { profile } = await deps.resolveTarget(target);
      await withPool(profile, (db) => setPoolTarget(db, size));
      // A pool the app already keeps follows its new size in the background.
      deps.keeper.nudge(profile);
      return { target: size };
    },
    async 'pool:fill'({ target, snapshotId, replace }) {
      const { snapshot } = loadSnapshot(snapshotId);
      const { profile } = await deps.resolveTarget(target);
      const key = poolKey(profile);
      if (filling.has(key) || deps.keeper.isRefilling(profile)) throw new TenantryError('INVALID_REQUEST', 'The warm pool of this database is being filled already; wait for it to finish.');
      if (replace !== true) {
        // Say so before starting a job (the fill itself checks again under its lock).
        const owned = await withPool(profile, async (db) => ((await hasPoolSchema(db)) ? readPoolStatus(db, snapshot.checksum) : undefined));
        if (owned && owned.owner !== null && owned.owner !== snapshot.checksum) throw ownedByOtherError(owned.owner, snapshot.checksum, owned.stale.length, REPLACE_IN_APP);
      }
      filling.add(key);
      try {
        const jobId = deps.jobs.start('pool', async (ctx): Promise<PoolFillResult> => {
          const started = performance.now();
          try {
            return await withPool(profile, async (db) => {
              const status = await readPoolStatus(db, snapshot.checksum);
              const total = Math.max(0, status.target - status.ready.length);
              let done = 0;
              ctx.progress({ message: `Building ${total} spare(s)…`, done, total });
              const result = await fillPool(db, snapshot, {
                signal: ctx.signal,
                replace: replace === true,
                onBuilt: (schema) => ctx.progress({ message: `Built ${schema}.`, done: ++done, total }),
              });
              if (result.ownedBy !== undefined) throw ownedByOtherError(result.ownedBy, snapshot.checksum, status.stale.length, REPLACE_IN_APP);
              if (result.placedOtherwise !== undefined) throw placedOtherwiseError(result.placedOtherwise, REPLACE_IN_APP);
              if (ctx.signal.aborted) throw new TenantryError('CANCELLED', 'Cancelled.');
              return { built: result.built.length, dropped: result.dropped.length, busy: result.busy, elapsedMs: Math.round(performance.now() - started) };
            });
          } finally {
            filling.delete(key);
          }
        });
        return { jobId };
      } catch (error) {
        filling.delete(key);
        throw error;
      }
    },
    async 'pool:empty'({ target, confirm }) {
      if (!confirm) throw new TenantryError('CONFIRMATION_REQUIRED', 'Emptying the warm pool drops every spare tenant schema. Confirm to go ahead.');
      const { profile } = await deps.resolveTarget(target);
      if (filling.has(poolKey(profile))) throw new TenantryError('INVALID_REQUEST', 'The warm pool is being filled; wait for it to finish before emptying it.');
      // Stop background upkeep first (after the spare it is building), or it would build spares back.
      await deps.keeper.forget(profile);
      const dropped = await withPool(profile, (db) => emptyPool(db));
      return { dropped: dropped.length };
    },
    async 'pool:claim'({ target, snapshotId, tenant }) {
      validateTenantName(tenant, { protectedNames: deps.snapshots.templateSchemas() });
      const { name: snapshotName, snapshot } = loadSnapshot(snapshotId);
      const { name: connectionName, profile } = await deps.resolveTarget(target);
      let result;
      try {
        result = await withPool(profile, (db) => claimSpare(db, snapshot, tenant));
      } catch (error) {
        if (error instanceof TenantryError && error.code === 'POOL_EMPTY') deps.keeper.keep({ profile, connectionId: target.connectionId, snapshot });
        throw error;
      }
      // Build the claimed spare's replacement behind the response.
      deps.keeper.keep({ profile, connectionId: target.connectionId, snapshot });
      const elapsedMs = Math.round(result.ms * 10) / 10;
      deps.history.add([{ tenant, connectionName, database: profile.database ?? '', snapshotName, status: 'created', at: new Date().toISOString(), elapsedMs }]);
      return { tenant: result.tenant, spare: result.spare, elapsedMs };
    },
  };
}
