/**
 * Verify as an independent judge on real catalogs: tenants the engine could
 * have got wrong (dynamic SQL naming the template, SQL text passed to
 * crosstab, trigger arguments, a function's search_path) fail, and the failure
 * is real (the tenant reads the template's rows); text that names the
 * template without reaching it (data both hold, setting names) is a note.
 * `verify --json` has one shape for one tenant and for several.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { profileFor } from './harness/profile.js';
import { verifyTenant } from '../../electron/services/verify/verify-tenant.js';
import { main } from '../../electron/cli/main.js';
import type { CliIo } from '../../electron/cli/command.js';

/** The template, written for schema $S; `$T` is where a faithful tenant writes its own name and a broken one the template's. */
const SCHEMA = `
CREATE TABLE $S.invoices (id serial PRIMARY KEY, amount int NOT NULL, note text DEFAULT 'see tpl.invoices docs'::text);
CREATE TABLE $S.sales (person text, year int, total int);
CREATE FUNCTION $S.invoice_count() RETURNS bigint LANGUAGE plpgsql AS $f$
DECLARE n bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM %I.invoices', '$T') INTO n;
  RETURN n;
END $f$;
CREATE VIEW $S.sales_by_year AS
  SELECT * FROM public.crosstab('SELECT person, year, total FROM $T.sales ORDER BY 1, 2'::text, 'SELECT 2023 UNION ALL SELECT 2024'::text) AS ct(person text, y2023 int, y2024 int);
CREATE FUNCTION $S.tenant_setting() RETURNS text LANGUAGE sql STABLE AS $f$ SELECT current_setting('tpl.tenant_id', true) $f$;
CREATE FUNCTION $S.require_invoices() RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM $S.invoices) THEN RAISE EXCEPTION 'no rows in tpl.invoices' USING HINT = 'load tpl.invoices first'; END IF;
END $f$;
`;
const forSchema = (schema: string, target: string) => SCHEMA.replace(/\$S/g, schema).replace(/\$T/g, target);

