import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { claimSpare, emptyPool, fillPool, readPoolStatus, setPoolTarget, WarmPool, type PoolSnapshot } from '../../../electron/services/pool/warm-pool.js';
import { verifyTenantWith } from '../../../electron/services/verify/verify-tenant.js';
import { loadGeneratedTemplate, makeSnapshot, profileFor } from './pool-fixtures.js';
import { createProvisioner, snapshotSource } from '../../../electron/services/provision/provisioner.js';
import type { Snapshot } from '../../../core/snapshot/format.js';

const TEMPLATE = 'tmpl_src';
const APP_PASSWORD = 'app-secret';
// The application's role: not the owner of anything, granted access by the template's own GRANTs.
const GRANTS = `
CREATE ROLE app LOGIN PASSWORD '${APP_PASSWORD}';
GRANT USAGE ON SCHEMA ${TEMPLATE} TO app;
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA ${TEMPLATE} TO app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${TEMPLATE} TO app;
-- Database-wide default privileges give every new schema to the app: spares must still be withheld.
ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT USAGE ON SCHEMAS TO app;
-- A role whose name needs quotes: withholding and giving back must name it once quoted, not twice.
CREATE ROLE "Report Reader";
ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT USAGE ON SCHEMAS TO "Report Reader";
`;

let cluster: Cluster;
let db: pg.Pool;
let snapshot: PoolSnapshot;
let engineSnapshot: Snapshot;

async function asApp<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: cluster.host, port: cluster.port, user: 'app', password: APP_PASSWORD, database: 'pooldb' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function sqlstateOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

beforeAll(async () => {
  cluster = await startCluster();
  await loadGeneratedTemplate(cluster, 'pooldb', TEMPLATE, 20, GRANTS);
  const made = await makeSnapshot(cluster, 'pooldb', TEMPLATE);
  snapshot = made.pool;
  engineSnapshot = made.snapshot;
  db = new pg.Pool({ host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database: 'pooldb', max: 12 });
});

afterAll(async () => {
  await db?.end();
  await cluster?.stop();
});

