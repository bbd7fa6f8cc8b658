/**
 * Placement and moves through the app's contract (`citus:placement`,
 * `citus:move`, `job:cancel`) on a real Citus cluster (a coordinator and two
 * workers): the placement lists every tenant's node, a move Citus would refuse
 * is refused before a job starts, a move runs as a job with progress and
 * keeps every row, and a cancelled move is rolled back by Citus with the
 * tenant where it was; on a database without Citus the placement channel
 * refuses with CITUS_NOT_AVAILABLE (what the Tenants view shows as "no
 * placement"). Skipped, with the reason in the test name, where Citus is not
 * installed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CitusMoveResult, EventMessage, EventName, Events } from '../../../core/api/contract.js';
import type { Result } from '../../../core/errors.js';
import { createBackend, type Backend } from '../../../electron/handlers/create-handlers.js';
import { createMemorySecretStore } from '../../../electron/services/storage/secrets.js';
import { createProvisioner, type TenantSource } from '../../../electron/services/provision/provisioner.js';
import { citusSkipReason, startCitusCluster, type CitusCluster } from '../harness/citus.js';
import { profileFor } from '../harness/profile.js';

const skip = citusSkipReason();
if (skip) console.warn(`Citus placement and moves through the contract skipped: ${skip}.`);

const DB = 'tenantry';
const keyed: TenantSource = { render: (t) => `CREATE SCHEMA ${t};\nCREATE TABLE ${t}.events (id bigserial PRIMARY KEY, body text NOT NULL);\n` };

describe.skipIf(Boolean(skip))(skip ? `Citus placement and moves in the app — SKIPPED: ${skip}` : 'Citus placement and moves in the app (contract)', () => {
  let citus: CitusCluster;
  let backend: Backend;
  let dir: string;
  let connectionId: string;
  const events: EventMessage[] = [];
  const target = () => ({ connectionId, database: DB });
  const q = async <T extends Record<string, unknown>>(sql: string) => (await citus.coordinator.query(sql, DB)).rows as T[];
  const nodeOf = async (tenant: string) => (await backend.handlers['citus:placement']({ target: target() })).tenants.find((t) => t.tenant === tenant)?.node;
  const other = (node: string | undefined) => citus.workerAddresses().find((w) => w !== node)!;

  function emit<E extends EventName>(event: E, payload: Events[E]): void {
    events.push({ event, payload } as EventMessage);
  }
  async function waitForJob<T>(jobId: string): Promise<Result<T>> {
    for (;;) {
      const done = events.find((e) => e.event === 'job:done' && e.payload.jobId === jobId);
      if (done) return (done.payload as Events['job:done']).result as Result<T>;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  beforeAll(async () => {
    citus = await startCitusCluster({ database: DB });
    const provisioner = await createProvisioner(profileFor(citus.coordinator, DB));
    try {
      for (const t of ['acme', 'globex']) await provisioner.provisionTenant(keyed, t);
    } finally {
      await provisioner.close();
    }
    await q(`INSERT INTO acme.events (body) SELECT 'row ' || g FROM generate_series(1, 500) g`);
    await q(`INSERT INTO globex.events (body) SELECT 'row ' || g FROM generate_series(1, 50) g`);
    await q(`CREATE SCHEMA plain_local; CREATE TABLE plain_local.t (id int PRIMARY KEY)`);
    dir = mkdtempSync(join(tmpdir(), 'tenantry-citus-app-'));
    backend = createBackend({ mode: 'web', version: 't', dataDir: join(dir, 'data'), secrets: createMemorySecretStore(), emit });
    connectionId = (await backend.handlers['connections:save']({ name: 'citus', profile: profileFor(citus.coordinator, DB) })).id;
  }, 180_000);
  afterAll(async () => {
    await backend?.shutdown();
    await citus?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists each tenant with its node and size, and the nodes', async () => {
    const placement = await backend.handlers['citus:placement']({ target: target() });
    for (const w of citus.workerAddresses()) expect(placement.nodes.map((n) => n.node)).toContain(w);
    expect(placement.tenants.map((t) => t.tenant)).toEqual(['acme', 'globex']);
    for (const t of placement.tenants) {
      expect(citus.workerAddresses()).toContain(t.node);
      expect(t).toMatchObject({ tables: 1 });
      expect(t.bytes).toBeGreaterThan(0);
    }
    // A database without Citus: the refusal the Tenants view reads as "no placement column".
    await expect(backend.handlers['citus:placement']({ target: { connectionId, database: 'postgres' } })).rejects.toMatchObject({ code: 'CITUS_NOT_AVAILABLE' });
  });

  it('refuses a move Citus would refuse before any job starts', async () => {
    const jobsBefore = events.filter((e) => e.event === 'job:progress').length;
    const from = await nodeOf('acme');
    await expect(backend.handlers['citus:move']({ target: target(), tenant: 'acme', node: from!, mode: 'auto' })).rejects.toMatchObject({ code: 'CITUS_MOVE_FAILED', userMessage: expect.stringContaining('already on') });
    await expect(backend.handlers['citus:move']({ target: target(), tenant: 'plain_local', node: other(from), mode: 'auto' })).rejects.toMatchObject({ code: 'CITUS_MOVE_FAILED', userMessage: expect.stringContaining('not a distributed schema') });
    await expect(backend.handlers['citus:move']({ target: target(), tenant: 'acme', node: '127.0.0.1:1', mode: 'auto' })).rejects.toMatchObject({ code: 'CITUS_MOVE_FAILED', userMessage: expect.stringContaining('No active primary node') });
    expect(events.filter((e) => e.event === 'job:progress').length).toBe(jobsBefore);
  });

  it('moves a tenant as a job with progress, keeping every row', async () => {
    const from = await nodeOf('acme');
    const to = other(from);
    const { jobId } = await backend.handlers['citus:move']({ target: target(), tenant: 'acme', node: to, mode: 'auto' });
    const result = await waitForJob<CitusMoveResult>(jobId);
    expect(result).toMatchObject({ ok: true, value: { tenant: 'acme', from, to, mode: 'auto' } });
    expect(events.some((e) => e.event === 'job:progress' && e.payload.jobId === jobId && e.payload.kind === 'move' && /Moving acme to/.test(e.payload.message ?? ''))).toBe(true);
    expect(await nodeOf('acme')).toBe(to);
    expect(await q(`SELECT count(*)::int AS n FROM acme.events`)).toEqual([{ n: 500 }]);
    await q(`INSERT INTO acme.events (body) VALUES ('after the move')`);
  }, 120_000);

  it('a cancelled move is rolled back: the tenant stays where it was, with its rows', async () => {
    const from = await nodeOf('globex');
    const to = other(from);
    // Cancelled at once: whether the cancel lands in the job's checks or in citus_schema_move (pg_cancel_backend,
    // which Citus rolls back), the job ends CANCELLED and nothing moved.
    const { jobId } = await backend.handlers['citus:move']({ target: target(), tenant: 'globex', node: to, mode: 'block_writes' });
    expect(await backend.handlers['job:cancel']({ jobId })).toEqual({ cancelled: true });
    const result = await waitForJob<CitusMoveResult>(jobId);
    expect(result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(await nodeOf('globex')).toBe(from);
    expect(await q(`SELECT count(*)::int AS n FROM globex.events`)).toEqual([{ n: 50 }]);
    // And it can still be moved afterwards.
    const again = await backend.handlers['citus:move']({ target: target(), tenant: 'globex', node: to, mode: 'block_writes' });
    expect(await waitForJob<CitusMoveResult>(again.jobId)).toMatchObject({ ok: true, value: { from, to } });
    expect(await nodeOf('globex')).toBe(to);
    expect(await q(`SELECT count(*)::int AS n FROM globex.events`)).toEqual([{ n: 50 }]);
  }, 60_000);
});
