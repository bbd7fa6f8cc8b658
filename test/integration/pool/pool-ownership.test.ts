/**
 * Issue 10, section 5: background work never destroys what it did not make.
 * A pool the CLI filled from snapshot A belongs to A: the app, choosing
 * snapshot B, shows it as "owned by another snapshot" and neither its status
 * reads nor its keeper drop A's spares; only a confirmed replace (the app's
 * `pool:fill` with `replace`, the CLI's `--replace --yes`) does. The CLI and
 * the app make the same snapshot (same checksum) from the same template with
 * their default options, so they do not fight over the pool to begin with.
 * Real PostgreSQL, real pg_dump, the real CLI entry and the app's handlers.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DumpResult, EventMessage, EventName, Events, PoolStatusInfo } from '../../../core/api/contract.js';
import { SNAPSHOT_DEFAULTS } from '../../../core/dump/snapshot-defaults.js';
import type { Result } from '../../../core/errors.js';
import { parseSnapshot } from '../../../core/snapshot/format.js';
import { main } from '../../../electron/cli/main.js';
import { createBackend, type Backend } from '../../../electron/handlers/create-handlers.js';
import { createMemorySecretStore } from '../../../electron/services/storage/secrets.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { loadGeneratedTemplate, profileFor } from './pool-fixtures.js';

const TEMPLATE = 'tmpl_own';
const DB = 'owndb';

let cluster: Cluster;
let dir: string;
let url: string;
let backend: Backend;
let connectionId: string;
const events: EventMessage[] = [];

function emit<E extends EventName>(event: E, payload: Events[E]): void {
  events.push({ event, payload } as EventMessage);
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main([...argv, '--url', url], { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, cwd: dir });
  return { code, out, err };
}

async function waitForJob<T>(jobId: string): Promise<Result<T>> {
  for (let i = 0; i < 2400; i++) {
    const done = events.find((e) => e.event === 'job:done' && (e.payload as Events['job:done']).jobId === jobId);
    if (done) return (done.payload as Events['job:done']).result as Result<T>;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${jobId} never finished`);
}

const target = () => ({ connectionId, database: DB });
const status = (snapshotId: string): Promise<PoolStatusInfo> => backend.handlers['pool:status']({ target: target(), snapshotId });

/** The app's way to a snapshot: Schemas → Dump schema, Snapshot editor → Replace all, with the views' default options. */
async function appSnapshot(options: { noOwner: boolean; noPrivileges: boolean } = SNAPSHOT_DEFAULTS): Promise<string> {
  const { jobId } = await backend.handlers['dump:start']({ target: target(), schema: TEMPLATE, options: { noOwner: options.noOwner, noPrivileges: options.noPrivileges, ledgerTables: [...SNAPSHOT_DEFAULTS.ledgerTables] } });
  const dumped = await waitForJob<DumpResult>(jobId);
  if (!dumped.ok) throw new Error(JSON.stringify(dumped.error));
  const dump = dumped.value;
  const built = await backend.handlers['snapshot:build'](
    {
      sql: dump.sql,
      schema: dump.schema,
      placeholder: SNAPSHOT_DEFAULTS.placeholder,
      minify: SNAPSHOT_DEFAULTS.minify,
      skip: [],
      dumpId: dump.dumpId,
      source: { pgDumpVersion: dump.pgDump.version, serverVersion: dump.serverVersion },
      stripOwner: dump.noOwner,
    },
  );
  return built.text;
}

const checksumOf = (text: string): string => parseSnapshot(text).header.checksum;
const spareNames = async (): Promise<string[]> => (await cluster.query(`SELECT schema_name FROM _tenantry.pool_spares ORDER BY 1`, DB)).rows.map((r) => r.schema_name as string);

beforeAll(async () => {
  cluster = await startCluster();
  // A table owned by another role: its OWNER TO is what --no-owner leaves out.
  await loadGeneratedTemplate(cluster, DB, TEMPLATE, 4, `\nCREATE ROLE own_app; ALTER TABLE ${TEMPLATE}.t_1 OWNER TO own_app;`);
  dir = mkdtempSync(join(tmpdir(), 'tenantry-pool-own-'));
  url = cluster.url(DB) + '?sslmode=disable';
  backend = createBackend({ mode: 'web', version: 't', dataDir: join(dir, 'data'), secrets: createMemorySecretStore(), emit, poolBusyRetryMs: 100 });
  connectionId = (await backend.handlers['connections:save']({ name: 'own', profile: profileFor(cluster, DB) })).id;
});