describe('warm pool', () => {
  it('keeps spares invisible to the application until claimed', async () => {
    await setPoolTarget(db, 3);
    const filled = await fillPool(db, snapshot);
    expect(filled.built).toHaveLength(3);
    const status = await readPoolStatus(db, snapshot.checksum);
    expect(status.ready.map((s) => s.schema).sort()).toEqual([...filled.built].sort());
    const spare = filled.built[0]!;

    await asApp(async (app) => {
      // Sanity: the app role does reach the template through its grants.
      expect((await app.query(`SELECT count(*)::int AS n FROM ${TEMPLATE}.t_1`)).rows[0].n).toBe(0);
      for (const schema of filled.built) {
        const { rows } = await app.query(`SELECT has_schema_privilege($1, 'USAGE') AS usage, has_schema_privilege($1, 'CREATE') AS create`, [schema]);
        expect(rows[0]).toEqual({ usage: false, create: false });
      }
      expect(await sqlstateOf(app.query(`SELECT * FROM "${spare}".t_1`))).toBe('42501');
      expect(await sqlstateOf(app.query(`INSERT INTO "${spare}".t_1 (code, name) VALUES ('x', 'y')`))).toBe('42501');
      expect(await sqlstateOf(app.query(`SELECT "${spare}".count_t_5('draft')`))).toBe('42501');
      expect(await sqlstateOf(app.query(`SELECT * FROM _tenantry.pool_spares`))).toBe('42501');
      // Not on the search_path even when asked for: without USAGE, names in the schema do not resolve.
      await app.query(`SET search_path = "${spare}"`);
      expect((await app.query(`SELECT current_schemas(false)::text[] AS s`)).rows[0].s).toEqual([]);
      expect(await sqlstateOf(app.query(`SELECT * FROM t_1`))).toBe('42P01');
      await app.query('RESET search_path');
      const schemata = await app.query(`SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE '\\_tenantry%'`);
      expect(schemata.rows).toEqual([]);
      const tables = await app.query(`SELECT table_schema FROM information_schema.tables WHERE table_schema LIKE '\\_tenantry%'`);
      expect(tables.rows).toEqual([]);
    });

    const claimed = await claimSpare(db, snapshot, 'acme');
    expect(claimed.spare).toBe(status.ready[0]!.schema);
    await asApp(async (app) => {
      await app.query(`INSERT INTO acme.t_1 (code, name) VALUES ('c1', 'first')`);
      expect((await app.query(`SELECT count(*)::int AS n FROM acme.t_1`)).rows[0].n).toBe(1);
      expect(await sqlstateOf(app.query(`SELECT * FROM "${claimed.spare}".t_1`))).toBe('42P01');
    });
  });

  it('hands out a tenant that verifies against the template and works on its own', async () => {
    const client = await db.connect();
    try {
      const result = await verifyTenantWith(client, { template: TEMPLATE, tenant: 'acme' });
      expect(result.differences).toEqual([]);
      expect(result.equal && result.isolated).toBe(true);
      // The audit trigger's function has search_path = tenant: it writes the tenant's audit_log, not the template's or the spare's.
      await client.query(`INSERT INTO acme.t_5 (code, name) VALUES ('a', 'b')`);
      expect((await client.query(`SELECT table_name FROM acme.audit_log`)).rows).toEqual([{ table_name: 't_5' }]);
      expect((await client.query(`SELECT count(*)::int AS n FROM ${TEMPLATE}.audit_log`)).rows[0].n).toBe(0);
      // A function body naming the schema as text now names the tenant.
      expect((await client.query(`SELECT acme.count_t_5('draft') AS n`)).rows[0].n).toBe('1');
      const bodies = await client.query(`SELECT count(*)::int AS n FROM pg_proc WHERE pronamespace = 'acme'::regnamespace AND (prosrc LIKE '%\\_tenantry%' OR array_to_string(proconfig, ',') LIKE '%\\_tenantry%')`);
      expect(bodies.rows[0].n).toBe(0);
    } finally {
      client.release();
    }
  });

  it('gives a claimed tenant the same schema privileges as a freshly provisioned one', async () => {
    const provisioner = await createProvisioner(profileFor(cluster, 'pooldb'), { concurrency: 1 });
    try {
      await provisioner.provisionTenant(snapshotSource(engineSnapshot), 'fresh_one');
    } finally {
      await provisioner.close();
    }
    const acl = await cluster.query(`SELECT nspname, nspacl::text AS acl FROM pg_namespace WHERE nspname IN ('acme', 'fresh_one') ORDER BY 1`, 'pooldb');
    expect(acl.rows[0].acl).toBe(acl.rows[1].acl);
    expect(acl.rows[0].acl).toContain('app=U/');
    const reader = await cluster.query(`SELECT has_schema_privilege('Report Reader', 'acme', 'USAGE') AS claimed, has_schema_privilege('Report Reader', 'fresh_one', 'USAGE') AS fresh`, 'pooldb');
    expect(reader.rows[0]).toEqual({ claimed: true, fresh: true });
  });

  it('fails cleanly for an existing tenant name and leaves the spare in the pool', async () => {
    const before = await readPoolStatus(db, snapshot.checksum);
    await expect(claimSpare(db, snapshot, 'acme')).rejects.toMatchObject({ code: 'TENANT_EXISTS' });
    await cluster.query('CREATE SCHEMA "Taken One"', 'pooldb');
    await expect(claimSpare(db, snapshot, 'Taken One')).rejects.toMatchObject({ code: 'TENANT_EXISTS' });
    await expect(claimSpare(db, snapshot, '_tenantry_spare_x')).rejects.toMatchObject({ code: 'INVALID_TENANT_NAME' });
    const after = await readPoolStatus(db, snapshot.checksum);
    expect(after.ready.map((s) => s.schema)).toEqual(before.ready.map((s) => s.schema));
    const schemas = await cluster.query(`SELECT nspname FROM pg_namespace WHERE nspname = ANY($1::name[])`.replace('$1', `ARRAY[${before.ready.map((s) => `'${s.schema}'`).join(',')}]`), 'pooldb');
    expect(schemas.rowCount).toBe(before.ready.length);
    expect((await cluster.query(`SELECT count(*)::int AS n FROM "Taken One".pg_class`, 'pooldb').catch(() => ({ rows: [{ n: -1 }] }))).rows[0].n).toBe(-1);
  });

  // The last two try to break out of the claim's literals and its DO block's dollar quotes ($tenantry_claim$ itself is
  // not a tenant name: core/tenant/tenant-name.ts refuses every $tag$, see the next test).
  it.each(['Acme Corp', "o'neil", 'tenant_日本', 'select', "a'); DROP SCHEMA _tenantry CASCADE; --", 'x$tenantry_claim'])('claims for the awkward name %s and verifies', async (tenant) => {
    await fillPool(db, snapshot, { target: 1 });
    const claimed = await claimSpare(db, snapshot, tenant);
    expect(claimed.tenant).toBe(tenant);
    const client = await db.connect();
    try {
      const result = await verifyTenantWith(client, { template: TEMPLATE, tenant });
      expect(result.differences).toEqual([]);
      expect(result.equal && result.isolated).toBe(true);
      const quoted = `"${tenant.replace(/"/g, '""')}"`;
      await client.query(`INSERT INTO ${quoted}.t_10 (code, name) VALUES ('k', 'v')`);
      expect((await client.query(`SELECT table_name, row_id FROM ${quoted}.audit_log`)).rows).toEqual([{ table_name: 't_10', row_id: '1' }]);
      expect((await client.query(`SELECT to_regclass('_tenantry.pool_spares') IS NOT NULL AS ok`)).rows[0].ok).toBe(true);
    } finally {
      client.release();
    }
  });

  it.each(['x$tenantry_claim$y', 'w$$b', 'pg_x', 'x'.repeat(64), 'tmpl\u202e', TEMPLATE])('refuses the name %j before touching the pool, as provisioning does', async (tenant) => {
    await fillPool(db, snapshot, { target: 1 });
    const before = await readPoolStatus(db, snapshot.checksum);
    await expect(claimSpare(db, snapshot, tenant)).rejects.toMatchObject({ code: 'INVALID_TENANT_NAME' });
    expect((await readPoolStatus(db, snapshot.checksum)).ready).toEqual(before.ready);
  });

  it('never hands the same spare to two concurrent claims', async () => {
    await emptyPool(db);
    const filled = await fillPool(db, snapshot, { target: 10 });
    expect(filled.built).toHaveLength(10);
    const names = Array.from({ length: 12 }, (_, i) => `tenant_${i}`);
    const settled = await Promise.allSettled(names.map((name) => claimSpare(db, snapshot, name)));
    const won = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const lost = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as { code?: string }] : []));
    expect(won).toHaveLength(10);
    expect(new Set(won.map((w) => w.spare)).size).toBe(10);
    expect(new Set(won.map((w) => w.spare))).toEqual(new Set(filled.built));
    expect(lost.map((e) => e.code)).toEqual(['POOL_EMPTY', 'POOL_EMPTY']);
    const present = await cluster.query(`SELECT nspname FROM pg_namespace WHERE nspname ~ '^tenant_[0-9]+$' ORDER BY 1`, 'pooldb');
    expect(present.rows.map((r) => r.nspname)).toEqual(won.map((w) => w.tenant).sort());
    expect((await readPoolStatus(db, snapshot.checksum)).ready).toEqual([]);
  });

  it('passes over a spare whose schema was dropped by hand, and the next fill removes its row', async () => {
    await emptyPool(db);
    const filled = await fillPool(db, snapshot, { target: 2 });
    expect(filled.built).toHaveLength(2);
    const [oldest, other] = (await readPoolStatus(db, snapshot.checksum)).ready.map((s) => s.schema);
    await cluster.query(`DROP SCHEMA "${oldest}" CASCADE`, 'pooldb');

    const status = await readPoolStatus(db, snapshot.checksum);
    expect(status.ready.map((s) => s.schema)).toEqual([other]);
    expect(status.stale).toEqual([expect.objectContaining({ schema: oldest, missing: true })]);
    // The claim takes the spare that still exists instead of failing on the oldest row again and again.
    const claimed = await claimSpare(db, snapshot, 'after_manual_drop');
    expect(claimed.spare).toBe(other);
    await expect(claimSpare(db, snapshot, 'no_spare_left')).rejects.toMatchObject({ code: 'POOL_EMPTY' });

    const refilled = await fillPool(db, snapshot, { target: 1 });
    expect(refilled.dropped).toEqual([oldest]);
    expect(refilled.built).toHaveLength(1);
    const after = await readPoolStatus(db, snapshot.checksum);
    expect(after.stale).toEqual([]);
    expect(after.ready.map((s) => s.schema)).toEqual(refilled.built);
  });

  it('refills in the background after a claim, and leaves a pool another snapshot owns until an explicit replace', async () => {
    await setPoolTarget(db, 2);
    const events: string[] = [];
    const pool = new WarmPool(db, snapshot, (e) => events.push(e.type));
    await pool.refill();
    expect((await readPoolStatus(db, snapshot.checksum)).ready).toHaveLength(2);
    await pool.claim('beta');
    await pool.idle();
    expect((await readPoolStatus(db, snapshot.checksum)).ready).toHaveLength(2);

    await cluster.query(`CREATE TABLE ${TEMPLATE}.added (id int PRIMARY KEY)`, 'pooldb');
    const next = (await makeSnapshot(cluster, 'pooldb', TEMPLATE)).pool;
    expect(next.checksum).not.toBe(snapshot.checksum);
    const before = (await readPoolStatus(db)).ready.map((s) => s.schema);
    pool.setSnapshot(next);
    await pool.idle();
    // Background upkeep with another snapshot: nothing dropped, nothing built, and it says why.
    expect(events).toContain('not-owner');
    expect(events).not.toContain('dropped');
    const kept = await readPoolStatus(db, next.checksum);
    expect(kept).toMatchObject({ owner: snapshot.checksum, ready: [] });
    expect(kept.stale.map((s) => s.schema)).toEqual(before);
    // The explicit replace (CLI --replace --yes, app's confirmed "Replace pool") makes it next's.
    const replaced = await fillPool(db, next, { replace: true });
    expect(replaced.dropped).toEqual(before);
    const status = await readPoolStatus(db, next.checksum);
    expect(status.ready).toHaveLength(2);
    expect(status.stale).toEqual([]);
    expect(status.owner).toBe(next.checksum);
    const claimed = await pool.claim('gamma');
    await pool.stop();
    expect((await cluster.query(`SELECT to_regclass('gamma.added') IS NOT NULL AS ok`, 'pooldb')).rows[0].ok).toBe(true);
    expect(claimed.spare.startsWith('_tenantry_spare_' + next.checksum.slice(0, 8))).toBe(true);
    expect(events.filter((e) => e === 'error')).toEqual([]);
  });
});
