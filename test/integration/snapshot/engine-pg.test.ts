/**
 * The snapshot engine against real PostgreSQL 15 and the real pg_dump: a
 * template is loaded, dumped with pg_dump -s, templated, rendered for tenants
 * with hostile names and loaded; each tenant's functions, sequences, triggers
 * and dynamic SQL must work on the tenant's own tables, not the template's.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteIdentifier } from '../../../core/sql/quote.js';
import { parseSnapshot } from '../../../core/snapshot/format.js';
import { renderSnapshot } from '../../../core/snapshot/render.js';
import { createSnapshot } from '../../../core/snapshot/template.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';

const run = promisify(execFile);
const FIXTURE = join(import.meta.dirname, '../../fixtures/engine-template.sql');
const TENANTS = ['Acme Corp', 'select', "o'neil", '日本', 'a$b', 'acme'];

let cluster: Cluster;
let client: pg.Client;
let dump: string;

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.createDatabase('engine');
  client = await cluster.connect('engine');
  await client.query(readFileSync(FIXTURE, 'utf8'));
  await client.query("INSERT INTO tmpl.items (name) SELECT 'template row ' || g FROM generate_series(1, 5) g");
  const { stdout } = await run(join(cluster.binDir, 'pg_dump'), ['--schema-only', '--schema=tmpl', '--dbname', cluster.url('engine')], { env: { ...process.env, PGPASSWORD: cluster.password } });
  dump = stdout;
}, 120_000);

afterAll(async () => {
  await client?.end();
  await cluster?.stop();
});

describe('real pg_dump output, templated and rendered for hostile tenant names', () => {
  it('loads every tenant, and each tenant works on its own rows only', async () => {
    const { text, report } = createSnapshot(dump, { schema: 'tmpl' });
    const snapshot = parseSnapshot(text);
    expect(report.stripped.some((s) => s.text.startsWith('SET statement_timeout'))).toBe(true);
    const session = Object.entries(snapshot.header.sessionSettings)
      .filter(([name]) => name !== 'search_path')
      .map(([name, value]) => `SET ${name} = ${value};`)
      .join('\n');

    for (const [i, tenant] of TENANTS.entries()) {
      const sql = renderSnapshot(snapshot, tenant);
      expect(sql).not.toMatch(/\btmpl\b(?!\.items is data)/); // the template name is gone, apart from comment text that is data
      await client.query(`BEGIN;\n${session}\n${sql}\nCOMMIT;`);
      const s = quoteIdentifier(tenant);
      // i + 1 rows in this tenant; the template has 5.
      await client.query(`INSERT INTO ${s}.items (name, mood) SELECT 'row ' || g, 'happy' FROM generate_series(1, ${i + 1}) g`);
      const { rows } = await client.query(
        `SELECT ${s}.count_items() AS a, ${s}.count_dynamic() AS b, ${s}.count_format('items') AS c, ${s}.via_set_config() AS d,
                ${s}.own_schema() AS own, (SELECT count(*) FROM ${s}.audit) AS audit, (SELECT count(*) FROM ${s}.happy_items) AS happy,
                ${s}.next_id() AS next, ${s}.next_dynamic() AS next2`,
      );
      expect(rows[0]).toEqual({ a: String(i + 1), b: String(i + 1), c: String(i + 1), d: String(i + 1), own: tenant, audit: String(i + 1), happy: String(i + 1), next: String(i + 2), next2: String(i + 3) });
      await client.query('RESET search_path');
    }
    const { rows } = await client.query('SELECT tmpl.count_items() AS n');
    expect(rows[0]).toEqual({ n: '5' });
  });

  it('the tenant schema holds the same objects as the template', async () => {
    const objects = async (schema: string): Promise<string[]> => {
      const { rows } = await client.query(
        `SELECT c.relkind::text || ':' || c.relname AS o FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1
         UNION ALL SELECT 'f:' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1
         UNION ALL SELECT 't:' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 AND t.typtype = 'e'
         ORDER BY 1`,
        [schema],
      );
      return rows.map((r: { o: string }) => r.o);
    };
    const template = await objects('tmpl');
    expect(template.length).toBeGreaterThan(10);
    for (const tenant of TENANTS) expect(await objects(tenant)).toEqual(template);
  });

  it('function search_path settings point at the tenant', async () => {
    const { rows } = await client.query(
      `SELECT p.proconfig FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 AND p.proname = 'count_items'`,
      ["o'neil"],
    );
    expect(rows[0].proconfig).toEqual([`search_path="o'neil", pg_catalog`]);
  });

  it("pg_dump's own header comments are replaced without asking for a decision", () => {
    const { report } = createSnapshot(dump, { schema: 'tmpl' });
    const headers = report.references.filter((r) => r.kind === 'comment' && /^-- (?:Data for )?Name: .*; Owner: /.test(r.context));
    expect(headers.length).toBeGreaterThan(5);
    expect(headers.every((r) => !r.needsReview)).toBe(true);
    // What is left to decide is what people wrote: dynamic SQL and hand-written comments.
    expect(report.flagged.length).toBeGreaterThan(0);
    expect(report.flagged.every((r) => r.kind === 'dynamic-sql' || !/^-- (?:Data for )?Name: /.test(r.context))).toBe(true);
  });

  it('refuses a tenant name that would end a dollar-quoted body', () => {
    const { snapshot } = createSnapshot(dump, { schema: 'tmpl' });
    expect(() => renderSnapshot(snapshot, 'x$$y')).toThrow(/dollar-quoted/);
  });
});
