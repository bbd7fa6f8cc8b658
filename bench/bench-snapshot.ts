/**
 * Turns a pg_dump text into what the provisioning benchmark needs: a source
 * of per-tenant SQL for the provisioner, a PoolSnapshot for the warm pool,
 * and how long templating took. Uses the real engine with the template's
 * catalog facts, as `tenantry snapshot` does.
 */
import type pg from 'pg';
import type { Snapshot } from '../core/snapshot/format.js';
import { renderSnapshot } from '../core/snapshot/render.js';
import { createSnapshot } from '../core/snapshot/template.js';
import { readCatalogFacts } from '../electron/services/catalog/read-catalog-facts.js';
import { buildSessionPreamble } from '../core/provision/session-preamble.js';
import { snapshotSource, type TenantSource } from '../electron/services/provision/provisioner.js';
import type { PoolSnapshot } from '../electron/services/pool/warm-pool.js';
import { toPoolSnapshot } from '../electron/services/pool/warm-pool-snapshot.js';

export interface BenchSnapshot {
  snapshot: Snapshot;
  /** What Tenantry's provisioner gets. */
  source: TenantSource;
  /** The exact SQL a tenant's transaction runs (session preamble as SET LOCAL, then the rendered body): what the floor and the alternatives run. */
  sql(tenant: string): string;
  pool: PoolSnapshot;
  /** Milliseconds the engine took to template the dump (catalog facts read beforehand). */
  templateMs: number;
  dumpBytes: number;
}

/** Templates a dump of `schema`, reading the catalog facts through `client`. */
export async function makeBenchSnapshot(client: pg.ClientBase, dump: string, schema: string): Promise<BenchSnapshot> {
  const catalog = await readCatalogFacts(client, schema);
  const started = performance.now();
  const { snapshot } = createSnapshot(dump, { schema, catalog });
  const templateMs = performance.now() - started;
  return {
    snapshot,
    source: snapshotSource(snapshot),
    sql: (tenant) => buildSessionPreamble(snapshot.header.sessionSettings) + renderSnapshot(snapshot, tenant),
    pool: toPoolSnapshot(snapshot),
    templateMs,
    dumpBytes: dump.length,
  };
}
