/**
 * The catalog reads of a snapshot besides the shared objects (read-shared-objects.ts has its own test): the
 * partitions-elsewhere check, the ledger tables and the configuration-table hints. On a fresh cluster whose catalogs
 * autovacuum has never analysed, in a database holding the template and many tenant-like schemas, none reads a
 * catalog that grows with every schema whole, and the work each does (buffers touched) does not grow with the
 * number of schemas beside the template (issue 11: snapshot time flat in tenant count). The previous queries
 * filtered pg_class by schema, which has no index: a scan of every tenant's relations.
 * Also: a snapshot opens one connection of its own, held through pg_dump (not four, nor two: each costs the server
 * a backend start and cold catalog caches), and a new one only when the held one was closed while pg_dump ran.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateTemplateSql } from '../../../support/generate-template.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { FOREIGN_PARTITIONS_SQL, readForeignPartitions } from '../../../electron/services/catalog/read-foreign-partitions.js';
import { CONFIG_CANDIDATES_SQL, CONFIG_NAME, readConfigTableHints } from '../../../electron/services/catalog/read-config-table-hints.js';
import { LEDGER_CANDIDATES_SQL, readLedgers } from '../../../electron/services/snapshot/read-ledgers.js';
import { KNOWN_LEDGER_TABLES } from '../../../core/ledger/ledger-tables.js';
import { createTenantSnapshot } from '../../../electron/services/snapshot/create-tenant-snapshot.js';
import { profileFor } from '../harness/profile.js';

// The configuration-table candidates as they were read before (frozen copy): pg_class filtered by schema.
const OLD_CONFIG_CANDIDATES_SQL = `
select c.relname from pg_catalog.pg_class c
 where c.relnamespace = (select oid from pg_catalog.pg_namespace where nspname = $1) and c.relkind in ('r', 'p')
   and c.relname ~* $2 and not (c.relname = any($3::text[]))
   and not exists (select 1 from pg_catalog.pg_depend e where e.classid = 'pg_catalog.pg_class'::regclass and e.objid = c.oid and e.deptype = 'e')
 order by 1 limit 50`;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Loops'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PlanNode[];
}

/** Relations the plan reads by a sequential scan that runs (a branch never executed costs nothing). */
function seqScans(node: PlanNode, out: string[] = []): string[] {
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] && (node['Actual Loops'] ?? 1) > 0) out.push(node['Relation Name']);
  for (const child of node.Plans ?? []) seqScans(child, out);
  return out;
}

async function explain(client: pg.ClientBase, sql: string, params: unknown[]): Promise<PlanNode> {
  const { rows } = await client.query(`explain (format json, analyze, buffers) ${sql}`, params);
  return ((rows[0] as { 'QUERY PLAN': { Plan: PlanNode }[] })['QUERY PLAN'][0] as { Plan: PlanNode }).Plan;
}

