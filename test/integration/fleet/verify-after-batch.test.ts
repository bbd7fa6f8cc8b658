/**
 * Verification after a batch (issue 14), against a real cluster: `tenantry
 * provision --verify` and the app's batch (verify on by default, off when
 * asked) verify every created tenant with verify all and record each result
 * in the register (`verified_at`, `verify_result`), so the Tenants view and
 * `tenantry tenants` show them as verified.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventMessage, EventName, Events, ProvisionResult } from '../../../core/api/contract.js';
import type { Result } from '../../../core/errors.js';
import { serializeSnapshot } from '../../../core/snapshot/format.js';
import { main } from '../../../electron/cli/main.js';
import { createBackend, type Backend } from '../../../electron/handlers/create-handlers.js';
import { createMemorySecretStore } from '../../../electron/services/storage/secrets.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { loadGeneratedTemplate, makeSnapshot, profileFor } from '../pool/pool-fixtures.js';

const DB = 'afterbatch';

describe('verify after a batch', () => {
  let cluster: Cluster;
  let dir: string;
  let snapshotFile: string;
  let backend: Backend;
  const events: EventMessage[] = [];

  async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await main([...argv, '--url', cluster.url(DB)], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { HOME: dir, PATH: process.env.PATH ?? '' }, cwd: dir });
    return { code, stdout, stderr };
  }

  async function register(tenants: string[]): Promise<{ tenant: string; verify_result: string | null; verified: boolean }[]> {
    const { rows } = await cluster.query(
      `select tenant, verify_result, verified_at is not null as verified from _tenantry.tenants where tenant = any(array[${tenants.map((t) => `'${t}'`).join(',')}]) order by tenant`,
      DB,
    );
    return rows as { tenant: string; verify_result: string | null; verified: boolean }[];
  }

  async function waitForJob<T>(jobId: string): Promise<Result<T>> {
    for (let i = 0; i < 2400; i++) {
      const done = events.find((e) => e.event === 'job:done' && (e.payload as Events['job:done']).jobId === jobId);
      if (done) return (done.payload as Events['job:done']).result as Result<T>;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job ${jobId} never finished`);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tenantry-verify-after-'));
    cluster = await startCluster();
    await loadGeneratedTemplate(cluster, DB, 'tmpl', 3);
    const { snapshot } = await makeSnapshot(cluster, DB, 'tmpl');
    snapshotFile = join(dir, 'tmpl.sql');
    writeFileSync(snapshotFile, serializeSnapshot(snapshot));
    const emit = <E extends EventName>(event: E, payload: Events[E]) => void events.push({ event, payload } as EventMessage);
    backend = createBackend({ mode: 'web', version: 't', dataDir: join(dir, 'data'), secrets: createMemorySecretStore(), emit });
  }, 300_000);
  afterAll(async () => {
    await backend?.shutdown();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('provision --verify records every created tenant as verified equal in the register; without it nothing is recorded', async () => {
    const out = await cli('provision', '--snapshot', snapshotFile, '--tenant', 'cli_1', '--tenant', 'cli_2', '--concurrency', '2', '--verify', '--json');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const doc = JSON.parse(out.stdout) as { created: number; verify: { ok: boolean; tenants: { tenant: string; equal: boolean }[] } };
    expect(doc.verify.ok).toBe(true);
    expect(doc.verify.tenants.map((t) => t.tenant).sort()).toEqual(['cli_1', 'cli_2']);
    expect(await register(['cli_1', 'cli_2'])).toEqual([
      { tenant: 'cli_1', verify_result: 'equal', verified: true },
      { tenant: 'cli_2', verify_result: 'equal', verified: true },
    ]);
    const plain = await cli('provision', '--snapshot', snapshotFile, '--tenant', 'cli_3');
    expect(plain.code).toBe(0);
    expect(await register(['cli_3'])).toEqual([{ tenant: 'cli_3', verify_result: null, verified: false }]);
  });

  it('the app verifies after a batch by default and records it; with verify off it does not', async () => {
    const saved = await backend.handlers['connections:save']({ name: 'c', profile: profileFor(cluster, DB) });
    const target = { connectionId: saved.id, database: DB };
    const { snapshot } = await makeSnapshot(cluster, DB, 'tmpl');
    const info = await backend.handlers['snapshot:save']({ name: 'v1', text: serializeSnapshot(snapshot) });

    const on = await backend.handlers['provision:start']({ snapshotId: info.id, target, tenants: ['app_1', 'app_2'], concurrency: 2, continueOnError: false });
    const onResult = await waitForJob<ProvisionResult>(on.jobId);
    if (!onResult.ok) throw new Error(JSON.stringify(onResult.error));
    expect(onResult.value.verifyError).toBeUndefined();
    expect(onResult.value.verified?.map((v) => [v.tenant, v.equal && v.isolated]).sort()).toEqual([
      ['app_1', true],
      ['app_2', true],
    ]);
    expect((await register(['app_1', 'app_2'])).map((r) => r.verify_result)).toEqual(['equal', 'equal']);

    const off = await backend.handlers['provision:start']({ snapshotId: info.id, target, tenants: ['app_3'], concurrency: 1, continueOnError: false, verify: false });
    const offResult = await waitForJob<ProvisionResult>(off.jobId);
    if (!offResult.ok) throw new Error(JSON.stringify(offResult.error));
    expect(offResult.value.created).toBe(1);
    expect(offResult.value.verified).toBeUndefined();
    expect(await register(['app_3'])).toEqual([{ tenant: 'app_3', verify_result: null, verified: false }]);
  });
});
