/**
 * The census (`tenantry tenants`) and `tenantry migrate` on distributed tenants
 * through a real Citus coordinator with two workers. Citus propagates DDL on a
 * distributed schema to its worker with the text of the query that ran it and
 * the worker refuses a multi-statement text, so a migration goes one statement
 * per query, still one transaction per tenant (with its ledger rows), and a
 * tenant that fails leaves nothing on its worker either. Skipped, with the
 * reason in the test name, where Citus is not installed.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citusSkipReason, startCitusCluster, type CitusCluster } from '../harness/citus.js';
import { profileFor } from '../harness/profile.js';
import { TEMPLATE_DDL, TYPICAL_MIGRATION } from '../migrate/fleet.js';
import { createTenantSnapshot } from '../../../electron/services/snapshot/create-tenant-snapshot.js';
import { createProvisioner, snapshotSource } from '../../../electron/services/provision/provisioner.js';
import { main } from '../../../electron/cli/main.js';
import type { CliIo } from '../../../electron/cli/command.js';
import { formatConnectionUri } from '../../../core/connection/connection-string.js';

const skip = citusSkipReason();
if (skip) console.warn(`Citus census and migrate tests skipped: ${skip}.`);

const DB = 'tenantry';
const TENANTS = ['t0001', 't0002', 't0003', 't0004'];
/** The typical migration plus a new table (distributed with its schema, colocated) and rows written in the same transaction. */
const V2 = `${TYPICAL_MIGRATION}CREATE TABLE tpl.notes (id bigserial PRIMARY KEY, item_id bigint REFERENCES tpl.items (id), body text);
INSERT INTO tpl.accounts (name) VALUES ('seeded by V2');
`;
/** A version that must run alone: Citus builds the index on the worker's shard concurrently too. */
const V3 = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS items_name_idx ON tpl.items (name);\n';

interface CensusJson {
  cohorts: { status: string; members: string[]; differingKinds: string[] }[];
  tenants: { tenant: string; cohort: string | null }[];
}
interface RolloutJson {
  done: number;
  skipped: number;
  failed: number;
  remaining: number;
  failures: { tenant: string; error: { code: string; sqlstate?: string; file?: string; line?: number; statement?: string } }[];
}

