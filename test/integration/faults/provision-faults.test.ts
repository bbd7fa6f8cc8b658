/**
 * Faults during `tenantry provision`, through the real CLI process: a
 * terminated backend, a server stopped with `pg_ctl -m immediate`, Ctrl+C.
 * Before: pg's 'error' event had no listener on checked-out clients, so the
 * CLI died with "Unhandled 'error' event … Connection terminated
 * unexpectedly" and no summary; Ctrl+C ended it at once with a committed
 * tenant never reported. Now a lost connection fails that tenant only, and
 * the summary names exactly the tenants the catalog holds.
 *
 * Timing comes from the catalog: a test session holds the tenant advisory
 * lock of one tenant, and the test waits in pg_stat_activity/pg_locks for
 * the CLI's backend to queue behind it before striking.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { sweepStaleChildDirs } from '../../../electron/services/connection/child-env.js';
import { TENANT_LOCK_CLASS } from '../../../core/provision/tenant-guard.js';
import { existingSchemas, spawnCli, startAgain, stopImmediately, useFaultCluster, waitFor, waitForLockWaiter, type CliChild } from '../harness/faults.js';

interface SummaryJson {
  created: number;
  failed: number;
  skipped: number;
  tenants: { tenant: string; status: string; note?: string; error?: { code: string; userMessage: string } }[];
}

const DB = 'app';

describe('provision survives lost connections and Ctrl+C, and reports the truth', () => {
  const fx = useFaultCluster(DB, 'CREATE SCHEMA tpl; CREATE TABLE tpl.items (id serial PRIMARY KEY, name text); CREATE INDEX ON tpl.items (name);');
  const { holdAdvisoryLock } = fx;

  /** Holds tenant `name`'s advisory lock in a transaction of a test session, so its provision queues behind it. */
  const holdTenantLock = (name: string): Promise<pg.Client> => holdAdvisoryLock(TENANT_LOCK_CLASS, name);

  function provision(tenants: string[], extra: string[] = []): CliChild {
    const args = ['provision', '--snapshot', fx.snapshot, '--url', fx.cluster.url(DB), '--concurrency', '1', '--no-pool', ...extra];
    for (const t of tenants) args.push('--tenant', t);
    return spawnCli(args, { cwd: fx.dir });
  }

  function expectNoCrash(run: CliChild): void {
    expect(run.stderr).not.toMatch(/Unhandled 'error' event|unexpected error \(a bug\)|at .*node:internal/);
  }

  /** The tenants a JSON summary calls created, and those whose outcome it could not know. */
  function readSummary(stdout: string): { summary: SummaryJson; created: string[]; unknown: string[] } {
    const summary = JSON.parse(stdout) as SummaryJson;
    return {
      summary,
      created: summary.tenants.filter((t) => t.status === 'created').map((t) => t.tenant).sort(),
      unknown: summary.tenants.filter((t) => t.error?.code === 'PROVISION_OUTCOME_UNKNOWN').map((t) => t.tenant),
    };
  }

  for (const via of ['driver', 'psql'] as const) {
    it(`${via}: a terminated backend fails that tenant; no crash, and the summary matches the catalog`, async () => {
      const names = [`${via}_term_a`, `${via}_term_b`, `${via}_term_c`];
      await holdTenantLock(names[1] as string);
      const run = provision(names, ['--via', via, '--json']);
      const victim = await waitForLockWaiter(fx.cluster, DB);
      await fx.cluster.query(`select pg_terminate_backend(${victim})`);
      const { code } = await run.exited;
      expectNoCrash(run);
      expect(code).toBe(1);
      const { summary, created } = readSummary(run.stdout);
      expect(created).toEqual(await existingSchemas(fx.cluster, DB, names));
      expect(created).toEqual([names[0]]);
      const lost = summary.tenants.find((t) => t.tenant === names[1]);
      expect(lost?.status).toBe('failed');
      expect(lost?.error?.code).toBe('PG_CONNECTION_LOST');
      expect(lost?.error?.userMessage).toContain('nothing was created');
      expect(summary.skipped).toBe(1);
    });
  }

  it('driver --continue-on-error: the batch carries on after a terminated backend on a fresh connection', async () => {
    const names = ['cont_a', 'cont_b', 'cont_c'];
    await holdTenantLock('cont_b');
    const run = provision(names, ['--json', '--continue-on-error']);
    const victim = await waitForLockWaiter(fx.cluster, DB);
    await fx.cluster.query(`select pg_terminate_backend(${victim})`);
    const { code } = await run.exited;
    expectNoCrash(run);
    expect(code).toBe(1);
    const { created } = readSummary(run.stdout);
    expect(created).toEqual(['cont_a', 'cont_c']);
    expect(await existingSchemas(fx.cluster, DB, names)).toEqual(created);
  });

  for (const via of ['driver', 'psql'] as const) {
    it(`${via}: pg_ctl -m immediate mid-batch: no crash, the summary never claims what the catalog lacks`, async () => {
      const names = [`${via}_stop_a`, `${via}_stop_b`, `${via}_stop_c`];
      await holdTenantLock(names[1] as string);
      const run = provision(names, ['--via', via, '--json']);
      await waitForLockWaiter(fx.cluster, DB);
      await stopImmediately(fx.cluster);
      const { code } = await run.exited;
      await startAgain(fx.cluster);
      expectNoCrash(run);
      expect(code).toBe(1);
      const { summary, created, unknown } = readSummary(run.stdout);
      const present = await existingSchemas(fx.cluster, DB, names);
      // Tenants said to exist do; tenants said not to exist do not; only "unknown" may be either.
      expect(created).toEqual([names[0]]);
      expect(present.filter((t) => !unknown.includes(t))).toEqual(created);
      const struck = summary.tenants.find((t) => t.tenant === names[1]);
      expect(['PG_CONNECTION_LOST', 'PROVISION_OUTCOME_UNKNOWN']).toContain(struck?.error?.code);
      if (struck?.error?.code === 'PROVISION_OUTCOME_UNKNOWN') expect(struck.error.userMessage).toMatch(/cannot be reached/);
    });
  }

  it('Ctrl+C mid-batch prints the summary with the committed tenants, then exits 130', async () => {
    const names = ['int_a', 'int_b', 'int_c'];
    await holdTenantLock('int_b');
    const run = provision(names);
    await waitForLockWaiter(fx.cluster, DB);
    run.child.kill('SIGINT');
    const { code } = await run.exited;
    expectNoCrash(run);
    expect(code).toBe(130);
    expect(await existingSchemas(fx.cluster, DB, names)).toEqual(['int_a']);
    expect(run.stdout).toMatch(/^1 created, 0 already existed, 0 failed, 1 cancelled and rolled back, 1 not started/);
    expect(run.stdout).toContain('Created: int_a\n');
    expect(run.stdout).toMatch(/int_b: \[CANCELLED\]/);
    expect(run.stdout).toContain('Not started: int_c\n');
  });

  for (const via of ['driver', 'psql'] as const) {
    it(`${via}: a tenant blocked by a lock fails within --lock-timeout, naming the blocking pid`, async () => {
      const [a, b] = [`${via}_lock_a`, `${via}_lock_b`];
      const blocker = await holdTenantLock(b);
      const blockerPid = Number((await blocker.query('select pg_backend_pid() as pid')).rows[0]?.pid);
      const run = provision([a, b], ['--via', via, '--lock-timeout', '1s', '--json']);
      const { code } = await run.exited;
      expectNoCrash(run);
      expect(code).toBe(1);
      const { summary, created } = readSummary(run.stdout);
      expect(created).toEqual([a]);
      const blocked = summary.tenants.find((t) => t.tenant === b);
      expect(blocked?.error?.code).toBe('LOCK_TIMEOUT');
      expect(blocked?.error?.userMessage).toContain(`held by pid ${blockerPid} `);
      expect(blocked?.error?.userMessage).toContain('advisory lock');
      // LOCK_TIMEOUT is the proof that --lock-timeout applied: without it the tenant would wait for as long as the
      // test session holds the lock, and the test would time out (no wall-clock bound here: speed goals are the bench's).
      expect(await existingSchemas(fx.cluster, DB, [a, b])).toEqual([a]);
    });
  }

  it('psql: no pgpass file is left behind after the CLI is killed with SIGKILL', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'tenantry-kill-'));
    try {
      const holder = await holdTenantLock('kill_a');
      const run = spawnCli(['provision', '--snapshot', fx.snapshot, '--url', fx.cluster.url(DB), '--via', 'psql', '--tenant', 'kill_a'], { cwd: fx.dir, env: { TMPDIR: tmp } });
      await waitForLockWaiter(fx.cluster, DB);
      run.child.kill('SIGKILL');
      await run.exited;
      const left = readdirSync(tmp, { recursive: true }).map(String).filter((f) => /pgpass/.test(f));
      expect(left).toEqual([]);
      // psql itself lives on until its backend is gone; end the wait so nothing commits behind the test's back.
      await holder.query('ROLLBACK');
      await waitFor('psql to finish', async () => ((await fx.cluster.query(`select 1 from pg_stat_activity where datname = '${DB}' and application_name like 'tenantry%' and pid <> pg_backend_pid()`)).rowCount ? undefined : true));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('stale private directories of killed runs', () => {
  it('are swept: ours with a dead pid or legacy and old; never live ones, symlinks or fresh legacy ones', async () => {
    const base = mkdtempSync(join(tmpdir(), 'tenantry-sweep-'));
    try {
      const dead = spawnSync(process.execPath, ['-e', '0']).pid;
      const mk = (name: string) => {
        mkdirSync(join(base, name), { mode: 0o700 });
        writeFileSync(join(base, name, 'pg_service.conf'), '[tenantry]\nsslpassword=secret\n', { mode: 0o600 });
        return name;
      };
      const deadDir = mk(`tenantry-libpq-${dead}-aaaaaa`);
      const liveDir = mk(`tenantry-libpq-${process.pid}-bbbbbb`);
      const legacyOld = mk('tenantry-libpq-cccccc');
      utimesSync(join(base, legacyOld), new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
      const legacyNew = mk('tenantry-libpq-dddddd');
      symlinkSync(join(base, liveDir), join(base, `tenantry-libpq-${dead}-link`));
      const removed = await sweepStaleChildDirs(base);
      expect(removed.map((p) => p.slice(base.length + 1)).sort()).toEqual([deadDir, legacyOld].sort());
      expect(readdirSync(base).sort()).toEqual([liveDir, legacyNew, `tenantry-libpq-${dead}-link`].sort());
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
