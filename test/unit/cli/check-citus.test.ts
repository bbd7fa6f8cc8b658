/**
 * `tenantry check --citus` names each finding by the line of the snapshot file the user opens (the file's three
 * header lines come before the body), and shows the placeholder rather than the name the check rendered with.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main.js';
import type { CliIo } from '../../../electron/cli/command.js';

const dir = mkdtempSync(join(tmpdir(), 'tenantry-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: dir };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const BODY = [
  'CREATE TABLE app.parent (id integer NOT NULL);',
  'CREATE TABLE app.child (note text) INHERITS (app.parent);',
  'CREATE TABLE app.stats (c integer);',
  'ALTER TABLE ONLY app.stats ALTER COLUMN c SET STATISTICS 1000;',
  'ALTER TABLE app.parent ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME app.parent_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1);',
  '',
];

// With CREATE SCHEMA in the dump the snapshot creates the schema; without it provisioning prepends one (createsSchema false).
describe.each([
  ['a dump with CREATE SCHEMA', ['SET statement_timeout = 0;', 'CREATE SCHEMA app;', '', ...BODY]],
  ['a dump without CREATE SCHEMA', BODY],
])('tenantry check --citus on %s', (name, lines) => {
  const file = `${name.replace(/\W+/g, '-')}.sql`;

  it('gives each finding the line of its statement in the snapshot file, and the placeholder', async () => {
    writeFileSync(join(dir, `dump-${file}`), lines.join('\n'));
    expect((await run('template', `dump-${file}`, '--schema', 'app', '-o', file)).code).toBe(0);
    const fileLines = readFileSync(join(dir, file), 'utf8').split('\n');

    const text = await run('check', '--citus', '--snapshot', file);
    expect(text.code).toBe(1); // the inheritance and SET STATISTICS are refused
    const found = [...text.stdout.matchAll(/^line (\d+): (.*)$/gm)].map((m) => [Number(m[1]), m[2]!] as const);
    expect(found.map(([, statement]) => statement.split(' ').slice(0, 3).join(' '))).toEqual(['CREATE TABLE #{prefix}.child', 'ALTER TABLE ONLY', 'ALTER TABLE #{prefix}.parent']);
    // A long statement is shown shortened (ending in "..."), never ending in part of a name.
    const opens = (line: number, statement: string) => expect(fileLines[line - 1], `line ${line}`).toBe(statement.endsWith('...') ? `${statement.slice(0, -3)}${fileLines[line - 1]?.slice(statement.length - 3)}` : statement);
    for (const [line, statement] of found) opens(line, statement);
    expect(found[2]![1]).toMatch(/SEQUENCE NAME #\{prefix\}\.parent_id_seq \.\.\.$/);
    expect(text.stdout).not.toContain('tenantry_citus_probe');

    const json = await run('check', '--citus', '--snapshot', file, '--json');
    const report = JSON.parse(json.stdout) as { findings: { line: number; statement: string; handling: string }[]; refused: boolean };
    expect(report.refused).toBe(true);
    expect(report.findings.map((f) => [f.line, f.handling])).toEqual(found.map(([line], i) => [line, ['refused', 'refused', 'rewritten'][i]]));
    for (const f of report.findings) opens(f.line, f.statement);
  });
});
