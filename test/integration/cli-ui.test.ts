/**
 * `tenantry ui` used to open the browser with `xdg-open http://…/?token=T`:
 * every local user can read an argument list (ps, /proc/PID/cmdline), and T
 * was the session itself. Now the opener gets a one-time code that the first
 * request spends for an HttpOnly cookie; the token is in no argument list.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(root, 'node_modules/tsx/dist/esm/index.mjs');
const entry = join(root, 'electron/cli/index.ts');
const dir = mkdtempSync(join(tmpdir(), 'tenantry-ui-'));
let child: ChildProcess | undefined;
afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child?.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitFor<T>(probe: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('tenantry ui and the browser it opens', () => {
  it('hands the opener a one-time code, never the session token', async () => {
    const argvFile = join(dir, 'opener-argv');
    const opener = join(dir, 'bin', 'xdg-open');
    mkdirSync(join(dir, 'bin'));
    writeFileSync(opener, `#!/bin/sh\nprintf '%s\\n' "$@" > "${argvFile}.tmp" && mv "${argvFile}.tmp" "${argvFile}"\n`);
    chmodSync(opener, 0o755);
    let output = '';
    child = spawn(process.execPath, ['--import', tsx, entry, 'ui', '--port', '0'], {
      env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`, DISPLAY: ':99', TENANTRY_DATA_DIR: join(dir, 'data') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));

    const printed = await waitFor(() => /running at (\S+)/.exec(output)?.[1], 'the printed address');
    const opened = (await waitFor(() => (existsSync(argvFile) ? readFileSync(argvFile, 'utf8') : undefined), 'the opener')).trim();
    expect(opened).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?code=[A-Za-z0-9_-]{32}$/);
    expect(printed).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?code=[A-Za-z0-9_-]{32}$/);
    expect(printed).not.toBe(opened);

    // The browser's first request spends the code for the session cookie…
    const first = await get(opened);
    expect(first.status).toBe(303);
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    const token = /=([^;]+);/.exec(cookie)?.[1] ?? '';
    expect(token.length).toBeGreaterThanOrEqual(32);
    // …which appears in no argument list and nowhere in the terminal.
    expect(opened).not.toContain(token);
    expect(output).not.toContain(token);
    // Someone who copied the address from `ps` gets nothing.
    const copied = await get(opened);
    expect(copied.status).toBe(401);
    expect(copied.headers['set-cookie']).toBeUndefined();
    // The terminal's address works once too, and Enter prints a fresh one.
    expect((await get(printed)).status).toBe(303);
    expect((await get(printed)).status).toBe(401);
    child.stdin?.write('\n');
    const fresh = await waitFor(() => /New address: (\S+)/.exec(output)?.[1], 'a new address');
    expect((await get(fresh)).status).toBe(303);
  }, 90_000);
});
