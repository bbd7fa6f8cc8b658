/**
 * Reference finding on real schemas (issue 11): each schema of ../shared/realworld is loaded into its own
 * database, snapshotted catalog-aware (tenantry snapshot's service) and offline (pg_dump text through
 * tenantry template), provisioned as `acme` (catalog snapshot, driver) and `Acme Corp` (offline snapshot,
 * psql), and the specific case is exercised: the tenant uses its own objects, setting names and other
 * strings that merely contain the template's name are untouched, and the template does not move.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { runSqlFile } from '../harness/corpus.js';
import { profileFor } from '../harness/profile.js';
import { createTenantSnapshot } from '../../../electron/services/snapshot/create-tenant-snapshot.js';
import { openClient } from '../../../electron/services/connection/open-connection.js';
import { readCatalogFacts } from '../../../electron/services/catalog/read-catalog-facts.js';
import { createSnapshot } from '../../../core/snapshot/template.js';
import { dumpSchema } from '../../../electron/services/dump/dump-schema.js';
import { dumpTemplate } from '../../../electron/services/snapshot/dump-template.js';
import { createProvisioner, snapshotSource, type ProvisionVia } from '../../../electron/services/provision/provisioner.js';
import { parseSnapshot, type Snapshot } from '../../../core/snapshot/format.js';
import { main } from '../../../electron/cli/main.js';
import { verifyTenant } from '../../../electron/services/verify/verify-tenant.js';
import { findSnapshotCarries } from '../../../core/verify/snapshot-carries.js';
import type { CliIo } from '../../../electron/cli/command.js';

const REALWORLD = fileURLToPath(new URL('../../../../shared/realworld/', import.meta.url));
const present = existsSync(join(REALWORLD, 'SOURCES.md'));
if (!present) console.log(`realworld schemas not found at ${REALWORLD}: skipping the realworld reference tests`);

const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;
/** The tenant name as PostgreSQL prints an identifier (quoted only when needed). */
const ident = (name: string): string => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : q(name));
const TENANTS: { name: string; via: ProvisionVia; snapshot: 'catalog' | 'offline' }[] = [
  { name: 'acme', via: 'driver', snapshot: 'catalog' },
  { name: 'Acme Corp', via: 'psql', snapshot: 'offline' },
];

interface Case {
  db: string;
  file: string;
  preamble?: string;
  schema: string;
  /**
   * Definitions PostgreSQL prints differently after the pg_dump round trip the tenant went through (the template
   * was loaded from the source file), e.g. `(ARRAY[…])::text[]` vs `ARRAY[(…)::text]` (`kind object`, sorted):
   * verify compares them after the same round trip and lists them as notes, not differences.
   */
  roundTripped?: string[];
  /** Run for each tenant inside a transaction that is rolled back afterwards; t is the quoted tenant schema. */
  check(client: pg.ClientBase, t: string, tenant: string): Promise<void>;
}

async function functionSource(client: pg.ClientBase, schema: string, name: string): Promise<string> {
  const { rows } = await client.query<{ src: string }>('select string_agg(prosrc, E\'\\n\') as src from pg_proc where pronamespace = $1::regnamespace and proname = $2', [q(schema), name]);
  return rows[0]?.src ?? '';
}

