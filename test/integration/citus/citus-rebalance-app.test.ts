/**
 * The rebalance by size through the app's contract (`citus:rebalance-plan`) on
 * a real Citus cluster (a coordinator and two workers): the channel proposes
 * exactly the moves `tenantry placement --rebalance` proposes for the same
 * cluster, nothing moves until the moves are run (one `citus:move` job each),
 * and after them every tenant is on its planned node with every row in place.
 * On a database without Citus the channel refuses with CITUS_NOT_AVAILABLE,
 * as citus:placement does. Skipped, with the reason in the test name, where
 * Citus is not installed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CitusMoveResult, CitusRebalancePlan, EventMessage, EventName, Events } from '../../../core/api/contract.js';
import type { Result } from '../../../core/errors.js';
import { formatConnectionUri } from '../../../core/connection/connection-string.js';
import type { CliIo } from '../../../electron/cli/command.js';
import { placementCommand } from '../../../electron/cli/commands/placement.js';
import { createBackend, type Backend } from '../../../electron/handlers/create-handlers.js';
import { createMemorySecretStore } from '../../../electron/services/storage/secrets.js';
import { createProvisioner, type TenantSource } from '../../../electron/services/provision/provisioner.js';
import { citusSkipReason, startCitusCluster, type CitusCluster } from '../harness/citus.js';
import { profileFor } from '../harness/profile.js';

const skip = citusSkipReason();
if (skip) console.warn(`Citus rebalance through the contract skipped: ${skip}.`);

const DB = 'tenantry';
const TENANTS = ['acme', 'globex', 'initech', 'umbrella'];
const keyed: TenantSource = { render: (t) => `CREATE SCHEMA ${t};\nCREATE TABLE ${t}.events (id bigserial PRIMARY KEY, body text NOT NULL);\n` };

describe.skipIf(Boolean(skip))(skip ? `Citus rebalance in the app — SKIPPED: ${skip}` : 'Citus rebalance in the app (contract)', () => {
  let citus: CitusCluster;
  let backend: Backend;
  let dir: string;
  let connectionId: string;
  const events: EventMessage[] = [];
  const target = () => ({ connectionId, database: DB });
  const q = async <T extends Record<string, unknown>>(sql: string) => (await citus.coordinator.query(sql, DB)).rows as T[];
  const rows = async () => Object.fromEntries(await Promise.all(TENANTS.map(async (t) => [t, (await q<{ n: number; s: string }>(`SELECT count(*)::int AS n, coalesce(sum(id), 0)::text AS s FROM ${t}.events`))[0]] as const)));

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
  async function cliPlan(): Promise<CitusRebalancePlan> {
    let stdout = '';
    const io: CliIo = { stdout: (t) => void (stdout += t), stderr: () => undefined, env: { PATH: process.env.PATH ?? '', HOME: dir }, cwd: dir };
    expect(await placementCommand.run(['--url', formatConnectionUri(profileFor(citus.coordinator, DB)), '--rebalance', '--json'], io)).toBe(0);
    return (JSON.parse(stdout) as { plan: CitusRebalancePlan }).plan;
  }

  beforeAll(async () => {
    citus = await startCitusCluster({ database: DB });
    const provisioner = await createProvisioner(profileFor(citus.coordinator, DB));
    try {
      for (const t of TENANTS) await provisioner.provisionTenant(keyed, t);
    } finally {
      await provisioner.close();
    }
    dir = mkdtempSync(join(tmpdir(), 'tenantry-citus-rebalance-'));
    backend = createBackend({ mode: 'web', version: 't', dataDir: join(dir, 'data'), secrets: createMemorySecretStore(), emit });
    connectionId = (await backend.handlers['connections:save']({ name: 'citus', profile: profileFor(citus.coordinator, DB) })).id;
    // Uneven by size: the tenants of the node holding the most of them get rows, the others stay small.
    const placement = await backend.handlers['citus:placement']({ target: target() });
    const count = (w: string) => placement.tenants.filter((t) => t.node === w).length;
    const fuller = [...citus.workerAddresses()].sort((a, b) => count(b) - count(a))[0]!;
    for (const t of placement.tenants.filter((x) => x.node === fuller)) await q(`INSERT INTO ${t.tenant}.events (body) SELECT repeat('x', 200) || g FROM generate_series(1, 3000) g`);
    for (const t of TENANTS) await q(`INSERT INTO ${t}.events (body) VALUES ('one')`);
    // Sizes stay put while the test reads them: VACUUM now, so autovacuum adds no visibility or free-space map later.
    await q(`VACUUM`);
  }, 180_000);
  afterAll(async () => {
    await backend?.shutdown();
    await citus?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('proposes the moves the CLI proposes, and moves nothing', async () => {
    const before = await backend.handlers['citus:placement']({ target: target() });
    const plan = await backend.handlers['citus:rebalance-plan']({ target: target() });
    expect(plan.moves.length).toBeGreaterThan(0);
    expect(plan).toEqual(await cliPlan());
    for (const m of plan.moves) expect(before.tenants.find((t) => t.tenant === m.tenant)).toMatchObject({ node: m.from, bytes: m.bytes });
    expect(Object.keys(plan.before).sort()).toEqual([...citus.workerAddresses()].sort());
    // The gap narrows.
    const spread = (load: Record<string, number>) => Math.max(...Object.values(load)) - Math.min(...Object.values(load));
    expect(spread(plan.after)).toBeLessThan(spread(plan.before));
    expect((await backend.handlers['citus:placement']({ target: target() })).tenants).toEqual(before.tenants);
    // A database without Citus: the same refusal as citus:placement.
    await expect(backend.handlers['citus:rebalance-plan']({ target: { connectionId, database: 'postgres' } })).rejects.toMatchObject({ code: 'CITUS_NOT_AVAILABLE' });
  });

  it('applied move by move, every tenant lands on its planned node with every row in place', async () => {
    const plan = await backend.handlers['citus:rebalance-plan']({ target: target() });
    const rowsBefore = await rows();
    for (const m of plan.moves) {
      const { jobId } = await backend.handlers['citus:move']({ target: target(), tenant: m.tenant, node: m.to, mode: 'auto' });
      expect(await waitForJob<CitusMoveResult>(jobId)).toMatchObject({ ok: true, value: { tenant: m.tenant, from: m.from, to: m.to } });
    }
    const after = await backend.handlers['citus:placement']({ target: target() });
    for (const m of plan.moves) expect(after.tenants.find((t) => t.tenant === m.tenant)?.node).toBe(m.to);
    expect(await rows()).toEqual(rowsBefore);
    for (const t of TENANTS) await q(`INSERT INTO ${t}.events (body) VALUES ('after the rebalance')`);
  }, 180_000);
});
