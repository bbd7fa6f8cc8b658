/**
 * Placement and moves on a Citus coordinator for the Tenants view: where each
 * tenant lives (`citus:placement`) and a move to another node
 * (`citus:move`) as a job with progress, cancelled with job:cancel, and the
 * rebalance by size `tenantry placement --rebalance` proposes
 * (`citus:rebalance-plan`). The same
 * services as `tenantry placement` and `tenantry move`.
 */
import type { Handlers } from '../../core/api/contract.js';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { openClient } from '../services/connection/open-connection.js';
import { checkMove, moveTenant, proposeRebalance, readPlacement } from '../services/citus/placement.js';
import type { JobRegistry } from './jobs.js';
import type { ResolveTarget } from './resolve-target.js';

type CitusHandlers = Pick<Handlers, 'citus:placement' | 'citus:move' | 'citus:rebalance-plan'>;

async function withClient<T>(profile: ConnectionProfile, work: (client: Awaited<ReturnType<typeof openClient>>) => Promise<T>): Promise<T> {
  const client = await openClient(profile);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Builds the Citus handlers. */
export function createCitusHandlers(deps: { jobs: JobRegistry; resolveTarget: ResolveTarget }): CitusHandlers {
  return {
    async 'citus:placement'({ target }) {
      const { profile } = await deps.resolveTarget(target);
      return withClient(profile, (client) => readPlacement(client));
    },
    async 'citus:rebalance-plan'({ target }) {
      const { profile } = await deps.resolveTarget(target);
      return withClient(profile, async (client) => proposeRebalance(await readPlacement(client)));
    },
    async 'citus:move'({ target, tenant, node, mode }) {
      const { profile } = await deps.resolveTarget(target);
      // A move Citus would refuse (not distributed, empty, same node, no wal_level=logical or key for an online move) is refused here, before a job.
      await withClient(profile, (client) => checkMove(client, { tenant, node, mode }));
      const jobId = deps.jobs.start('move', (ctx) =>
        withClient(profile, (db) =>
          withClient(profile, (monitor) => {
            ctx.progress({ message: `Moving ${tenant} to ${node}…` });
            return moveTenant(db, monitor, { tenant, node, mode }, {
              signal: ctx.signal,
              pollMs: 500,
              onProgress: (p) => ctx.progress({ message: `Moving ${tenant} to ${node}: ${Math.round(p.elapsedMs / 1000)} s`, ...(p.copiedBytes !== undefined ? { done: p.copiedBytes, total: p.totalBytes } : {}) }),
            });
          }),
        ),
      );
      return { jobId };
    },
  };
}