const CASES: Case[] = [
  {
    db: 'adventureworks',
    file: 'adventureworks.sql',
    schema: 'sales',
    async check(client, t) {
      // The crosstab view reads the SQL text 'SELECT … FROM Sales.vSalesPersonSalesByFiscalYearsData': give the
      // tenant's data view one row of its own; the tenant's crosstab view must show it (the template has none).
      const { rows: cols } = await client.query<{ name: string; type: string }>(
        "select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = 'sales.vsalespersonsalesbyfiscalyearsdata'::regclass and attnum > 0 order by attnum",
      );
      const value = (c: { name: string; type: string }): string =>
        `${c.name === 'salespersonid' ? '7' : c.name === 'fiscalyear' ? '2013' : c.name === 'salestotal' ? '42' : "'x'"}::${c.type} as ${q(c.name)}`;
      await client.query(`create or replace view ${t}.vsalespersonsalesbyfiscalyearsdata as select ${cols.map(value).join(', ')}`);
      const own = await client.query(`select "SalesPersonID" as id, "2013"::int as total from ${t}.vsalespersonsalesbyfiscalyears`);
      expect(own.rows).toEqual([{ id: 7, total: 42 }]);
      const template = await client.query('select count(*)::int as n from sales.vsalespersonsalesbyfiscalyears');
      expect(template.rows[0].n).toBe(0);
    },
  },
  {
    db: 'storage',
    file: 'supabase-storage.sql',
    schema: 'storage',
    async check(client, t, tenant) {
      // current_setting('storage.…') is a setting name, not a reference: the tenant's functions read the same setting.
      expect(await functionSource(client, tenant, 'operation')).toContain("current_setting('storage.operation', true)");
      await client.query("select set_config('storage.operation', 'op-1', true)");
      expect((await client.query(`select ${t}.operation() as op`)).rows[0].op).toBe('op-1');
      await client.query(`insert into ${t}.buckets (id, name) values ('b1', 'b1')`);
      await client.query('savepoint s');
      await expect(client.query(`delete from ${t}.buckets`)).rejects.toThrow(/Direct deletion from storage tables is not allowed/);
      await client.query('rollback to savepoint s');
      await client.query("select set_config('storage.allow_delete_query', 'true', true)");
      expect((await client.query(`delete from ${t}.buckets`)).rowCount).toBe(1);
      // LIKE 'storage.%' with substr(x, 9) stays as it was.
      const all = (await client.query<{ src: string }>('select string_agg(prosrc, E\'\\n\') as src from pg_proc where pronamespace = $1::regnamespace', [q(tenant)])).rows[0]?.src ?? '';
      if (all.includes('substr(raw_operation, 9)')) expect(all).toContain("LIKE 'storage.%'");
    },
  },
  {
    db: 'pgmq',
    file: 'pgmq.sql',
    schema: 'pgmq',
    async check(client, t, tenant) {
      // extname = 'pgmq' names the extension, not the schema: untouched.
      const all = (await client.query<{ src: string }>('select string_agg(prosrc, E\'\\n\') as src from pg_proc where pronamespace = $1::regnamespace', [q(tenant)])).rows[0]?.src ?? '';
      expect(all).toContain("extname = 'pgmq'");
      await client.query(`select ${t}."create"('jobs')`);
      await client.query(`select * from ${t}.send('jobs', '{"n": 1}'::jsonb)`);
      const read = await client.query(`select message from ${t}.read('jobs', 30, 1)`);
      expect(read.rows).toEqual([{ message: { n: 1 } }]);
      expect((await client.query(`select count(*)::int as n from ${t}.q_jobs`)).rows[0].n).toBe(1);
      expect((await client.query("select to_regclass('pgmq.q_jobs') as r")).rows[0].r).toBeNull();
      expect((await client.query('select count(*)::int as n from pgmq.meta')).rows[0].n).toBe(0);
    },
  },
  {
    db: 'musicbrainz',
    file: 'musicbrainz.sql',
    schema: 'musicbrainz',
    roundTripped: ['constraint editor_collection_type.allowed_collection_entity_type', 'constraint series_type.allowed_series_entity_type', 'view release_event'],
    async check(client, t, tenant) {
      // The collation musicbrainz.musicbrainz is the tenant's own; ':musicbrainz.org:mb' is data.
      const coll = await client.query(
        `select distinct co.collnamespace::regnamespace::text as ns from pg_attribute a join pg_class c on c.oid = a.attrelid
           join pg_collation co on co.oid = a.attcollation
          where c.relnamespace = '${t}'::regnamespace and co.collnamespace <> 'pg_catalog'::regnamespace`,
      );
      expect(coll.rows).toEqual([{ ns: ident(tenant) }]);
      const all = (await client.query<{ src: string }>('select string_agg(prosrc, E\'\\n\') as src from pg_proc where pronamespace = $1::regnamespace', [q(tenant)])).rows[0]?.src ?? '';
      if (all.includes('musicbrainz.org')) expect(all).toContain("md5(e.name || ':musicbrainz.org:mb')");
      // to_tsvector('musicbrainz.mb_simple', …) uses the tenant's configuration.
      expect(await functionSource(client, tenant, 'mb_simple_tsvector')).toContain(`to_tsvector('${ident(tenant)}.mb_simple'`);
      expect((await client.query(`select ${t}.mb_simple_tsvector('Yes Sir') as v`)).rows[0].v).toMatch(/sir/);
      // A row of the tenant takes its key from the tenant's sequence; the template's rows and sequence stay.
      const template = "select count(*)::int as n, (select last_value::int from pg_sequences where schemaname = 'musicbrainz' and sequencename = 'area_type_id_seq') as seq from musicbrainz.area_type";
      const before = (await client.query(template)).rows[0];
      await client.query(`insert into ${t}.area_type (name, gid) values ('x', gen_random_uuid())`);
      expect((await client.query(template)).rows[0]).toEqual(before);
    },
  },
  {
    db: 'basejump',
    file: 'basejump.sql',
    preamble: 'basejump.preamble.sql',
    schema: 'basejump',
    async check(client, t) {
      // EXECUTE format('select %I from basejump.config …') reads the tenant's own config row.
      await client.query(`delete from ${t}.config`);
      await client.query(`insert into ${t}.config (enable_team_accounts) values (false)`);
      expect((await client.query(`select ${t}.is_set('enable_team_accounts') as v`)).rows[0].v).toBe(false);
      expect((await client.query("select basejump.is_set('enable_team_accounts') as v")).rows[0].v).toBe(true);
    },
  },
  {
    db: 'auth',
    file: 'supabase-auth.sql',
    schema: 'auth',
    async check(client, t) {
      // auth.uid() reads the request.jwt.claim settings, and the tenant's users table takes rows of its own.
      await client.query("select set_config('request.jwt.claim.sub', '00000000-0000-0000-0000-000000000001', true)");
      expect((await client.query(`select ${t}.uid()::text as id`)).rows[0].id).toBe('00000000-0000-0000-0000-000000000001');
      const before = (await client.query('select count(*)::int as n from auth.users')).rows[0].n as number;
      await client.query(`insert into ${t}.users (id, email) values (gen_random_uuid(), 'a@example.com')`);
      expect((await client.query('select count(*)::int as n from auth.users')).rows[0].n).toBe(before);
    },
  },
  {
    db: 'postgrest',
    file: 'postgrest.sql',
    preamble: 'postgrest.preamble.sql',
    schema: 'test',
    async check(client, t, tenant) {
      // Every function of the tenant that names a schema in its text names the tenant (or another schema), never test.
      const { rows } = await client.query<{ name: string; src: string }>('select proname as name, prosrc as src from pg_proc where pronamespace = $1::regnamespace', [q(tenant)]);
      expect(rows.length).toBeGreaterThan(100);
      const { rows: items } = await client.query(`select count(*)::int as n from ${t}.items`);
      expect(items[0].n).toBeGreaterThanOrEqual(0);
    },
  },
];

