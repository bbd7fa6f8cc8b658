import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main.js';
import type { CliIo } from '../../../electron/cli/command.js';

const dir = mkdtempSync(join(tmpdir(), 'tenantry-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: dir };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const DUMP = [
  '\\restrict k1',
  'SET statement_timeout = 0;',
  "SELECT pg_catalog.set_config('search_path', '', false);",
  'CREATE SCHEMA app;',
  "CREATE TABLE app.t (id int DEFAULT nextval('app.t_id_seq'::regclass));",
  "CREATE FUNCTION app.f() RETURNS void LANGUAGE plpgsql SET search_path TO 'app' AS $$ BEGIN EXECUTE 'truncate app.t'; END $$;",
  'ALTER TABLE app.t OWNER TO owner_role;',
  '\\unrestrict k1',
  '',
].join('\n');
writeFileSync(join(dir, 'dump.sql'), DUMP);

describe('tenantry template', () => {
  it('writes a snapshot and prints a summary with flagged references and what was stripped', async () => {
    const r = await run('template', 'dump.sql', '--schema', 'app', '-o', 'snap.sql', '--report', 'report.json');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/References by kind: 4 identifier, 1 name-literal, 1 search-path, 1 dynamic-sql/);
    expect(r.stdout).toMatch(/please review \(1\):\n\s+6:\d+ dynamic-sql/);
    expect(r.stdout).toContain('\\restrict k1');
    expect(r.stdout).toMatch(/Stripped \(4\)/);
    expect(readFileSync(join(dir, 'snap.sql'), 'utf8')).toContain('CREATE SCHEMA #{prefix};');
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { references: { line: number; column: number; kind: string; context: string }[] };
    expect(report.references.map((x) => [x.line, x.kind])).toEqual([
      [4, 'identifier'],
      [5, 'identifier'],
      [5, 'name-literal'],
      [6, 'identifier'],
      [6, 'search-path'],
      [6, 'dynamic-sql'],
      [7, 'identifier'],
    ]);
    expect(report.references[1]?.context).toBe("CREATE TABLE app.t (id int DEFAULT nextval('app.t_id_seq'::regclass));");
  });

  it('--json prints the result as JSON on standard output', async () => {
    const r = await run('template', 'dump.sql', '--schema', 'app', '-o', 'snap2.sql', '--json', '--no-owner', '--skip-flagged');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { counts: { replaced: number; skipped: number }; stripped: { reason: string }[]; skipped: { kind: string }[] };
    expect(out.counts).toMatchObject({ replaced: 5, skipped: 1 });
    expect(out.skipped.map((s) => s.kind)).toEqual(['dynamic-sql']);
    expect(out.stripped.some((s) => /OWNER TO/.test(s.reason))).toBe(true);
  });

  it('usage errors exit 2 and say what is missing', async () => {
    expect((await run('template', 'dump.sql', '-o', 'x.sql')).code).toBe(2);
    const r = await run('template', '--schema', 'app', '-o', 'x.sql');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('give the dump file');
    expect((await run('template', 'dump.sql', '--schema', 'app', '-o', 'x.sql', '--bogus')).code).toBe(2);
  });

  it('failures exit 1 with the error code on standard error', async () => {
    const missing = await run('template', 'nope.sql', '--schema', 'app', '-o', 'x.sql');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('[FILE_NOT_FOUND]');
    writeFileSync(join(dir, 'bad.sql'), "SELECT 'unterminated");
    const bad = await run('template', 'bad.sql', '--schema', 'app', '-o', 'x.sql');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/line 1, column 8[\s\S]*\[SQL_UNTERMINATED_STRING\]/);
    const placeholder = await run('template', 'dump.sql', '--schema', 'app', '-o', 'x.sql', '--placeholder', "it's");
    expect(placeholder.code).toBe(1);
    expect(placeholder.stderr).toContain('[INVALID_PLACEHOLDER]');
  });
});

describe('tenantry render', () => {
  it('prints the SQL for a tenant with each context quoted', async () => {
    await run('template', 'dump.sql', '--schema', 'app', '-o', 'snap.sql');
    const r = await run('render', 'snap.sql', '--tenant', "O'Neil & Co");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `CREATE SCHEMA "O'Neil & Co";`,
        `CREATE TABLE "O'Neil & Co".t (id int DEFAULT nextval('"O''Neil & Co".t_id_seq'::regclass));`,
        `CREATE FUNCTION "O'Neil & Co".f() RETURNS void LANGUAGE plpgsql SET search_path TO 'O''Neil & Co' AS $$ BEGIN EXECUTE 'truncate "O''Neil & Co".t'; END $$;`,
        `ALTER TABLE "O'Neil & Co".t OWNER TO owner_role;`,
        '',
      ].join('\n'),
    );
  });

  it('-o writes a file; --session prepends the session settings provisioning applies, standard_conforming_strings = on first', async () => {
    const r = await run('render', 'snap.sql', '--tenant', 'acme', '-o', 'acme.sql', '--session');
    expect(r.code).toBe(0);
    const sql = readFileSync(join(dir, 'acme.sql'), 'utf8');
    expect(sql).toMatch(/^SET standard_conforming_strings = on;\n(SET [^\n]*\n)*SET statement_timeout = 0;\n(SET [^\n]*\n)*CREATE SCHEMA acme;/);
    expect(sql.slice(0, sql.indexOf('CREATE SCHEMA'))).not.toContain('search_path');
  });

  it('refuses a bad tenant name (exit 1) and a tampered snapshot', async () => {
    const bad = await run('render', 'snap.sql', '--tenant', 'pg_x');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('[INVALID_TENANT_NAME]');
    writeFileSync(join(dir, 'tampered.sql'), readFileSync(join(dir, 'snap.sql'), 'utf8').replace('OWNER TO owner_role', 'OWNER TO postgres'));
    const tampered = await run('render', 'tampered.sql', '--tenant', 'acme');
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain('[SNAPSHOT_CHECKSUM_MISMATCH]');
    expect(tampered.stdout).toBe('');
    expect((await run('render', 'snap.sql')).code).toBe(2);
  });

  it('is listed in tenantry --help', async () => {
    const r = await run('--help');
    expect(r.stdout).toMatch(/template\s+Template a schema-only dump/);
    expect(r.stdout).toMatch(/render\s+Render a snapshot/);
  });
});
