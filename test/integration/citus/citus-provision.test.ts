/**
 * Tenants as distributed schemas on a real Citus cluster (a coordinator and
 * two workers): a batch through the driver, a tenant through psql and a
 * claimed warm-pool spare are distributed schemas spread over both workers,
 * work through the coordinator with their own sequences, triggers and
 * functions, leave the template alone and verify equal to it. Skipped, with
 * the reason in the test name, where Citus is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citusSkipReason, startCitusCluster, type CitusCluster } from '../harness/citus.js';
import { profileFor } from '../harness/profile.js';
import { createTenantSnapshot } from '../../../electron/services/snapshot/create-tenant-snapshot.js';
import { createProvisioner, snapshotSource } from '../../../electron/services/provision/provisioner.js';
import { verifyTenants } from '../../../electron/services/verify/verify-tenant.js';
import { claimSpare, fillPool, setPoolTarget } from '../../../electron/services/pool/warm-pool.js';
import { toPoolSnapshot } from '../../../electron/services/pool/warm-pool-snapshot.js';
import { parseSnapshot, type Snapshot } from '../../../core/snapshot/format.js';
import { TenantryError } from '../../../core/errors.js';
import { readServerInfo } from '../../../electron/services/catalog/read-server-info.js';
import { connectionCommand } from '../../../electron/cli/commands/connection.js';
import { formatConnectionUri } from '../../../core/connection/connection-string.js';
import { snapshotCommand } from '../../../electron/cli/commands/snapshot.js';
import { readCitusSnapshotReport } from '../../../electron/services/citus/compat-check.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const skip = citusSkipReason();
if (skip) console.warn(`Citus provisioning tests skipped: ${skip}.`);

const DB = 'tenantry';

/** The template: an identity column (pg_dump writes it as ALTER TABLE … ADD GENERATED), a sequence, a trigger, functions, a foreign key. */
const TEMPLATE = `
CREATE SCHEMA tmpl;
CREATE TABLE tmpl.items (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label text NOT NULL);
CREATE SEQUENCE tmpl.counter_seq;
CREATE TABLE tmpl.log (n bigint DEFAULT nextval('tmpl.counter_seq') PRIMARY KEY, item_id integer REFERENCES tmpl.items (id), note text);
CREATE FUNCTION tmpl.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO tmpl.log (item_id, note) VALUES (NEW.id, 'added ' || NEW.label); RETURN NEW; END $$;
CREATE TRIGGER items_touch AFTER INSERT ON tmpl.items FOR EACH ROW EXECUTE FUNCTION tmpl.touch();
CREATE FUNCTION tmpl.item_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM tmpl.items $$;
INSERT INTO tmpl.items (label) VALUES ('template row');
`;

