/**
 * `tenantry migrate refresh ID`: after a rollout, the migrated template dumped
 * into a new snapshot, the register moved to it, the warm pool's spares of the
 * old snapshot replaced; then the tenants, the new snapshot's spares and the
 * template are structurally equal (census fingerprints), and a tenant claimed
 * from the refreshed pool has the migration.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combineFingerprint } from '../../../core/fleet/census.js';
import { FINGERPRINT_KINDS } from '../../../core/fleet/fingerprint-sql.js';
import { parseSnapshot } from '../../../core/snapshot/format.js';
import type { CliIo } from '../../../electron/cli/command.js';
import { main } from '../../../electron/cli/main.js';
import { readFingerprints } from '../../../electron/services/fleet/census.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { TEMPLATE_DDL, TYPICAL_MIGRATION } from './fleet.js';

describe('tenantry migrate refresh', () => {
  let cluster: Cluster;
  let dir: string;

  const cli = async (argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { PATH: process.env.PATH ?? '', HOME: dir }, cwd: dir };
    const code = await main(argv, io);
    return { code, stdout, stderr };
  };

  beforeAll(async () => {
    cluster = await startCluster();
    dir = mkdtempSync(join(tmpdir(), 'tenantry-migrate-refresh-'));
    writeFileSync(join(dir, 'V2__typical.sql'), TYPICAL_MIGRATION);
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes a snapshot of the migrated template, moves the register to it and rebuilds the spares: tenants, spares and template equal', async () => {
    const db = await cluster.createDatabase('refresh');
    const url = cluster.url(db);
    await cluster.query(TEMPLATE_DDL('tpl'), db);
    const tenants = ['acme', 'globex', 'initech'];
    expect((await cli(['snapshot', '--schema', 'tpl', '-o', 'v1.sql', '--url', url])).code).toBe(0);
    expect((await cli(['provision', '--snapshot', 'v1.sql', ...tenants.flatMap((t) => ['--tenant', t]), '--no-pool', '--url', url])).code).toBe(0);
    expect((await cli(['pool', 'size', '2', '--url', url])).code).toBe(0);
    expect((await cli(['pool', 'fill', '--snapshot', 'v1.sql', '--url', url])).code).toBe(0);
    const spares = async () => (await cluster.query('SELECT schema_name, snapshot_checksum FROM _tenantry.pool_spares ORDER BY 1', db)).rows as { schema_name: string; snapshot_checksum: string }[];
    const oldSpares = await spares();
    expect(oldSpares).toHaveLength(2);

    const run = await cli(['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--all', '--json', '--url', url]);
    expect(run.code).toBe(0);
    const rolloutId = (JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as { rolloutId: string }).rolloutId;

    const refresh = await cli(['migrate', 'refresh', rolloutId, '-o', 'v2.sql', '--json', '--url', url]);
    expect(refresh.stderr).toBe('');
    expect(refresh.code).toBe(0);
    const out = JSON.parse(refresh.stdout) as { checksum: string; registered: number; pool: { built: string[]; dropped: string[] } };
    const snapshot = parseSnapshot(readFileSync(join(dir, 'v2.sql'), 'utf8'));
    expect(snapshot.header.checksum).toBe(out.checksum);
    expect(snapshot.body).toContain('items_account_fk');
    expect(out.registered).toBe(3);
    expect([...out.pool.dropped].sort()).toEqual(oldSpares.map((s) => s.schema_name));
    expect(out.pool.built).toHaveLength(2);
    const newSpares = await spares();
    expect(newSpares.map((s) => s.snapshot_checksum)).toEqual([out.checksum, out.checksum]);
    const register = await cluster.query('SELECT DISTINCT snapshot_checksum, snapshot_label FROM _tenantry.tenants', db);
    expect(register.rows).toEqual([{ snapshot_checksum: out.checksum, snapshot_label: 'v2' }]);

    // A tenant claimed from the refreshed pool, the migrated tenants, the spare left and the template: one structure.
    const claimed = await cli(['provision', '--snapshot', 'v2.sql', '--tenant', 'hooli', '--url', url]);
    expect(claimed.code).toBe(0);
    const left = (await spares()).map((s) => s.schema_name);
    expect(left).toHaveLength(1);
    const client = await cluster.connect(db);
    try {
      // Privileges aside: a spare holds its grants back until it is claimed.
      const kinds = FINGERPRINT_KINDS.filter((k) => k !== 'privileges');
      const schemas = ['tpl', ...tenants, 'hooli', ...left];
      const hashes = await readFingerprints(client, schemas, kinds);
      const fingerprints = new Map(schemas.map((s) => [s, combineFingerprint(hashes.get(s) ?? {}, kinds)]));
      expect(new Set(fingerprints.values()).size).toBe(1);
    } finally {
      await client.end();
    }
    const census = JSON.parse((await cli(['tenants', '--template', 'tpl', '--json', '--url', url])).stdout) as { cohorts: { status: string; members?: string[] }[] };
    expect(census.cohorts.map((c) => c.status)).toEqual(['template']);
  });

  it('refuses a rollout that left the template out, changing nothing', async () => {
    const db = await cluster.createDatabase('refresh_refused');
    const url = cluster.url(db);
    await cluster.query(TEMPLATE_DDL('tpl') + TEMPLATE_DDL('t0001'), db);
    const run = await cli(['migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--tenants', 't0001', '--no-template', '--json', '--url', url]);
    const rolloutId = (JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as { rolloutId: string }).rolloutId;
    const refresh = await cli(['migrate', 'refresh', rolloutId, '-o', 'never.sql', '--url', url]);
    expect(refresh.code).not.toBe(0);
    expect(refresh.stderr).toContain('left the template tpl out (--no-template)');
    expect(() => readFileSync(join(dir, 'never.sql'))).toThrow();
  });
});