/**
 * GitLab's functions use unqualified names (GitLab sets search_path), so the application of a tenant sets the
 * tenant's schema first: rows go to the tenant's tables, its partitions (carried from gitlab_partitions_static)
 * and its sequences; triggers write to the tenant's tables; the template's rows and sequences do not move.
 */
async function checkGitlab(client: pg.ClientBase, t: string, tenant: string): Promise<void> {
  const template = `select (select count(*)::int from public.namespaces) as namespaces, (select count(*)::int from public.namespaces_sync_events) as events,
      (select count(*)::int from public.p_ci_pipeline_iids) as iids, (select last_value from pg_sequences where schemaname = 'public' and sequencename = 'namespaces_id_seq') as seq`;
  const before = (await client.query(template)).rows[0];
  await client.query(`set local search_path = ${t}, public`);
  const org = (await client.query<{ id: string }>("insert into organizations (path, name, created_at, updated_at) values ('o', 'o', now(), now()) returning id")).rows[0]?.id;
  const id = (await client.query<{ id: string }>("insert into namespaces (name, path, organization_id) values ('n', 'n', $1) returning id", [org])).rows[0]?.id;
  // The key came from the tenant's own sequence.
  expect((await client.query(`select last_value::text as v from ${t}.namespaces_id_seq`)).rows[0].v).toBe(id);
  // AFTER UPDATE trigger insert_namespaces_sync_event() writes to namespaces_sync_events: the tenant's.
  await client.query('update namespaces set traversal_ids = $1 where id = $2', ['{1}', id]);
  expect((await client.query(`select count(*)::int as n from ${t}.namespaces_sync_events`)).rows[0].n).toBe(1);
  expect((await client.query(`select (${t}.find_namespaces_by_id($1)).name as name`, [id])).rows[0].name).toBe('n');
  // p_ci_pipeline_iids is hash-partitioned; its 64 partitions were in gitlab_partitions_static, now the tenant's own.
  const row = await client.query<{ at: number }>(`insert into ${t}.p_ci_pipeline_iids (project_id, iid) values (1, 1) returning tableoid::oid as at`);
  const { rows: where } = await client.query<{ ns: string; rel: string }>('select n.nspname as ns, c.relname as rel from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = $1', [row.rows[0]?.at]);
  expect(where[0]?.ns).toBe(tenant);
  expect(where[0]?.rel).toMatch(/^p_ci_pipeline_iids_\d+$/);
  expect((await client.query(template)).rows[0]).toEqual(before);
}

