import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { main } from '../../electron/cli/main.js';
import type { CliIo } from '../../electron/cli/command.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('CLI: schemas, dump, verify, drop', () => {
  let cluster: Cluster;
  let dir: string;
  const cli = async (...argv: string[]): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { PATH: process.env.PATH ?? '', HOME: dir }, cwd: dir };
    const code = await main(argv, io);
    return { code, stdout, stderr };
  };
  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase('app');
    await cluster.query('CREATE SCHEMA tpl; CREATE TABLE tpl.t (id serial PRIMARY KEY); CREATE SCHEMA copy; CREATE TABLE copy.t (id serial PRIMARY KEY); CREATE SCHEMA other; CREATE TABLE other.t (id bigint);', 'app');
    dir = mkdtempSync(join(tmpdir(), 'tenantry-cli-'));
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists schemas as a table and as JSON', async () => {
    const table = await cli('schemas', '--url', cluster.url('app'));
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^schema\s+owner\s+tables/);
    expect(table.stdout).toMatch(/\ntpl\s+postgres\s+1\s+0\s+0\s+1/);
    expect(table.stdout).not.toContain('pg_catalog');
    const json = await cli('schemas', '--url', cluster.url('app'), '--json', '--all');
    const list = JSON.parse(json.stdout) as { name: string; system: boolean }[];
    expect(list.find((s) => s.name === 'pg_catalog')?.system).toBe(true);
  });

  it('dumps a schema to a file and says which pg_dump it used', async () => {
    const run = await cli('dump', '--schema', 'tpl', '-o', 'tpl.sql', '--url', cluster.url('app'));
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/with pg_dump 15\.\d+ \(\/.*pg_dump\); server 15\./);
    expect(readFileSync(join(dir, 'tpl.sql'), 'utf8')).toContain('CREATE TABLE tpl.t');
  });

  it('takes the connection from PG* variables too', async () => {
    let stdout = '';
    const io: CliIo = {
      stdout: (t) => void (stdout += t),
      stderr: () => undefined,
      env: { PATH: process.env.PATH ?? '', HOME: dir, PGHOST: cluster.host, PGPORT: String(cluster.port), PGUSER: 'postgres', PGPASSWORD: cluster.password, PGDATABASE: 'app', PGSSLMODE: 'disable' },
      cwd: dir,
    };
    expect(await main(['dump', '--schema', 'other'], io)).toBe(0);
    expect(stdout).toContain('CREATE TABLE other.t');
  });

  it('exits 2 on bad usage', async () => {
    const run = await cli('dump', '--url', cluster.url('app'));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--schema is required');
    expect((await cli('dump', '--schema', 'tpl', '--bogus')).code).toBe(2);
  });

  it('verifies: exit 0 for an equal copy, 4 with the differences listed', async () => {
    const same = await cli('verify', '--template', 'tpl', '--tenant', 'copy', '--url', cluster.url('app'));
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('Equal and isolated.');
    const differs = await cli('verify', '--template', 'tpl', '--tenant', 'other', '--url', cluster.url('app'), '--json');
    expect(differs.code).toBe(4);
    const doc = JSON.parse(differs.stdout) as { template: string; ok: boolean; tenants: { equal: boolean; differences: { kind: string; object: string }[] }[] };
    expect(doc.ok).toBe(false);
    const result = doc.tenants[0] ?? { equal: true, differences: [] };
    expect(result.equal).toBe(false);
    expect(result.differences.map((d) => `${d.kind} ${d.object}`)).toEqual(expect.arrayContaining(['column t.id', 'sequence t_id_seq', 'index t_pkey']));
    const both = await cli('verify', '--template', 'tpl', '--tenant', 'copy', '--tenant', 'other', '--url', cluster.url('app'));
    expect(both.code).toBe(4);
    expect(both.stdout).toContain('Compared tenant "copy"');
    expect(both.stdout).toContain('Compared tenant "other"');
    expect(both.stdout).toContain('Not equal to the template:');
  });

  it('drops only with --yes', async () => {
    const refused = await cli('drop', '--tenant', 'copy', '--url', cluster.url('app'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[CONFIRMATION_REQUIRED]');
    const dropped = await cli('drop', '--tenant', 'copy', '--yes', '--url', cluster.url('app'));
    expect(dropped.code).toBe(0);
    expect(dropped.stdout).toContain('Dropped tenant "copy"');
    const { rowCount } = await cluster.query("select 1 from pg_namespace where nspname = 'copy'", 'app');
    expect(rowCount).toBe(0);
  });
});