describe.skipIf(Boolean(skip))(skip ? `Citus census and migrate — SKIPPED: ${skip}` : 'Citus census and migrate', () => {
  let citus: CitusCluster;
  let dir: string;
  let url: string;
  const q = async <T extends Record<string, unknown>>(sql: string) => (await citus.coordinator.query(sql, DB)).rows as T[];
  const cli = async (argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { PATH: process.env.PATH ?? '', HOME: dir }, cwd: dir };
    const code = await main([...argv, '--url', url], io);
    return { code, stdout, stderr };
  };
  const census = async () => JSON.parse((await cli(['tenants', '--template', 'tpl', '--json'])).stdout) as CensusJson;
  const lastLine = (text: string) => JSON.parse(text.trim().split('\n').at(-1) as string) as RolloutJson;
  /** Whether `tenant`.items has column `column` on the worker that holds the tenant's shard (not only on the coordinator). */
  async function shardHasColumn(tenant: string, column: string): Promise<boolean> {
    const [where] = await q<{ port: number; shard: string }>(
      `SELECT nodeport AS port, shard_name AS shard FROM citus_shards WHERE table_name = '${tenant}.items'::regclass`,
    );
    const worker = citus.workers.find((w) => w.port === where!.port)!;
    const { rows } = await worker.query(`SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = '${where!.shard}'::regclass AND attname = '${column}' AND NOT attisdropped`, DB);
    return (rows[0] as { n: number }).n === 1;
  }

  beforeAll(async () => {
    citus = await startCitusCluster({ database: DB });
    dir = mkdtempSync(join(tmpdir(), 'tenantry-citus-fleet-'));
    mkdirSync(join(dir, 'mig'));
    writeFileSync(join(dir, 'mig', 'V2__typical.sql'), V2);
    writeFileSync(join(dir, 'mig', 'V3__name_index.sql'), V3);
    url = formatConnectionUri(profileFor(citus.coordinator, DB));
    await citus.coordinator.query(TEMPLATE_DDL('tpl'), DB);
    const { snapshot } = await createTenantSnapshot(profileFor(citus.coordinator, DB), { schema: 'tpl' });
    const provisioner = await createProvisioner(profileFor(citus.coordinator, DB), { concurrency: 2 });
    try {
      const batch = await provisioner.provisionMany(snapshotSource(snapshot), TENANTS);
      expect(batch.tenants.map((t) => t.status)).toEqual(TENANTS.map(() => 'created'));
    } finally {
      await provisioner.close();
    }
  }, 180_000);
  afterAll(async () => {
    await citus?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the census groups distributed tenants with the template and sees a hand change made through the coordinator', async () => {
    const distributed = await q<{ tenant: string }>(`SELECT n.nspname AS tenant FROM pg_dist_schema s JOIN pg_namespace n ON n.oid = s.schemaid ORDER BY 1`);
    expect(distributed.map((r) => r.tenant)).toEqual(TENANTS);
    const before = await census();
    expect(before.cohorts.map((c) => [c.status, c.members])).toEqual([['template', TENANTS]]);
    // Drift on one tenant: an index with the name the migration will create (it then fails there).
    await q(`CREATE INDEX items_account_idx ON t0003.items (name)`);
    const after = await census();
    expect(after.cohorts.map((c) => [c.status, c.members, c.differingKinds])).toEqual([
      ['template', ['t0001', 't0002', 't0004'], []],
      ['drifted', ['t0003'], ['index']],
    ]);
  }, 120_000);

  it('migrate runs each distributed tenant in one transaction with its ledger, rolls back a failing tenant on its worker, and a second run changes nothing', async () => {
    const run = await cli(['migrate', '--template', 'tpl', '--dir', 'mig', '--all', '--ledger', 'schema_migrations', '--continue-on-error', '--json']);
    const result = lastLine(run.stdout);
    expect(run.stderr).toBe('');
    expect({ done: result.done, failed: result.failed, remaining: result.remaining }).toEqual({ done: 4, failed: 1, remaining: 0 });
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]).toMatchObject({ tenant: 't0003', error: { code: 'MIGRATION_FAILED', sqlstate: '42P07', file: 'V2__typical.sql', line: 2 } });
    expect(result.failures[0]!.error.statement).toContain('CREATE INDEX items_account_idx ON t0003.items');
    expect(run.code).toBe(1);

    const migrated = ['t0001', 't0002', 't0004'];
    for (const t of migrated) {
      expect(await shardHasColumn(t, 'tags'), `${t}: the column reached its worker`).toBe(true);
      expect(await q(`SELECT version FROM ${t}.schema_migrations ORDER BY 1`)).toEqual([{ version: '2' }, { version: '3' }]);
      expect(await q(`SELECT name FROM ${t}.accounts`)).toEqual([{ name: 'seeded by V2' }]);
      // The new table is distributed with its schema: colocated with the tenant's other tables.
      const [notes] = await q<{ same: boolean }>(
        `SELECT p.colocationid = s.colocationid AS same FROM pg_dist_partition p, pg_dist_schema s WHERE p.logicalrelid = '${t}.notes'::regclass AND s.schemaid = '${t}'::regnamespace`,
      );
      expect(notes).toEqual({ same: true });
    }
    // The failed tenant is exactly as it was, on the coordinator and on its worker: the column added by the
    // statement before the failing one was rolled back there too; its ledger is empty.
    expect(await shardHasColumn('t0003', 'tags')).toBe(false);
    expect(await q(`SELECT count(*)::int AS n FROM pg_attribute WHERE attrelid = 't0003.items'::regclass AND attname = 'tags'`)).toEqual([{ n: 0 }]);
    expect(await q(`SELECT count(*)::int AS n FROM t0003.schema_migrations`)).toEqual([{ n: 0 }]);
    expect(await q(`SELECT count(*)::int AS n FROM t0003.accounts`)).toEqual([{ n: 0 }]);
    // The census after the rollout: the migrated tenants equal the migrated template; t0003 is behind it.
    const after = await census();
    expect(after.cohorts.find((c) => c.status === 'template')?.members).toEqual(migrated);
    expect(after.cohorts.find((c) => c.members.includes('t0003'))?.status).not.toBe('template');

    const again = await cli(['migrate', '--template', 'tpl', '--dir', 'mig', '--tenants', 't0001,t0002,t0004', '--ledger', 'schema_migrations', '--json']);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(lastLine(again.stdout)).toMatchObject({ done: 0, skipped: 4, failed: 0 });
  }, 240_000);
});
