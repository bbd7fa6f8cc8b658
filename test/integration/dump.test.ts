import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { findEmbeddedBinDir } from './harness/embedded.js';
import { waitForLockWaiter } from './harness/faults.js';
import { profileFor } from './harness/profile.js';
import { listSchemas } from '../../electron/services/catalog/list-schemas.js';
import { dumpSchema } from '../../electron/services/dump/dump-schema.js';
import { findClientBinaries } from '../../electron/services/binaries/find-client-binaries.js';
import { TenantryError } from '../../core/errors.js';

async function catchError(promise: Promise<unknown>): Promise<TenantryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TenantryError) return error;
    throw error;
  }
  throw new Error('expected a TenantryError');
}

describe('schemas and dump against PostgreSQL 15', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase('app');
    await cluster.query(
      `create extension citext;
       create schema "a*b"; create table "a*b".only_me (id int);
       create schema axb; create table axb.not_me (id int);
       create schema "Acme Corp"; create table "Acme Corp".t (id serial primary key, name citext); create view "Acme Corp".v as select * from "Acme Corp".t;
       create function "Acme Corp".f() returns int language sql as 'select 1';
       insert into "Acme Corp".t (name) select 'x' from generate_series(1, 1000);
       create schema "x.y"; create table "x.y".dotted (id int);
       create schema xzy; create table xzy.not_dotted (id int);
       create role reader login password 'reader-pw';`,
      'app',
    );
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('lists schemas with owner, counts and size, marking system schemas, as a role without superuser', async () => {
    const schemas = await listSchemas(profileFor(cluster, 'app', { user: 'reader', password: 'reader-pw' }));
    const acme = schemas.find((s) => s.name === 'Acme Corp');
    expect(acme).toMatchObject({ owner: 'postgres', tables: 1, views: 1, functions: 1, sequences: 1, system: false, extensionOwned: false });
    expect(acme!.sizeBytes).toBeGreaterThan(8192);
    expect(schemas.find((s) => s.name === 'pg_catalog')?.system).toBe(true);
    expect(schemas.find((s) => s.name === 'public')?.functions).toBeGreaterThan(10); // citext's functions
    // user schemas are listed before system schemas
    expect(schemas.findIndex((s) => s.system)).toBeGreaterThan(schemas.findIndex((s) => s.name === 'xzy'));
  });

  it('dumps exactly the named schema when the name holds pattern characters', async () => {
    const star = await dumpSchema(profileFor(cluster, 'app'), { schema: 'a*b' });
    expect(star.sql).toContain('only_me');
    expect(star.sql).not.toContain('not_me');
    const dot = await dumpSchema(profileFor(cluster, 'app'), { schema: 'x.y' });
    expect(dot.sql).toContain('dotted');
    expect(dot.sql).not.toContain('not_dotted');
    const spaced = await dumpSchema(profileFor(cluster, 'app'), { schema: 'Acme Corp', noOwner: true, noPrivileges: true });
    expect(spaced.sql).toContain('CREATE TABLE "Acme Corp".t');
    expect(spaced.sql).not.toContain('OWNER TO');
    expect(spaced.sql).not.toMatch(/^INSERT/m);
    expect(spaced.pgDump.version).toMatch(/^15\./);
    expect(spaced.serverVersion).toMatch(/^15\./);
    expect(spaced.bytes).toBe(Buffer.byteLength(spaced.sql));
  });

  it('says SCHEMA_NOT_FOUND for a missing or wrongly-cased schema', async () => {
    const error = await catchError(dumpSchema(profileFor(cluster, 'app'), { schema: 'acme corp' }));
    expect(error.code).toBe('SCHEMA_NOT_FOUND');
    expect(error.userMessage).toContain('"acme corp"');
  });

  it('streams stderr and turns a pg_dump failure into PG_DUMP_FAILED with the stderr tail', async () => {
    // reader may not lock axb.not_me: pg_dump reports "permission denied" on stderr and exits 1.
    const lines: string[] = [];
    const error = await catchError(dumpSchema(profileFor(cluster, 'app', { user: 'reader', password: 'reader-pw' }), { schema: 'axb', onStderrLine: (l) => lines.push(l) }));
    expect(error.code).toBe('PG_DUMP_FAILED');
    expect(error.userMessage).toContain('pg_dump 15.');
    expect(error.userMessage).toContain('exit status 1');
    expect(error.detail).toContain('permission denied');
    expect(lines.join('\n')).toContain('permission denied');
  });

  it('can be cancelled', async () => {
    const holder = await cluster.connect('app');
    await holder.query('begin; lock table axb.not_me in access exclusive mode');
    try {
      const controller = new AbortController();
      const pending = catchError(dumpSchema(profileFor(cluster, 'app'), { schema: 'axb', signal: controller.signal }));
      // Cancel once pg_dump's backend waits for the lock the test holds (not after a guessed delay).
      await waitForLockWaiter(cluster, 'app', 'relation');
      controller.abort();
      const error = await pending;
      expect(error.code).toBe('CANCELLED');
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
  });

  it('times out', async () => {
    const holder = await cluster.connect('app');
    await holder.query('begin; lock table axb.not_me in access exclusive mode');
    try {
      const error = await catchError(dumpSchema(profileFor(cluster, 'app'), { schema: 'axb', timeoutMs: 1500 }));
      expect(error.code).toBe('TIMEOUT');
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
  });

  it('finds this machine\'s pg_dump with its version', async () => {
    const found = await findClientBinaries('pg_dump');
    expect(found.some((c) => c.path === '/usr/lib/postgresql/15/bin/pg_dump' && c.version?.major === 15)).toBe(true);
  });
});

const pg17 = findEmbeddedBinDir(17);

describe.runIf(pg17)('a server newer than every pg_dump', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ binDir: pg17! });
    await cluster.query('create schema app; create table app.t (id int)');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('gives PG_DUMP_VERSION_MISMATCH naming the server version and the binaries found', async () => {
    expect(cluster.major).toBe(17);
    const error = await catchError(dumpSchema(profileFor(cluster), { schema: 'app' }));
    expect(error.code).toBe('PG_DUMP_VERSION_MISMATCH');
    expect(error.userMessage).toMatch(/PostgreSQL 17\.\d+/);
    expect(error.userMessage).toContain('newest pg_dump found is 15');
    expect(error.userMessage).toContain('--pg-bin');
    expect(error.detail).toMatch(/\/usr\/lib\/postgresql\/15\/bin\/pg_dump \(15\.\d+\)/);
  });

  it('refuses an explicit --pg-bin that is too old without looking elsewhere', async () => {
    const error = await catchError(dumpSchema(profileFor(cluster), { schema: 'app', pgBin: ['/usr/lib/postgresql/15/bin'] }));
    expect(error.code).toBe('PG_DUMP_VERSION_MISMATCH');
    expect(error.detail).toContain('from your setting');
  });
});
