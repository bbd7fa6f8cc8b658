/**
 * Lost connections in the long-running paths: a web-mode provision job whose
 * backend is terminated (before: the unhandled 'error' event killed the web
 * server, and with it every later request, leaving the sandbox running), and
 * `tenantry pool fill` whose connections are terminated (before: the same
 * crash, no word about the spares already built).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../electron/cli/command.js';
import { main } from '../../../electron/cli/main.js';
import { TENANT_LOCK_CLASS } from '../../../core/provision/tenant-guard.js';
import { existingSchemas, spawnCli, useFaultCluster, waitFor, waitForLockWaiter } from '../harness/faults.js';
import { profileFor } from '../harness/profile.js';
import { isBuilt, startWebApp, type WebApp } from '../../../support/web-app.js';

const DB = 'app';

describe('lost connections in web mode and pool fill', () => {
  // A reference to a shared table: building a tenant needs a lock on public.ref, which a test session can hold.
  const fx = useFaultCluster(DB, 'CREATE TABLE public.ref (id int PRIMARY KEY); CREATE SCHEMA tpl; CREATE TABLE tpl.items (id serial PRIMARY KEY, ref_id int REFERENCES public.ref (id));');
  const { holdAdvisoryLock } = fx;

  describe.skipIf(!isBuilt())('web mode', () => {
    let app: WebApp;
    let cookie = '';
    beforeAll(async () => {
      app = await startWebApp();
      // Spend the printed one-time code like a browser and keep the session cookie.
      const res = await fetch(app.url, { redirect: 'manual' });
      cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      expect(cookie).toMatch(/=/);
    });
    afterAll(async () => {
      await app?.stop();
    });

    async function invoke<T>(channel: string, payload: unknown): Promise<{ ok: boolean; value?: T; error?: { code: string; userMessage: string } }> {
      const res = await fetch(`${app.origin}/api/invoke/${channel}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Cookie: cookie },
        body: JSON.stringify(payload),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { ok: boolean; value?: T; error?: { code: string; userMessage: string } };
    }

    it('a provision job whose backend is terminated fails that tenant; the server answers the next request', async () => {
      const saved = await invoke<{ id: string }>('snapshot:save', { name: 'faults', text: readFileSync(fx.snapshot, 'utf8') });
      expect(saved.ok).toBe(true);
      await holdAdvisoryLock(TENANT_LOCK_CLASS, 'web_b');
      const started = await invoke<{ jobId: string }>('provision:start', {
        snapshotId: saved.value?.id,
        target: { profile: profileFor(fx.cluster, DB) },
        tenants: ['web_a', 'web_b', 'web_c'],
        concurrency: 1,
        continueOnError: false,
      });
      expect(started.ok).toBe(true);
      const victim = await waitForLockWaiter(fx.cluster, DB);
      await fx.cluster.query(`select pg_terminate_backend(${victim})`);
      // The job records its outcome in the history when it ends; waiting for that entry needs the server alive.
      const history = await waitFor('the job to record web_b', async () => {
        const reply = await invoke<{ tenant: string; status: string }[]>('provision:history', {});
        return reply.value?.some((h) => h.tenant === 'web_b') ? reply.value : undefined;
      });
      expect(history.find((h) => h.tenant === 'web_b')?.status).toBe('failed');
      expect(history.find((h) => h.tenant === 'web_a')?.status).toBe('created');
      expect(await existingSchemas(fx.cluster, DB, ['web_a', 'web_b', 'web_c'])).toEqual(['web_a']);
      const info = await invoke<{ version: string }>('app:info', {});
      expect(info.ok).toBe(true);
      expect(app.output()).not.toMatch(/Unhandled 'error' event|Connection terminated unexpectedly/);
    });
  });

  it('pool fill: a terminated connection fails the fill with a plain error; no crash, no half-built spare', async () => {
    const url = fx.cluster.url(DB);
    const io: CliIo = { stdout: () => undefined, stderr: () => undefined, env: { PATH: process.env.PATH ?? '', HOME: fx.dir }, cwd: fx.dir };
    expect(await main(['pool', 'size', '2', '--url', url], io)).toBe(0);
    const blocker = await fx.openHolder();
    await blocker.query('LOCK TABLE public.ref IN ACCESS EXCLUSIVE MODE');
    const run = spawnCli(['pool', 'fill', '--snapshot', fx.snapshot, '--url', url], { cwd: fx.dir });
    const victim = await waitForLockWaiter(fx.cluster, DB, 'relation');
    await fx.cluster.query(`select pg_terminate_backend(${victim})`);
    await blocker.query('ROLLBACK');
    const { code } = await run.exited;
    expect(run.stderr).not.toMatch(/Unhandled 'error' event|unexpected error \(a bug\)/);
    expect(code).toBe(1);
    expect(run.stderr).toMatch(/\[PG_CONNECTION_LOST\]/);
    const spares = (await fx.cluster.query("select nspname from pg_namespace where nspname like '\\_tenantry\\_spare\\_%' order by 1", DB)).rows.map((r) => String(r.nspname));
    const registered = (await fx.cluster.query('select schema_name from _tenantry.pool_spares order by 1', DB)).rows.map((r) => String(r.schema_name));
    // No half-built spare: every spare schema is registered and the other way round.
    expect(spares).toEqual(registered);
    expect(spares).toEqual([]);
  });
});
