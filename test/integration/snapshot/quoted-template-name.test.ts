/**
 * Template schemas whose names hold a quote character (issue 11, item 6): pg_dump writes them doubled
 * ("t""pl", '"t''pl".seq', 't''pl'); the snapshot must still replace every spelling, so a tenant's
 * sequences, search_path and dynamic SQL point at the tenant, and the template does not move.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteIdentifier } from '../../../core/sql/quote.js';
import { renderSnapshot } from '../../../core/snapshot/render.js';
import { createSnapshot } from '../../../core/snapshot/template.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';

const run = promisify(execFile);
let cluster: Cluster;
let client: pg.Client;

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.createDatabase('quoted');
  client = await cluster.connect('quoted');
}, 120_000);

afterAll(async () => {
  await client?.end();
  await cluster?.stop();
});

describe.each([`t'pl`, 't"pl'])('template %s', (schema) => {
  const s = quoteIdentifier(schema);
  const tenant = `acme ${schema === `t'pl` ? 'one' : 'two'}`;
  const t = quoteIdentifier(tenant);

  it('provisions a tenant that uses only its own sequences, search_path and tables', async () => {
    await client.query(`
      CREATE SCHEMA ${s};
      CREATE TABLE ${s}.items (id serial PRIMARY KEY, name text);
      CREATE TABLE ${s}.log (id int GENERATED ALWAYS AS IDENTITY, note text);
      CREATE FUNCTION ${s}.count_items() RETURNS bigint LANGUAGE sql SET search_path = ${s} AS $$ SELECT count(*) FROM items $$;
      CREATE FUNCTION ${s}.wipe() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'TRUNCATE ${s.replace(/'/g, "''")}.items'; END $$;
      INSERT INTO ${s}.items (name) VALUES ('template row');`);
    const { stdout: dump } = await run(`${cluster.binDir}/pg_dump`, ['--schema-only', `--schema=${s}`, '--dbname', cluster.url('quoted')], { env: { ...process.env, PGPASSWORD: cluster.password } });
    const { snapshot, report } = createSnapshot(dump, { schema });
    expect(report.skipped).toEqual([]);
    // pg_dump's session settings (check_function_bodies = false …) as provisioning applies them.
    const settings = Object.entries(snapshot.header.sessionSettings).map(([k, v]) => `SET ${k} = ${v};`).join('\n');
    await client.query(`BEGIN;\n${settings}\n${renderSnapshot(snapshot, tenant)}\nCOMMIT;`);
    await client.query('RESET ALL');
    await client.query(`INSERT INTO ${t}.items (name) VALUES ('a'), ('b')`);
    await client.query(`INSERT INTO ${t}.log (note) VALUES ('x')`);
    expect((await client.query(`SELECT ${t}.count_items() AS n`)).rows[0].n).toBe('2');
    await client.query(`SELECT ${t}.wipe()`);
    expect((await client.query(`SELECT count(*)::int AS n FROM ${t}.items`)).rows[0].n).toBe(0);
    // The template: its row, its sequences untouched.
    expect((await client.query(`SELECT count(*)::int AS n FROM ${s}.items`)).rows[0].n).toBe(1);
    const seqs = await client.query<{ schema: string; last: string | null }>(
      'SELECT schemaname AS schema, last_value::text AS last FROM pg_sequences WHERE schemaname IN ($1, $2) ORDER BY 1, sequencename',
      [schema, tenant],
    );
    expect(seqs.rows).toEqual([
      { schema: tenant, last: '2' },
      { schema: tenant, last: '1' },
      { schema, last: '1' },
      { schema, last: null },
    ]);
  });
});
