import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { main } from '../../electron/cli/main.js';
import type { CliIo } from '../../electron/cli/command.js';

describe('CLI: snapshot, provision, verify end to end', () => {
  let cluster: Cluster;
  let dir: string;
  const cli = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { PATH: process.env.PATH ?? '', HOME: dir }, cwd: dir };
    const code = await main(argv, io);
    return { code, stdout, stderr };
  };
  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase('app');
    await cluster.query(
      `CREATE EXTENSION citext;
       CREATE SCHEMA app;
       CREATE TABLE app.users (id serial PRIMARY KEY, email public.citext UNIQUE);
       CREATE FUNCTION app.user_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM app.users $$;
       CREATE TABLE app.schema_migrations (version text PRIMARY KEY);
       INSERT INTO app.schema_migrations VALUES ('001'), ('002');
       CREATE TABLE app.versions (n int);
       INSERT INTO app.versions VALUES (7);`,
      'app',
    );
    dir = mkdtempSync(join(tmpdir(), 'tenantry-cli-'));
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a snapshot and reports ledgers, shared extensions and what was left out', async () => {
    const run = await cli('snapshot', '--schema', 'app', '-o', 'app.snapshot.sql', '--ledger', 'versions', '--no-owner', '--url', cluster.url('app'));
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Wrote snapshot of schema "app" to app.snapshot.sql.');
    expect(run.stderr).toMatch(/pg_dump 15\.\d+/);
    expect(run.stderr).toContain('Migration ledger rows carried: schema_migrations (2), versions (1).');
    expect(run.stderr).toContain('Tenants will share: extension citext');
    expect(run.stderr).toContain('Ownership (ALTER … OWNER TO) was left out');
    const text = readFileSync(join(dir, 'app.snapshot.sql'), 'utf8');
    expect(text).toContain('#{prefix}');
    expect(text).not.toMatch(/\bapp\.users\b/);
  });

  it('prints the SQL a dry run would execute, connecting to nothing', async () => {
    const run = await cli('provision', '--snapshot', 'app.snapshot.sql', '--tenant', 'Acme Corp', '--dry-run', '--url', 'postgresql://nobody@127.0.0.1:1/none');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('-- tenant "Acme Corp" via driver');
    expect(run.stdout).toContain('SET LOCAL check_function_bodies = false;');
    expect(run.stdout).toContain('pg_advisory_xact_lock(1414416980, pg_catalog.hashtext(\'Acme Corp\'))');
    expect(run.stdout).toContain('CREATE TABLE "Acme Corp".users');
    expect(run.stdout.trimEnd().endsWith('COMMIT;')).toBe(true);
  });

  it('provisions tenants from a file through psql, reports existing ones, and verifies them', async () => {
    writeFileSync(join(dir, 'tenants.txt'), "# tenants\nacme\n\nAcme Corp\no'neil\n");
    const first = await cli('provision', '--snapshot', 'app.snapshot.sql', '--tenants-file', 'tenants.txt', '--via', 'psql', '--json', '--url', cluster.url('app'));
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout) as { created: number; tenants: { tenant: string; status: string; elapsedMs: number }[] };
    expect(summary.created).toBe(3);
    expect(summary.tenants.map((t) => t.tenant)).toEqual(['acme', 'Acme Corp', "o'neil"]);
    const again = await cli('provision', '--snapshot', 'app.snapshot.sql', '--tenant', 'acme', '--tenant', 'beta', '--url', cluster.url('app'));
    expect(again.code).toBe(5);
    expect(again.stdout).toContain('1 created, 1 already existed, 0 failed');
    expect(again.stdout).toContain('acme: [TENANT_EXISTS]');
    expect(again.stderr).toMatch(/created +beta \(\d+ ms\)/);
    for (const tenant of ['acme', 'Acme Corp', "o'neil", 'beta']) {
      const verified = await cli('verify', '--template', 'app', '--tenant', tenant, '--url', cluster.url('app'));
      expect(verified.stdout).toContain('Equal and isolated.');
      expect(verified.code).toBe(0);
    }
    const { rows } = await cluster.query(`SELECT (SELECT count(*) FROM "o'neil".schema_migrations)::int AS m, (SELECT n FROM "o'neil".versions) AS v`, 'app');
    expect(rows[0]).toEqual({ m: 2, v: 7 });
  });

  it('refuses bad tenant names and repeated names before connecting', async () => {
    const reserved = await cli('provision', '--snapshot', 'app.snapshot.sql', '--tenant', 'pg_evil', '--dry-run');
    expect(reserved.code).toBe(1);
    expect(reserved.stderr).toContain('[INVALID_TENANT_NAME]');
    const repeated = await cli('provision', '--snapshot', 'app.snapshot.sql', '--tenant', 'a', '--tenant', 'a', '--dry-run');
    expect(repeated.code).toBe(2);
    expect(repeated.stderr).toContain('Tenant names repeated: "a"');
  });
});