afterAll(async () => {
  await backend?.shutdown();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('warm pool ownership between the CLI and the app', () => {
  let a: { id: string; checksum: string };
  let b: { id: string; checksum: string };

  it('makes the same snapshot from the CLI and the app with their default options', async () => {
    const made = await cli('snapshot', '--schema', TEMPLATE, '-o', 'a.snapshot.sql');
    expect(made.code).toBe(0);
    const fromCli = readFileSync(join(dir, 'a.snapshot.sql'), 'utf8');
    const fromApp = await appSnapshot();
    expect(checksumOf(fromApp)).toBe(checksumOf(fromCli));
    // The app's old default (--no-owner on) made another snapshot of the same template: the two never shared a pool.
    expect(checksumOf(await appSnapshot({ noOwner: true, noPrivileges: false }))).not.toBe(checksumOf(fromCli));
    const saved = await backend.handlers['snapshot:save']({ name: 'a', text: fromApp });
    a = { id: saved.id, checksum: checksumOf(fromCli) };
  });

  it('leaves a pool the CLI filled with snapshot A alone when the app chooses snapshot B', async () => {
    await cluster.query(`CREATE TABLE ${TEMPLATE}.b_only (id int PRIMARY KEY)`, DB);
    const textB = await appSnapshot();
    writeFileSync(join(dir, 'b.snapshot.sql'), textB);
    b = { id: (await backend.handlers['snapshot:save']({ name: 'b', text: textB })).id, checksum: checksumOf(textB) };
    expect(b.checksum).not.toBe(a.checksum);

    expect((await cli('pool', 'size', '2')).code).toBe(0);
    expect((await cli('pool', 'fill', '--snapshot', 'a.snapshot.sql')).code).toBe(0);
    const cliSpares = await spareNames();
    expect(cliSpares).toHaveLength(2);

    // Opening the Provision view with B: the status says whose pool it is and starts nothing (old code rebuilt it from B here).
    const seen = await status(b.id);
    expect(seen).toMatchObject({ target: 2, ready: 0, stale: 2, ownedByOther: true, owner: a.checksum.slice(0, 12), refilling: false, building: false });
    expect(backend.poolKeeper.isRefilling(profileFor(cluster, DB))).toBe(false);
    // The keeper, woken by a claim with B, leaves A's pool as it is.
    const from = events.length;
    await expect(backend.handlers['pool:claim']({ target: target(), snapshotId: b.id, tenant: 'tb' })).rejects.toMatchObject({ code: 'POOL_EMPTY' });
    await expect.poll(() => events.slice(from).some((e) => e.event === 'pool:refill' && (e.payload as Events['pool:refill']).ownedBy === a.checksum.slice(0, 12)), { timeout: 30_000 }).toBe(true);
    await backend.poolKeeper.idle(profileFor(cluster, DB));
    expect(await spareNames()).toEqual(cliSpares);
    expect(events.slice(from).filter((e) => e.event === 'pool:refill' && ((e.payload as Events['pool:refill']).dropped || (e.payload as Events['pool:refill']).built))).toEqual([]);
    // Neither "Fill pool" in the app nor `pool fill` in the CLI takes it without the confirmed replace.
    await expect(backend.handlers['pool:fill']({ target: target(), snapshotId: b.id })).rejects.toMatchObject({ code: 'POOL_OWNED_BY_OTHER_SNAPSHOT' });
    const refused = await cli('pool', 'fill', '--snapshot', 'b.snapshot.sql');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('[POOL_OWNED_BY_OTHER_SNAPSHOT]');
    expect(refused.err).toContain('--replace --yes');
    const unconfirmed = await cli('pool', 'fill', '--snapshot', 'b.snapshot.sql', '--replace');
    expect(unconfirmed.err).toContain('[CONFIRMATION_REQUIRED]');
    expect(await spareNames()).toEqual(cliSpares);
    const text = await cli('pool', 'status', '--snapshot', 'b.snapshot.sql');
    expect(text.out).toMatch(new RegExp(`Owned by snapshot ${a.checksum.slice(0, 12)} \\(owned by another snapshot`));
  });

  it('replaces the pool on an explicit, confirmed request (app, then CLI)', async () => {
    const { jobId } = await backend.handlers['pool:fill']({ target: target(), snapshotId: b.id, replace: true });
    expect(await waitForJob(jobId)).toMatchObject({ ok: true, value: { built: 2, dropped: 2 } });
    expect(await status(b.id)).toMatchObject({ ready: 2, stale: 0, ownedByOther: false, owner: b.checksum.slice(0, 12) });
    expect((await spareNames()).every((s) => s.startsWith(`_tenantry_spare_${b.checksum.slice(0, 8)}_`))).toBe(true);

    const back = await cli('pool', 'fill', '--snapshot', 'a.snapshot.sql', '--replace', '--yes');
    expect(back).toMatchObject({ code: 0 });
    expect(back.out).toContain('Built 2 spare(s), dropped 2 stale one(s)');
    expect(await status(b.id)).toMatchObject({ ready: 0, ownedByOther: true, owner: a.checksum.slice(0, 12) });
    expect(await status(a.id)).toMatchObject({ ready: 2, ownedByOther: false });
  });

  it('gives a pool from before ownership was recorded to the snapshot of its newest spare', async () => {
    await cluster.query(`ALTER TABLE _tenantry.pool_config DROP COLUMN owner_checksum`, DB);
    // Looking does not migrate, and still tells whose pool it is.
    expect(await status(b.id)).toMatchObject({ ownedByOther: true, owner: a.checksum.slice(0, 12) });
    expect((await cluster.query(`SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = '_tenantry.pool_config'::regclass AND attname = 'owner_checksum'`, DB)).rows[0].n).toBe(0);
    const refused = await cli('pool', 'fill', '--snapshot', 'b.snapshot.sql');
    expect(refused.err).toContain('[POOL_OWNED_BY_OTHER_SNAPSHOT]');
    expect((await cluster.query(`SELECT owner_checksum FROM _tenantry.pool_config`, DB)).rows[0].owner_checksum).toBe(a.checksum);
  });

  it('an emptied pool belongs to no snapshot, and the next fill makes it its own', async () => {
    expect((await cli('pool', 'empty', '--yes')).code).toBe(0);
    expect(await status(b.id)).toMatchObject({ ready: 0, stale: 0, ownedByOther: false });
    expect((await status(b.id)).owner).toBeUndefined();
    const { jobId } = await backend.handlers['pool:fill']({ target: target(), snapshotId: b.id });
    expect(await waitForJob(jobId)).toMatchObject({ ok: true, value: { built: 2 } });
    expect(await status(b.id)).toMatchObject({ ready: 2, owner: b.checksum.slice(0, 12) });
  });
});
