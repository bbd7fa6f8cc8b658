/**
 * The provisioner's guarantees, independent of the snapshot engine: the SQL
 * here is written by hand in pg_dump's style (session SETs included).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { waitFor } from './harness/faults.js';
import { profileFor } from './harness/profile.js';
import { createProvisioner, type ProvisionVia, type TenantSource } from '../../electron/services/provision/provisioner.js';
import { dropTenant } from '../../electron/services/provision/drop-tenant.js';
import { verifyTenant } from '../../electron/services/verify/verify-tenant.js';
import { TenantryError } from '../../core/errors.js';

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** pg_dump-like SQL for one tenant, with session-level SETs as pg_dump writes them. */
const source = (extra = ''): TenantSource => ({
  render: (tenant) =>
    [
      'SET statement_timeout = 0;',
      'SET client_min_messages = warning;',
      "SELECT pg_catalog.set_config('search_path', '', false);",
      'SET check_function_bodies = false;',
      'SET work_mem = 1024;',
      `CREATE SCHEMA ${q(tenant)};`,
      `CREATE TABLE ${q(tenant)}.items (id serial PRIMARY KEY, name text);`,
      extra.replaceAll('$T', q(tenant)),
      `CREATE TABLE ${q(tenant)}.after_extra (id int);`,
    ].join('\n'),
});

async function schemaExists(cluster: Cluster, name: string): Promise<boolean> {
  const { rowCount } = await cluster.query(`select 1 from pg_namespace where nspname = '${name.replace(/'/g, "''")}'`, 'app');
  return (rowCount ?? 0) > 0;
}

async function settingsOf(client: pg.ClientBase): Promise<string> {
  const { rows } = await client.query<{ name: string; setting: string; source: string }>('select name, setting, source from pg_settings order by name');
  return rows.map((r) => `${r.name}=${r.setting} (${r.source})`).join('\n');
}

async function catchError(promise: Promise<unknown>): Promise<TenantryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TenantryError) return error;
    throw error;
  }
  throw new Error('expected a TenantryError');
}

