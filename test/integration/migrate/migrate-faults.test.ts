/**
 * A 200-tenant rollout through the real CLI process, struck three times: SIGKILL
 * of the CLI, an immediate server stop (pg_ctl -m immediate, crash recovery),
 * SIGKILL again; `tenantry migrate resume ID` after each. After every strike
 * no tenant is half-migrated, Tenantry's record and the ledger equal the
 * catalog; at the end every tenant (and the template) is migrated exactly once:
 * the migration inserts one marker row, which would be there twice otherwise.
 * Strikes are timed from the catalog (the record's row count), never by sleeps in
 * the test; the migration itself sleeps 50 ms so that the strikes land mid-rollout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../electron/cli/command.js';
import { main } from '../../../electron/cli/main.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { spawnCli, startAgain, stopImmediately, waitFor, waitForLockWaiter, type CliChild } from '../harness/faults.js';
import { TYPICAL_MIGRATION, ledgerHolders, makeFleet, migratedInCatalog } from './fleet.js';

const DB = 'app';
const N = 200;

describe('a rollout survives kills and a server crash, and resume finishes it exactly once', () => {
  let cluster: Cluster;
  let dir: string;
  let tenants: string[];

  beforeAll(async () => {
    // synchronous_commit on: the harness turns it off for speed, and then a crash may lose commits already acknowledged.
    cluster = await startCluster({ conf: { synchronous_commit: 'on' } });
    await cluster.createDatabase(DB);
    tenants = await makeFleet(cluster, DB, N);
    dir = mkdtempSync(join(tmpdir(), 'tenantry-migrate-faults-'));
    writeFileSync(join(dir, 'V7__typical.sql'), `${TYPICAL_MIGRATION}INSERT INTO tpl.accounts (name) VALUES ('migrated by V7');\nSELECT pg_catalog.pg_sleep(0.05);\n`);
    writeFileSync(join(dir, 'tenants.txt'), tenants.join('\n'));
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const applied = async (): Promise<number> => {
    const exists = await cluster.query("SELECT to_regclass('_tenantry.migrations_applied') IS NOT NULL AS ok", DB);
    if (exists.rows[0].ok !== true) return 0;
    const { rows } = await cluster.query('SELECT count(*)::int AS n FROM _tenantry.migrations_applied', DB);
    return Number(rows[0].n);
  };
  const start = (argv: string[]): CliChild => spawnCli([...argv, '--url', cluster.url(DB)], { cwd: dir });
  /**
   * The record, the ledger and the catalog agree, and nothing is half done. All is
   * read in one REPEATABLE READ snapshot: after a kill of the CLI, the server still
   * finishes the tenant transactions already sent to it, and separate reads would
   * see one of them commit between the catalog and the record.
   */
  const checkConsistent = async (): Promise<number> => {
    const client = await cluster.connect(DB);
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const snapshot = { query: (sql: string) => client.query(sql) };
      const catalog = await migratedInCatalog(snapshot, DB);
      expect(catalog.partial).toEqual([]);
      const { rows } = await client.query("SELECT tenant::text FROM _tenantry.migrations_applied WHERE version = '7' ORDER BY tenant <> 'tpl', 1");
      expect(rows.map((r) => String(r.tenant))).toEqual(catalog.full);
      expect(await ledgerHolders(snapshot, DB, ['tpl', ...tenants], '7')).toEqual(catalog.full);
      const markers = await client.query(
        `SELECT count(*)::int AS n FROM (${['tpl', ...tenants].map((t) => `SELECT '${t}' AS t, (SELECT count(*) FROM ${t}.accounts WHERE name = 'migrated by V7') AS c`).join(' UNION ALL ')}) m WHERE c > 1`,
      );
      expect(markers.rows[0].n).toBe(0);
      return catalog.full.length;
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
  };
  /** `tenantry migrate status ID` in this process (quicker to poll than a child). */
  const statusOf = async (id: string, json: boolean): Promise<string> => {
    let stdout = '';
    const io: CliIo = { stdout: (t) => (stdout += t), stderr: () => undefined, env: { PATH: process.env.PATH ?? '', HOME: dir }, cwd: dir };
    await main(['migrate', 'status', id, ...(json ? ['--json'] : []), '--url', cluster.url(DB)], io);
    return stdout;
  };
  const statusJson = async (id: string) =>
    JSON.parse(await statusOf(id, true)) as { state: string; runner: string | null; counts: Record<string, number>; tenants: { tenant: string; status: string }[] };
  const statusText = (id: string) => statusOf(id, false);
  const rolloutId = async (): Promise<string> => {
    const { rows } = await cluster.query('SELECT id FROM _tenantry.rollouts', DB);
    expect(rows).toHaveLength(1);
    return String(rows[0].id);
  };

  it('SIGKILL, immediate server stop, SIGKILL, then resume: every tenant migrated once', async () => {
    const first = start(['migrate', '--template', 'tpl', '--file', 'V7__typical.sql', '--tenants-file', 'tenants.txt', '--ledger', 'schema_migrations', '--canary', '0', '--concurrency', '4', '--json']);
    await waitFor('30 tenants migrated', async () => ((await applied()) >= 30 ? true : undefined));
    first.child.kill('SIGKILL');
    await first.exited;
    const id = await rolloutId();
    const afterKill = await checkConsistent();
    expect(afterKill).toBeLessThan(N + 1);

    const second = start(['migrate', 'resume', id, '--json']);
    await waitFor('80 more tenants', async () => ((await applied()) >= afterKill + 50 ? true : undefined));
    await stopImmediately(cluster);
    const exit = await second.exited;
    expect(exit.code).toBe(1);
    expect(second.stdout + second.stderr).toMatch(/resume|connection/i);
    await startAgain(cluster);
    const afterCrash = await checkConsistent();
    expect(afterCrash).toBeGreaterThan(afterKill);

    // The last 15 tenants are held by another session's transaction: the third run gets that far, then waits and retries.
    const holder = await cluster.connect(DB);
    holder.on('error', () => undefined);
    const held = tenants.slice(-15);
    await holder.query(`BEGIN; LOCK TABLE ${held.map((t) => `${t}.items`).join(', ')} IN ACCESS SHARE MODE`);
    const third = start(['migrate', 'resume', id, '--json']);
    await waitFor('every tenant but the held ones', async () => ((await applied()) >= N + 1 - held.length ? true : undefined));
    await waitForLockWaiter(cluster, DB, 'relation');
    // While it runs, the record says so: the rollout 'running' (by which process) and the waiting tenants 'running'.
    const during = await waitFor('waiting tenants marked running', async () => {
      const s = await statusJson(id);
      return s.state === 'running' && (s.counts.running ?? 0) >= 1 ? s : undefined;
    });
    expect(during.runner).toMatch(/ pid \d+$/);
    expect(during.tenants.filter((t) => t.status === 'running').every((t) => held.includes(t.tenant))).toBe(true);
    third.child.kill('SIGKILL');
    await third.exited;
    const afterSecondKill = await checkConsistent();
    expect(afterSecondKill).toBe(N + 1 - held.length);
    // The process is gone: status calls the rollout interrupted (the server dropped its sessions) and says how to go on.
    const after = await waitFor('the killed run\'s sessions gone', async () => {
      const s = await statusJson(id);
      return s.state === 'interrupted' ? s : undefined;
    });
    expect(after.counts.running).toBeGreaterThanOrEqual(1);
    const text = await statusText(id);
    expect(text).toMatch(/Interrupted: the process running it \([^)]* pid \d+\) stopped without finishing[^\n]*\d+ tenant\(s\) were being migrated then[^\n]*Continue with: tenantry migrate resume /);
    await holder.query('ROLLBACK');
    await holder.end();

    const last = start(['migrate', 'resume', id, '--json']);
    const done = await last.exited;
    expect(last.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(JSON.parse(last.stdout.split('\n')[0] as string)).toMatchObject({ type: 'resume', state: 'interrupted' });
    expect((await statusJson(id)).state).toBe('finished');
    const result = JSON.parse(last.stdout.trim().split('\n').at(-1) as string) as { done: number; failed: number; remaining: number };
    expect(result).toMatchObject({ done: N + 1, failed: 0, remaining: 0 });
    expect(await checkConsistent()).toBe(N + 1);
    const status = await cluster.query("SELECT status, count(*)::int AS n FROM _tenantry.rollout_tenants GROUP BY 1", DB);
    expect(status.rows).toEqual([{ status: 'done', n: N + 1 }]);
  });
});
