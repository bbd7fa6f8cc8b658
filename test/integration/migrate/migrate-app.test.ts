/**
 * The Rollouts panel's contract channels (migrate:*) against a real cluster,
 * through the same handler map both transports serve: the plan with the
 * template's references at their places, a dry run that leaves nothing, a
 * canary-only run then the rest (events per tenant, throughput), a drifted
 * tenant reported with its file, line and statement while the others finish,
 * "retry failed" after the drift is repaired, "skip" of a failed tenant, and
 * the refresh: a new snapshot saved in the app and the register moved for the
 * migrated tenants only (not the one left out).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventMessage, EventName, Events, RolloutEventInfo, RolloutRunInfo } from '../../../core/api/contract.js';
import type { Result } from '../../../core/errors.js';
import { createBackend, type Backend } from '../../../electron/handlers/create-handlers.js';
import { createMemorySecretStore } from '../../../electron/services/storage/secrets.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { profileFor } from '../harness/profile.js';
import { makeFleet, migratedInCatalog, TYPICAL_MIGRATION } from './fleet.js';

const DB = 'rollapp';

describe('Rollouts panel channels (migrate:*)', () => {
  let cluster: Cluster;
  let dir: string;
  let backend: Backend;
  let migration: string;
  const events: EventMessage[] = [];
  const target = () => ({ profile: profileFor(cluster, DB) });

  async function waitForJob(jobId: string): Promise<Result<RolloutRunInfo>> {
    for (let i = 0; i < 2400; i++) {
      const done = events.find((e) => e.event === 'job:done' && e.payload.jobId === jobId);
      if (done) return (done.payload as Events['job:done']).result as Result<RolloutRunInfo>;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`job ${jobId} never finished`);
  }
  const rolloutEvents = (jobId: string): RolloutEventInfo[] => events.flatMap((e) => (e.event === 'job:rollout' && e.payload.jobId === jobId ? [e.payload.event] : []));
  const tenantStatuses = (jobId: string, tenant: string) => rolloutEvents(jobId).flatMap((e) => (e.type === 'tenant' && e.tenant === tenant ? [e.status] : []));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tenantry-migrate-app-'));
    cluster = await startCluster();
    await cluster.createDatabase(DB);
    await makeFleet(cluster, DB, 5);
    // Two drifted tenants: their items table lost account_id, so the migration's index (line 2) fails there.
    await cluster.query('ALTER TABLE t0003.items DROP COLUMN account_id; ALTER TABLE t0005.items DROP COLUMN account_id;', DB);
    migration = join(dir, 'V2__typical.sql');
    writeFileSync(migration, TYPICAL_MIGRATION);
    writeFileSync(join(dir, 'notes.txt'), 'not a migration');
    const emit = <E extends EventName>(event: E, payload: Events[E]) => void events.push({ event, payload } as EventMessage);
    backend = createBackend({ mode: 'web', version: 't', dataDir: join(dir, 'data'), secrets: createMemorySecretStore(), emit, rolloutBackoffMs: 10 });
    await backend.handlers['fleet:adopt']({ target: target(), template: 'tpl', schemas: ['t0001', 't0002', 't0003', 't0004', 't0005'] });
  }, 300_000);
  afterAll(async () => {
    await backend?.shutdown();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('plans the migration for review: the template references where they are, the templated SQL, nothing refused', async () => {
    const plan = await backend.handlers['migrate:plan']({ target: target(), template: 'tpl', path: migration });
    expect(plan.refused).toEqual([]);
    expect(plan.files).toHaveLength(1);
    const file = plan.files[0]!;
    expect(file).toMatchObject({ name: 'V2__typical.sql', version: '2', step: 'transaction' });
    // Every `tpl.` of the file is a reference, and each one's position holds the name.
    expect(file.references.length).toBe(TYPICAL_MIGRATION.match(/\btpl\./g)!.length);
    for (const r of file.references) expect(file.sql.slice(r.start, r.end)).toBe('tpl');
    expect(file.references.find((r) => r.kind === 'function-body')).toBeDefined();
    expect(file.templated).not.toMatch(/\btpl\./);
    expect(file.templated).toContain(`${plan.placeholder}.items`);
  });

  it('refuses what is not a migration, and a choice of tenants made two ways, with what to do', async () => {
    await expect(backend.handlers['migrate:plan']({ target: target(), template: 'tpl', path: join(dir, 'notes.txt') })).rejects.toMatchObject({ code: 'USAGE' });
    await expect(backend.handlers['migrate:plan']({ target: target(), template: 'tpl', path: 'relative/V2.sql' })).rejects.toMatchObject({ code: 'USAGE' });
    await expect(backend.handlers['migrate:plan']({ target: target(), template: 'nope', path: migration })).rejects.toMatchObject({ code: 'SCHEMA_NOT_FOUND' });
    await expect(backend.handlers['migrate:dry-run']({ target: target(), template: 'tpl', path: migration, lockTimeoutMs: 3000, all: true, tenants: ['t0001'] })).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('dry-runs on the first tenant in a transaction that is rolled back: time and locks, nothing kept', async () => {
    const rehearsal = await backend.handlers['migrate:dry-run']({ target: target(), template: 'tpl', path: migration, lockTimeoutMs: 3000, all: true });
    expect(rehearsal.tenant).toBe('t0001');
    expect(rehearsal.error).toBeUndefined();
    expect(rehearsal.locks.some((l) => l.relation === 't0001.items' && l.mode === 'AccessExclusiveLock')).toBe(true);
    expect((await migratedInCatalog(cluster, DB)).full).toEqual([]);
    // On a drifted tenant the dry run shows the failure, and still keeps nothing.
    const drifted = await backend.handlers['migrate:dry-run']({ target: target(), template: 'tpl', path: migration, lockTimeoutMs: 3000, all: true, tenant: 't0003' });
    expect(drifted.error).toMatchObject({ sqlstate: '42703' });
  });

  let rolloutId = '';

  it('runs the template and the canary only, reporting each tenant running then done; the rest stays pending', async () => {
    const started = await backend.handlers['migrate:start']({ target: target(), template: 'tpl', path: migration, all: true, canary: 1, canaryOnly: true, concurrency: 2, lockTimeoutMs: 3000, retries: 1, continueOnError: true });
    rolloutId = started.rolloutId;
    const result = await waitForJob(started.jobId);
    expect(result).toMatchObject({ ok: true, value: { rolloutId, done: 2, failed: 0, remaining: 0 } });
    expect(tenantStatuses(started.jobId, 'tpl')).toEqual(['running', 'done']);
    expect(tenantStatuses(started.jobId, 't0001')).toEqual(['running', 'done']);
    expect(tenantStatuses(started.jobId, 't0002')).toEqual([]);
    expect(rolloutEvents(started.jobId).filter((e) => e.type === 'wave').map((e) => e.type === 'wave' && e.wave)).toEqual(['template', 'canary']);
    const status = await backend.handlers['migrate:status']({ target: target(), rolloutId });
    expect(status.tenants.map((t) => [t.tenant, t.status])).toEqual([['tpl', 'done'], ['t0001', 'done'], ['t0002', 'pending'], ['t0003', 'pending'], ['t0004', 'pending'], ['t0005', 'pending']]);
    expect((await migratedInCatalog(cluster, DB)).full).toEqual(['tpl', 't0001']);
    // Not 'finished': four tenants are still to do (`tenantry migrate status` says to resume).
    expect((await backend.handlers['migrate:list']({ target: target() })).find((r) => r.id === rolloutId)?.state).toBe('stopped');
  });

  it('continues with the rest: the drifted tenants fail with file, line and statement, the others finish; progress carries throughput', async () => {
    const { jobId } = await backend.handlers['migrate:resume']({ target: target(), rolloutId });
    const result = await waitForJob(jobId);
    expect(result.ok).toBe(true);
    const run = (result as { ok: true; value: RolloutRunInfo }).value;
    expect(run).toMatchObject({ failed: 2, remaining: 0 });
    expect(run.failures.map((f) => f.tenant).sort()).toEqual(['t0003', 't0005']);
    expect(run.failures[0]!.error).toMatchObject({ code: 'MIGRATION_FAILED', sqlstate: '42703', file: 'V2__typical.sql', line: 2 });
    expect(run.failures[0]!.error.statement).toContain('CREATE INDEX items_account_idx');
    expect(tenantStatuses(jobId, 't0003')).toEqual(['running', 'failed']);
    const last = rolloutEvents(jobId).filter((e) => e.type === 'progress').at(-1);
    expect(last).toMatchObject({ type: 'progress', total: 6, done: 4, failed: 2, remaining: 0 });
    expect(last?.type === 'progress' && last.perSecond > 0).toBe(true);
    const status = await backend.handlers['migrate:status']({ target: target(), rolloutId });
    expect(status.counts).toMatchObject({ done: 4, failed: 2 });
    expect(status.tenants.find((t) => t.tenant === 't0003')?.error).toMatchObject({ sqlstate: '42703', line: 2, file: 'V2__typical.sql' });
    expect((await migratedInCatalog(cluster, DB)).full).toEqual(['tpl', 't0001', 't0002', 't0004']);
    // Each outcome is in the history the Provision view shows, marked as the app's migration.
    const history = await backend.handlers['provision:history']({});
    expect(history.filter((h) => h.action === 'migrate' && h.snapshotName === `rollout ${rolloutId} (2)`).map((h) => `${h.tenant}:${h.status}:${h.source ?? ''}`).sort()).toEqual(
      ['t0001:migrated:app', 't0002:migrated:app', 't0003:failed:app', 't0004:migrated:app', 't0005:failed:app', 'tpl:migrated:app'],
    );
  });

  it('retries one failed tenant after its drift is repaired, and leaves the other out on request', async () => {
    await cluster.query('ALTER TABLE t0003.items ADD COLUMN account_id bigint', DB);
    const { jobId } = await backend.handlers['migrate:resume']({ target: target(), rolloutId, tenants: ['t0003'] });
    expect(await waitForJob(jobId)).toMatchObject({ ok: true, value: { failed: 0 } });
    expect(tenantStatuses(jobId, 't0003')).toEqual(['running', 'done']);
    expect(tenantStatuses(jobId, 't0005')).toEqual([]);

    await expect(backend.handlers['migrate:skip']({ target: target(), rolloutId, tenants: ['t0001'] })).rejects.toMatchObject({ code: 'USAGE' });
    expect(await backend.handlers['migrate:skip']({ target: target(), rolloutId, tenants: ['t0005'] })).toEqual({ skipped: ['t0005'] });
    const status = await backend.handlers['migrate:status']({ target: target(), rolloutId });
    expect(status.counts).toMatchObject({ done: 5, skipped: 1, failed: 0, pending: 0 });
    expect(status.tenants.find((t) => t.tenant === 't0005')?.error?.message).toMatch(/^Left out by \S+ after: /);
    const listed = await backend.handlers['migrate:list']({ target: target() });
    expect(listed.find((r) => r.id === rolloutId)).toMatchObject({ template: 'tpl', versions: ['2'], counts: { done: 5, skipped: 1 } });
    expect((await migratedInCatalog(cluster, DB)).full).toEqual(['tpl', 't0001', 't0002', 't0003', 't0004']);
  });

  it('refreshes the image: a new snapshot in the app, the register moved for the migrated tenants but not the one left out', async () => {
    const refreshed = await backend.handlers['migrate:refresh']({ target: target(), rolloutId, label: 'tpl-v2', skipPool: true });
    expect(refreshed.registered).toBe(4);
    expect(refreshed.pool).toEqual({ untouched: 'left alone (--no-pool)' });
    const saved = await backend.handlers['snapshot:read']({ id: refreshed.snapshot.id });
    expect(saved.text).toContain('items_account_fk');
    const { rows } = await cluster.query("SELECT tenant, snapshot_label FROM _tenantry.tenants WHERE template = 'tpl' ORDER BY tenant", DB);
    expect(rows).toEqual([
      { tenant: 't0001', snapshot_label: 'tpl-v2' },
      { tenant: 't0002', snapshot_label: 'tpl-v2' },
      { tenant: 't0003', snapshot_label: 'tpl-v2' },
      { tenant: 't0004', snapshot_label: 'tpl-v2' },
      { tenant: 't0005', snapshot_label: null },
    ]);
  });
});
