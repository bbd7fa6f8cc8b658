/**
 * The warm pool's placement on a real Citus cluster (a coordinator and two
 * workers): a pool filled with --local builds its spares on the coordinator,
 * records that placement and keeps it when refilled in the background; a
 * claim takes only a spare of the placement asked for (provision --local a
 * local one, the default a distributed one), so a tenant is never placed
 * otherwise than asked; a fill asking the other placement is refused unless
 * confirmed with --replace --yes, which rebuilds the spares placed as asked.
 * Skipped, with the reason in the test name, where Citus is not installed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citusSkipReason, startCitusCluster, type CitusCluster } from '../harness/citus.js';
import { profileFor } from '../harness/profile.js';
import { schemaPlacement } from '../harness/citus-placement.js';
import { createTenantSnapshot } from '../../../electron/services/snapshot/create-tenant-snapshot.js';
import { createProvisioner, snapshotSource } from '../../../electron/services/provision/provisioner.js';
import { claimSpare, WarmPool } from '../../../electron/services/pool/warm-pool.js';
import { toPoolSnapshot } from '../../../electron/services/pool/warm-pool-snapshot.js';
import type { Snapshot } from '../../../core/snapshot/format.js';
import { TenantryError } from '../../../core/errors.js';
import { formatConnectionUri } from '../../../core/connection/connection-string.js';
import { poolCommand } from '../../../electron/cli/commands/pool.js';

const skip = citusSkipReason();
if (skip) console.warn(`Citus warm-pool placement tests skipped: ${skip}.`);

const DB = 'tenantry';

const TEMPLATE = `
CREATE SCHEMA tmpl;
CREATE TABLE tmpl.items (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label text NOT NULL);
CREATE FUNCTION tmpl.item_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM tmpl.items $$;
`;

describe.skipIf(Boolean(skip))(skip ? `Citus warm pool placement — SKIPPED: ${skip}` : 'Citus warm pool placement (--local)', () => {
  let citus: CitusCluster;
  let snapshot: Snapshot;
  let dir: string;
  const profile = () => profileFor(citus.coordinator, DB);
  const q = async <T extends Record<string, unknown>>(sql: string) => (await citus.coordinator.query(sql, DB)).rows as T[];

  /** Runs `tenantry pool …` against the coordinator; the output and the exit status (an error: its code). */
  async function pool(...argv: string[]): Promise<{ status: number | string; out: string }> {
    let out = '';
    const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (out += t), env: { PATH: process.env.PATH ?? '' }, cwd: dir };
    try {
      return { status: await poolCommand.run([...argv, '--url', formatConnectionUri(profile())], io), out };
    } catch (error) {
      if (error instanceof TenantryError) return { status: error.code, out: `${out}${error.userMessage}` };
      throw error;
    }
  }

  const placed = (schema: string) => schemaPlacement(citus.coordinator, DB, schema);

  const spares = () => q<{ schema_name: string; placement: string | null }>('SELECT schema_name, placement FROM _tenantry.pool_spares ORDER BY built_at, schema_name');

  beforeAll(async () => {
    citus = await startCitusCluster({ database: DB });
    await citus.coordinator.query(TEMPLATE, DB);
    const made = await createTenantSnapshot(profile(), { schema: 'tmpl' });
    snapshot = made.snapshot;
    dir = mkdtempSync(join(tmpdir(), 'tenantry-citus-pool-'));
    writeFileSync(join(dir, 'tmpl.sql'), made.text);
  }, 180_000);
  afterAll(async () => {
    await citus?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('--local spares stay on the coordinator, are claimed only by a --local claim, and refill local', async () => {
    expect((await pool('size', '2')).status).toBe(0);
    const filled = await pool('fill', '--snapshot', 'tmpl.sql', '--local');
    expect(filled).toMatchObject({ status: 0 });
    expect(filled.out).toContain('Built 2 spare(s)');
    const built = await spares();
    expect(built.map((s) => s.placement)).toEqual(['local', 'local']);
    for (const s of built) expect(await placed(s.schema_name)).toBe('local');
    const status = await pool('status', '--snapshot', 'tmpl.sql');
    expect(status.out).toContain('Citus placement local');

    // A claim that asks for the default placement gets no local spare: POOL_EMPTY, and both spares stay.
    const distributedClaim = await pool('claim', '--snapshot', 'tmpl.sql', '--tenant', 'wants_distributed');
    expect(distributedClaim.status).toBe('POOL_EMPTY');
    expect(distributedClaim.out).toContain('no free distributed spare');
    const plain = await createProvisioner(profile());
    try {
      await expect(claimSpare(plain.pool, toPoolSnapshot(snapshot), 'x')).rejects.toMatchObject({ code: 'POOL_EMPTY' });
    } finally {
      await plain.close();
    }
    expect(await spares()).toHaveLength(2);

    // provision --local claims a local spare; the tenant works on the coordinator.
    const local = await createProvisioner(profile(), { citusPlacement: 'local' });
    try {
      const batch = await local.provisionMany(snapshotSource(snapshot), ['acme_local'], { claimFrom: { checksum: snapshot.header.checksum, load: () => toPoolSnapshot(snapshot) } });
      expect(batch.tenants.map((t) => [t.tenant, t.status, t.via])).toEqual([['acme_local', 'created', 'claimed']]);
    } finally {
      await local.close();
    }
    expect(await placed('acme_local')).toBe('local');
    await q(`INSERT INTO acme_local.items (label) VALUES ('one')`);
    expect(await q(`SELECT acme_local.item_count()::int AS n`)).toEqual([{ n: 1 }]);
    // `pool claim --local` takes the other one.
    expect((await pool('claim', '--snapshot', 'tmpl.sql', '--tenant', 'globex_local', '--local')).status).toBe(0);
    expect(await placed('globex_local')).toBe('local');
    expect(await spares()).toEqual([]);

    // The background refill (no placement given: the app's) keeps the pool local.
    const app = await createProvisioner(profile());
    const db = app.pool;
    const events: string[] = [];
    const warm = new WarmPool(db, toPoolSnapshot(snapshot), (e) => void events.push(e.type === 'error' ? `error: ${(e.error as Error).message}` : e.type));
    await warm.refill();
    await warm.stop();
    expect(events.filter((e) => e.startsWith('error'))).toEqual([]);
    const refilled = await spares();
    expect(refilled.map((s) => s.placement)).toEqual(['local', 'local']);
    for (const s of refilled) expect(await placed(s.schema_name)).toBe('local');
    await app.close();
  }, 180_000);

  it('a fill asking the other placement is refused unless confirmed, which rebuilds the spares distributed', async () => {
    const before = await spares();
    const refused = await pool('fill', '--snapshot', 'tmpl.sql');
    expect(refused.status).toBe('POOL_OWNED_BY_OTHER_SNAPSHOT');
    expect(refused.out).toContain('kept on the coordinator (filled with --local)');
    expect(refused.out).toContain('--replace --yes');
    expect(await spares()).toEqual(before);

    const replaced = await pool('fill', '--snapshot', 'tmpl.sql', '--replace', '--yes');
    expect(replaced.status).toBe(0);
    expect(replaced.out).toContain('Built 2 spare(s), dropped 2 stale one(s)');
    const now = await spares();
    expect(now.map((s) => s.placement)).toEqual(['distributed', 'distributed']);
    for (const s of now) expect(await placed(s.schema_name)).toBe('distributed');
    for (const s of before) expect(await q(`SELECT 1 FROM pg_namespace WHERE nspname = '${s.schema_name}'`)).toEqual([]);

    // Now a --local claim finds nothing, and the default claim gives a distributed tenant.
    expect((await pool('claim', '--snapshot', 'tmpl.sql', '--tenant', 'wants_local', '--local')).status).toBe('POOL_EMPTY');
    expect((await pool('claim', '--snapshot', 'tmpl.sql', '--tenant', 'initech')).status).toBe(0);
    expect(await placed('initech')).toBe('distributed');
    await q(`INSERT INTO initech.items (label) VALUES ('one')`);
    expect(await q(`SELECT initech.item_count()::int AS n`)).toEqual([{ n: 1 }]);
  }, 180_000);
});