describe.skipIf(!present)('realworld schemas: references found where PostgreSQL uses them, and nowhere else', () => {
  let cluster: Cluster;
  let dir: string;
  beforeAll(async () => {
    cluster = await startCluster({ conf: { max_locks_per_transaction: 256 } });
    dir = mkdtempSync(join(tmpdir(), 'tenantry-realworld-'));
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  const cli = async (...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: (x) => void (stdout += x), stderr: (x) => void (stderr += x), env: { PATH: process.env.PATH ?? '', HOME: dir }, cwd: dir };
    const code = await main(argv, io);
    return { code, stdout, stderr };
  };

  for (const c of CASES) {
    describe(c.db, () => {
      const snapshots: Partial<Record<'catalog' | 'offline', Snapshot>> = {};
      beforeAll(async () => {
        await cluster.createDatabase(c.db);
        if (c.preamble) await runSqlFile(cluster, 'postgres', join(REALWORLD, c.preamble));
        await runSqlFile(cluster, c.db, join(REALWORLD, c.file));
      }, 300_000);

      it('snapshots catalog-aware and offline, with the same references replaced', async () => {
        const profile = profileFor(cluster, c.db);
        const aware = await createTenantSnapshot(profile, { schema: c.schema });
        snapshots.catalog = parseSnapshot(aware.text);
        const dump = await dumpSchema(profile, { schema: c.schema });
        writeFileSync(join(dir, `${c.db}.dump.sql`), dump.sql);
        const run = await cli('template', `${c.db}.dump.sql`, '--schema', c.schema, '-o', `${c.db}.snap.sql`, '--json');
        expect(run.code, run.stderr).toBe(0);
        snapshots.offline = parseSnapshot(readFileSync(join(dir, `${c.db}.snap.sql`), 'utf8'));
        // The header says what the warnings say.
        for (const s of [snapshots.catalog, snapshots.offline]) {
          const left = s.header.warnings.find((w) => /left pointing at/.test(w));
          expect(left === undefined ? 0 : Number(/^(\d+)/.exec(left)?.[1])).toBe(s.header.counts.skipped);
        }
        // The same references either way; the catalog-aware snapshot also carries the ledger rows (one name each).
        const ledgerRows = aware.ledger.tables.reduce((n, l) => n + l.rows, 0);
        expect(snapshots.offline.header.counts.replaced + ledgerRows).toBe(snapshots.catalog.header.counts.replaced);
      }, 300_000);

      for (const tenant of TENANTS) {
        it(`provisions ${JSON.stringify(tenant.name)} from the ${tenant.snapshot} snapshot (${tenant.via}) and it works on its own objects`, async () => {
          const snapshot = snapshots[tenant.snapshot];
          expect(snapshot, 'snapshot made').toBeDefined();
          const provisioner = await createProvisioner(profileFor(cluster, c.db), { via: tenant.via, concurrency: 1 });
          try {
            await provisioner.provisionTenant(snapshotSource(snapshot as Snapshot), tenant.name);
          } finally {
            await provisioner.close();
          }
          const client = await cluster.connect(c.db);
          try {
            await client.query('begin');
            await c.check(client, q(tenant.name), tenant.name);
          } finally {
            await client.query('rollback').catch(() => undefined);
            await client.end();
          }
          // The functional checks passed: verify must agree (equal and isolated), with the snapshot's carries.
          const verdict = await verifyTenant(profileFor(cluster, c.db), { template: c.schema, tenant: tenant.name, carries: findSnapshotCarries((snapshot as Snapshot).body) });
          expect(verdict.differences.map((d) => `${d.kind} ${d.object}: ${d.detail}`), `verify ${tenant.name}`).toEqual([]);
          expect(verdict.isolated && verdict.equal).toBe(true);
          const settled = verdict.notes.filter((n) => /round trip a pg_dump and reload makes/.test(n.detail)).map((n) => `${n.kind} ${n.object}`).sort();
          expect(settled).toEqual(c.roundTripped ?? []);
        }, 300_000);
      }
    });
  }

  it('a decisions file made with --export-decisions rebuilds the same snapshot unattended, and a changed decision takes effect', async () => {
    const exported = await cli('template', 'pgmq.dump.sql', '--schema', 'pgmq', '-o', 'pgmq.a.sql', '--export-decisions', 'pgmq.decisions.json');
    expect(exported.code, exported.stderr).toBe(0);
    const file = JSON.parse(readFileSync(join(dir, 'pgmq.decisions.json'), 'utf8')) as { decisions: Record<string, string>; where: Record<string, string> };
    const kept = Object.entries(file.decisions).filter(([, d]) => d === 'keep').map(([id]) => id);
    expect(kept.some((id) => /extname = 'pgmq'/.test(file.where[id] ?? ''))).toBe(true);
    const again = await cli('template', 'pgmq.dump.sql', '--schema', 'pgmq', '-o', 'pgmq.b.sql', '--decisions', 'pgmq.decisions.json');
    expect(again.code, again.stderr).toBe(0);
    const body = (f: string): string => parseSnapshot(readFileSync(join(dir, f), 'utf8')).body;
    expect(body('pgmq.b.sql')).toBe(body('pgmq.a.sql'));
    // Replace the concatenated 'pgmq.' || qtable names too (the person decided they are names of the tenant's queues).
    const concat = kept.filter((id) => /'pgmq\.' \|\| qtable/.test(file.where[id] ?? ''));
    expect(concat.length).toBeGreaterThan(0);
    writeFileSync(join(dir, 'pgmq.decisions2.json'), JSON.stringify({ decisions: Object.fromEntries(concat.map((id) => [id, 'replace'])) }));
    const changed = await cli('template', 'pgmq.dump.sql', '--schema', 'pgmq', '-o', 'pgmq.c.sql', '--decisions', 'pgmq.decisions2.json', '--json');
    expect(changed.code, changed.stderr).toBe(0);
    expect((JSON.parse(changed.stdout) as { counts: { replaced: number } }).counts.replaced).toBe(parseSnapshot(readFileSync(join(dir, 'pgmq.a.sql'), 'utf8')).header.counts.replaced + concat.length);
    // A stale decision stops the rebuild with a clear error instead of applying to something else.
    writeFileSync(join(dir, 'stale.json'), JSON.stringify({ decisions: { 'FUNCTION pgmq.gone()/dynamic-sql#1': 'keep' } }));
    const stale = await cli('template', 'pgmq.dump.sql', '--schema', 'pgmq', '-o', 'pgmq.d.sql', '--decisions', 'stale.json');
    expect(stale.code).not.toBe(0);
    expect(stale.stderr).toMatch(/match no reference|matches no reference/);
  }, 120_000);

  describe('gitlab (template public, partitions in gitlab_partitions_static)', () => {
    const profile = (): ReturnType<typeof profileFor> => profileFor(cluster, 'gitlab');
    const snapshots: Partial<Record<'catalog' | 'offline', Snapshot>> = {};
    let carried = 0;
    beforeAll(async () => {
      await cluster.createDatabase('gitlab');
      await runSqlFile(cluster, 'gitlab', join(REALWORLD, 'gitlab.sql'));
    }, 900_000);

    it('the offline snapshot replaces what the catalog-aware one does, plus only extension members it cannot know', async () => {
      const dump = await dumpSchema(profile(), { schema: 'public' });
      const client = await openClient(profile());
      const catalog = await readCatalogFacts(client, 'public').finally(() => client.end());
      const aware = createSnapshot(dump.sql, { schema: 'public', catalog }).report;
      const offline = createSnapshot(dump.sql, { schema: 'public' }).report;
      const replaced = (r: typeof aware): Map<number, number> => {
        const left = new Set(r.skipped.map((x) => x.start));
        return new Map(r.references.filter((x) => !left.has(x.start)).map((x) => [x.start, x.end]));
      };
      const a = replaced(aware);
      const b = replaced(offline);
      expect(a.size).toBeGreaterThan(10_000);
      expect([...a.keys()].filter((x) => !b.has(x))).toEqual([]);
      // pg_dump -n public writes no CREATE EXTENSION, so offline cannot tell public.gin_trgm_ops (pg_trgm's) from a
      // template object: those, and only those, differ (the catalog-aware snapshot is the exact one).
      const members = new Set(Object.values(catalog.extensionObjects).flat());
      const extra = [...b].filter(([start]) => !a.has(start)).map(([, end]) => /^\.\s*"?([\w$]+)/.exec(dump.sql.slice(end, end + 80))?.[1] ?? '?');
      expect(extra.filter((name) => !members.has(name))).toEqual([]);
    }, 900_000);

    it('snapshots with the partitions carried, catalog-aware and offline', async () => {
      const aware = await createTenantSnapshot(profile(), { schema: 'public', carryPartitions: true });
      snapshots.catalog = parseSnapshot(aware.text);
      carried = Number(aware.carried.map((c) => /^(\d+) partitions of /.exec(c)?.[1]).find((n) => n !== undefined));
      expect(carried).toBeGreaterThanOrEqual(13);
      // Offline from text: pg_dump -n public alone has parents without partitions, so the offline input is the
      // dump the snapshot command templates (pg_dump's text plus the carried partitions), as a file.
      const dumped = await dumpTemplate(profile(), { schema: 'public', carryPartitions: true });
      writeFileSync(join(dir, 'gitlab.dump.sql'), dumped.sql);
      const run = await cli('template', 'gitlab.dump.sql', '--schema', 'public', '-o', 'gitlab.snap.sql', '--json');
      expect(run.code, run.stderr).toBe(0);
      snapshots.offline = parseSnapshot(readFileSync(join(dir, 'gitlab.snap.sql'), 'utf8'));
    }, 900_000);

    for (const tenant of TENANTS) {
      it(`provisions ${JSON.stringify(tenant.name)} from the ${tenant.snapshot} snapshot (${tenant.via}): its own partitions, sequences and triggers; verify agrees`, async () => {
        const snapshot = snapshots[tenant.snapshot];
        expect(snapshot, 'snapshot made').toBeDefined();
        const provisioner = await createProvisioner(profile(), { via: tenant.via, concurrency: 1 });
        try {
          await provisioner.provisionTenant(snapshotSource(snapshot as Snapshot), tenant.name);
        } finally {
          await provisioner.close();
        }
        const client = await cluster.connect('gitlab');
        try {
          await client.query('begin');
          await checkGitlab(client, q(tenant.name), tenant.name);
        } finally {
          await client.query('rollback').catch(() => undefined);
          await client.end();
        }
        const verdict = await verifyTenant(profile(), { template: 'public', tenant: tenant.name, carries: findSnapshotCarries((snapshot as Snapshot).body) });
        expect(verdict.differences.map((d) => `${d.kind} ${d.object}: ${d.detail}`), `verify ${tenant.name}`).toEqual([]);
        expect(verdict.isolated && verdict.equal).toBe(true);
        expect(verdict.compared.partition).toBe(carried);
      }, 900_000);
    }
  });

  it('template --schema with a name that folds to the template is an error naming the schemas the dump holds', async () => {
    const run = await cli('template', 'pgmq.dump.sql', '--schema', 'PGMQ', '-o', 'pgmq.none.sql');
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/"pgmq"/);
    expect(existsSync(join(dir, 'pgmq.none.sql'))).toBe(false);
  });
});
