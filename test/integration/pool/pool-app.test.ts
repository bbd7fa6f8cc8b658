/**
 * The warm pool in the app's handlers (the same map serves web mode and
 * Electron): after "Create tenant" claims a spare the backend refills the pool
 * by itself; when another snapshot is chosen, the pool (owned by the first) is
 * left alone until a confirmed replace; a batch claims ready spares first and
 * builds the rest; and background work stops with the backend.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventMessage, EventName, Events, PoolStatusInfo, ProvisionResult } from '../../../core/api/contract.js';
import type { Result } from '../../../core/errors.js';
import { serializeSnapshot } from '../../../core/snapshot/format.js';
import { createBackend, type Backend } from '../../../electron/handlers/create-handlers.js';
import { createMemorySecretStore } from '../../../electron/services/storage/secrets.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { loadGeneratedTemplate, makeSnapshot, profileFor } from './pool-fixtures.js';

const TEMPLATE = 'tmpl_src';
const DB = 'appdb';

let cluster: Cluster;
let dir: string;
let backend: Backend;
let connectionId: string;
const events: EventMessage[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

function emit<E extends EventName>(event: E, payload: Events[E]): void {
  events.push({ event, payload } as EventMessage);
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function target() {
  return { connectionId, database: DB };
}

async function status(snapshotId: string): Promise<PoolStatusInfo> {
  return backend.handlers['pool:status']({ target: target(), snapshotId });
}

/** Polls the status until `done` holds (the UI's way of watching a background refill). */
async function waitForStatus(snapshotId: string, done: (s: PoolStatusInfo) => boolean, timeoutMs = 60_000): Promise<PoolStatusInfo> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await status(snapshotId);
    if (done(s)) return s;
    if (Date.now() > until) throw new Error(`pool status never settled: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitForJob<T>(jobId: string): Promise<Result<T>> {
  for (let i = 0; i < 1200; i++) {
    const done = events.find((e) => e.event === 'job:done' && (e.payload as Events['job:done']).jobId === jobId);
    if (done) return (done.payload as Events['job:done']).result as Result<T>;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${jobId} never finished`);
}

function poolJobs(): number {
  return events.filter((e) => e.event === 'job:done' && (e.payload as Events['job:done']).kind === 'pool').length;
}

async function saveSnapshot(name: string): Promise<{ id: string; checksum: string }> {
  const { snapshot } = await makeSnapshot(cluster, DB, TEMPLATE);
  const info = await backend.handlers['snapshot:save']({ name, text: serializeSnapshot(snapshot) });
  return { id: info.id, checksum: snapshot.header.checksum };
}

async function verify(snapshotId: string, tenant: string): Promise<void> {
  const result = await backend.handlers['provision:verify']({ target: target(), snapshotId, tenant });
  expect({ tenant, equal: result.equal, isolated: result.isolated, differences: result.differences }).toEqual({ tenant, equal: true, isolated: true, differences: [] });
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  cluster = await startCluster();
  await loadGeneratedTemplate(cluster, DB, TEMPLATE, 10);
  dir = mkdtempSync(join(tmpdir(), 'tenantry-pool-app-'));
  backend = createBackend({ mode: 'web', version: 't', dataDir: join(dir, 'data'), secrets: createMemorySecretStore(), emit, poolBusyRetryMs: 100 });
  const saved = await backend.handlers['connections:save']({ name: 'test cluster', profile: profileFor(cluster, DB) });
  connectionId = saved.id;
});

afterAll(async () => {
  await backend?.shutdown();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  process.off('unhandledRejection', onUnhandled);
});

