/**
 * Partitions in another schema: a template whose partitioned tables keep
 * their partitions elsewhere is refused by default, naming each table
 * (GitLab's 13 tables in gitlab_partitions_static, when ../shared/realworld
 * has gitlab.sql); with carryPartitions each tenant gets its own partitions,
 * through the driver and through psql, and inserts land in the tenant's.
 * The report also lists small tables that look like configuration.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { profileFor } from './harness/profile.js';
import { runSqlFile } from './harness/corpus.js';
import { createTenantSnapshot } from '../../electron/services/snapshot/create-tenant-snapshot.js';
import { createProvisioner, snapshotSource } from '../../electron/services/provision/provisioner.js';
import { TenantryError } from '../../core/errors.js';
import { verifyTenants } from '../../electron/services/verify/verify-tenant.js';

const GITLAB = fileURLToPath(new URL('../../../shared/realworld/gitlab.sql', import.meta.url));

describe('partitions kept in another schema', () => {
  let cluster: Cluster;
  const db = 'app';
  const run = (sql: string) => cluster.query(sql, db);
  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase(db);
    await run(`CREATE SCHEMA tpl; CREATE SCHEMA parts;
      CREATE TABLE tpl.events (id bigint NOT NULL, tenant int NOT NULL, body text, PRIMARY KEY (id, tenant)) PARTITION BY HASH (tenant);
      CREATE TABLE parts.events_0 PARTITION OF tpl.events FOR VALUES WITH (modulus 2, remainder 0);
      CREATE TABLE parts.events_1 PARTITION OF tpl.events FOR VALUES WITH (modulus 2, remainder 1) PARTITION BY RANGE (id);
      CREATE TABLE parts.events_1_low PARTITION OF parts.events_1 FOR VALUES FROM (MINVALUE) TO (1000);
      CREATE TABLE parts.events_1_high PARTITION OF parts.events_1 FOR VALUES FROM (1000) TO (MAXVALUE);
      CREATE TABLE tpl.settings (singleton boolean PRIMARY KEY DEFAULT true, enable_teams boolean NOT NULL);
      INSERT INTO tpl.settings VALUES (true, true);
      CREATE TABLE tpl.notes (id serial PRIMARY KEY);`);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('refuses by default, naming the table and where its partitions are', async () => {
    const error = await createTenantSnapshot(profileFor(cluster, db), { schema: 'tpl' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenantryError);
    expect((error as TenantryError).code).toBe('SNAPSHOT_PARTITIONS_ELSEWHERE');
    expect((error as TenantryError).userMessage).toContain('events (4 in parts)');
    expect((error as TenantryError).userMessage).toContain('--carry-partitions');
  });

  it('carries the partitions into each tenant on request; inserts land in the tenant, the template is untouched', async () => {
    const result = await createTenantSnapshot(profileFor(cluster, db), { schema: 'tpl', carryPartitions: true });
    expect(result.carried.join('\n')).toContain('4 partitions of events (kept in parts)');
    expect(result.configTables).toEqual([{ table: 'settings', rows: 1 }]);
    for (const [tenant, via] of [['acme', 'driver'], ['Acme Corp', 'psql']] as const) {
      const provisioner = await createProvisioner(profileFor(cluster, db), { via });
      try {
        await provisioner.provisionTenant(snapshotSource(result.snapshot), tenant);
      } finally {
        await provisioner.close();
      }
      const q = `"${tenant}"`;
      await run(`INSERT INTO ${q}.events SELECT g, g % 7, 'x' FROM generate_series(1, 2000) g`);
      const where = await run(`SELECT n.nspname AS schema, count(*)::int AS n FROM ${q}.events e JOIN pg_class c ON c.oid = e.tableoid JOIN pg_namespace n ON n.oid = c.relnamespace GROUP BY 1`);
      expect(where.rows).toEqual([{ schema: tenant, n: 2000 }]);
      const leaves = await run(`SELECT count(*)::int AS n FROM pg_partition_tree('${q}.events') WHERE isleaf`);
      expect(leaves.rows).toEqual([{ n: 3 }]);
    }
    const template = await run('SELECT count(*)::int AS n FROM tpl.events');
    expect(template.rows).toEqual([{ n: 0 }]);
  });

  it("verify matches the carried partitions to the template's by parent and bounds, and says so; a missing one is a difference", async () => {
    // Before: the carried partitions (and their columns, constraints, indexes) were "only in tenant": not equal.
    const results = await verifyTenants(profileFor(cluster, db), { template: 'tpl', tenants: ['acme', 'Acme Corp'] });
    for (const r of results) {
      expect(r.differences, r.tenant).toEqual([]);
      expect(r.equal && r.isolated).toBe(true);
      expect(r.compared.partition).toBe(4);
      expect(r.notes.map((n) => n.detail).join('\n')).toContain("4 of the template's 4 partitions kept in parts correspond to the tenant's own partitions");
    }
    await run('DROP TABLE "Acme Corp".events_1_high');
    const [broken] = await verifyTenants(profileFor(cluster, db), { template: 'tpl', tenants: ['Acme Corp'] });
    expect(broken?.equal).toBe(false);
    expect(broken?.differences).toEqual([{ kind: 'partition', object: 'parts.events_1_high', detail: `the template's partition of events_1 (FOR VALUES FROM ('1000') TO (MAXVALUE)) has no partition of events_1 with these bounds in tenant "Acme Corp"` }]);
  });

  it("verify compares each carried partition's owner and privileges with the template's partition it matched", async () => {
    // Before: the template's privilege catalog listed only its own schema, so each carried partition was
    // "privileges only in tenant" (4 differences here, 400 per GitLab tenant).
    const carries = { owners: true, privileges: true };
    const [same] = await verifyTenants(profileFor(cluster, db), { template: 'tpl', tenants: ['acme'], carries });
    expect(same?.differences).toEqual([]);
    expect(same?.compared.privileges).toBeGreaterThanOrEqual(4 + 3);
    // Compared, not skipped: a grant on the template's partition that the tenant's lacks is a difference.
    await run('CREATE ROLE partition_reader; GRANT SELECT ON parts.events_0 TO partition_reader; GRANT UPDATE (body) ON parts.events_1_low TO partition_reader');
    try {
      const [differs] = await verifyTenants(profileFor(cluster, db), { template: 'tpl', tenants: ['acme'], carries });
      expect(differs?.equal).toBe(false);
      expect(differs?.differences.map((d) => `${d.kind} ${d.object}`).sort()).toEqual(['privileges column events_1_low.body', 'privileges table events_0']);
      expect(differs?.differences.find((d) => d.object === 'table events_0')?.detail).toMatch(/^privileges: template .*partition_reader=SELECT.* ≠ tenant /);
    } finally {
      await run('REVOKE ALL ON parts.events_0 FROM partition_reader; REVOKE ALL (body) ON parts.events_1_low FROM partition_reader; DROP ROLE partition_reader');
    }
  });

  it.skipIf(!existsSync(GITLAB))('refuses GitLab, naming the 13 tables partitioned into gitlab_partitions_static', async () => {
    await cluster.createDatabase('gitlab');
    await runSqlFile(cluster, 'gitlab', GITLAB);
    const error = await createTenantSnapshot(profileFor(cluster, 'gitlab'), { schema: 'public' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenantryError);
    const message = (error as TenantryError).userMessage;
    expect(message).toMatch(/^13 partitioned tables of public keep their partitions in other schemas: /);
    expect(message).toContain('in gitlab_partitions_static)');
  }, 300_000);
});

if (!existsSync(GITLAB)) console.log(`GitLab partition test skipped: ${GITLAB} is absent.`);