describe('verify judges the tenant, not the engine', () => {
  let cluster: Cluster;
  let dir: string;
  const db = 'app';
  const run = (sql: string) => cluster.query(sql, db);
  const cli = async (...argv: string[]): Promise<{ code: number; stdout: string }> => {
    let stdout = '';
    const io: CliIo = { stdout: (t) => void (stdout += t), stderr: () => undefined, env: { PATH: process.env.PATH ?? '', HOME: dir }, cwd: dir };
    const code = await main(argv, io);
    return { code, stdout };
  };
  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase(db);
    dir = mkdtempSync(join(tmpdir(), 'tenantry-verify-'));
    await run('CREATE EXTENSION tablefunc');
    await run(`CREATE SCHEMA tpl; ${forSchema('tpl', 'tpl')} INSERT INTO tpl.invoices (amount) VALUES (1), (2), (3); INSERT INTO tpl.sales VALUES ('ann', 2023, 5);`);
    // A faithful tenant: its own name wherever the template has its own; the prose default is the same text.
    await run(`CREATE SCHEMA good; ${forSchema('good', 'good')}`);
    // What an engine that missed the string literals would have made.
    await run(`CREATE SCHEMA missed; ${forSchema('missed', 'tpl')}`);
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the missed tenant really reads the template', async () => {
    const count = await run('SELECT missed.invoice_count()::int AS n');
    expect(count.rows).toEqual([{ n: 3 }]);
    const view = await run('SELECT person FROM missed.sales_by_year');
    expect(view.rows).toEqual([{ person: 'ann' }]);
  });

  it('fails a tenant whose function formats the template name into EXECUTE and whose view passes SQL naming it to crosstab', async () => {
    const result = await verifyTenant(profileFor(cluster, db), { template: 'tpl', tenant: 'missed' });
    expect(result.isolated).toBe(false);
    const isolation = result.differences.filter((d) => d.kind === 'isolation').map((d) => `${d.object} | ${d.detail}`);
    expect(isolation).toContain("function invoice_count() | definition the template schema's name, used as a name: 'tpl'");
    expect(isolation.some((l) => l.startsWith('view sales_by_year | definition SQL text that runs against the template: tpl.sales'))).toBe(true);
  });

  it('passes the faithful tenant, with the shared prose default and the setting name as notes', async () => {
    const result = await verifyTenant(profileFor(cluster, db), { template: 'tpl', tenant: 'good' });
    expect(result.differences).toEqual([]);
    expect(result.equal && result.isolated).toBe(true);
    const notes = result.notes.map((d) => `${d.object} | ${d.detail}`);
    expect(notes.some((n) => n.startsWith('column invoices.note | default mentions tpl.invoices') && n.includes('the template holds the same text here'))).toBe(true);
    expect(notes.some((n) => n.startsWith("function tenant_setting() | definition mentions 'tpl.tenant_id': a setting name"))).toBe(true);
    // RAISE message text naming the template is shown to a person, never run: a note (it was a failure before).
    expect(notes).toContain("function require_invoices() | definition mentions 'no rows in tpl.invoices': message text (RAISE or ASSERT): shown to a person, never run or resolved; the template holds the same text here (data both share, not a reference)");
    expect(notes.some((n) => n.startsWith("function require_invoices() | definition mentions 'load tpl.invoices first': message text"))).toBe(true);
  });

  it('fails a trigger argument and a function search_path naming the template', async () => {
    await run(`CREATE SCHEMA trig; ${forSchema('trig', 'trig')}
      CREATE FUNCTION trig.audit() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN EXECUTE format('SELECT 1 FROM %I.invoices', TG_ARGV[0]); RETURN NEW; END $f$;
      CREATE TRIGGER audit AFTER INSERT ON trig.invoices FOR EACH ROW EXECUTE FUNCTION trig.audit('tpl');
      ALTER FUNCTION trig.tenant_setting() SET search_path = tpl, public;`);
    const result = await verifyTenant(profileFor(cluster, db), { template: 'tpl', tenant: 'trig' });
    const isolation = result.differences.filter((d) => d.kind === 'isolation').map((d) => `${d.object} | ${d.detail}`);
    expect(result.isolated).toBe(false);
    expect(isolation).toContain("trigger invoices.audit | definition the template schema's name, used as a name: 'tpl'");
    expect(isolation.some((l) => l.startsWith('function tenant_setting() | config sets a search_path naming the template schema "tpl"'))).toBe(true);
  });

  it('verify --json has one shape for one tenant and for two', async () => {
    const one = await cli('verify', '--template', 'tpl', '--tenant', 'good', '--json', '--url', cluster.url(db));
    const two = await cli('verify', '--template', 'tpl', '--tenant', 'good', '--tenant', 'missed', '--json', '--url', cluster.url(db));
    expect(one.code).toBe(0);
    expect(two.code).toBe(4);
    const shape = (text: string) => {
      const doc = JSON.parse(text) as Record<string, unknown> & { tenants: Record<string, unknown>[] };
      return { keys: Object.keys(doc).sort(), tenantKeys: doc.tenants.map((t) => Object.keys(t).sort().join(',')), doc };
    };
    const a = shape(one.stdout);
    const b = shape(two.stdout);
    expect(a.keys).toEqual(['ok', 'template', 'tenants']);
    expect(b.keys).toEqual(a.keys);
    expect(a.tenantKeys).toEqual(['compared,differences,equal,isolated,notCompared,notes,template,tenant']);
    expect(b.tenantKeys).toEqual([a.tenantKeys[0], a.tenantKeys[0]]);
    expect(a.doc.ok).toBe(true);
    expect(b.doc.ok).toBe(false);
    expect(b.doc.tenants.map((t) => t.tenant)).toEqual(['good', 'missed']);
  });
});