describe('warm pool upkeep in the app', () => {
  let v1: { id: string; checksum: string };
  let v2: { id: string; checksum: string };

  it('refills the pool after "Create tenant" claims a spare, without a fill request', async () => {
    v1 = await saveSnapshot('v1');
    await backend.handlers['pool:size']({ target: target(), size: 2 });
    const fill = await backend.handlers['pool:fill']({ target: target(), snapshotId: v1.id });
    expect((await waitForJob(fill.jobId)).ok).toBe(true);
    const before = await status(v1.id);
    expect(before).toMatchObject({ target: 2, ready: 2, stale: 0, refilling: false });
    const fills = poolJobs();
    const firstEvent = events.length;

    const claimed = await backend.handlers['pool:claim']({ target: target(), snapshotId: v1.id, tenant: 'alpha' });
    expect(claimed.spare).toBe(before.spares[0]!.schema);
    const after = await waitForStatus(v1.id, (s) => s.ready === 2 && !s.refilling);
    expect(after).toMatchObject({ target: 2, ready: 2, stale: 0, building: false, refilling: false });
    expect(after.refillError).toBeUndefined();
    expect(after.spares.map((s) => s.schema)).not.toContain(claimed.spare);
    // Done by the background keeper, reported through pool:refill events, not by another fill job.
    expect(poolJobs()).toBe(fills);
    const refill = events.slice(firstEvent).filter((e) => e.event === 'pool:refill').map((e) => e.payload as Events['pool:refill']);
    expect(refill[0]).toMatchObject({ refilling: true, database: DB, checksum: v1.checksum.slice(0, 12) });
    expect(refill.filter((e) => e.built)).toHaveLength(1);
    expect(refill.at(-1)).toMatchObject({ refilling: false });
    expect(refill.some((e) => e.error)).toBe(false);
    await verify(v1.id, 'alpha');
  });

  it('leaves the pool to its snapshot when another is chosen, and replaces it only when asked to', async () => {
    await cluster.query(`CREATE TABLE ${TEMPLATE}.added (id int PRIMARY KEY)`, DB);
    v2 = await saveSnapshot('v2');
    expect(v2.checksum).not.toBe(v1.checksum);
    const old = (await status(v1.id)).spares.map((s) => s.schema);
    // Looking at the pool with the new snapshot changes nothing: it says whose pool it is (old code rebuilt it here).
    const first = await status(v2.id);
    expect(first).toMatchObject({ target: 2, ready: 0, stale: 2, refilling: false, building: false, ownedByOther: true, owner: v1.checksum.slice(0, 12) });
    // A claim with v2 finds no spare; the keeper it wakes leaves v1's pool alone and says so.
    const firstEvent = events.length;
    await expect(backend.handlers['pool:claim']({ target: target(), snapshotId: v2.id, tenant: 'beta' })).rejects.toMatchObject({ code: 'POOL_EMPTY' });
    await expect.poll(() => events.slice(firstEvent).some((e) => e.event === 'pool:refill' && (e.payload as Events['pool:refill']).ownedBy === v1.checksum.slice(0, 12)), { timeout: 30_000 }).toBe(true);
    await backend.poolKeeper.idle(profileFor(cluster, DB));
    expect((await status(v1.id)).spares.map((s) => s.schema)).toEqual(old);
    // "Fill pool" without the confirmed replace is refused before anything runs.
    await expect(backend.handlers['pool:fill']({ target: target(), snapshotId: v2.id })).rejects.toMatchObject({ code: 'POOL_OWNED_BY_OTHER_SNAPSHOT' });
    expect((await status(v1.id)).spares.map((s) => s.schema)).toEqual(old);

    const replace = await backend.handlers['pool:fill']({ target: target(), snapshotId: v2.id, replace: true });
    const done = await waitForJob<{ built: number; dropped: number }>(replace.jobId);
    expect(done).toMatchObject({ ok: true, value: { built: 2, dropped: 2 } });
    const rebuilt = await status(v2.id);
    expect(rebuilt).toMatchObject({ ready: 2, stale: 0, ownedByOther: false, owner: v2.checksum.slice(0, 12) });
    expect(rebuilt.spares.every((s) => s.matches && s.schema.startsWith(`_tenantry_spare_${v2.checksum.slice(0, 8)}_`))).toBe(true);
    for (const schema of old) expect((await cluster.query(`SELECT to_regnamespace(${literal(schema)}) IS NULL AS gone`, DB)).rows[0].gone).toBe(true);
    const claimed = await backend.handlers['pool:claim']({ target: target(), snapshotId: v2.id, tenant: 'beta' });
    expect(claimed.spare.startsWith(`_tenantry_spare_${v2.checksum.slice(0, 8)}_`)).toBe(true);
    expect((await cluster.query(`SELECT to_regclass('beta.added') IS NOT NULL AS ok`, DB)).rows[0].ok).toBe(true);
    await waitForStatus(v2.id, (s) => s.ready === 2 && !s.refilling);
  });

  it('claims ready spares first in a batch, builds the rest, and refills behind it', async () => {
    const spares = (await status(v2.id)).spares.map((s) => s.schema);
    expect(spares).toHaveLength(2);
    const tenants = ['b1', 'b2', 'b3', 'b4'];
    const { jobId } = await backend.handlers['provision:start']({ snapshotId: v2.id, target: target(), tenants, concurrency: 2, continueOnError: false });
    const result = await waitForJob<ProvisionResult>(jobId);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(result.value.created).toBe(4);
    expect(result.value.tenants.map((t) => t.status)).toEqual(['created', 'created', 'created', 'created']);
    expect(result.value.tenants.filter((t) => t.via === 'claimed')).toHaveLength(2);
    expect(result.value.tenants.filter((t) => t.via === 'built')).toHaveLength(2);
    // The claimed tenants took the spares' schemas: those names are gone.
    for (const schema of spares) expect((await cluster.query(`SELECT to_regnamespace(${literal(schema)}) IS NULL AS gone`, DB)).rows[0].gone).toBe(true);
    for (const tenant of tenants) await verify(v2.id, tenant);
    const refilled = await waitForStatus(v2.id, (s) => s.ready === 2 && !s.refilling);
    expect(refilled.spares.map((s) => s.schema).filter((s) => spares.includes(s))).toEqual([]);
  });

  it('reports a failed refill in the status, without throwing into requests or retrying in a loop', async () => {
    // A snapshot whose spares cannot be built any more: its owner role is gone.
    await cluster.query(`CREATE ROLE gone_owner; CREATE TABLE ${TEMPLATE}.owned (id int); ALTER TABLE ${TEMPLATE}.owned OWNER TO gone_owner`, DB);
    const v3 = await saveSnapshot('v3');
    await cluster.query(`ALTER TABLE ${TEMPLATE}.owned OWNER TO CURRENT_USER; DROP ROLE gone_owner`, DB);
    // The confirmed replace makes the pool v3's; building fails and the job says why.
    const replace = await backend.handlers['pool:fill']({ target: target(), snapshotId: v3.id, replace: true });
    const failedFill = await waitForJob(replace.jobId);
    expect(failedFill).toMatchObject({ ok: false, error: { code: 'PROVISION_FAILED' } });
    const firstEvent = events.length;
    // A claim wakes the keeper for v3's own pool; its refill fails the same way and the status shows it.
    await expect(backend.handlers['pool:claim']({ target: target(), snapshotId: v3.id, tenant: 'never' })).rejects.toMatchObject({ code: 'POOL_EMPTY' });
    const failed = await waitForStatus(v3.id, (s) => !s.refilling && s.refillError !== undefined);
    expect(failed).toMatchObject({ target: 2, ready: 0, refilling: false, building: false, ownedByOther: false });
    expect(failed.refillError?.code).toBe('PROVISION_FAILED');
    expect(failed.refillError?.detail).toMatch(/gone_owner/);
    const reported = events.slice(firstEvent).filter((e) => e.event === 'pool:refill' && (e.payload as Events['pool:refill']).error);
    expect(reported.length).toBeGreaterThan(0);
    // Reading the status again does not start the same failing refill over.
    expect(await status(v3.id)).toMatchObject({ refilling: false, refillError: { code: 'PROVISION_FAILED' } });
    // Going back to a snapshot that builds is another confirmed replace; the error is gone.
    const back = await backend.handlers['pool:fill']({ target: target(), snapshotId: v2.id, replace: true });
    expect((await waitForJob(back.jobId)).ok).toBe(true);
    await backend.handlers['pool:claim']({ target: target(), snapshotId: v2.id, tenant: 'beta2' });
    const refilled = await waitForStatus(v2.id, (s) => s.ready === 2 && !s.refilling);
    expect(refilled.refillError).toBeUndefined();
    expect(unhandled).toEqual([]);
  });

  it('stops background work when the connection changes and when the backend shuts down', async () => {
    const profile = profileFor(cluster, DB);
    const firstEvent = events.length;
    await backend.handlers['pool:claim']({ target: target(), snapshotId: v2.id, tenant: 'gamma' });
    expect(backend.poolKeeper.checksumOf(profile)).toBe(v2.checksum);
    // Editing the saved connection retires the keeper (its connections used the old settings).
    await backend.handlers['connections:save']({ id: connectionId, name: 'renamed', profile });
    await expect.poll(() => backend.poolKeeper.checksumOf(profile), { timeout: 30_000 }).toBeUndefined();

    // A claim starts it again; shutting down mid-refill waits for the spare being built and ends the connections.
    await backend.handlers['pool:claim']({ target: target(), snapshotId: v2.id, tenant: 'delta' });
    expect(backend.poolKeeper.isRefilling(profile)).toBe(true);
    await backend.shutdown();
    expect(backend.poolKeeper.checksumOf(profile)).toBeUndefined();
    expect(backend.poolKeeper.isRefilling(profile)).toBe(false);
    const settled = (await cluster.query(`SELECT count(*)::int AS n FROM _tenantry.pool_spares`, DB)).rows[0].n as number;
    await new Promise((r) => setTimeout(r, 500));
    expect((await cluster.query(`SELECT count(*)::int AS n FROM _tenantry.pool_spares`, DB)).rows[0].n).toBe(settled);
    // Later requests do not start work on the closed keeper.
    await backend.handlers['pool:claim']({ target: target(), snapshotId: v2.id, tenant: 'epsilon' }).catch(() => undefined);
    expect(backend.poolKeeper.isRefilling(profile)).toBe(false);
    const errors = events.slice(firstEvent).filter((e) => e.event === 'pool:refill' && (e.payload as Events['pool:refill']).error);
    expect(errors).toEqual([]);
    expect(unhandled).toEqual([]);
  });
});
