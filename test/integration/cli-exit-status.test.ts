/**
 * The built CLI (bin/tenantry.js → dist/) as a script sees it: exit statuses
 * that tell situations apart, `--json` errors on stdout, "did you mean …",
 * `provision --if-not-exists`, and a progress line only on a terminal.
 * Needs `npm run build` (the test says so and skips when dist/ is absent).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/tenantry.js');
const built = existsSync(join(root, 'dist/electron/cli/index.js'));
if (!built) console.warn('cli-exit-status: dist/ is absent; run `npm run build` to test the built CLI.');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(argv: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...argv], { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

interface JsonError {
  ok: boolean;
  error: { code: string; message: string; detail: string | null };
}

describe.skipIf(!built)('the built CLI: exit statuses, --json errors, did you mean', () => {
  let cluster: Cluster;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tenantry-exit-'));
    cluster = await startCluster();
    await cluster.createDatabase('app');
    await cluster.query('CREATE SCHEMA tpl; CREATE TABLE tpl.t (id serial PRIMARY KEY, name text);', 'app');
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a mistyped command: exit 2, "did you mean", and with --json an error object on stdout', async () => {
    const text = await runCli(['provison', '--snapshot', 'x.sql'], dir);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('unknown command "provison". Did you mean "provision"?');
    expect(text.stdout).toBe('');
    const json = await runCli(['verfy', '--json'], dir);
    expect(json.code).toBe(2);
    const doc = JSON.parse(json.stdout) as JsonError;
    expect(doc).toMatchObject({ ok: false, error: { code: 'USAGE', message: 'Unknown command "verfy". Did you mean "verify"?' } });
    const nothingClose = await runCli(['frobnicate'], dir);
    expect(nothingClose.stderr).not.toContain('Did you mean');
    expect(nothingClose.stderr).toContain('Commands:');
  });

  it('a mistyped option: exit 2 with the closest option named', async () => {
    const run = await runCli(['provision', '--snapshot', 'x.sql', '--tenat', 'a', '--json'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown option --tenat (did you mean --tenant?)');
    expect((JSON.parse(run.stdout) as JsonError).error.code).toBe('USAGE');
  });

  it('cannot connect: exit 3, and --json prints the error instead of nothing', async () => {
    const run = await runCli(['schemas', '--json', '--url', 'postgresql://postgres@127.0.0.1:1/app?connect_timeout=5'], dir);
    expect(run.code).toBe(3);
    const doc = JSON.parse(run.stdout) as JsonError;
    expect(doc.ok).toBe(false);
    expect(doc.error.code).toBe('PG_CONNECTION_FAILED');
    expect(doc.error.message.length).toBeGreaterThan(10);
    expect(doc.error).toHaveProperty('detail');
    const wrongPassword = await runCli(['schemas', '--json', '--url', `postgresql://postgres:wrong@127.0.0.1:${cluster.port}/app`], dir);
    expect(wrongPassword.code).toBe(3);
    expect((JSON.parse(wrongPassword.stdout) as JsonError).error.code).toBe('PG_AUTH_FAILED');
  });

  it('a failure with --json (missing snapshot file): exit 1 and the error on stdout', async () => {
    const run = await runCli(['provision', '--snapshot', 'missing.sql', '--tenant', 'a', '--json', '--url', cluster.url('app')], dir);
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as JsonError).error.code).toBe('FILE_NOT_FOUND');
  });

  it('provision: 5 when tenants already existed, 0 with --if-not-exists; verify differs is 4', async () => {
    const snap = await runCli(['snapshot', '--schema', 'tpl', '-o', 'tpl.snap.sql', '--url', cluster.url('app')], dir);
    expect(snap.code).toBe(0);
    const first = await runCli(['provision', '--snapshot', 'tpl.snap.sql', '--tenant', 'acme', '--url', cluster.url('app')], dir);
    expect(first.code).toBe(0);
    const again = await runCli(['provision', '--snapshot', 'tpl.snap.sql', '--tenant', 'acme', '--url', cluster.url('app')], dir);
    expect(again.code).toBe(5);
    expect(again.stdout).toContain('0 created, 1 already existed, 0 failed');
    const idempotent = await runCli(['provision', '--snapshot', 'tpl.snap.sql', '--tenant', 'acme', '--tenant', 'beta', '--if-not-exists', '--json', '--url', cluster.url('app')], dir);
    expect(idempotent.code).toBe(0);
    expect(JSON.parse(idempotent.stdout)).toMatchObject({ created: 1, exists: 1, failed: 0 });
    const rerun = await runCli(['provision', '--snapshot', 'tpl.snap.sql', '--tenant', 'acme', '--tenant', 'beta', '--if-not-exists', '--url', cluster.url('app')], dir);
    expect(rerun.code).toBe(0);
    await cluster.query('ALTER TABLE beta.t ADD COLUMN extra int', 'app');
    const differs = await runCli(['verify', '--template', 'tpl', '--tenant', 'beta', '--url', cluster.url('app')], dir);
    expect(differs.code).toBe(4);
  });

  it('progress: a redrawn line on a terminal, none of it when piped', async () => {
    const piped = await runCli(['provision', '--snapshot', 'tpl.snap.sql', '--tenant', 'p1', '--tenant', 'p2', '--url', cluster.url('app')], dir);
    expect(piped.code).toBe(0);
    expect(piped.stderr).toMatch(/^created +p1 \(\d+ ms\)$/m);
    expect(piped.stderr).not.toContain('\r');
    expect(piped.stderr).not.toContain('\u001b');
    expect(piped.stderr).not.toContain('[2/2]');
    // script(1) gives the CLI a pseudo-terminal, as a person's shell would.
    const command = [process.execPath, bin, 'provision', '--snapshot', 'tpl.snap.sql', '--tenant', 't1', '--tenant', 't2', '--url', cluster.url('app')].map((a) => `'${a}'`).join(' ');
    const tty = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir, TERM: 'xterm' }, encoding: 'utf8' });
    expect(tty.status).toBe(0);
    expect(tty.stdout).toContain('[2/2] 2 created');
    expect(tty.stdout).toContain('\r\u001b[K');
    expect(tty.stdout).toContain('2 created, 0 already existed, 0 failed');
  });
});
