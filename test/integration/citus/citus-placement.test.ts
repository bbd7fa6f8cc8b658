/**
 * Placement and moves on a real Citus cluster: `tenantry placement` shows each
 * tenant's node and size, `tenantry move` checks its preconditions (empty
 * schema, not distributed, same node, no primary key for an online move) and
 * moves a tenant online while it keeps taking writes, losing no row. Skipped,
 * with the reason in the test name, where Citus is not installed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citusSkipReason, startCitusCluster, type CitusCluster } from '../harness/citus.js';
import { profileFor } from '../harness/profile.js';
import { createProvisioner, type TenantSource } from '../../../electron/services/provision/provisioner.js';
import { moveCommand, placementCommand } from '../../../electron/cli/commands/placement.js';
import type { CliIo } from '../../../electron/cli/command.js';
import { formatConnectionUri } from '../../../core/connection/connection-string.js';

const skip = citusSkipReason();
if (skip) console.warn(`Citus placement tests skipped: ${skip}.`);

const DB = 'tenantry';
const source: TenantSource = {
  render: (t) => `CREATE SCHEMA ${t};\nCREATE TABLE ${t}.events (id bigserial PRIMARY KEY, body text NOT NULL);\nCREATE TABLE ${t}.notes (n int);\n`,
};
const keyed: TenantSource = { render: (t) => `CREATE SCHEMA ${t};\nCREATE TABLE ${t}.events (id bigserial PRIMARY KEY, body text NOT NULL);\n` };

async function runCli(command: typeof placementCommand, argv: string[]): Promise<{ status: number; stdout: string; stderr: string; error?: { code?: string; userMessage?: string } }> {
  let stdout = '';
  let stderr = '';
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-citus-cli-'));
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { PATH: process.env.PATH ?? '', HOME: dir }, cwd: dir };
  try {
    return { status: await command.run(argv, io), stdout, stderr };
  } catch (error) {
    return { status: 1, stdout, stderr, error: error as { code?: string; userMessage?: string } };
  }
}

describe.skipIf(Boolean(skip))(skip ? `Citus placement and moves — SKIPPED: ${skip}` : 'Citus placement and moves', () => {
  let citus: CitusCluster;
  let url: string;
  const q = async <T extends Record<string, unknown>>(sql: string) => (await citus.coordinator.query(sql, DB)).rows as T[];

  beforeAll(async () => {
    citus = await startCitusCluster({ database: DB });
    url = formatConnectionUri({ ...profileFor(citus.coordinator, DB) });
    const provisioner = await createProvisioner(profileFor(citus.coordinator, DB));
    try {
      for (const t of ['keyed_a', 'keyed_b']) await provisioner.provisionTenant(keyed, t);
      await provisioner.provisionTenant(source, 'unkeyed');
    } finally {
      await provisioner.close();
    }
    await q(`INSERT INTO keyed_a.events (body) SELECT 'row ' || g FROM generate_series(1, 2000) g`);
    await q(`BEGIN; SET LOCAL citus.enable_schema_based_sharding = on; CREATE SCHEMA empty_one; COMMIT;`);
    await q(`CREATE SCHEMA plain_local`);
  }, 180_000);
  afterAll(async () => {
    await citus?.stop();
  });

  async function nodeOf(tenant: string): Promise<string> {
    const r = await runCli(placementCommand, ['--url', url, '--json']);
    const report = JSON.parse(r.stdout) as { tenants: { tenant: string; node?: string }[] };
    return report.tenants.find((t) => t.tenant === tenant)?.node ?? '';
  }

  it('placement lists each tenant with its node and size, and the nodes', async () => {
    const r = await runCli(placementCommand, ['--url', url, '--json']);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { nodes: { node: string; shouldHaveShards: boolean }[]; tenants: { tenant: string; node?: string; bytes: number; tables: number }[] };
    expect(report.tenants.map((t) => t.tenant)).toEqual(['empty_one', 'keyed_a', 'keyed_b', 'unkeyed']);
    const workers = citus.workerAddresses();
    for (const t of report.tenants.filter((x) => x.tenant !== 'empty_one')) expect(workers).toContain(t.node);
    expect(report.tenants.find((t) => t.tenant === 'empty_one')).toEqual({ tenant: 'empty_one', bytes: 0, tables: 0 });
    const a = report.tenants.find((t) => t.tenant === 'keyed_a')!;
    expect(a.bytes).toBeGreaterThan(report.tenants.find((t) => t.tenant === 'keyed_b')!.bytes);
    expect(report.nodes.filter((n) => n.shouldHaveShards).map((n) => n.node).sort()).toEqual([...workers].sort());
    const text = await runCli(placementCommand, ['--url', url]);
    expect(text.stdout).toMatch(/keyed_a\s+127\.0\.0\.1:\d+\s+\d/);
    expect(text.stdout).toContain('(empty: not placed)');
  }, 60_000);

  it('move refuses what cannot move and says why, leaving the tenant where it is', async () => {
    const other = (node: string) => citus.workerAddresses().find((w) => w !== node)!;
    const cases: [string[], RegExp][] = [
      [['--tenant', 'empty_one', '--node', citus.workerAddresses()[0]!], /empty distributed schema/],
      [['--tenant', 'plain_local', '--node', citus.workerAddresses()[0]!], /not a distributed schema/],
      [['--tenant', 'nope', '--node', citus.workerAddresses()[0]!], /no schema "nope"/],
      [['--tenant', 'keyed_b', '--node', await nodeOf('keyed_b')], /already on/],
      [['--tenant', 'keyed_b', '--node', '127.0.0.1:1'], /No active primary node 127\.0\.0\.1:1/],
      [['--tenant', 'unkeyed', '--node', other(await nodeOf('unkeyed'))], /notes has none.*block_writes/],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(moveCommand, ['--url', url, ...argv]);
      expect(r.error?.code, argv.join(' ')).toBe('CITUS_MOVE_FAILED');
      expect(r.error?.userMessage).toMatch(message);
    }
    // block_writes needs no replica identity: the unkeyed tenant moves that way.
    const from = await nodeOf('unkeyed');
    const moved = await runCli(moveCommand, ['--url', url, '--tenant', 'unkeyed', '--node', other(from), '--mode', 'block_writes']);
    expect(moved.status, moved.error?.userMessage).toBe(0);
    expect(await nodeOf('unkeyed')).toBe(other(from));
  }, 120_000);

  it('an online move keeps every row, and the tenant takes writes during and after it', async () => {
    const from = await nodeOf('keyed_a');
    const to = citus.workerAddresses().find((w) => w !== from)!;
    let writing = true;
    let written = 0;
    const writer = (async () => {
      const client = await citus.coordinator.connect(DB);
      try {
        while (writing) {
          await client.query(`INSERT INTO keyed_a.events (body) VALUES ('during move')`);
          written++;
        }
      } finally {
        await client.end();
      }
    })();
    const r = await runCli(moveCommand, ['--url', url, '--tenant', 'keyed_a', '--node', to]);
    writing = false;
    await writer;
    expect(r.status, r.error?.userMessage).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Moved keyed_a from ${from} to ${to}`));
    expect(await nodeOf('keyed_a')).toBe(to);
    expect(written).toBeGreaterThan(0);
    await q(`INSERT INTO keyed_a.events (body) VALUES ('after move')`);
    expect(await q(`SELECT count(*)::int AS c, count(DISTINCT id)::int AS ids FROM keyed_a.events`)).toEqual([{ c: 2000 + written + 1, ids: 2000 + written + 1 }]);
  }, 180_000);

  it('a rebalance is proposed by size and runs only with --yes', async () => {
    const proposal = await runCli(placementCommand, ['--url', url, '--rebalance', '--json']);
    const plan = (JSON.parse(proposal.stdout) as { plan: { moves: { tenant: string; to: string }[] }; moved: unknown[] });
    expect(plan.moved).toEqual([]);
    const before = await Promise.all(plan.plan.moves.map((m) => nodeOf(m.tenant)));
    expect(before.every((n, i) => n !== plan.plan.moves[i]!.to)).toBe(true);
    const applied = await runCli(placementCommand, ['--url', url, '--rebalance', '--yes', '--mode', 'block_writes', '--json']);
    expect(applied.status, applied.error?.userMessage).toBe(0);
    for (const m of plan.plan.moves) expect(await nodeOf(m.tenant)).toBe(m.to);
    const again = JSON.parse((await runCli(placementCommand, ['--url', url, '--rebalance', '--json'])).stdout) as { plan: { moves: unknown[] } };
    expect(again.plan.moves).toEqual([]);
  }, 180_000);
});