function blocks(plan: PlanNode): number {
  return (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
}

/**
 * Catalogs that grow with every schema in the database: none may be read whole. (pg_inherits grows only with
 * partitions, which these tenants do not have: the planner rightly reads its few rows whole.)
 */
const GROWING_CATALOGS = ['pg_depend', 'pg_class', 'pg_type', 'pg_proc', 'pg_constraint', 'pg_attrdef', 'pg_trigger', 'pg_attribute', 'pg_index'];

const TEMPLATE_SQL = `
CREATE ROLE hint_reader LOGIN PASSWORD 'hint-pw';
CREATE SCHEMA tmpl; CREATE SCHEMA parts;
GRANT USAGE ON SCHEMA tmpl TO hint_reader;
CREATE TABLE tmpl.events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE parts.events_2024 PARTITION OF tmpl.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01') PARTITION BY RANGE (id);
CREATE TABLE parts.events_2024_low PARTITION OF parts.events_2024 FOR VALUES FROM (MINVALUE) TO (1000);
CREATE TABLE tmpl.schema_migrations (version text PRIMARY KEY);
INSERT INTO tmpl.schema_migrations VALUES ('1'), ('2');
CREATE TABLE tmpl.settings (singleton boolean PRIMARY KEY DEFAULT true, teams boolean NOT NULL);
INSERT INTO tmpl.settings VALUES (true, true);
CREATE TABLE tmpl.app_config (key text PRIMARY KEY, value text);
INSERT INTO tmpl.app_config VALUES ('a', '1'), ('b', '2');
CREATE TABLE tmpl.feature_flags (name text PRIMARY KEY);
CREATE TABLE tmpl.user_settings (id int PRIMARY KEY);
INSERT INTO tmpl.user_settings SELECT g FROM generate_series(1, 50) g;
GRANT SELECT ON tmpl.settings, tmpl.feature_flags, tmpl.user_settings TO hint_reader;
`;

let cluster: Cluster;

beforeAll(async () => {
  // autovacuum off: the catalogs stay as unanalysed as right after loading a schema.
  cluster = await startCluster({ conf: { autovacuum: 'off' } });
  await cluster.createDatabase('app');
  await cluster.query(TEMPLATE_SQL, 'app');
});

afterAll(async () => {
  await cluster?.query('DROP ROLE IF EXISTS hint_reader').catch(() => undefined);
  await cluster?.stop();
});

describe('the snapshot catalog reads besides the shared objects', () => {
  it('count the configuration tables in one statement, and one by one when the role cannot read one of them', async () => {
    const superuser = await cluster.connect('app');
    const reader = new pg.Client({ host: cluster.host, port: cluster.port, user: 'hint_reader', password: 'hint-pw', database: 'app' });
    await reader.connect();
    try {
      expect(await readConfigTableHints(superuser, 'tmpl', [])).toEqual([
        { table: 'app_config', rows: 2 },
        { table: 'settings', rows: 1 },
      ]);
      // app_config is not readable: no hint, and the others are still counted.
      expect(await readConfigTableHints(reader, 'tmpl', [])).toEqual([{ table: 'settings', rows: 1 }]);
      expect(await readConfigTableHints(superuser, 'tmpl', ['settings'])).toEqual([{ table: 'app_config', rows: 2 }]);
    } finally {
      await reader.end();
      await superuser.end();
    }
  });

  it('a snapshot connects once: its checks before pg_dump and the catalog after it share a connection (the Citus facts too)', async () => {
    const connect = vi.spyOn(pg.Client.prototype, 'connect');
    try {
      const result = await createTenantSnapshot(profileFor(cluster, 'app'), { schema: 'tmpl', carryPartitions: true });
      expect(result.ledger.tables).toEqual([{ name: 'schema_migrations', rows: 2 }]);
      expect(result.configTables).toEqual([
        { table: 'app_config', rows: 2 },
        { table: 'settings', rows: 1 },
      ]);
      expect(result.carried.join('\n')).toContain('2 partitions of events (kept in parts)');
      expect(result.citus).toBeUndefined();
      // Before: four (the partitions check, the existence check, the catalog, the Citus check), then two.
      expect(connect).toHaveBeenCalledTimes(1);
    } finally {
      connect.mockRestore();
    }
  });

  it('a snapshot whose held connection the server closes while pg_dump runs reads the catalog on a new one', async () => {
    const expected = await createTenantSnapshot(profileFor(cluster, 'app'), { schema: 'tmpl', carryPartitions: true });
    // pg_dump waits for its lock on tmpl.settings while the held connection idles; the server then ends that
    // connection (as idle_session_timeout or a proxy would), and only then may pg_dump go on.
    const locker = await cluster.connect('app');
    const watcher = await cluster.connect('app');
    const connect = vi.spyOn(pg.Client.prototype, 'connect');
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE tmpl.settings IN ACCESS EXCLUSIVE MODE');
      const pending = createTenantSnapshot(profileFor(cluster, 'app'), { schema: 'tmpl', carryPartitions: true });
      const sessions = async (): Promise<{ pid: number; state: string; waiting: boolean }[]> =>
        (
          await watcher.query<{ pid: number; state: string; waiting: boolean }>(
            "select pid, state, wait_event_type is not distinct from 'Lock' as waiting from pg_catalog.pg_stat_activity where datname = 'app' and application_name = 'tenantry' and pid <> pg_catalog.pg_backend_pid()",
          )
        ).rows;
      await vi.waitFor(async () => expect((await sessions()).some((s) => s.waiting)).toBe(true), { timeout: 30_000, interval: 50 });
      const idle = (await sessions()).filter((s) => s.state === 'idle');
      expect(idle).toHaveLength(1);
      await watcher.query('select pg_catalog.pg_terminate_backend($1)', [idle[0]!.pid]);
      await vi.waitFor(async () => expect((await sessions()).map((s) => s.pid)).not.toContain(idle[0]!.pid), { timeout: 30_000, interval: 50 });
      await locker.query('COMMIT');
      const result = await pending;
      expect(connect).toHaveBeenCalledTimes(2);
      expect(result.snapshot.body).toBe(expected.snapshot.body);
      expect(result.snapshot.header.contexts).toEqual(expected.snapshot.header.contexts);
      expect(result.configTables).toEqual(expected.configTables);
      expect(result.ledger).toEqual(expected.ledger);
      expect(result.shared).toEqual(expected.shared);
    } finally {
      connect.mockRestore();
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
      await watcher.end();
    }
  });

  it('read no growing catalog whole and do the same work with 0 and 60 other schemas', async () => {
    const client = await cluster.connect('app');
    try {
      const stats = await client.query(`select count(*)::int as n from pg_stat_all_tables where relname = 'pg_class' and (last_analyze is not null or last_autoanalyze is not null)`);
      expect(stats.rows[0].n).toBe(0);
      const queries: [string, string, unknown[]][] = [
        ['partitions', FOREIGN_PARTITIONS_SQL, ['tmpl']],
        ['config candidates', CONFIG_CANDIDATES_SQL, ['tmpl', CONFIG_NAME, []]],
        ['ledger tables', LEDGER_CANDIDATES_SQL, ['tmpl', [...KNOWN_LEDGER_TABLES, 'settings']]],
      ];
      const answers = async (): Promise<unknown> => ({
        partitions: await readForeignPartitions(client, 'tmpl'),
        ledgers: await readLedgers(client, 'tmpl', ['settings']),
        hints: await readConfigTableHints(client, 'tmpl', []),
      });
      const before = new Map<string, number>();
      for (const [name, sql, params] of queries) before.set(name, blocks(await explain(client, sql, params)));
      const oldBefore = blocks(await explain(client, OLD_CONFIG_CANDIDATES_SQL, ['tmpl', CONFIG_NAME, []]));
      const answersBefore = await answers();

      // Ten tenants per query: one query is one transaction, and 60 tenants' locks overflow a default lock table.
      for (let start = 0; start < 60; start += 10) {
        const sql: string[] = [];
        for (let i = start; i < start + 10; i++) sql.push(generateTemplateSql({ schema: `tenant_${i}`, tables: 10 }));
        await cluster.query(sql.join('\n'), 'app');
      }
      for (const [name, sql, params] of queries) {
        const plan = await explain(client, sql, params);
        expect(seqScans(plan).filter((r) => GROWING_CATALOGS.includes(r)), name).toEqual([]);
        // An index may gain a level; a scan of a catalog would grow with the 60 schemas' thousands of rows.
        expect(blocks(plan), `${name}: ${before.get(name)} blocks before the tenants`).toBeLessThanOrEqual(Math.ceil(before.get(name)! * 1.25) + 10);
      }
      // The previous query read every schema's relations: the same check fails for it.
      expect(blocks(await explain(client, OLD_CONFIG_CANDIDATES_SQL, ['tmpl', CONFIG_NAME, []]))).toBeGreaterThan(oldBefore * 1.25 + 10);
      expect(await answers()).toEqual(answersBefore);
    } finally {
      await client.end();
    }
  }, 120_000);
});
