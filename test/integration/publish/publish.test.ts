/**
 * Issue 13: a snapshot published into the database, called by an application
 * role that holds nothing but EXECUTE on _tenantry.create_tenant. Real
 * PostgreSQL, the sandbox's demo schema as the template, verify as the judge.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSnapshot, serializeSnapshot, type Snapshot } from '../../../core/snapshot/format.js';
import { renderSnapshot } from '../../../core/snapshot/render.js';
import { sha256Hex } from '../../../core/snapshot/sha256.js';
import { findTenantNameProblem } from '../../../core/tenant/tenant-name.js';
import { USUAL_SETTINGS } from '../../../core/publish/tenant-functions-sql.js';
import { main } from '../../../electron/cli/main.js';
import { createPool } from '../../../electron/services/connection/open-connection.js';
import { listPublished, publishSnapshot, unpublish } from '../../../electron/services/publish/publish-snapshot.js';
import { createTenantSnapshot } from '../../../electron/services/snapshot/create-tenant-snapshot.js';
import { verifyTenant } from '../../../electron/services/verify/verify-tenant.js';
import type { Cluster } from '../../../support/cluster.js';
import { CORPUS_DIR, hasCorpus, runSqlFile } from '../harness/corpus.js';
import { profileFor } from '../harness/profile.js';
import { APP, errorOf, PUBLISHER, startPublishFixture, TEMPLATE, type PublishFixture } from './fixture.js';
import { hostileNames } from '../harness/hostile-names.js';

let fixture: PublishFixture;
let cluster: Cluster;
let snapshot: Snapshot;
let publisherDb: pg.Pool;
const asApp = <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => fixture.asApp(fn);
const schemaExists = (name: string): Promise<boolean> => fixture.schemaExists(name);
const dropTenant = (name: string): Promise<void> => fixture.dropTenant(name);

beforeAll(async () => {
  fixture = await startPublishFixture();
  ({ cluster, snapshot, publisherDb } = fixture);
  await publishSnapshot(publisherDb, snapshot, { label: 'v1', grants: [APP.user] });
}, 180_000);

afterAll(async () => {
  await fixture?.stop();
});

describe('an application role with only EXECUTE', () => {
  it.each(['acme', 'Acme Corp', "o'neil", 'tenant_日本'])('creates %j, which passes verify against the template', async (name) => {
    const created = await asApp((c) => c.query('select _tenantry.create_tenant($1) as t', [name]));
    expect(created.rows[0].t).toBe(name);
    const row = await cluster.query(`select how, snapshot_label, template, snapshot_checksum, created_by from _tenantry.tenants where tenant = ${pg.escapeLiteral(name)}`, 'app');
    // created_by names the application's role that called, not the functions' owner (CURRENT_USER inside them).
    expect(row.rows).toEqual([{ how: 'published', snapshot_label: 'v1', template: TEMPLATE, snapshot_checksum: snapshot.header.checksum, created_by: APP.user }]);
    const result = await verifyTenant(profileFor(cluster, 'app'), { template: TEMPLATE, tenant: name });
    expect(result.differences).toEqual([]);
    expect(result.equal).toBe(true);
    expect(result.isolated).toBe(true);
    expect(Object.values(result.compared).reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
  });

  it('cannot create a schema, read or change the stored snapshot, or call the helpers', async () => {
    await asApp(async (c) => {
      expect((await errorOf(c.query('create schema sneaky'))).code).toBe('42501');
      expect((await errorOf(c.query(`update _tenantry.published_snapshots set body = 'DROP SCHEMA tenant_template CASCADE'`))).code).toBe('42501');
      expect((await errorOf(c.query('select body from _tenantry.published_snapshots'))).code).toBe('42501');
      expect((await errorOf(c.query('delete from _tenantry.published_snapshots'))).code).toBe('42501');
      expect((await errorOf(c.query(`select _tenantry.tenant_name_problem('x', '{}')`))).code).toBe('42501');
      expect((await errorOf(c.query(`select _tenantry.render_published(p, 'x') from _tenantry.published_snapshots p`))).code).toBe('42501');
      expect((await errorOf(c.query(`select _tenantry.published_full('v1', 'x')`))).code).toBe('42501');
      expect((await errorOf(c.query(`create or replace function _tenantry.create_tenant(name text, label text default null) returns text language sql as 'select 1::text'`))).code).toBe('42501');
    });
    expect(await schemaExists('sneaky')).toBe(false);
  });
});

describe('names: the SQL rule is the TypeScript rule', () => {
  it.each(hostileNames(TEMPLATE))('%j', async (name) => {
    const expected = findTenantNameProblem(name, { protectedNames: [TEMPLATE] }) ?? null;
    const inSql = await publisherDb.query('select _tenantry.tenant_name_problem($1, $2) as p', [name, [TEMPLATE]]);
    expect(inSql.rows[0].p).toBe(expected);

    await dropTenant(name === '' || expected !== null ? '-' : name);
    const before = await schemaExists(name);
    const outcome = await errorOf(asApp((c) => c.query('select _tenantry.create_tenant($1)', [name])));
    if (expected === null) {
      expect(outcome.message).toBe('no error');
      expect(await schemaExists(name)).toBe(true);
      // The server wrote the name into the body exactly as the client-side renderer does.
      const rendered = await publisherDb.query(`select _tenantry.render_published(p, $1) as sql from _tenantry.published_snapshots p where label = 'v1'`, [name]);
      expect(rendered.rows[0].sql).toBe(renderSnapshot(snapshot, name));
      await dropTenant(name);
    } else {
      expect(outcome.code).toBe('42602');
      expect(outcome.message).toContain(expected);
      expect(await schemaExists(name)).toBe(before);
    }
    expect(await schemaExists(TEMPLATE)).toBe(true);
  });
});

describe('in the caller\'s transaction', () => {
  it('a failure after the call leaves nothing, and the caller\'s settings are its own again', async () => {
    await asApp(async (c) => {
      await c.query('begin');
      await c.query('set local check_function_bodies = on');
      await c.query(`set local search_path = public`);
      // Backslashes in the functions' own literals (the name rule's regexes) must not change meaning.
      await c.query('set local standard_conforming_strings = off');
      expect((await errorOf(c.query('select _tenantry.create_tenant($1)', ['a\u200bb']))).code).toBe('42602');
      await c.query('rollback');
      await c.query('begin');
      await c.query('set local check_function_bodies = on');
      await c.query(`set local search_path = public`);
      await c.query('set local standard_conforming_strings = off');
      await c.query(`set local lock_timeout = '7s'`);
      await c.query(`select _tenantry.create_tenant('rolled_back')`);
      expect((await c.query('show standard_conforming_strings')).rows[0].standard_conforming_strings).toBe('off');
      expect((await c.query('show check_function_bodies')).rows[0].check_function_bodies).toBe('on');
      expect((await c.query('show search_path')).rows[0].search_path).toBe('public');
      expect((await c.query('show lock_timeout')).rows[0].lock_timeout).toBe('7s');
      await errorOf(c.query('select 1/0'));
      await c.query('rollback');
    });
    expect(await schemaExists('rolled_back')).toBe(false);
    expect((await cluster.query(`select 1 from _tenantry.tenants where tenant = 'rolled_back'`, 'app')).rowCount).toBe(0);
  });

  it('a pg_dump snapshot has the settings execute_published sets by its SET clauses; other settings are set and put back one by one', async () => {
    // The demo template's snapshot, taken with pg_dump: the usual settings, which take the short way.
    const usual = await cluster.query(`select session_settings::jsonb = ${pg.escapeLiteral(JSON.stringify(USUAL_SETTINGS))}::jsonb as usual from _tenantry.published_snapshots where label = 'v1'`, 'app');
    expect(usual.rows).toEqual([{ usual: true }]);
    // The same body with a setting of its own and one the usual list sets otherwise: the long way, the caller's own again after.
    const odd: Snapshot = { ...snapshot, header: { ...snapshot.header, sessionSettings: { ...snapshot.header.sessionSettings, lock_timeout: "'3s'", work_mem: "'5MB'" } } };
    await publishSnapshot(publisherDb, odd, { label: 'odd-settings', grants: [APP.user] });
    try {
      await asApp(async (c) => {
        await c.query('begin');
        await c.query(`set local lock_timeout = '7s'`);
        await c.query(`set local search_path = public`);
        await c.query(`set local work_mem = '3MB'`);
        expect((await c.query(`select _tenantry.create_tenant('odd_settings', 'odd-settings') as t`)).rows[0].t).toBe('odd_settings');
        expect((await c.query('show lock_timeout')).rows[0].lock_timeout).toBe('7s');
        expect((await c.query('show search_path')).rows[0].search_path).toBe('public');
        expect((await c.query('show work_mem')).rows[0].work_mem).toBe('3MB');
        await c.query('commit');
      });
      const result = await verifyTenant(profileFor(cluster, 'app'), { template: TEMPLATE, tenant: 'odd_settings' });
      expect(result.differences).toEqual([]);
    } finally {
      await dropTenant('odd_settings');
      await unpublish(publisherDb, 'odd-settings');
    }
  });

  it('concurrent calls with one name give one tenant and a clear error', async () => {
    const first = new pg.Client({ host: cluster.host, port: cluster.port, database: 'app', user: APP.user, password: APP.password });
    await first.connect();
    try {
      await first.query('begin');
      await first.query(`select _tenantry.create_tenant('racer')`);
      const second = errorOf(asApp((c) => c.query(`select _tenantry.create_tenant('racer')`)));
      // Wait until the second call queues on the tenant's advisory lock.
      for (;;) {
        const { rowCount } = await cluster.query(`select 1 from pg_stat_activity where wait_event = 'advisory' and query like '%create_tenant(''racer'')%'`, 'app');
        if ((rowCount ?? 0) > 0) break;
      }
      await first.query('commit');
      const error = await second;
      expect(error.code).toBe('42P06');
      expect(error.message).toContain('tenant schema already exists: racer');
    } finally {
      await first.end();
    }
    const { rows } = await cluster.query(`select count(*)::int as n from pg_namespace where nspname = 'racer'`, 'app');
    expect(rows[0].n).toBe(1);
  });

  it('a REPEATABLE READ caller that started before the other committed gets the same clear error', async () => {
    await dropTenant('racer2');
    await asApp(async (late) => {
      await late.query('begin isolation level repeatable read');
      await late.query('select 1'); // takes the snapshot
      await asApp((c) => c.query(`select _tenantry.create_tenant('racer2')`));
      const error = await errorOf(late.query(`select _tenantry.create_tenant('racer2')`));
      await late.query('rollback');
      expect(error.code).toBe('42P06');
      expect(error.message).toContain('racer2');
    });
  });
});

describe('the stored snapshot', () => {
  it('is refused at call time when changed after publishing', async () => {
    await cluster.query(`update _tenantry.published_snapshots set body = replace(body, 'invoices', 'invoicez') where label = 'v1'`, 'app');
    try {
      const error = await errorOf(asApp((c) => c.query(`select _tenantry.create_tenant('tampered')`)));
      expect(error.code).toBe('XX001');
      expect(error.message).toContain('changed after publishing');
      expect(await schemaExists('tampered')).toBe(false);
    } finally {
      await cluster.query(`update _tenantry.published_snapshots set body = replace(body, 'invoicez', 'invoices') where label = 'v1'`, 'app');
    }
    // Turning identifier contexts into bare names would let a name inject: the seal covers the contexts too.
    const original = (await cluster.query(`select contexts from _tenantry.published_snapshots where label = 'v1'`, 'app')).rows[0].contexts as string;
    expect(original).toContain('"form":"identifier"');
    await cluster.query(`update _tenantry.published_snapshots set contexts = replace(contexts, '"form":"identifier"', '"form":"name"') where label = 'v1'`, 'app');
    try {
      const error = await errorOf(asApp((c) => c.query(`select _tenantry.create_tenant('tampered')`)));
      expect(error.code).toBe('XX001');
      expect(await schemaExists('tampered')).toBe(false);
    } finally {
      await cluster.query(`update _tenantry.published_snapshots set contexts = ${pg.escapeLiteral(original)} where label = 'v1'`, 'app');
    }
    // The cuts create_tenant makes in the rendered body (core/publish/body-chunks.ts): moved, they could split a
    // statement, so the seal covers them too.
    const chunks = (await cluster.query(`select body_chunks from _tenantry.published_snapshots where label = 'v1'`, 'app')).rows[0].body_chunks as string | null;
    expect(chunks).toMatch(/^\{"bytes":\d+,"occurrences":\d+,"points":\[\[\d+,\d+\]/);
    await cluster.query(`update _tenantry.published_snapshots set body_chunks = regexp_replace(body_chunks, '"points":\\[\\[(\\d+)', '"points":[[1\\1') where label = 'v1'`, 'app');
    try {
      const error = await errorOf(asApp((c) => c.query(`select _tenantry.create_tenant('tampered')`)));
      expect(error.code).toBe('XX001');
      expect(await schemaExists('tampered')).toBe(false);
    } finally {
      await cluster.query(`update _tenantry.published_snapshots set body_chunks = ${pg.escapeLiteral(chunks ?? '')} where label = 'v1'`, 'app');
    }
  });

  it('keeps earlier versions callable by label until unpublished; a label holds one snapshot', async () => {
    await publishSnapshot(publisherDb, snapshot, { label: 'v2', grants: [APP.user] });
    expect((await listPublished(publisherDb)).map((p) => p.label)).toEqual(['v2', 'v1']);
    await asApp((c) => c.query(`select _tenantry.create_tenant('by_label', 'v1')`));
    expect(await schemaExists('by_label')).toBe(true);
    const again = await publishSnapshot(publisherDb, snapshot, { label: 'v2' });
    expect(again.created).toBe(false);
    // The same snapshot as an older Tenantry stored it (no body_chunks, sealed without them): publishing it again
    // under its label seals it anew with the cuts, rather than calling it another snapshot.
    await cluster.query(`update _tenantry.published_snapshots p set body_chunks = null where label = 'v2'; update _tenantry.published_snapshots p set seal = _tenantry.published_seal(p) where label = 'v2'`, 'app');
    expect((await publishSnapshot(publisherDb, snapshot, { label: 'v2' })).created).toBe(false);
    expect((await cluster.query(`select body_chunks is not null and seal = _tenantry.published_seal(p) as ok from _tenantry.published_snapshots p where label = 'v2'`, 'app')).rows[0]).toEqual({ ok: true });
    const body = snapshot.body.replace('Customer organisations.', 'Customers.');
    expect(body).not.toBe(snapshot.body);
    const other = parseSnapshot(serializeSnapshot({ header: { ...snapshot.header, checksum: sha256Hex(body) }, body }));
    await expect(publishSnapshot(publisherDb, other, { label: 'v2' })).rejects.toMatchObject({ code: 'PUBLISH_FAILED' });
    await unpublish(publisherDb, 'v1');
    const gone = await errorOf(asApp((c) => c.query(`select _tenantry.create_tenant('after_unpublish', 'v1')`)));
    expect(gone.message).toContain('no snapshot is published under the label "v1"');
    await expect(unpublish(publisherDb, 'v1')).rejects.toMatchObject({ code: 'PUBLISH_FAILED' });
  });
});

describe('tenantry publish (CLI)', () => {
  async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const url = `postgresql://${PUBLISHER.user}:${PUBLISHER.password}@${cluster.host}:${cluster.port}/app?sslmode=disable`;
    const dir = mkdtempSync(join(tmpdir(), 'tenantry-publish-'));
    try {
      const code = await main(['publish', ...args, '--url', url], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { PATH: process.env.PATH ?? '', TENANTRY_DATA_DIR: dir }, cwd: dir });
      return { code, stdout, stderr };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('refuses a snapshot that provisioning refuses (uncontained), and publishes nothing', async () => {
    const before = (await listPublished(publisherDb)).map((p) => p.label);
    const body = `${snapshot.body}\nDROP SCHEMA public CASCADE;\n`;
    const dir = mkdtempSync(join(tmpdir(), 'tenantry-publish-file-'));
    try {
      const file = join(dir, 'evil.snap.sql');
      writeFileSync(file, serializeSnapshot({ header: { ...snapshot.header, checksum: sha256Hex(body) }, body }));
      expect(() => parseSnapshot(readFileSync(file, 'utf8'))).toThrow();
      const result = await cli(['--snapshot', file, '--label', 'evil', '--grant', APP.user]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(/DROP SCHEMA|contain/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await listPublished(publisherDb)).map((p) => p.label)).toEqual(before);
  });

  it('publishes a file, lists and unpublishes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tenantry-publish-file-'));
    try {
      const file = join(dir, 'demo.snap.sql');
      writeFileSync(file, serializeSnapshot(snapshot));
      const published = await cli(['--snapshot', file, '--label', 'cli-1', '--grant', APP.user]);
      expect(published.stderr).toBe('');
      expect(published.code).toBe(0);
      expect(published.stdout).toContain('as "cli-1"');
      const listed = await cli(['--list', '--json']);
      expect((JSON.parse(listed.stdout) as { label: string }[])[0]?.label).toBe('cli-1');
      await asApp((c) => c.query(`select _tenantry.create_tenant('from_cli', 'cli-1')`));
      expect(await schemaExists('from_cli')).toBe(true);
      expect((await cli(['--unpublish', 'cli-1'])).code).toBe(0);
      expect((await cli(['--list', '--json'])).stdout).not.toContain('cli-1');
      expect((await cli(['--unpublish', 'cli-1'])).code).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a corpus schema (pg-clone-schema sample, --no-owner snapshot)', () => {
  it.skipIf(!hasCorpus())('tenants created through the function pass verify', async () => {
    await cluster.createDatabase('corpus');
    await cluster.query(`create role publisher2 login password 'pub2'; create role app2 login password 'app2'; grant create on database corpus to publisher2;`, 'corpus');
    await runSqlFile(cluster, 'corpus', join(CORPUS_DIR, 'pg-clone-schema-sample.sql'));
    // The sample sets default privileges FOR ROLE managers: the publishing role must be able to do what the body does.
    await cluster.query('grant managers to publisher2', 'corpus');
    const taken = (await createTenantSnapshot(profileFor(cluster, 'corpus'), { schema: 'sample', noOwner: true })).snapshot;
    const db = await createPool(profileFor(cluster, 'corpus', { user: 'publisher2', password: 'pub2' }), 2);
    try {
      await publishSnapshot(db, parseSnapshot(serializeSnapshot(taken)), { grants: ['app2'] });
    } finally {
      await db.end();
    }
    for (const name of ['acme', "o'neil"]) {
      const client = new pg.Client({ host: cluster.host, port: cluster.port, database: 'corpus', user: 'app2', password: 'app2' });
      await client.connect();
      try {
        await client.query('select _tenantry.create_tenant($1)', [name]);
      } finally {
        await client.end();
      }
      const result = await verifyTenant(profileFor(cluster, 'corpus'), { template: 'sample', tenant: name });
      expect(result.differences).toEqual([]);
      expect(result.equal && result.isolated).toBe(true);
    }
  }, 120_000);
});
