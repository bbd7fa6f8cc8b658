/**
 * `tenantry drop` is DROP SCHEMA … CASCADE: it used to drop, without a word,
 * views, foreign keys and columns in other schemas that depended on the
 * tenant, and it would drop `public` (the template of lago, pagila, …).
 * It also had name rules of its own: it accepted a 64-byte name and dropped the
 * 63-byte schema PostgreSQL truncated it to, refused `PG_x` that provision
 * accepts, and dropped a snapshot's template and the pool's `_tenantry`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { profileFor } from './harness/profile.js';
import { dropTenant } from '../../electron/services/provision/drop-tenant.js';
import { TenantryError } from '../../core/errors.js';
import { createSnapshot } from '../../core/snapshot/template.js';
import { main } from '../../electron/cli/main.js';
import pg from 'pg';
import { emptyPool, fillPool } from '../../electron/services/pool/warm-pool.js';
import { makeSnapshot } from './pool/pool-fixtures.js';

let cluster: Cluster;

async function failure(promise: Promise<unknown>): Promise<TenantryError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TenantryError);
    return error as TenantryError;
  }
  throw new Error('expected a failure');
}

async function exists(kind: 'schema' | 'view', name: string): Promise<boolean> {
  const sql = kind === 'schema' ? `select 1 from pg_namespace where nspname = '${name}'` : `select 1 from pg_class where oid = to_regclass('${name}')`;
  return ((await cluster.query(sql, 'app')).rowCount ?? 0) > 0;
}

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.createDatabase('app');
  await cluster.query(
    `create schema acme; create table acme.a (id int primary key); create type acme.mood as enum ('ok');
     create schema rpt; create view rpt.v as select * from acme.a; create table rpt.child (a_id int references acme.a);
     create table rpt.m (m acme.mood);
     create schema beta; create table beta.x (id int); create view beta.vv as select * from beta.x;
     create table public.keep (id int);
     create schema "${'x'.repeat(63)}"; create schema "PG_x"; create table "PG_x".t (id int);
     create schema _tenantry; create table _tenantry.pool_spares (schema_name name);
     create schema tmplx; create table tmplx.t (id int);`,
    'app',
  );
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('drop', () => {
  it('refuses when objects in other schemas depend on the tenant, names them, and drops nothing', async () => {
    const error = await failure(dropTenant(profileFor(cluster, 'app'), 'acme', { confirmed: true }));
    expect(error.code).toBe('TENANT_HAS_DEPENDENTS');
    expect(error.userMessage).toContain('view rpt.v');
    expect(error.userMessage).toContain('constraint child_a_id_fkey on table rpt.child');
    expect(error.userMessage).toContain('column m of table rpt.m');
    expect(await exists('schema', 'acme')).toBe(true);
    expect(await exists('view', 'rpt.v')).toBe(true);
  });

  it('drops a self-contained tenant (its own views included)', async () => {
    const dropped = await dropTenant(profileFor(cluster, 'app'), 'beta', { confirmed: true });
    expect(dropped.objects).toBe(2);
    expect(await exists('schema', 'beta')).toBe(false);
  });

  it('once the outside objects are gone, the tenant can be dropped', async () => {
    await cluster.query('drop view rpt.v; drop table rpt.child; drop table rpt.m;', 'app');
    await dropTenant(profileFor(cluster, 'app'), 'acme', { confirmed: true });
    expect(await exists('schema', 'acme')).toBe(false);
  });

  it('never drops public', async () => {
    const error = await failure(dropTenant(profileFor(cluster, 'app'), 'public', { confirmed: true }));
    expect(error.code).toBe('INVALID_TENANT_NAME');
    expect(error.userMessage).toContain('not a tenant');
    expect(await exists('view', 'public.keep')).toBe(true);
  });
});

describe('drop uses the tenant-name rule provisioning uses', () => {
  it('refuses a 64-byte name instead of dropping the 63-byte schema PostgreSQL truncates it to', async () => {
    const error = await failure(dropTenant(profileFor(cluster, 'app'), 'x'.repeat(64), { confirmed: true }));
    expect(error.code).toBe('INVALID_TENANT_NAME');
    expect(error.userMessage).toContain('64 bytes');
    expect(await exists('schema', 'x'.repeat(63))).toBe(true);
  });

  it('drops PG_x (PostgreSQL reserves lower-case pg_ only, and provisioning accepts it)', async () => {
    const dropped = await dropTenant(profileFor(cluster, 'app'), 'PG_x', { confirmed: true });
    expect(dropped.tenant).toBe('PG_x');
    expect(await exists('schema', 'PG_x')).toBe(false);
  });

  it.each(['_tenantry', 'pg_toast', 'information_schema'])('never drops %s', async (name) => {
    const error = await failure(dropTenant(profileFor(cluster, 'app'), name, { confirmed: true }));
    expect(error.code).toBe('INVALID_TENANT_NAME');
    expect(await exists('schema', name)).toBe(true);
  });

  it('never drops the template schema of a saved snapshot (tenantry drop reads the app\'s saved snapshots)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tenantry-drop-'));
    try {
      mkdirSync(join(home, 'snapshots'), { recursive: true });
      writeFileSync(join(home, 'snapshots', 'tmplx.sql'), createSnapshot('CREATE TABLE tmplx.t (id int);\n', { schema: 'tmplx' }).text);
      let stderr = '';
      const code = await main(['drop', '--tenant', 'tmplx', '--yes', '--url', cluster.url('app')], {
        stdout: () => undefined,
        stderr: (t) => void (stderr += t),
        env: { PATH: process.env.PATH ?? '', TENANTRY_DATA_DIR: home },
        cwd: home,
      });
      expect(code).toBe(1);
      expect(stderr).toContain('template schema of a snapshot');
      expect(await exists('schema', 'tmplx')).toBe(true);
      // The service refuses it too when told.
      expect((await failure(dropTenant(profileFor(cluster, 'app'), 'tmplx', { confirmed: true, protectedNames: ['tmplx'] }))).code).toBe('INVALID_TENANT_NAME');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('never drops the template schema of the database\'s warm pool, even with no saved snapshot naming it', async () => {
    // Its own database: this file's fixture planted a fake _tenantry in 'app'.
    await cluster.createDatabase('pooldb');
    await cluster.query('create schema pooltmpl; create table pooltmpl.t (id int primary key)', 'pooldb');
    const db = new pg.Pool({ host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database: 'pooldb', max: 2 });
    try {
      const { pool } = await makeSnapshot(cluster, 'pooldb', 'pooltmpl');
      await fillPool(db, pool, { target: 1 });
      const error = await failure(dropTenant(profileFor(cluster, 'pooldb'), 'pooltmpl', { confirmed: true }));
      expect(error.code).toBe('INVALID_TENANT_NAME');
      expect(error.userMessage).toContain('warm pool');
      expect((await cluster.query("select 1 from pg_namespace where nspname = 'pooltmpl'", 'pooldb')).rowCount).toBe(1);
      await emptyPool(db);
    } finally {
      await db.end();
    }
  });
});

