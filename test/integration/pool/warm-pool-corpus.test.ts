/**
 * The warm pool over every corpus schema: a spare built from the real
 * snapshot, claimed under an awkward name, verifies against the template
 * exactly as a freshly provisioned tenant does.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { CORPUS, hasCorpus, loadCorpus } from '../harness/corpus.js';
import { claimSpare, fillPool, getClaimPlan } from '../../../electron/services/pool/warm-pool.js';
import { verifyTenantWith } from '../../../electron/services/verify/verify-tenant.js';
import { makeSnapshot } from './pool-fixtures.js';

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster();
});

afterAll(async () => {
  await cluster?.stop();
});

// The corpus lives outside the repository (../shared/corpus); without it these tests skip, like the other corpus suites.
describe.skipIf(!hasCorpus())('warm pool over the corpus', () => {
  for (const corpus of CORPUS) {
    it(`${corpus.file}: a claimed spare verifies against ${corpus.template}`, async () => {
      const database = 'pool_' + corpus.file.replace(/\.sql$/, '').replace(/\W/g, '_');
      await loadCorpus(cluster, database, corpus);
      const { pool: snapshot } = await makeSnapshot(cluster, database, corpus.template);
      expect(getClaimPlan(snapshot).unsupported).toEqual([]);
      const db = new pg.Pool({ host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database, max: 2 });
      try {
        await fillPool(db, snapshot, { target: 1 });
        const claimed = await claimSpare(db, snapshot, 'Acme Corp');
        expect(claimed.spare).toMatch(/^_tenantry_spare_/);
        const client = await db.connect();
        try {
          const result = await verifyTenantWith(client, { template: corpus.template, tenant: 'Acme Corp' });
          expect(result.differences).toEqual([]);
          if (corpus.ledger) {
            const template = await client.query(`SELECT count(*)::int AS n FROM ${corpus.template}.${corpus.ledger.table}`);
            const tenant = await client.query(`SELECT count(*)::int AS n FROM "Acme Corp".${corpus.ledger.table}`);
            expect(tenant.rows[0].n).toBe(template.rows[0].n);
            expect(tenant.rows[0].n).toBeGreaterThan(0);
          }
        } finally {
          client.release();
        }
      } finally {
        await db.end();
      }
    });
  }
});
