/**
 * standard_conforming_strings = off in the template database used to let a
 * tenant name with a backslash escape its literal: pg_dump wrote `off` into the
 * snapshot header, provisioning applied it, and the renderer (which doubles
 * quotes only) produced '"x\''…' in which \' is an escaped quote. Provisioning
 * now runs with it on from the first byte (connection startup options, then
 * SET LOCAL first), render --session says on, a body whose literals would read
 * differently is refused, and Tenantry's own literals read the same either way.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSnapshot } from '../../core/snapshot/template.js';
import { quoteIdentifier, quoteLiteral } from '../../core/sql/quote.js';
import { main } from '../../electron/cli/main.js';
import type { CliIo } from '../../electron/cli/command.js';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { dumpSchema } from './pool/pool-fixtures.js';

const run = promisify(execFile);
// The first would end the literal under `off` and the rest would be SQL; the second ends in a backslash.
const HOSTILE = ["x\\'::regclass); CREATE TABLE public.pwned (); --", 'y\\'];

let cluster: Cluster;
let dir: string;
let offSnapshot: string;

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { PATH: process.env.PATH ?? '', TENANTRY_DATA_DIR: join(dir, 'data') }, cwd: dir };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** The tenant's id default, as the catalog has it: it must name the tenant's own sequence. */
async function idDefault(tenant: string): Promise<string | undefined> {
  const client = await cluster.connect('app');
  try {
    // pg_get_expr writes literals for the session's setting: read them as on.
    await client.query('set standard_conforming_strings = on');
    const { rows } = await client.query<{ d: string }>(
      `select pg_catalog.pg_get_expr(d.adbin, d.adrelid) as d from pg_catalog.pg_attrdef d join pg_catalog.pg_class c on c.oid = d.adrelid
        join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = 't' and d.adnum = 1`,
      [tenant],
    );
    return rows[0]?.d;
  } finally {
    await client.end();
  }
}

async function schemas(): Promise<string[]> {
  return (await cluster.query(`select nspname from pg_namespace where nspname !~ '^pg_' and nspname not in ('information_schema', '_tenantry') order by 1`, 'app')).rows.map((r: { nspname: string }) => r.nspname);
}

async function dropTenant(tenant: string): Promise<void> {
  await cluster.query(`drop schema if exists ${quoteIdentifier(tenant)} cascade`, 'app');
}

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.createDatabase('app');
  await cluster.query('ALTER DATABASE app SET standard_conforming_strings = off', 'postgres');
  await cluster.query(
    `create schema tmpl; create table tmpl.t (id serial primary key, note text default 'n');
     create function tmpl.f() returns bigint language plpgsql as $$ begin return (select count(*) from tmpl.t); end $$;
     create schema tmplb; create table tmplb.t (id int, note text default E'a\\\\b');`,
    'app',
  );
  dir = mkdtempSync(join(tmpdir(), 'tenantry-scs-'));
  // A snapshot made the way old versions made it: pg_dump under the database's `off`, header `off`.
  const dump = await dumpSchema(cluster, 'app', 'tmpl');
  expect(dump).toContain('SET standard_conforming_strings = off;');
  const created = createSnapshot(dump, { schema: 'tmpl' });
  expect(created.snapshot.header.sessionSettings.standard_conforming_strings).toBe('off');
  offSnapshot = join(dir, 'off.snap.sql');
  writeFileSync(offSnapshot, created.text);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a tenant name with a backslash under standard_conforming_strings = off', () => {
  for (const via of ['psql', 'driver'] as const) {
    it.each(HOSTILE)(`provisions exactly %j via ${via}, nothing else`, async (tenant) => {
      const result = await cli('provision', '--snapshot', offSnapshot, '--tenant', tenant, '--via', via, '--no-pool', '--url', cluster.url('app'));
      expect(result.stdout).toContain('1 created');
      expect(result.code).toBe(0);
      expect(await schemas()).toEqual(['public', tenant, 'tmpl', 'tmplb'].sort());
      expect(await idDefault(tenant)).toBe(`nextval('${quoteIdentifier(tenant).replace(/'/g, "''")}.t_id_seq'::regclass)`);
      expect((await cluster.query(`select to_regclass('public.pwned') is null as absent`, 'app')).rows[0].absent).toBe(true);
      await dropTenant(tenant);
    }, 60_000);
  }

  it.each(HOSTILE)('render --session | psql creates exactly %j', async (tenant) => {
    const rendered = await cli('render', offSnapshot, '--tenant', tenant, '--session', '-o', 'out.sql');
    expect(rendered.code).toBe(0);
    const sql = readFileSync(join(dir, 'out.sql'), 'utf8');
    expect(sql.startsWith('SET standard_conforming_strings = on;\n')).toBe(true);
    expect(sql).not.toContain('standard_conforming_strings = off');
    await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-f', join(dir, 'out.sql'), cluster.url('app')]);
    expect(await schemas()).toEqual(['public', tenant, 'tmpl', 'tmplb'].sort());
    expect(await idDefault(tenant)).toBe(`nextval('${quoteIdentifier(tenant).replace(/'/g, "''")}.t_id_seq'::regclass)`);
    await dropTenant(tenant);
  }, 60_000);
});

describe('snapshots and literals under standard_conforming_strings = off', () => {
  it('refuses an off-dumped body whose literal holds a backslash, before anything runs', async () => {
    const created = createSnapshot(await dumpSchema(cluster, 'app', 'tmplb'), { schema: 'tmplb' });
    writeFileSync(join(dir, 'offb.snap.sql'), created.text);
    const result = await cli('provision', '--snapshot', 'offb.snap.sql', '--tenant', 'acme', '--via', 'psql', '--no-pool', '--url', cluster.url('app'));
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toContain('standard_conforming_strings = off');
    expect(result.stdout + result.stderr).toContain('string literal on line');
    expect(await schemas()).not.toContain('acme');
  });

  it('tenantry snapshot dumps with the setting on, so backslashes in defaults survive', async () => {
    const made = await cli('snapshot', '--schema', 'tmplb', '-o', 'onb.snap.sql', '--url', cluster.url('app'));
    expect(made.code).toBe(0);
    expect(readFileSync(join(dir, 'onb.snap.sql'), 'utf8')).toContain('"standard_conforming_strings":"on"');
    const result = await cli('provision', '--snapshot', 'onb.snap.sql', '--tenant', 'acme', '--via', 'psql', '--no-pool', '--url', cluster.url('app'));
    expect(result.code).toBe(0);
    const note = await cluster.query(`insert into acme.t (id) values (1) returning note`, 'app');
    expect(note.rows[0].note).toBe('a\\b');
    await dropTenant('acme');
  });

  it("Tenantry's own literals mean the same under both settings", async () => {
    const values = ['plain', "o'neil", 'a\\b', 'x\\', "x\\'; select 1; --", '\\\\'];
    for (const setting of ['on', 'off']) {
      const client = await cluster.connect('app');
      try {
        await client.query(`set standard_conforming_strings = ${setting}`);
        const { rows } = await client.query<{ v: string }>(values.map((v) => `select ${quoteLiteral(v)}::text as v`).join(' union all '));
        expect(rows.map((r) => r.v)).toEqual(values);
      } finally {
        await client.end();
      }
    }
  });
});
