/**
 * CLI runs are in the app's history: `tenantry provision` and `tenantry migrate` add each tenant to the
 * history log in the data folder, which the app's History (provision:history) reads. Before, only the app
 * wrote the history, so tenants created or migrated with the CLI were missing from it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../electron/cli/command.js';
import { main } from '../../electron/cli/main.js';
import { HistoryStore } from '../../electron/services/storage/history-store.js';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { TEMPLATE_DDL, TYPICAL_MIGRATION } from './migrate/fleet.js';

describe('CLI runs in the history', () => {
  let cluster: Cluster;
  let dir: string;
  let db: string;
  const dataDir = () => join(dir, 'data');

  const cli = async (...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { PATH: process.env.PATH ?? '', HOME: dir, TENANTRY_DATA_DIR: dataDir() }, cwd: dir };
    const code = await main(argv, io);
    return { code, stdout, stderr };
  };

  beforeAll(async () => {
    cluster = await startCluster();
    dir = mkdtempSync(join(tmpdir(), 'tenantry-cli-history-'));
    db = await cluster.createDatabase('hist');
    await cluster.query(TEMPLATE_DDL('tpl'), db);
    writeFileSync(join(dir, 'V2__typical.sql'), TYPICAL_MIGRATION);
  });
  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a provision with --verify shows each tenant as created by the CLI, verified', async () => {
    const snap = await cli('snapshot', '--schema', 'tpl', '-o', 'tpl.sql', '--url', cluster.url(db));
    expect(snap.code, snap.stderr).toBe(0);
    const run = await cli('provision', '--snapshot', 'tpl.sql', '--tenant', 'acme', '--tenant', 'globex', '--verify', '--url', cluster.url(db));
    expect(run.code, run.stderr).toBe(0);
    const history = new HistoryStore(dataDir()).list();
    expect(history.map((e) => [e.tenant, e.status, e.source, e.action, e.verified, e.snapshotName, e.database]).sort()).toEqual([
      ['acme', 'created', 'cli', 'provision', true, 'tpl', db],
      ['globex', 'created', 'cli', 'provision', true, 'tpl', db],
    ]);
    expect(history[0]?.connectionName).toMatch(/@127\.0\.0\.1:\d+$/);
  });

  it('a migrate adds the template and each tenant as migrated, naming the rollout', async () => {
    const run = await cli('migrate', '--template', 'tpl', '--file', 'V2__typical.sql', '--tenants', 'acme,globex', '--url', cluster.url(db));
    expect(run.code, run.stderr).toBe(0);
    const migrated = new HistoryStore(dataDir()).list().filter((e) => e.action === 'migrate');
    expect(migrated.map((e) => [e.tenant, e.status, e.source]).sort()).toEqual([
      ['acme', 'migrated', 'cli'],
      ['globex', 'migrated', 'cli'],
      ['tpl', 'migrated', 'cli'],
    ]);
    expect(migrated[0]?.snapshotName).toMatch(/^rollout \S+ \(2\)$/);
  });
});
