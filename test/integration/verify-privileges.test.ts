/**
 * What tenants inherit that pg_dump does not write, and verify comparing
 * owners and privileges as far as the snapshot carried them:
 * - a `public` template grants USAGE to PUBLIC through initial privileges
 *   (pg_init_privs), which pg_dump never emits; the snapshot carries them, so an
 *   application role with only the template's grants can use every tenant,
 *   built through the driver and through psql;
 * - verify with the snapshot finds a tenant whose grants differ, and says what
 *   it did not compare without one;
 * - `provision --verify` verifies every created tenant, in the same JSON shape
 *   as `verify --json`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { profileFor } from './harness/profile.js';
import { createTenantSnapshot, type TenantSnapshot } from '../../electron/services/snapshot/create-tenant-snapshot.js';
import { createProvisioner, snapshotSource } from '../../electron/services/provision/provisioner.js';
import { verifyTenant } from '../../electron/services/verify/verify-tenant.js';
import { findSnapshotCarries } from '../../core/verify/snapshot-carries.js';
import { main } from '../../electron/cli/main.js';
import type { CliIo } from '../../electron/cli/command.js';

const app = { user: 'app_rw', password: 'app-pw' };

describe('a public template: the schema privileges pg_dump does not write', () => {
  let cluster: Cluster;
  let dir: string;
  let result: TenantSnapshot;
  const db = 'app';
  const run = (sql: string) => cluster.query(sql, db);
  /** Runs SQL as the application role, which holds only the template's grants. */
  const asApp = async (sql: string) => {
    const client = new pg.Client({ host: cluster.host, port: cluster.port, database: db, ...app });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  };
  const cli = async (...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { PATH: process.env.PATH ?? '', HOME: dir }, cwd: dir };
    const code = await main(argv, io);
    return { code, stdout, stderr };
  };
  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase(db);
    dir = mkdtempSync(join(tmpdir(), 'tenantry-privileges-'));
    await run(`CREATE ROLE ${app.user} LOGIN PASSWORD '${app.password}';
      CREATE TABLE public.notes (id serial PRIMARY KEY, body text NOT NULL);
      GRANT SELECT, INSERT ON public.notes TO ${app.user};
      GRANT USAGE ON SEQUENCE public.notes_id_seq TO ${app.user};`);
    result = await createTenantSnapshot(profileFor(cluster, db), { schema: 'public' });
    for (const [tenant, via] of [['acme', 'driver'], ['Acme Corp', 'psql']] as const) {
      const provisioner = await createProvisioner(profileFor(cluster, db), { via });
      try {
        await provisioner.provisionTenant(snapshotSource(result.snapshot), tenant);
      } finally {
        await provisioner.close();
      }
    }
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the template itself is usable by the application role', async () => {
    await asApp('INSERT INTO public.notes (body) VALUES ($$template$$)');
  });

  it('carries USAGE to PUBLIC and says so in the report', () => {
    expect(result.carried.join('\n')).toContain('USAGE to PUBLIC');
    expect(result.text).toMatch(/GRANT USAGE ON SCHEMA \S+ TO PUBLIC;/);
  });

  for (const [tenant, quoted] of [['acme', 'acme'], ['Acme Corp', '"Acme Corp"']] as const) {
    it(`tenant ${tenant} is usable by a role holding only the template's grants`, async () => {
      await asApp(`INSERT INTO ${quoted}.notes (body) VALUES ('tenant')`);
      const rows = await asApp(`SELECT body FROM ${quoted}.notes`);
      expect(rows.rows).toEqual([{ body: 'tenant' }]);
      const acl = await run(`SELECT nspacl::text AS acl FROM pg_namespace WHERE nspname = '${tenant}'`);
      expect(String((acl.rows[0] as { acl: string }).acl)).toContain('=U/');
    });
  }

  it('verify with the snapshot compares owners and privileges and finds them equal', async () => {
    const carries = findSnapshotCarries(result.snapshot.body);
    expect(carries).toEqual({ owners: true, privileges: true });
    const verdict = await verifyTenant(profileFor(cluster, db), { template: 'public', tenant: 'Acme Corp', carries });
    expect(verdict.differences).toEqual([]);
    expect(verdict.compared.privileges).toBeGreaterThanOrEqual(3);
    expect(verdict.notCompared.join('\n')).toContain("the schema's owner: the template belongs to pg_database_owner");
  });

  it('verify finds a tenant whose privileges differ, and without a snapshot says it did not compare them', async () => {
    await run(`REVOKE INSERT ON acme.notes FROM ${app.user}; REVOKE USAGE ON SCHEMA acme FROM PUBLIC;`);
    const carries = findSnapshotCarries(result.snapshot.body);
    const verdict = await verifyTenant(profileFor(cluster, db), { template: 'public', tenant: 'acme', carries });
    expect(verdict.equal).toBe(false);
    const lines = verdict.differences.map((d) => `${d.kind} | ${d.object} | ${d.detail}`);
    expect(lines.some((l) => l.startsWith('privileges | table notes | privileges: template ') && l.includes(`${app.user}=INSERT`))).toBe(true);
    expect(lines.some((l) => l.startsWith('privileges | schema | privileges: template ') && l.includes('PUBLIC=USAGE'))).toBe(true);
    const blind = await verifyTenant(profileFor(cluster, db), { template: 'public', tenant: 'acme' });
    expect(blind.equal && blind.isolated).toBe(true);
    expect(blind.notCompared.join('\n')).toContain('owners and privileges: no snapshot was given');
  });

  it('provision --verify verifies every created tenant, in the verify --json shape', async () => {
    const file = join(dir, 'public.sql');
    writeFileSync(file, result.text);
    const out = await cli('provision', '--snapshot', file, '--tenant', 'beta', '--tenant', 'gamma', '--verify', '--json', '--url', cluster.url(db));
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const doc = JSON.parse(out.stdout) as { created: number; verify: { template: string; ok: boolean; tenants: { tenant: string; equal: boolean; isolated: boolean; compared: Record<string, number> }[] } };
    expect(doc.created).toBe(2);
    expect(doc.verify.template).toBe('public');
    expect(doc.verify.ok).toBe(true);
    expect(doc.verify.tenants.map((t) => t.tenant).sort()).toEqual(['beta', 'gamma']);
    expect(doc.verify.tenants.every((t) => (t.compared.privileges ?? 0) > 0)).toBe(true);
    const text = await cli('verify', '--snapshot', file, '--tenant', 'acme', '--url', cluster.url(db));
    expect(text.code).toBe(4);
    expect(text.stdout).toContain('privileges schema: privileges: template');
  });
});
