/**
 * The Citus compatibility report against what Citus really refuses: each kind
 * of finding, tried in a distributed schema on a real cluster, is refused
 * with the message the report quotes (and the rewritten identity is
 * accepted); and over the corpus and real-world schemas the report names what
 * Citus would refuse in each. The cluster part skips where Citus is not
 * installed; the corpus part where ../shared is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citusSkipReason, startCitusCluster, type CitusCluster } from '../harness/citus.js';
import { findCitusFindings, type CitusFinding } from '../../../core/citus/compat-report.js';
import { buildCitusTenantSql } from '../../../core/citus/tenant-sql.js';
import { runStatementsOneByOne } from '../../../electron/services/citus/run-statements.js';

const skip = citusSkipReason();
if (skip) console.warn(`Citus compatibility tests on a cluster skipped: ${skip}.`);
const SHARED = fileURLToPath(new URL('../../../../shared/', import.meta.url));
const hasShared = existsSync(`${SHARED}corpus/pagila.sql`) && existsSync(`${SHARED}realworld/gitlab.sql`);

const DB = 'tenantry';

/** One statement of each kind the report flags, in tenant schema t, with what it needs before it. */
const TRIED: { kind: CitusFinding['kind']; setup: string; statement: string }[] = [
  { kind: 'foreign-table', setup: 'CREATE EXTENSION IF NOT EXISTS postgres_fdw; CREATE SERVER IF NOT EXISTS far FOREIGN DATA WRAPPER postgres_fdw;', statement: 'CREATE FOREIGN TABLE t.f (a int) SERVER far;' },
  { kind: 'inheritance', setup: 'CREATE TABLE t.parent (a int);', statement: 'CREATE TABLE t.child (b int) INHERITS (t.parent);' },
  { kind: 'partition-elsewhere', setup: 'CREATE TABLE IF NOT EXISTS public.shared_parent (k int) PARTITION BY LIST (k);', statement: 'CREATE TABLE t.part PARTITION OF public.shared_parent FOR VALUES IN (1);' },
  { kind: 'foreign-key-elsewhere', setup: 'CREATE TABLE IF NOT EXISTS public.countries (id int PRIMARY KEY); CREATE TABLE t.addr (c int);', statement: 'ALTER TABLE ONLY t.addr ADD CONSTRAINT addr_c_fkey FOREIGN KEY (c) REFERENCES public.countries(id);' },
  { kind: 'alter-table-form', setup: 'CREATE TABLE t.stats (c int);', statement: 'ALTER TABLE ONLY t.stats ALTER COLUMN c SET STATISTICS 1000;' },
  { kind: 'alter-table-form', setup: 'CREATE TABLE t.cl (c int PRIMARY KEY);', statement: 'ALTER TABLE t.cl CLUSTER ON cl_pkey;' },
  { kind: 'identity-alter', setup: 'CREATE TABLE t.ids (id integer NOT NULL);', statement: 'ALTER TABLE t.ids ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME t.ids_id_seq);' },
  { kind: 'trigger', setup: "CREATE TABLE t.tr (c int); CREATE FUNCTION t.f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;", statement: 'CREATE TRIGGER tr_t BEFORE INSERT ON t.tr FOR EACH ROW EXECUTE FUNCTION t.f();' },
];

describe.skipIf(Boolean(skip))(skip ? `Citus refuses what the report says — SKIPPED: ${skip}` : 'Citus refuses what the report says', () => {
  let citus: CitusCluster;
  beforeAll(async () => {
    citus = await startCitusCluster({ database: DB });
  }, 180_000);
  afterAll(async () => {
    await citus?.stop();
  });

  it.each(TRIED.map((t) => [t.kind, t.statement, t] as const))('%s: %s', async (_kind, _statement, tried) => {
    const findings = findCitusFindings(`${tried.setup}\n${tried.statement}`, { tenantSchema: 't' });
    expect(findings.map((f) => f.kind)).toEqual([tried.kind]);
    const finding = findings[0]!;
    // One statement per query, as Tenantry sends them (a multi-statement text is refused for another reason).
    const attempt = async (sql: string, unsafeTriggers = 'off', setup = tried.setup) => {
      const client = await citus.coordinator.connect(DB);
      try {
        await runStatementsOneByOne(client, `BEGIN; SET LOCAL citus.enable_unsafe_triggers = ${unsafeTriggers}; SET LOCAL citus.enable_schema_based_sharding = on; CREATE SCHEMA t; ${setup}\n${sql}`);
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        await client.end();
      }
    };
    // Citus refuses the statement as written, with the message the report quotes.
    const refused = await attempt(tried.statement);
    expect(finding.citus).toContain(refused);
    if (finding.handling === 'rewritten') {
      const rewritten = buildCitusTenantSql(`${tried.setup}\n${tried.statement}`, 'distributed');
      expect(rewritten).not.toContain('ADD GENERATED');
      expect(await attempt(rewritten, 'off', '')).toBe('accepted');
    }
    if (finding.handling === 'setting') expect(await attempt(tried.statement, 'on')).toBe('accepted');
  }, 60_000);
});

describe.skipIf(!hasShared)(hasShared ? 'the Citus report over the corpus and real-world schemas' : 'the Citus report over the corpus — SKIPPED: ../shared is absent', () => {
  const cases: [string, string, Record<string, number>][] = [
    ['corpus/pagila.sql', 'public', { 'trigger/setting': 15 }],
    ['corpus/danbooru.sql', 'public', { 'alter-table-form/refused': 1 }],
    ['corpus/pg-clone-schema-sample.sql', 'sample', { 'inheritance/refused': 9, 'trigger/setting': 8 }],
    ['corpus/osm.sql', 'public', {}],
    ['realworld/adventureworks.sql', 'sales', { 'foreign-key-elsewhere/refused': 12 }],
    ['realworld/basejump.sql', 'basejump', { 'foreign-key-elsewhere/refused': 5, 'trigger/setting': 8 }],
    ['realworld/postgrest.sql', 'api', { 'trigger/setting': 16, 'foreign-key-elsewhere/refused': 39, 'foreign-table/refused': 1 }],
    ['realworld/supabase-storage.sql', 'storage', { 'trigger/setting': 19 }],
    ['realworld/pgmq.sql', 'pgmq', {}],
  ];
  it.each(cases)('%s (template %s)', (file, schema, expected) => {
    const findings = findCitusFindings(readFileSync(`${SHARED}${file}`, 'utf8'), { tenantSchema: schema });
    const counts: Record<string, number> = {};
    for (const f of findings) counts[`${f.kind}/${f.handling}`] = (counts[`${f.kind}/${f.handling}`] ?? 0) + 1;
    expect(counts).toEqual(expected);
    for (const f of findings) expect(f.line).toBeGreaterThan(0);
  });

  it('names the line of danbooru\'s SET STATISTICS', () => {
    const [finding] = findCitusFindings(readFileSync(`${SHARED}corpus/danbooru.sql`, 'utf8'), { tenantSchema: 'public' });
    expect(finding).toMatchObject({ line: 935, statement: 'ALTER TABLE ONLY public.good_jobs ALTER COLUMN finished_at SET STATISTICS 1000;', handling: 'refused' });
  });
});
