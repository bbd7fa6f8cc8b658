/**
 * `tenantry tenants`, `tenants adopt`, `drift` and `verify --all` against a
 * real cluster, run in-process through the CLI's main(): adoption finds
 * migration-made tenants and not unrelated or half-similar schemas, changes
 * nothing in them; drift exits 4 with the one hand-changed tenant's
 * difference; verify --all finds the same tenant.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { generateTemplateSql } from '../../../support/generate-template.js';
import { loadGeneratedTemplate, makeSnapshot, profileFor } from '../pool/pool-fixtures.js';
import { createProvisioner, snapshotSource } from '../../../electron/services/provision/provisioner.js';
import { main } from '../../../electron/cli/main.js';

const DB = 'fleetcli';

describe('fleet CLI', () => {
  let cluster: Cluster;
  let home: string;

  async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await main([...argv, '--url', cluster.url(DB)], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: { HOME: home, PATH: process.env.PATH ?? '' }, cwd: home });
    return { code, stdout, stderr };
  }

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'tenantry-fleet-cli-'));
    cluster = await startCluster();
    await loadGeneratedTemplate(cluster, DB, 'tmpl', 5);
    const { snapshot } = await makeSnapshot(cluster, DB, 'tmpl');
    const provisioner = await createProvisioner(profileFor(cluster, DB), { concurrency: 2 });
    try {
      await provisioner.provisionMany(snapshotSource(snapshot, 'v1'), ['t_one', 't_two', 't_hand']);
    } finally {
      await provisioner.close();
    }
    // Made by "migrations": the same DDL run per schema, one with a newer migration's extra table.
    await cluster.query(generateTemplateSql({ schema: 'mig_a', tables: 5 }), DB);
    await cluster.query(generateTemplateSql({ schema: 'mig_b', tables: 5 }) + 'CREATE TABLE mig_b.feature_flags (name text PRIMARY KEY);', DB);
    // Not tenants: an unrelated schema and one sharing only two of the template's tables.
    await cluster.query('CREATE SCHEMA reporting; CREATE TABLE reporting.daily (day date, total numeric); CREATE TABLE reporting.t_1 (x int);', DB);
    await cluster.query(generateTemplateSql({ schema: 'half', tables: 2 }), DB);
    await cluster.query('ALTER TABLE t_hand.t_3 ADD COLUMN hotfix boolean', DB);
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  it('adopt lists migration-made schemas with evidence and records them only with --yes, changing nothing in them', async () => {
    const before = await cluster.query(`select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname in ('mig_a', 'mig_b')`, DB);
    const dry = await cli('tenants', 'adopt', '--template', 'tmpl', '--json');
    expect(dry.code).toBe(0);
    const found = JSON.parse(dry.stdout) as { candidates: { schema: string; match: number; extraRelations: number }[]; adopted: string[] };
    expect(found.candidates.map((c) => c.schema)).toEqual(['mig_a', 'mig_b']);
    expect(found.candidates.find((c) => c.schema === 'mig_b')?.extraRelations).toBe(1);
    expect(found.adopted).toEqual([]);
    expect((await cluster.query(`select count(*)::int as n from _tenantry.tenants where how = 'adopted'`, DB)).rows[0]).toEqual({ n: 0 });

    const yes = await cli('tenants', 'adopt', '--template', 'tmpl', '--yes');
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain('Recorded 2 as adopted tenants of "tmpl"');
    const rows = await cluster.query(`select tenant, how, snapshot_checksum from _tenantry.tenants where how = 'adopted' order by 1`, DB);
    expect(rows.rows).toEqual([
      { tenant: 'mig_a', how: 'adopted', snapshot_checksum: null },
      { tenant: 'mig_b', how: 'adopted', snapshot_checksum: null },
    ]);
    const after = await cluster.query(`select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname in ('mig_a', 'mig_b')`, DB);
    expect(after.rows).toEqual(before.rows);
    // A lower threshold admits the half-similar schema, never the unrelated one.
    const low = JSON.parse((await cli('tenants', 'adopt', '--template', 'tmpl', '--min-match', '0.3', '--json')).stdout) as { candidates: { schema: string }[] };
    expect(low.candidates.map((c) => c.schema)).toEqual(['half']);
  });

  it('tenants --json lists the register with cohorts; drift exits 4 naming the hand change', async () => {
    const listed = await cli('tenants', '--template', 'tmpl', '--json');
    expect(listed.code).toBe(0);
    const doc = JSON.parse(listed.stdout) as { cohorts: { id: string; status: string; members: string[]; differingKinds: string[] }[]; tenants: { tenant: string; how: string; cohort: string; snapshot: string | null }[] };
    expect(doc.tenants.map((t) => [t.tenant, t.how, t.snapshot])).toEqual([
      ['mig_a', 'adopted', null],
      ['mig_b', 'adopted', null],
      ['t_hand', 'built', 'v1'],
      ['t_one', 'built', 'v1'],
      ['t_two', 'built', 'v1'],
    ]);
    const hand = doc.cohorts.find((c) => c.members.includes('t_hand'));
    expect(hand).toMatchObject({ members: ['t_hand'], differingKinds: ['column'], status: 'drifted' });
    expect(doc.cohorts.find((c) => c.status === 'template')?.members).toEqual(['mig_a', 't_one', 't_two']);

    const only = JSON.parse((await cli('tenants', '--template', 'tmpl', '--cohort', hand!.id, '--json')).stdout) as { tenants: { tenant: string }[] };
    expect(only.tenants.map((t) => t.tenant)).toEqual(['t_hand']);
    // Each census keeps its keys: the next reuses all six (the template's and five tenants'), --fresh none.
    const again = JSON.parse((await cli('tenants', '--template', 'tmpl', '--json')).stdout) as { keys: { reused: number; computed: number } };
    expect(again.keys).toEqual({ reused: 6, computed: 0 });
    const fresh = JSON.parse((await cli('tenants', '--template', 'tmpl', '--fresh', '--json')).stdout) as { keys: { reused: number; computed: number } };
    expect(fresh.keys).toEqual({ reused: 0, computed: 6 });
    expect((await cli('drift', '--template', 'tmpl')).stdout).toContain('keys of all 6 schema(s) reused from an earlier census');

    const drift = await cli('drift', '--template', 'tmpl', '--json');
    expect(drift.code).toBe(4);
    const d = JSON.parse(drift.stdout) as { ok: boolean; cohorts: { members: string[]; differences?: { kind: string; object: string; detail: string }[] }[] };
    expect(d.ok).toBe(false);
    expect(d.cohorts.find((c) => c.members.includes('t_hand'))?.differences).toEqual([{ kind: 'column', object: 't_3.hotfix', detail: 'only in tenant "t_hand"' }]);
    // mig_b's extra table is drift too.
    expect(d.cohorts.find((c) => c.members.includes('mig_b'))?.differences?.map((x) => `${x.kind} ${x.object}`)).toContain('table feature_flags');
  });

  it('verify --all finds the same tenants as the census and stores outcomes in the register', async () => {
    const run = await cli('verify', '--template', 'tmpl', '--all', '--concurrency', '2', '--json');
    expect(run.code).toBe(4);
    const doc = JSON.parse(run.stdout) as { tenants: { tenant: string; equal: boolean }[]; failed: unknown[] };
    expect(doc.failed).toEqual([]);
    expect(doc.tenants.filter((t) => !t.equal).map((t) => t.tenant).sort()).toEqual(['mig_b', 't_hand']);
    const stored = await cluster.query(`select tenant, verify_result from _tenantry.tenants order by 1`, DB);
    expect(stored.rows.map((r: { tenant: string; verify_result: string }) => `${r.tenant}=${r.verify_result}`)).toEqual(['mig_a=equal', 'mig_b=different', 't_hand=different', 't_one=equal', 't_two=equal']);
    // After dropping the hand-changed tenant and the extra table, there is no drift.
    await cluster.query('DROP TABLE mig_b.feature_flags; ALTER TABLE t_hand.t_3 DROP COLUMN hotfix', DB);
    const clean = await cli('drift', '--template', 'tmpl');
    expect(clean.stdout).toContain('No drift.');
    expect(clean.code).toBe(0);
  });
});