describe.skipIf(Boolean(skip))(skip ? `Citus distributed provisioning — SKIPPED: ${skip}` : 'Citus distributed provisioning', () => {
  let citus: CitusCluster;
  let snapshot: Snapshot;
  const profile = () => profileFor(citus.coordinator, DB);
  const q = async <T extends Record<string, unknown>>(sql: string) => (await citus.coordinator.query(sql, DB)).rows as T[];

  beforeAll(async () => {
    citus = await startCitusCluster({ database: DB });
    await citus.coordinator.query(TEMPLATE, DB);
    snapshot = (await createTenantSnapshot(profile(), { schema: 'tmpl' })).snapshot;
  }, 180_000);
  afterAll(async () => {
    await citus?.stop();
  });

  /** node port of each tenant's shards (one node per tenant: a distributed schema's tables are colocated). */
  async function placement(): Promise<Map<string, number[]>> {
    const rows = await q<{ tenant: string; port: number }>(
      `select n.nspname as tenant, sh.nodeport as port from pg_dist_schema s join pg_namespace n on n.oid = s.schemaid
         join citus_shards sh on sh.colocation_id = s.colocationid group by 1, 2 order by 1, 2`,
    );
    const out = new Map<string, number[]>();
    for (const r of rows) out.set(r.tenant, [...(out.get(r.tenant) ?? []), r.port]);
    return out;
  }

  /** Inserts through the coordinator and reads back what the tenant's own identity, trigger, sequence and function gave. */
  async function exercise(tenant: string): Promise<{ ids: number[]; log: string[]; logSequenceSteps: number; count: number }> {
    const ids: number[] = [];
    for (const label of ['first', 'second']) ids.push((await q<{ id: number }>(`INSERT INTO ${tenant}.items (label) VALUES ('${label}') RETURNING id`))[0]!.id);
    const log = await q<{ note: string; n: string }>(`SELECT note, n FROM ${tenant}.log ORDER BY n`);
    const [count] = await q<{ c: string }>(`SELECT ${tenant}.item_count() AS c`);
    // The trigger runs on the worker holding the tenant, where Citus hands a bigint sequence a per-node range
    // (values from groupid << 48): the tenant's own sequence, counting up by one, not from 1.
    return { ids, log: log.map((l) => l.note), logSequenceSteps: Number(log[1]!.n) - Number(log[0]!.n), count: Number(count!.c) };
  }

  it('a batch through the driver, a tenant through psql and a claimed spare are distributed schemas on both workers that work and verify', async () => {
    const driver = await createProvisioner(profile(), { via: 'driver', concurrency: 2 });
    const psql = await createProvisioner(profile(), { via: 'psql' });
    try {
      expect(await driver.citusPlacement()).toBe('distributed');
      const batch = await driver.provisionMany(snapshotSource(snapshot), ['acme', 'globex', 'initech', 'umbrella']);
      expect(batch.tenants.map((t) => [t.tenant, t.status, t.error?.detail ?? ''])).toEqual([
        ['acme', 'created', ''],
        ['globex', 'created', ''],
        ['initech', 'created', ''],
        ['umbrella', 'created', ''],
      ]);
      await psql.provisionTenant(snapshotSource(snapshot), 'hooli');
      // A warm-pool spare is built distributed; the claim renames it across the cluster.
      const poolSnapshot = toPoolSnapshot(snapshot);
      await setPoolTarget(driver.pool, 1);
      const filled = await fillPool(driver.pool, poolSnapshot);
      expect(filled.built).toHaveLength(1);
      const claimed = await claimSpare(driver.pool, poolSnapshot, 'pied');
      expect(claimed.spare).toBe(filled.built[0]);
    } finally {
      await driver.close();
      await psql.close();
    }
    const tenants = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'pied'];
    const placed = await placement();
    for (const t of tenants) expect(placed.get(t), `${t} is a distributed schema with shards on one worker`).toHaveLength(1);
    expect(placed.has('tmpl')).toBe(false);
    // Tenantry's bookkeeping (register, warm pool) stays a plain schema on the coordinator.
    expect(placed.has('_tenantry')).toBe(false);
    expect(await q(`SELECT count(*)::int AS c FROM _tenantry.tenants`)).toEqual([{ c: tenants.length }]);
    const workers = citus.workers.map((w) => w.port);
    const used = new Set(tenants.map((t) => placed.get(t)?.[0] ?? 0));
    expect([...used].every((p) => workers.includes(p))).toBe(true);
    expect(used.size, 'tenants spread over both workers').toBe(2);
    for (const t of tenants) expect(await exercise(t)).toEqual({ ids: [1, 2], log: ['added first', 'added second'], logSequenceSteps: 1, count: 2 });
    // The template's rows and sequences are untouched.
    expect(await q(`SELECT id, label FROM tmpl.items`)).toEqual([{ id: 1, label: 'template row' }]);
    expect(await q(`SELECT last_value::int AS v FROM tmpl.counter_seq`)).toEqual([{ v: 1 }]);
    expect(await q(`SELECT last_value::int AS v FROM tmpl.items_id_seq`)).toEqual([{ v: 1 }]);
    const verified = await verifyTenants(profile(), { template: 'tmpl', tenants });
    for (const v of verified) expect({ tenant: v.tenant, equal: v.equal, isolated: v.isolated, differences: v.differences }).toEqual({ tenant: v.tenant, equal: true, isolated: true, differences: [] });
  }, 300_000);

  it('the connection test and `tenantry connection --server` show Citus: version, coordinator or worker, workers, sharding', async () => {
    const info = await readServerInfo(profile());
    expect(info.citus).toMatchObject({ installed: true, role: 'coordinator', workers: 2, schemaBasedSharding: false });
    expect(info.citus?.version).toMatch(/^1[23]\./);
    expect((await readServerInfo(profileFor(citus.workers[0]!, DB))).citus).toMatchObject({ installed: true, role: 'worker' });
    expect((await readServerInfo(profileFor(citus.coordinator, 'postgres'))).citus).toBeUndefined();
    let stdout = '';
    const status = await connectionCommand.run(['--url', formatConnectionUri(profile()), '--server'], { stdout: (t) => void (stdout += t), stderr: () => undefined, env: { PATH: process.env.PATH ?? '' }, cwd: '/' });
    expect(status).toBe(0);
    expect(stdout).toMatch(/Citus 1[23]\.\S+ coordinator, 2 workers, schema-based sharding off\./);
  }, 60_000);

  it('`tenantry snapshot` on a coordinator reports what Citus refuses in a distributed schema, and what it rewrites', async () => {
    await q(`CREATE SCHEMA tmpl_inh; CREATE TABLE tmpl_inh.parent (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY); CREATE TABLE tmpl_inh.child (note text) INHERITS (tmpl_inh.parent)`);
    const dir = mkdtempSync(join(tmpdir(), 'tenantry-citus-snap-'));
    let inhText = '';
    try {
      let stderr = '';
      const io = { stdout: () => undefined, stderr: (t: string) => void (stderr += t), env: { PATH: process.env.PATH ?? '' }, cwd: dir };
      const status = await snapshotCommand.run(['--schema', 'tmpl_inh', '--output', 'inh.sql', '--url', formatConnectionUri(profile())], io);
      expect(status).toBe(0);
      expect(stderr).toMatch(/Citus 1[23]\.\S+ coordinator, 2 workers.*Tenants provisioned here become distributed schemas/);
      expect(stderr).toMatch(/Citus compatibility \(\d+ findings?, 1 refused: provisioning distributed tenants from this snapshot stops before the first/);
      const refusedAt = /line (\d+): (CREATE TABLE #\{prefix\}\.child[^\n]*)\n\s+Citus: [^\n]+\n\s+Tenantry: refused/.exec(stderr);
      expect(refusedAt, stderr).not.toBeNull();
      // The line of the statement in the snapshot file written (after its header lines), with the placeholder.
      inhText = readFileSync(join(dir, 'inh.sql'), 'utf8');
      expect(inhText.split('\n')[Number(refusedAt![1]) - 1]).toBe(refusedAt![2]);
      expect(stderr).toMatch(/Tenantry: rewritten/); // the identity column pg_dump writes as ALTER TABLE … ADD GENERATED
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // The template of the other tests: nothing refused, the report says so in the service's result too.
    const report = (await createTenantSnapshot(profile(), { schema: 'tmpl' })).citus;
    expect(report?.facts.role).toBe('coordinator');
    expect(report?.refused).toBe(false);
    expect(report?.findings.map((f) => f.handling).sort()).toEqual(['rewritten', 'setting']);
    // A database without the extension (on the same server) gives no Citus section.
    const plain = await citus.coordinator.connect('postgres');
    try {
      expect(await readCitusSnapshotReport(plain, parseSnapshot(inhText))).toBeUndefined();
    } finally {
      await plain.end();
    }
  }, 120_000);

  it('--local keeps a tenant on the coordinator, and a worker refuses provisioning', async () => {
    const local = await createProvisioner(profile(), { citusPlacement: 'local' });
    try {
      await local.provisionTenant(snapshotSource(snapshot), 'stays_home');
    } finally {
      await local.close();
    }
    expect(await q(`SELECT 1 FROM pg_dist_schema s JOIN pg_namespace n ON n.oid = s.schemaid WHERE n.nspname = 'stays_home'`)).toEqual([]);
    expect(await q(`SELECT count(*)::int AS c FROM pg_dist_partition WHERE logicalrelid::text LIKE 'stays_home.%'`)).toEqual([{ c: 0 }]);
    const onWorker = await createProvisioner(profileFor(citus.workers[0]!, DB));
    try {
      const error = await onWorker.provisionTenant(snapshotSource(snapshot), 'nope').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TenantryError);
      expect((error as TenantryError).code).toBe('CITUS_WORKER_NODE');
    } finally {
      await onWorker.close();
    }
  }, 120_000);
});
