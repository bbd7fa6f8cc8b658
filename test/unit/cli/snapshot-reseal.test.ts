/** `tenantry snapshot reseal FILE`: an edited snapshot is shown, checked and only then sealed again. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../electron/cli/command.js';
import { main } from '../../../electron/cli/main.js';
import { parseSnapshot, serializeSnapshot } from '../../../core/snapshot/format.js';
import { createSnapshot } from '../../../core/snapshot/template.js';

const dir = mkdtempSync(join(tmpdir(), 'tenantry-reseal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: dir };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const DUMP = 'CREATE SCHEMA app;\nCREATE TABLE app.t (id int);\n';
const sealed = createSnapshot(DUMP, { schema: 'app' }).text;

function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

describe('tenantry snapshot reseal', () => {
  it('seals a body edited by hand after showing what changed; provisioning then reads it', async () => {
    const edited = sealed.replace('CREATE TABLE #{prefix}.t (id int);', 'CREATE TABLE #{prefix}.t (id int, name text);');
    const file = write('edited.sql', edited);
    expect(() => parseSnapshot(edited)).toThrow(/tenantry snapshot reseal FILE/);
    const r = await run('snapshot', 'reseal', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/body: changed since templating: 2 lines now/);
    expect(r.stdout).toContain('statements: every statement creates');
    expect(r.stdout).toContain('Sealed ');
    expect(parseSnapshot(readFileSync(join(dir, file), 'utf8')).body).toContain('name text');
  });

  it('refuses to seal a body that ends the transaction, lists it and writes nothing', async () => {
    const edited = sealed.replace('CREATE TABLE #{prefix}.t (id int);', 'CREATE TABLE #{prefix}.t (id int);\nCOMMIT;\nDROP SCHEMA other CASCADE;');
    const file = write('hostile.sql', edited);
    const r = await run('snapshot', 'reseal', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/refused statements: 2\n\s+line 3: COMMIT; — transaction control/);
    expect(r.stderr).toContain('[SNAPSHOT_STATEMENT_REFUSED]');
    expect(r.stderr).toContain('The file was not sealed');
    expect(readFileSync(join(dir, file), 'utf8')).toBe(edited);
  });

  it('shows a changed header and seals it only after the same checks', async () => {
    const edited = sealed.replace('"sessionSettings":{}', '"sessionSettings":{"search_path":"\'\'"}');
    const file = write('header.sql', edited);
    expect(() => parseSnapshot(edited)).toThrow(/header was changed/);
    const check = await run('snapshot', 'reseal', file, '--check');
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('header: changed since it was sealed');
    expect(check.stdout).toContain("session settings (applied with SET LOCAL): search_path = ''");
    expect(readFileSync(join(dir, file), 'utf8')).toBe(edited);
    const bad = write('bad-setting.sql', sealed.replace('"sessionSettings":{}', '"sessionSettings":{"role":"postgres"}'));
    const refused = await run('snapshot', 'reseal', bad);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[SNAPSHOT_INVALID]');
  });

  it('refuses added placeholder occurrences (their quoting cannot be known)', async () => {
    const file = write('more.sql', sealed.replace('(id int);', '(id int);\nCREATE TABLE #{prefix}.u (id int);'));
    const r = await run('snapshot', 'reseal', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[SNAPSHOT_PLACEHOLDER_MISSING]');
  });

  it('seals a format 1 file in format 3; reading a format 1 file names the command', async () => {
    const v1 = sealed.replace(/"seal":"[0-9a-f]{64}",/, '').replace('"formatVersion":3', '"formatVersion":1');
    expect(() => parseSnapshot(v1)).toThrow(/format version 1.*tenantry snapshot reseal FILE/);
    const file = write('v1.sql', v1);
    const r = await run('snapshot', 'reseal', file, '-o', 'v2.sql');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('format: version 1');
    expect(parseSnapshot(readFileSync(join(dir, 'v2.sql'), 'utf8')).header.formatVersion).toBe(3);
  });

  it('seals an intact format 2 file in format 3 (the body then hashed once), saying so', async () => {
    const v2 = serializeSnapshot({ ...parseSnapshot(sealed), header: { ...parseSnapshot(sealed).header, formatVersion: 2 } });
    const r = await run('snapshot', 'reseal', write('f2.sql', v2), '-o', 'f3.sql');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('format: version 2');
    expect(parseSnapshot(readFileSync(join(dir, 'f3.sql'), 'utf8')).header.formatVersion).toBe(3);
  });

  it('says when there is nothing to do', async () => {
    const r = await run('snapshot', 'reseal', write('same.sql', sealed));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('The seal is intact; nothing to do.');
  });
});

describe('quoting contexts must match the body', () => {
  it('refuses a header whose context writes the name bare in plain SQL, even re-sealed', async () => {
    const tampered = sealed.replace(/"form":"identifier"/g, '"form":"name"');
    expect(tampered).not.toBe(sealed);
    const file = write('contexts.sql', tampered);
    const r = await run('snapshot', 'reseal', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/header does not match its body at body line 1: it stands in plain SQL but its context writes the name unquoted\. Template the dump again\. The file was not sealed\./);
    expect(readFileSync(join(dir, file), 'utf8')).toBe(tampered);
  });

  it('refuses a context that claims a literal where the body has plain SQL', () => {
    const { snapshot } = createSnapshot(DUMP, { schema: 'app' });
    const contexts = snapshot.header.contexts.map((c) => ({ ...c, wrappers: [{ type: 'literal' as const, style: 'standard' as const }] }));
    const text = serializeSnapshot({ header: { ...snapshot.header, contexts }, body: snapshot.body });
    expect(() => parseSnapshot(text)).toThrow(/it stands in plain SQL but its context says it is inside a literal/);
  });
});
