/**
 * `tenantry migrate` against a real cluster: the template and tenants migrated
 * once each, the ledger equal to the catalog, a no-op re-run, a drifted tenant
 * reported with its SQLSTATE and line while the others continue, a tenant held
 * by a long transaction retried and reported with the blocking pid, two runs at
 * once applying nothing twice, refused statements, an alone step.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { buildRegisterInsertSql } from '../../../core/fleet/register-sql.js';
import { ensureRegister } from '../../../electron/services/fleet/register.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../electron/cli/command.js';
import { main } from '../../../electron/cli/main.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { TYPICAL_MIGRATION, ledgerHolders, makeFleet, migratedInCatalog } from './fleet.js';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

describe('tenantry migrate', () => {
  let cluster: Cluster;
  let dir: string;

  const cli = async (argv: string[]): Promise<Captured> => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { PATH: process.env.PATH ?? '', HOME: dir }, cwd: dir };
    const code = await main(argv, io);
    return { code, stdout, stderr };
  };
  const resultOf = (c: Captured) => JSON.parse(c.stdout.trim().split('\n').at(-1) as string) as { done: number; skipped: number; failed: number; remaining: number; rolloutId: string; failures: { tenant: string; error: { code: string; sqlstate?: string; file?: string; line?: number; blockingPid?: number; statement?: string } }[] };

  beforeAll(async () => {
    cluster = await startCluster();
    dir = mkdtempSync(join(tmpdir(), 'tenantry-migrate-'));
    writeFileSync(join(dir, 'V2__typical.sql'), TYPICAL_MIGRATION);
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates the template and each tenant once, writes the ledger in the same transaction, and a second run changes nothing', async () => {
    const db = await cluster.createDatabase('once');
    const tenants = await makeFleet(cluster, db, 12);
    const run = await cli(['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--tenants', tenants.join(','), '--ledger', 'schema_migrations', '--canary', '2', '--json', '--url', cluster.url(db)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = resultOf(run);
    expect([result.done, result.skipped, result.failed, result.remaining]).toEqual([13, 0, 0, 0]);
    const catalog = await migratedInCatalog(cluster, db);
    expect(catalog.full).toEqual(['tpl', ...tenants]);
    expect(catalog.partial).toEqual([]);
    expect(await ledgerHolders(cluster, db, ['tpl', ...tenants], '2')).toEqual(['tpl', ...tenants]);
    const applied = await cluster.query("SELECT count(*)::int AS n FROM _tenantry.migrations_applied WHERE version = '2'", db);
    expect(applied.rows[0].n).toBe(13);
    // The runner writes the 'done' marks in batches (not in each tenant's transaction): every row is marked, with its attempt and duration.
    const marks = await cluster.query('SELECT status, attempts, versions_done, duration_ms IS NOT NULL AS timed, count(*)::int AS n FROM _tenantry.rollout_tenants GROUP BY 1, 2, 3, 4', db);
    expect(marks.rows).toEqual([{ status: 'done', attempts: 1, versions_done: 1, timed: true, n: 13 }]);
    // The function was replaced in each tenant, pointing at the tenant's own table.
    const fn = await cluster.query("SELECT pg_get_functiondef('t0003.item_total(bigint)'::regprocedure) AS def", db);
    expect(fn.rows[0].def).toContain('FROM t0003.items');

    const again = await cli(['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--tenants', tenants.join(','), '--ledger', 'schema_migrations', '--json', '--url', cluster.url(db)]);
    expect(again.code).toBe(0);
    expect(resultOf(again)).toMatchObject({ done: 0, skipped: 13, failed: 0 });
    const status = await cli(['migrate', 'status', resultOf(run).rolloutId, '--json', '--url', cluster.url(db)]);
    expect(JSON.parse(status.stdout).counts).toMatchObject({ done: 13, pending: 0, running: 0, failed: 0 });
    expect(JSON.parse(status.stdout).state).toBe('finished');
  });

  it('reports a drifted tenant with SQLSTATE, file and line, and the others continue', async () => {
    const db = await cluster.createDatabase('drift');
    const tenants = await makeFleet(cluster, db, 6);
    await cluster.query('ALTER TABLE t0004.items ADD COLUMN extra int; CREATE INDEX items_account_idx ON t0004.items (name);', db);
    const run = await cli(['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--tenants', tenants.join(','), '--continue-on-error', '--json', '--url', cluster.url(db)]);
    expect(run.code).toBe(1);
    const result = resultOf(run);
    expect(result).toMatchObject({ done: 6, failed: 1 });
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ tenant: 't0004', error: { code: 'MIGRATION_FAILED', sqlstate: '42P07', file: 'V2__typical.sql', line: 2 } });
    expect(result.failures[0]?.error.statement).toContain('CREATE INDEX items_account_idx ON t0004.items');
    const catalog = await migratedInCatalog(cluster, db);
    expect(catalog.full).toEqual(['tpl', ...tenants.filter((t) => t !== 't0004')]);
    // t0004 is exactly as it was: the column added before the failing statement was rolled back.
    const col = await cluster.query("SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = 't0004.items'::regclass AND attname = 'tags'", db);
    expect(col.rows[0].n).toBe(0);
    const status = await cli(['migrate', 'status', result.rolloutId, '--url', cluster.url(db)]);
    expect(status.stdout).toMatch(/t0004 failed after 1 attempt\(s\): \[42P07\][^\n]*\n\s+at V2__typical\.sql:2: CREATE INDEX/);
    expect(status.stdout).toContain(`Stopped before every tenant was done at `);
  });

  it('retries a tenant held by a long transaction and reports the blocking pid while the others finish', async () => {
    const db = await cluster.createDatabase('held');
    const tenants = await makeFleet(cluster, db, 5);
    const holder: pg.Client = await cluster.connect(db);
    try {
      await holder.query("BEGIN; LOCK TABLE t0002.items IN ACCESS SHARE MODE; SELECT 'holding t0002'");
      const { rows } = await holder.query('SELECT pg_backend_pid() AS pid');
      const run = await cli(['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--tenants', tenants.join(','), '--lock-timeout', '300ms', '--retries', '2', '--continue-on-error', '--json', '--url', cluster.url(db)]);
      expect(run.code).toBe(1);
      const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; tenant?: string; status?: string });
      expect(events.filter((e) => e.type === 'tenant' && e.tenant === 't0002' && e.status === 'retrying')).toHaveLength(2);
      const result = resultOf(run);
      expect(result).toMatchObject({ done: 5, failed: 1 });
      expect(result.failures[0]).toMatchObject({ tenant: 't0002', error: { code: 'LOCK_TIMEOUT', sqlstate: '55P03', blockingPid: Number(rows[0].pid) } });
      expect((await migratedInCatalog(cluster, db)).full).toEqual(['tpl', ...tenants.filter((t) => t !== 't0002')]);
      await holder.query('ROLLBACK');
      const resumed = await cli(['migrate', 'resume', result.rolloutId, '--json', '--url', cluster.url(db)]);
      expect(resumed.code).toBe(0);
      expect(resultOf(resumed)).toMatchObject({ done: 6, failed: 0, remaining: 0 });
      expect((await migratedInCatalog(cluster, db)).full).toEqual(['tpl', ...tenants]);
    } finally {
      await holder.end();
    }
  });

  it('two runs of the same migration at once apply nothing twice', async () => {
    const db = await cluster.createDatabase('twice');
    const tenants = await makeFleet(cluster, db, 30);
    const args = ['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--tenants', tenants.join(','), '--canary', '0', '--concurrency', '3', '--json', '--url', cluster.url(db)];
    const [a, b] = await Promise.all([cli(args), cli(args)]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const ra = resultOf(a);
    const rb = resultOf(b);
    expect(ra.failed + rb.failed).toBe(0);
    // Every tenant (and the template) done by exactly one of the runs, skipped by the other.
    expect(ra.done + rb.done).toBe(31);
    expect(ra.skipped + rb.skipped).toBe(31);
    expect((await migratedInCatalog(cluster, db)).full).toEqual(['tpl', ...tenants]);
    const dup = await cluster.query("SELECT count(*)::int AS n, count(DISTINCT tenant)::int AS d FROM _tenantry.migrations_applied WHERE version = '2'", db);
    expect(dup.rows[0]).toEqual({ n: 31, d: 31 });
  });

  it('--all takes the template\'s tenants from the register, leaving out other templates\' and dropped ones', async () => {
    const db = await cluster.createDatabase('register');
    const tenants = await makeFleet(cluster, db, 4);
    const pool = new pg.Pool({ connectionString: cluster.url(db), max: 1 });
    try {
      await ensureRegister(pool);
      for (const t of tenants) await pool.query(buildRegisterInsertSql({ tenant: t, template: t === 't0004' ? 'other' : 'tpl', how: 'built' }));
      await pool.query(buildRegisterInsertSql({ tenant: 'gone', template: 'tpl', how: 'built' }));
    } finally {
      await pool.end();
    }
    const run = await cli(['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--all', '--json', '--url', cluster.url(db)]);
    expect(run.stderr).toContain('1 tenant(s) in the register have no schema any more and are left out: gone');
    expect(run.code).toBe(0);
    expect(resultOf(run)).toMatchObject({ done: 4, failed: 0 });
    expect((await migratedInCatalog(cluster, db)).full).toEqual(['tpl', 't0001', 't0002', 't0003']);
  });

  it('finds the migration already on the template by fingerprint and records it there instead of running it twice; a template that differs otherwise is migrated', async () => {
    const appliedTo = async (db: string) => (await cluster.query("SELECT tenant FROM _tenantry.migrations_applied WHERE version = '2' ORDER BY tenant <> 'tpl', tenant", db)).rows.map((r) => String(r.tenant));
    // Applied to the template by hand, no record: the tenants are rehearsed against.
    const db = await cluster.createDatabase('template_found');
    const tenants = await makeFleet(cluster, db, 3);
    await cluster.query(TYPICAL_MIGRATION, db);
    const run = await cli(['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--tenants', tenants.join(','), '--ledger', 'schema_migrations', '--json', '--url', cluster.url(db)]);
    expect(run.code).toBe(0);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; tenant?: string; how?: string });
    expect(events.find((e) => e.type === 'template-found')).toMatchObject({ tenant: 't0001', how: 'rehearsed' });
    expect(resultOf(run)).toMatchObject({ done: 3, skipped: 1, failed: 0, remaining: 0 });
    expect((await migratedInCatalog(cluster, db)).full).toEqual(['tpl', ...tenants]);
    expect(await appliedTo(db)).toEqual(['tpl', ...tenants]);
    expect(await ledgerHolders(cluster, db, ['tpl', ...tenants], '2')).toEqual(['tpl', ...tenants]);
    const status = (await cluster.query("SELECT status FROM _tenantry.rollout_tenants WHERE tenant = 'tpl'", db)).rows[0]?.status;
    expect(status).toBe('skipped');

    // Tenants migrated first without the template, then the template by hand: a migrated tenant is compared directly.
    const db2 = await cluster.createDatabase('template_found_later');
    const later = await makeFleet(cluster, db2, 2);
    const first = await cli(['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--tenants', later.join(','), '--no-template', '--json', '--url', cluster.url(db2)]);
    expect(resultOf(first)).toMatchObject({ done: 2, failed: 0 });
    await cluster.query(TYPICAL_MIGRATION, db2);
    const second = await cli(['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--tenants', later.join(','), '--url', cluster.url(db2)]);
    expect(second.code).toBe(0);
    expect(second.stderr).toContain("template tpl already has the migration: its structure equals t0001's as migrated");
    expect(await appliedTo(db2)).toEqual(['tpl', ...later]);

    // A template that differs from its tenants in something else (and lacks the migration) is migrated as usual.
    const db3 = await cluster.createDatabase('template_drifted');
    const plain = await makeFleet(cluster, db3, 2);
    await cluster.query('ALTER TABLE tpl.accounts ADD COLUMN region text', db3);
    const third = await cli(['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--tenants', plain.join(','), '--json', '--url', cluster.url(db3)]);
    expect(third.code).toBe(0);
    expect(third.stdout).not.toContain('template-found');
    expect(resultOf(third)).toMatchObject({ done: 3, skipped: 0, failed: 0 });
    expect((await migratedInCatalog(cluster, db3)).full).toEqual(['tpl', ...plain]);
  });

  it('--cohort takes one census cohort, --order sorts by size or the register\'s creation time, and a list keeps its order', async () => {
    const db = await cluster.createDatabase('cohort');
    const tenants = await makeFleet(cluster, db, 5);
    const pool = new pg.Pool({ connectionString: cluster.url(db), max: 1 });
    try {
      await ensureRegister(pool);
      for (const t of tenants) await pool.query(buildRegisterInsertSql({ tenant: t, template: 'tpl', how: 'built' }));
      // Created: t0004 oldest … t0001 newest; sizes: t0003 largest, then t0005; t0002 drifted (its own cohort).
      await pool.query("UPDATE _tenantry.tenants SET created_at = timestamptz '2026-01-01' + (CASE tenant WHEN 't0004' THEN 1 WHEN 't0002' THEN 2 WHEN 't0005' THEN 3 WHEN 't0003' THEN 4 ELSE 5 END) * interval '1 day'");
      await pool.query("INSERT INTO t0003.accounts (name) SELECT repeat('x', 500) FROM generate_series(1, 2000); INSERT INTO t0005.accounts (name) SELECT repeat('x', 500) FROM generate_series(1, 200); ALTER TABLE t0002.items ADD COLUMN note text;");
    } finally {
      await pool.end();
    }
    const census = await cli(['tenants', '--template', 'tpl', '--json', '--url', cluster.url(db)]);
    const rows = (JSON.parse(census.stdout) as { tenants: { tenant: string; cohort: string }[] }).tenants;
    const mainCohort = rows.find((t) => t.tenant === 't0001')?.cohort as string;
    expect(rows.find((t) => t.tenant === 't0002')?.cohort).not.toBe(mainCohort);
    const order = async (id: string) => (await cluster.query(`SELECT tenant FROM _tenantry.rollout_tenants WHERE rollout_id = '${id}' AND NOT is_template ORDER BY position`, db)).rows.map((r) => String(r.tenant));

    const bySize = await cli(['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--cohort', mainCohort, '--order', 'size:desc', '--json', '--url', cluster.url(db)]);
    expect(bySize.code).toBe(0);
    const first = resultOf(bySize);
    expect(first).toMatchObject({ done: 5, failed: 0 });
    expect(await order(first.rolloutId)).toEqual(['t0003', 't0005', 't0001', 't0004']);
    expect((await migratedInCatalog(cluster, db)).full).toEqual(['tpl', 't0001', 't0003', 't0004', 't0005']);

    const byCreated = await cli(['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--all', '--order', 'created', '--no-template', '--json', '--url', cluster.url(db)]);
    expect(byCreated.code).toBe(0);
    const second = resultOf(byCreated);
    expect(second).toMatchObject({ done: 1, skipped: 4, failed: 0 });
    expect(await order(second.rolloutId)).toEqual(['t0004', 't0002', 't0005', 't0003', 't0001']);

    const listed = await cli(['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--tenants', 't0005,t0001,t0003', '--no-template', '--json', '--url', cluster.url(db)]);
    expect(await order(resultOf(listed).rolloutId)).toEqual(['t0005', 't0001', 't0003']);

    const unknown = await cli(['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--cohort', 'feedfacecafe', '--url', cluster.url(db)]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('No cohort "feedfacecafe" among the tenants of tpl; its cohorts are');
    const both = await cli(['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--all', '--cohort', mainCohort, '--url', cluster.url(db)]);
    expect(both.stderr).toContain('Choose the tenants one way: --all, --cohort C, or --tenants / --tenants-file.');
    const badOrder = await cli(['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--all', '--order', 'tenant', '--url', cluster.url(db)]);
    expect(badOrder.stderr).toContain('--order must be name, created, size, optionally followed by :asc or :desc');
  });

  it('refuses transaction control and other schemas before touching anything, and shows the plan in --dry-run', async () => {
    const db = await cluster.createDatabase('refused');
    const tenants = await makeFleet(cluster, db, 2);
    writeFileSync(join(dir, 'bad.sql'), 'ALTER TABLE tpl.items ADD COLUMN x int;\nCOMMIT;\nUPDATE public.settings SET v = 1;\n');
    const run = await cli(['migrate', '--template', 'tpl', '--file', 'bad.sql', '--tenants', tenants.join(','), '--url', cluster.url(db)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('bad.sql line 2 is refused: transaction control');
    expect(run.stderr).toContain('[MIGRATION_REFUSED]');
    expect(run.stderr).toContain('UPDATE of an object in another schema');
    expect((await cluster.query("SELECT to_regclass('_tenantry.rollouts') AS r", db)).rows[0].r).toBeNull();

    const dry = await cli(['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--tenants', tenants.join(','), '--dry-run', '--url', cluster.url(db)]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('ALTER TABLE t0001.items ADD COLUMN tags');
    expect(dry.stdout).toMatch(/Rehearsal on t0001 \(rolled back\): \d+ ms, \d+ lock table entries; locks: .*AccessExclusiveLock on t0001\.items/);
    expect((await migratedInCatalog(cluster, db)).full).toEqual([]);
  });

  it('runs CREATE INDEX CONCURRENTLY alone, after the transactional version, and drops an INVALID leftover first', async () => {
    const db = await cluster.createDatabase('alone');
    const tenants = await makeFleet(cluster, db, 3);
    const folder = join(dir, 'alone');
    mkdirSync(folder);
    writeFileSync(join(folder, 'V1__col.sql'), 'ALTER TABLE tpl.items ADD COLUMN IF NOT EXISTS sku text;');
    writeFileSync(join(folder, 'V2__idx.sql'), 'CREATE INDEX CONCURRENTLY IF NOT EXISTS items_sku_idx ON tpl.items (sku);');
    // An earlier build that failed (a duplicate broke the unique build) left t0002's index INVALID; IF NOT EXISTS alone would keep it so.
    await cluster.query("ALTER TABLE t0002.items ADD COLUMN sku text; INSERT INTO t0002.items (sku) VALUES ('a'), ('a');", db);
    await expect(cluster.query('CREATE UNIQUE INDEX CONCURRENTLY items_sku_idx ON t0002.items (sku)', db)).rejects.toThrow(/could not create unique index/);
    await cluster.query('DELETE FROM t0002.items', db);
    const invalid = await cluster.query("SELECT count(*)::int AS n FROM pg_index WHERE indexrelid = 't0002.items_sku_idx'::regclass AND NOT indisvalid", db);
    expect(invalid.rows[0].n).toBe(1);
    const run = await cli(['migrate', '--template', 'tpl', '--dir', 'alone', '--tenants', tenants.join(','), '--json', '--url', cluster.url(db)]);
    expect(run.stderr).toBe('');
    expect(resultOf(run)).toMatchObject({ done: 4, failed: 0 });
    const { rows } = await cluster.query("SELECT n.nspname AS s, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'items_sku_idx' ORDER BY 1", db);
    expect(rows).toEqual(['t0001', 't0002', 't0003', 'tpl'].map((s) => ({ s, valid: true })));
  });
});
