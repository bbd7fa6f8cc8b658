/**
 * Handlers over published snapshots (electron/services/publish/publish-snapshot.ts):
 * publish a saved snapshot into the target database with a label and the
 * roles that may call `_tenantry.create_tenant` / `claim_tenant`, list what is
 * published there, and unpublish a label (only with an explicit confirmation).
 */
import type pg from 'pg';
import type { ConnectionTarget, Handlers } from '../../core/api/contract.js';
import { TenantryError } from '../../core/errors.js';
import { validateLabel } from '../../core/publish/published-sql.js';
import { parseSnapshot } from '../../core/snapshot/format.js';
import { withPool } from '../services/connection/open-connection.js';
import { listPublished, publishSnapshot, unpublish } from '../services/publish/publish-snapshot.js';
import type { SnapshotStore } from '../services/storage/snapshot-store.js';
import type { ResolveTarget } from './resolve-target.js';

export interface PublishDeps {
  snapshots: SnapshotStore;
  resolveTarget: ResolveTarget;
}

type PublishHandlers = Pick<Handlers, 'publish:list' | 'publish:publish' | 'publish:unpublish'>;

/** Builds the publish handlers. */
export function createPublishHandlers(deps: PublishDeps): PublishHandlers {
  async function withDb<T>(target: ConnectionTarget, work: (db: pg.Pool) => Promise<T>): Promise<T> {
    return withPool((await deps.resolveTarget(target)).profile, work);
  }

  return {
    async 'publish:list'({ target }) {
      const list = await withDb(target, listPublished);
      return list.map((p, i) => ({ label: p.label, checksum: p.checksum.slice(0, 12), template: p.template, publishedAt: p.publishedAt.toISOString(), publishedBy: p.publishedBy, bytes: p.bytes, isDefault: i === 0 }));
    },
    async 'publish:publish'({ target, snapshotId, label, grants }) {
      if (label !== undefined && label !== '') validateLabel(label);
      const { text } = deps.snapshots.read(snapshotId);
      // Checked like provisioning checks it (seal, containment) before connecting.
      const snapshot = parseSnapshot(text);
      const result = await withDb(target, (db) => publishSnapshot(db, snapshot, { ...(label ? { label } : {}), grants }));
      return { label: result.label, checksum: result.checksum.slice(0, 12), created: result.created, granted: result.granted };
    },
    async 'publish:unpublish'({ target, label, confirm }) {
      if (!confirm) throw new TenantryError('CONFIRMATION_REQUIRED', `Unpublishing ${JSON.stringify(label)} makes create_tenant and claim_tenant refuse that label. Confirm to go ahead.`);
      await withDb(target, (db) => unpublish(db, label));
      return { label };
    },
  };
}