describe('provisioning guarantees', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase('app');
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('leaves the pooled connection with the same settings as before (driver path)', async () => {
    const provisioner = await createProvisioner(profileFor(cluster, 'app'), { concurrency: 1 });
    try {
      // The application had set something on this connection before: it must survive too.
      const client = await provisioner.pool.connect();
      await client.query("SET work_mem = '7MB'; SET application_name = 'mine'");
      const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
      const before = await settingsOf(client);
      client.release();
      await provisioner.provisionTenant(source(), 'clean_check');
      const again = await provisioner.pool.connect();
      try {
        expect((await again.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid).toBe(pid);
        const after = await settingsOf(again);
        expect(after).toBe(before);
        expect(after).toContain('work_mem=7168 (session)');
        expect(after).toMatch(/search_path="\$user", public \(default\)/);
      } finally {
        again.release();
      }
      expect(await schemaExists(cluster, 'clean_check')).toBe(true);
    } finally {
      await provisioner.close();
    }
  });

  for (const via of ['driver', 'psql'] as ProvisionVia[]) {
    it(`leaves no schema behind when the SQL fails halfway (${via})`, async () => {
      const provisioner = await createProvisioner(profileFor(cluster, 'app'), { via, concurrency: 1 });
      try {
        const tenant = `half_${via}`;
        const error = await catchError(provisioner.provisionTenant(source('INSERT INTO $T.items (name) VALUES (\'ok\');\nSELECT 1/0;'), tenant));
        expect(error.code).toBe('PROVISION_FAILED');
        expect(error.userMessage).toContain('rolled back');
        expect(error.detail).toContain('division by zero');
        if (via === 'psql') expect(error.detail).toMatch(/psql:<stdin>:\d+: ERROR: +division by zero/);
        expect(await schemaExists(cluster, tenant)).toBe(false);
      } finally {
        await provisioner.close();
      }
    });

    it(`gives one tenant and one TENANT_EXISTS for two concurrent provisions of one name (${via})`, async () => {
      const provisioner = await createProvisioner(profileFor(cluster, 'app'), { via, concurrency: 2 });
      try {
        const tenant = `Twice ${via}`;
        // pg_sleep widens the window: the second waits on the advisory lock, then finds the schema.
        const slow = source('SELECT pg_sleep(0.5);');
        const results = await Promise.allSettled([provisioner.provisionTenant(slow, tenant), provisioner.provisionTenant(slow, tenant)]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(rejected).toHaveLength(1);
        const reason = rejected[0]?.reason as TenantryError;
        expect(reason.code).toBe('TENANT_EXISTS');
        expect(reason.userMessage).toBe(`Tenant schema "${tenant}" already exists; it was left untouched.`);
        const { rows } = await cluster.query(`select count(*)::int as n from ${q(tenant)}.items`, 'app');
        expect(rows[0].n).toBe(0);
      } finally {
        await provisioner.close();
      }
    });

    it(`leaves an existing tenant untouched (${via})`, async () => {
      const provisioner = await createProvisioner(profileFor(cluster, 'app'), { via });
      try {
        const tenant = `keep_${via}`;
        await provisioner.provisionTenant(source(), tenant);
        await cluster.query(`insert into ${q(tenant)}.items (name) values ('precious')`, 'app');
        const error = await catchError(provisioner.provisionTenant(source(), tenant));
        expect(error.code).toBe('TENANT_EXISTS');
        const { rows } = await cluster.query(`select name from ${q(tenant)}.items`, 'app');
        expect(rows).toEqual([{ name: 'precious' }]);
      } finally {
        await provisioner.close();
      }
    });

    it(`creates tenants whose names need quoting, including one that tries to escape the guard (${via})`, async () => {
      const provisioner = await createProvisioner(profileFor(cluster, 'app'), { via });
      // `x$tenantry_guard'…` makes the guard pick another dollar tag; `…$tenantry_guard$…` would close a
      // dollar-quoted body, so the tenant-name rule refuses it before anything runs.
      const names = [`Acme Corp ${via}`, `o'neil_${via}`, `select_${via}`, `tenant_日本_${via}`, `x$tenantry_guard'; drop table t; --${via}`];
      const closesDollarQuote = `x$tenantry_guard$'; drop table t; --${via}`;
      try {
        await cluster.query('create table if not exists public.t (id int)', 'app');
        const summary = await provisioner.provisionMany(source(), [...names, closesDollarQuote], { concurrency: 2 });
        expect(summary.tenants.map((t) => [t.tenant, t.status])).toEqual([...names.map((n) => [n, 'created']), [closesDollarQuote, 'failed']]);
        expect(summary.tenants.at(-1)?.error?.code).toBe('INVALID_TENANT_NAME');
        for (const name of names) expect(await schemaExists(cluster, name)).toBe(true);
        expect(await schemaExists(cluster, closesDollarQuote)).toBe(false);
        const { rowCount } = await cluster.query("select 1 from pg_class where relname = 't' and relnamespace = 'public'::regnamespace", 'app');
        expect(rowCount).toBe(1);
      } finally {
        await provisioner.close();
      }
    });
  }

  for (const via of ['driver', 'psql'] as ProvisionVia[]) {
    it(`waits for its own batch's tenants that lock a shared table, and still times out on other sessions (${via})`, async () => {
      // A foreign key into a shared table takes SHARE ROW EXCLUSIVE on it, which conflicts with itself: tenants of
      // one batch queue behind each other there. That wait must not fail them however short lock_timeout is.
      await cluster.query('create table if not exists public.shared (id int primary key); insert into public.shared values (1) on conflict do nothing', 'app');
      const provisioner = await createProvisioner(profileFor(cluster, 'app'), { via, lockTimeoutMs: 150 });
      const names = [0, 1, 2, 3].map((i) => `sibling_${via}_${i}`);
      const slow = source('ALTER TABLE $T.items ADD COLUMN shared_id int REFERENCES public.shared (id);\nSELECT pg_sleep(0.5);');
      try {
        const summary = await provisioner.provisionMany(slow, names, { concurrency: 2 });
        expect(summary.tenants.map((t) => [t.tenant, t.status, t.error?.code])).toEqual(names.map((n) => [n, 'created', undefined]));
        for (const name of names) expect(await schemaExists(cluster, name)).toBe(true);
        // Another session holding the same lock is still a LOCK_TIMEOUT, naming that session.
        const holder = await cluster.connect('app');
        try {
          await holder.query("set application_name = 'someone else'; begin; lock table public.shared in share row exclusive mode");
          const blocked = await provisioner.provisionMany(slow, [`blocked_${via}`], { concurrency: 1, continueOnError: true });
          expect(blocked.tenants[0]?.error?.code).toBe('LOCK_TIMEOUT');
          expect(await schemaExists(cluster, `blocked_${via}`)).toBe(false);
        } finally {
          await holder.query('rollback').catch(() => undefined);
          await holder.end();
        }
      } finally {
        await provisioner.close();
      }
    });
  }

  for (const via of ['driver', 'psql'] as ProvisionVia[]) {
    it(`can be cancelled midway, leaving nothing behind (${via})`, async () => {
      const provisioner = await createProvisioner(profileFor(cluster, 'app'), { via, concurrency: 1 });
      try {
        const controller = new AbortController();
        // The statement outlasts the test's timeout: a cancel that waited it out (client or server) fails the test,
        // with no wall-clock bound of its own (speed goals belong in the bench).
        const pending = catchError(provisioner.provisionTenant(source('SELECT pg_sleep(3600);'), `cancel_${via}`, { signal: controller.signal }));
        // Cancel once the server runs the tenant's statement (not after a guessed delay).
        await waitFor('the tenant\'s pg_sleep(3600) to run', async () => {
          const { rows } = await cluster.query("select 1 from pg_stat_activity where state = 'active' and query like '%pg_sleep(3600)%' and pid <> pg_backend_pid()", 'app');
          return rows.length > 0 ? true : undefined;
        });
        controller.abort();
        const error = await pending;
        expect(error.code).toBe('CANCELLED');
        expect(await schemaExists(cluster, `cancel_${via}`)).toBe(false);
        // The server stopped working on it too (no backend left sleeping with the tenant's lock).
        await waitFor('no backend left running pg_sleep(3600)', async () => {
          const { rows } = await cluster.query("select 1 from pg_stat_activity where query like '%pg_sleep(3600)%' and pid <> pg_backend_pid()", 'app');
          return rows.length === 0 ? true : undefined;
        });
        // The pooled connection is usable again afterwards.
        await provisioner.provisionTenant(source(), `after_cancel_${via}`);
      } finally {
        await provisioner.close();
      }
    });
  }

  it('points at the line of a statement the server cannot parse (driver)', async () => {
    const provisioner = await createProvisioner(profileFor(cluster, 'app'));
    try {
      const error = await catchError(provisioner.provisionTenant(source('CREATE TABLE $T.broken (id int,, x int);'), 'syntax_err'));
      expect(error.code).toBe('PROVISION_FAILED');
      expect(error.detail).toMatch(/^42601: syntax error at or near ","/);
      expect(error.detail).toContain('at line 8, column 42 of the rendered SQL: CREATE TABLE "syntax_err".broken (id int,, x int);');
      expect(await schemaExists(cluster, 'syntax_err')).toBe(false);
    } finally {
      await provisioner.close();
    }
  });

  it('provisionMany stops at the first failure unless told to carry on, and reports each tenant', async () => {
    const provisioner = await createProvisioner(profileFor(cluster, 'app'), { concurrency: 1 });
    try {
      const failing: TenantSource = { render: (t) => (t.startsWith('bad') ? 'CREATE SCHEMA ' + q(t) + '; SELECT 1/0;' : source().render(t)) };
      const seen: string[] = [];
      const stopped = await provisioner.provisionMany(failing, ['m1', 'bad1', 'm2', 'm3'], { concurrency: 1, onProgress: (p) => seen.push(`${p.tenant}:${p.status}`) });
      expect(stopped.tenants.map((t) => t.status)).toEqual(['created', 'failed', 'cancelled', 'cancelled']);
      expect(stopped).toMatchObject({ created: 1, failed: 1, skipped: 2, exists: 0 });
      expect(seen).toEqual(['m1:running', 'm1:created', 'bad1:running', 'bad1:failed']);
      expect(stopped.tenants[0]?.elapsedMs).toBeGreaterThanOrEqual(0);
      const carried = await provisioner.provisionMany(failing, ['m1', 'bad2', 'm4'], { continueOnError: true });
      expect(carried.tenants.map((t) => t.status)).toEqual(['exists', 'failed', 'created']);
      expect(carried.tenants[1]?.error?.code).toBe('PROVISION_FAILED');
    } finally {
      await provisioner.close();
    }
  });

  it('works for a role that is not superuser (managed PostgreSQL), verify included', async () => {
    await cluster.query("CREATE ROLE app_owner LOGIN PASSWORD 'owner-pw'; GRANT CREATE ON DATABASE app TO app_owner;", 'app');
    const profile = profileFor(cluster, 'app', { user: 'app_owner', password: 'owner-pw' });
    for (const via of ['driver', 'psql'] as ProvisionVia[]) {
      const provisioner = await createProvisioner(profile, { via });
      try {
        await provisioner.provisionTenant(source(), `owned_${via}`);
      } finally {
        await provisioner.close();
      }
    }
    const verdict = await verifyTenant(profile, { template: 'owned_driver', tenant: 'owned_psql' });
    expect(verdict.differences).toEqual([]);
    const { rows } = await cluster.query("select nspowner::regrole::text as owner from pg_namespace where nspname = 'owned_psql'", 'app');
    expect(rows[0].owner).toBe('app_owner');
  });

  it('drops a tenant only with confirmation', async () => {
    const profile = profileFor(cluster, 'app');
    const provisioner = await createProvisioner(profile);
    await provisioner.provisionTenant(source(), 'to_drop');
    await provisioner.close();
    const refused = await catchError(dropTenant(profile, 'to_drop', { confirmed: false }));
    expect(refused.code).toBe('CONFIRMATION_REQUIRED');
    expect(await schemaExists(cluster, 'to_drop')).toBe(true);
    const dropped = await dropTenant(profile, 'to_drop', { confirmed: true });
    expect(dropped.objects).toBeGreaterThan(2);
    expect(await schemaExists(cluster, 'to_drop')).toBe(false);
    expect((await catchError(dropTenant(profile, 'to_drop', { confirmed: true }))).code).toBe('TENANT_NOT_FOUND');
  });
});
