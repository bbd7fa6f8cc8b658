/**
 * Handlers of the Tenants view (issue 14) over the fleet services: the
 * register and census of a template, a cohort's differences, verify of many
 * tenants as a job, adoption, and drop after the name is typed again.
 */
import type pg from 'pg';
import type { ConnectionTarget, FleetVerifySummary, Handlers } from '../../core/api/contract.js';
import { TenantryError } from '../../core/errors.js';
import { withPool } from '../services/connection/open-connection.js';
import { adoptTenants, findAdoptionCandidates } from '../services/fleet/adopt.js';
import { describeCohort } from '../services/fleet/census.js';
import { readFleet } from '../services/fleet/read-fleet.js';
import { verifyAll, type VerifyAllOutcome } from '../services/fleet/verify-all.js';
import { dropTenant } from '../services/provision/drop-tenant.js';
import type { SnapshotStore } from '../services/storage/snapshot-store.js';
import type { JobRegistry } from './jobs.js';
import type { ResolveTarget } from './resolve-target.js';

export interface FleetHandlerDeps {
  jobs: JobRegistry;
  snapshots: SnapshotStore;
  resolveTarget: ResolveTarget;
}

type FleetHandlers = Pick<Handlers, 'fleet:tenants' | 'fleet:cohort' | 'fleet:verify' | 'fleet:adopt-candidates' | 'fleet:adopt' | 'fleet:drop'>;

function toOutcome(o: VerifyAllOutcome): FleetVerifySummary['outcomes'][number] {
  if (o.result === undefined) return { tenant: o.tenant, status: 'failed', summary: o.error ?? 'The verify could not run.' };
  const n = o.result.differences.length;
  if (o.result.equal && o.result.isolated) return { tenant: o.tenant, status: 'equal' };
  return { tenant: o.tenant, status: 'different', summary: o.result.isolated ? `${n} difference${n === 1 ? '' : 's'}` : `not isolated; ${n} difference${n === 1 ? '' : 's'}` };
}

/** Builds the fleet handlers. */
export function createFleetHandlers(deps: FleetHandlerDeps): FleetHandlers {
  async function withDb<T>(target: ConnectionTarget, work: (db: pg.Pool) => Promise<T>): Promise<T> {
    return withPool((await deps.resolveTarget(target)).profile, work);
  }

  return {
    async 'fleet:tenants'({ target, template }) {
      return withDb(target, (db) => readFleet(db, template));
    },
    async 'fleet:cohort'({ target, template, tenant }) {
      const [result] = await withDb(target, (db) => describeCohort(db, { template, cohort: { members: [tenant] } }));
      if (result === undefined) throw new TenantryError('INTERNAL', `The verify of ${tenant} returned nothing.`);
      return result;
    },
    async 'fleet:verify'({ target, template, tenants }) {
      const { profile } = await deps.resolveTarget(target);
      const jobId = deps.jobs.start('verify', async (ctx) => {
        ctx.progress({ message: `Verifying ${tenants.length} tenant(s) against ${template}…`, done: 0, total: tenants.length });
        const summary = await verifyAll(profile, {
          template,
          tenants,
          signal: ctx.signal,
          onProgress: (done, total, outcome) => ctx.progress({ message: `Verified ${outcome.tenant}`, done, total }),
        });
        const { outcomes, ...counts } = summary;
        return { ...counts, outcomes: outcomes.map(toOutcome) };
      });
      return { jobId };
    },
    async 'fleet:adopt-candidates'({ target, template, minMatch }) {
      return withDb(target, (db) => findAdoptionCandidates(db, template, minMatch / 100));
    },
    async 'fleet:adopt'({ target, template, schemas }) {
      return { adopted: await withDb(target, (db) => adoptTenants(db, template, schemas)) };
    },
    async 'fleet:drop'({ target, tenant, confirmName }) {
      if (confirmName !== tenant) throw new TenantryError('CONFIRMATION_REQUIRED', `Type the tenant's name, ${tenant}, exactly to drop it and all its data.`);
      const { profile } = await deps.resolveTarget(target);
      return dropTenant(profile, tenant, { confirmed: true, protectedNames: deps.snapshots.templateSchemas() });
    },
  };
}
