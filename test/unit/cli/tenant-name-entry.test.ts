/**
 * Every CLI entry point applies the one tenant-name rule (core/tenant/tenant-name.ts) before it connects:
 * render and provision --dry-run refuse the snapshot's own template; verify and drop used to send any name
 * to the server (drop's rules differed: PG_x refused, _tenantry dropped).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSnapshot } from '../../../core/snapshot/template.js';
import { main } from '../../../electron/cli/main.js';
import type { CliIo } from '../../../electron/cli/command.js';

const dir = mkdtempSync(join(tmpdir(), 'tenantry-cli-names-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Nothing listens there: a command that got as far as connecting would fail with a connection error instead.
const NOWHERE = 'postgresql://u@127.0.0.1:1/db?sslmode=disable&connect_timeout=2';

async function run(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (out += t), env: { TENANTRY_DATA_DIR: join(dir, 'data') }, cwd: dir };
  const code = await main(argv, io);
  return { code, out };
}

writeFileSync(join(dir, 'snap.sql'), createSnapshot('CREATE SCHEMA app;\nCREATE TABLE app.t (id int);\n', { schema: 'app' }).text);

describe('tenant names at the CLI entry points', () => {
  it.each(['app', 'w$$b', '_tenantry', 'public', 'x'.repeat(64), 'a\u202eb'])('render and provision --dry-run refuse %j', async (tenant) => {
    for (const argv of [['render', 'snap.sql', '--tenant', tenant], ['provision', '--snapshot', 'snap.sql', '--tenant', tenant, '--dry-run']]) {
      const r = await run(...argv);
      expect(r.code).toBe(1);
      expect(r.out).toContain('[INVALID_TENANT_NAME]');
      expect(r.out).not.toContain('\u202e');
    }
  });

  it('render and provision --dry-run accept PG_x (PostgreSQL reserves lower-case pg_ only)', async () => {
    expect((await run('render', 'snap.sql', '--tenant', 'PG_x')).out).toContain('CREATE TABLE "PG_x".t');
    expect((await run('provision', '--snapshot', 'snap.sql', '--tenant', 'PG_x', '--dry-run')).code).toBe(0);
  });

  it.each(['tpl', 'x'.repeat(64), 'a\u0000b', 'pg_x', 'w$$b'])('verify refuses tenant %j before connecting', async (tenant) => {
    const r = await run('verify', '--template', 'tpl', '--tenant', tenant, '--url', NOWHERE);
    expect(r.code).toBe(1);
    expect(r.out).toContain('[INVALID_TENANT_NAME]');
  });

  it.each(['_tenantry', '_tenantry_spare_abcdef01_1', 'x'.repeat(64), 'information_schema', 'w$$b'])('drop refuses %j before connecting', async (tenant) => {
    const r = await run('drop', '--tenant', tenant, '--yes', '--url', NOWHERE);
    expect(r.code).toBe(1);
    expect(r.out).toContain('[INVALID_TENANT_NAME]');
  });
});
