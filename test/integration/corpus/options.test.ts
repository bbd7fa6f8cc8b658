/**
 * Every corpus file once more with the other snapshot options: minified, no
 * owners, no privileges, a custom placeholder. One tenant each, verified.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { CORPUS, hasCorpus, loadCorpus } from '../harness/corpus.js';
import { profileFor } from '../harness/profile.js';
import { createTenantSnapshot } from '../../../electron/services/snapshot/create-tenant-snapshot.js';
import { createProvisioner, snapshotSource } from '../../../electron/services/provision/provisioner.js';
import { verifyTenant } from '../../../electron/services/verify/verify-tenant.js';
import { parseSnapshot } from '../../../core/snapshot/format.js';

// The corpus lives outside the repository (../shared/corpus); without it these tests skip, like the other corpus suites.
describe.skipIf(!hasCorpus())('snapshot options over the corpus (minify, no owner, no privileges, custom placeholder)', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  for (const corpus of CORPUS) {
    it(`${corpus.file}: a minified snapshot without owners and privileges makes a verified tenant`, async () => {
      const db = corpus.file.replace(/\.sql$/, '').replace(/\W/g, '_');
      await loadCorpus(cluster, db, corpus);
      const profile = profileFor(cluster, db);
      const result = await createTenantSnapshot(profile, { schema: corpus.template, minify: true, noOwner: true, noPrivileges: true, placeholder: '__TENANT__' });
      expect(result.text).not.toMatch(/OWNER TO|^GRANT /m);
      const snapshot = parseSnapshot(result.text);
      expect(snapshot.header.placeholder).toBe('__TENANT__');
      const provisioner = await createProvisioner(profile, { concurrency: 1 });
      try {
        await provisioner.provisionTenant(snapshotSource(snapshot), 'Acme Corp');
      } finally {
        await provisioner.close();
      }
      const verdict = await verifyTenant(profile, { template: corpus.template, tenant: 'Acme Corp' });
      expect(verdict.differences).toEqual([]);
    });
  }
});
