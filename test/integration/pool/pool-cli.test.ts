import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main.js';
import { serializeSnapshot } from '../../../core/snapshot/format.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { loadGeneratedTemplate, makeSnapshot } from './pool-fixtures.js';

let cluster: Cluster;
let dir: string;
let url: string;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['pool', ...argv, '--url', url], { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, cwd: dir });
  return { code, out, err };
}

beforeAll(async () => {
  cluster = await startCluster();
  dir = mkdtempSync(join(tmpdir(), 'tenantry-pool-cli-'));
  await loadGeneratedTemplate(cluster, 'clidb', 'tmpl_src', 5);
  const { snapshot } = await makeSnapshot(cluster, 'clidb', 'tmpl_src');
  writeFileSync(join(dir, 'tmpl.snapshot.sql'), serializeSnapshot(snapshot));
  url = cluster.url('clidb') + '?sslmode=disable';
});

afterAll(async () => {
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('tenantry pool', () => {
  it('sizes, fills, inspects, claims from and empties the pool', async () => {
    expect((await cli('size', '2')).code).toBe(0);
    const fill = await cli('fill', '--snapshot', 'tmpl.snapshot.sql');
    expect(fill).toMatchObject({ code: 0 });
    expect(fill.out).toContain('Built 2 spare(s)');
    const status = await cli('status', '--snapshot', 'tmpl.snapshot.sql', '--json');
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.out) as { target: number; ready: { schema: string }[] };
    expect(parsed.target).toBe(2);
    expect(parsed.ready.map((s) => s.schema)).toEqual([expect.stringMatching(/^_tenantry_spare_[0-9a-f]{8}_\d+$/), expect.stringMatching(/^_tenantry_spare_/)]);

    const claim = await cli('claim', '--snapshot', 'tmpl.snapshot.sql', '--tenant', 'Acme Corp', '--json');
    expect(claim.code).toBe(0);
    expect(JSON.parse(claim.out)).toMatchObject({ tenant: 'Acme Corp', spare: parsed.ready[0]!.schema });
    expect((await cluster.query(`SELECT count(*)::int AS n FROM "Acme Corp".t_1`, 'clidb')).rows[0].n).toBe(0);
    const again = await cli('claim', '--snapshot', 'tmpl.snapshot.sql', '--tenant', 'Acme Corp');
    expect(again.code).toBe(5);
    expect(again.err).toContain('[TENANT_EXISTS]');

    const refused = await cli('empty');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('[CONFIRMATION_REQUIRED]');
    expect((await cli('empty', '--yes')).out).toContain('Dropped 1 spare(s)');
    const after = JSON.parse((await cli('status', '--json')).out) as { ready: unknown[] };
    expect(after.ready).toEqual([]);
    const left = await cluster.query(`SELECT count(*)::int AS n FROM pg_namespace WHERE nspname LIKE '\\_tenantry\\_spare\\_%'`, 'clidb');
    expect(left.rows[0].n).toBe(0);
  });

  it('reports bad usage with exit status 2', async () => {
    expect((await cli('shrink')).code).toBe(2);
    expect((await cli('size', 'many')).code).toBe(2);
    expect((await cli('claim', '--tenant', 'x')).code).toBe(2);
  });
});
