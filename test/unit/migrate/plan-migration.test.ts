import { describe, expect, it } from 'vitest';
import { compareVersions, migrationVersion, sortMigrationFiles } from '../../../core/migrate/migration-files.js';
import { planMigration } from '../../../core/migrate/plan-migration.js';
import { renderMigrationStep } from '../../../core/migrate/render-migration.js';
import { classifyStatement } from '../../../core/migrate/statement-kinds.js';
import { groupUnits } from '../../../electron/services/migrate/tenant-step.js';
import { TenantryError } from '../../../core/errors.js';

const plan = (sql: string, extra: Partial<Parameters<typeof planMigration>[1]> = {}) => planMigration([{ name: 'V1__m.sql', sql }], { template: 'app', serverMajor: 15, ...extra });
const render = (sql: string, tenant: string, extra: Partial<Parameters<typeof planMigration>[1]> = {}) => {
  const p = plan(sql, extra);
  return renderMigrationStep(p, (p.versions[0] as (typeof p.versions)[number]).step, tenant);
};

describe('migration versions', () => {
  it.each([
    ['V12__add_tags.sql', '12'],
    ['V1_1__x.sql', '1.1'],
    ['20240101120000_add_tags.sql', '20240101120000'],
    ['0012-add.sql', '0012'],
    ['12.sql', '12'],
    ['add_tags.sql', 'add_tags'],
  ])('%s is version %s', (name, version) => expect(migrationVersion(name)).toBe(version));

  it('sorts numerically, segment by segment', () => {
    expect(['V10__b.sql', 'V9__a.sql', 'V1_2__c.sql', 'V1_10__d.sql'].map((name) => ({ name, sql: '' })).map((f) => f.name).sort((a, b) => compareVersions(migrationVersion(a), migrationVersion(b)))).toEqual(['V1_2__c.sql', 'V1_10__d.sql', 'V9__a.sql', 'V10__b.sql']);
  });

  it('refuses two files of one version', () => {
    expect(() => sortMigrationFiles([{ name: 'V2__a.sql', sql: '' }, { name: '2_b.sql', sql: '' }])).toThrow(/both have version 2/);
  });
});

describe('statements that cannot run in a transaction', () => {
  it.each([
    ['CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a)', 'alone', undefined],
    ['create unique index concurrently if not exists i on t (a)', 'alone', undefined],
    ['CREATE INDEX CONCURRENTLY i ON t (a)', 'alone', 'IF NOT EXISTS'],
    ['DROP INDEX CONCURRENTLY i', 'alone', 'IF EXISTS'],
    ['VACUUM t', 'alone', undefined],
    ['REINDEX INDEX CONCURRENTLY i', 'alone', undefined],
    ['CREATE INDEX i ON t (a)', 'transactional', undefined],
  ])('%s', (sql, kind, problem) => {
    const k = classifyStatement(sql, 15);
    expect(k.kind).toBe(kind);
    if (problem !== undefined) expect(k.kind === 'alone' ? k.problem : '').toContain(problem);
    else if (k.kind === 'alone') expect(k.problem).toBeUndefined();
  });

  it('ALTER TYPE … ADD VALUE: in the transaction from 12 (committing before the next version), alone before', () => {
    expect(classifyStatement("ALTER TYPE app.mood ADD VALUE 'meh'", 15)).toEqual({ kind: 'transactional', commitAfter: true });
    expect(classifyStatement("ALTER TYPE app.mood ADD VALUE IF NOT EXISTS 'meh'", 11)).toMatchObject({ kind: 'alone' });
    expect(classifyStatement("ALTER TYPE app.mood ADD VALUE 'meh'", 11)).toMatchObject({ kind: 'alone', problem: expect.stringContaining('IF NOT EXISTS') });
  });

  it('a statement that must run alone shares its file with nothing', () => {
    const p = plan('ALTER TABLE app.t ADD COLUMN a int;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON app.t (a);');
    expect(p.refused).toEqual([expect.objectContaining({ line: 2, reason: expect.stringContaining('must be the only statement of its file') })]);
  });

  it('groups consecutive transactional versions into one transaction; alone and ADD VALUE versions end it', () => {
    const files = ['V1__a.sql', 'V2__b.sql', 'V3__c.sql', 'V4__d.sql', 'V5__e.sql'];
    const sql = ['ALTER TABLE app.t ADD COLUMN a int;', "ALTER TYPE app.mood ADD VALUE 'x';", 'ALTER TABLE app.t ADD COLUMN b int;', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON app.t (a);', 'ALTER TABLE app.t ADD COLUMN c int;'];
    const p = planMigration(files.map((name, i) => ({ name, sql: sql[i] as string })), { template: 'app', serverMajor: 15 });
    expect(groupUnits(p.versions).map((u) => [u.kind, u.versions.map((v) => v.version)])).toEqual([
      ['transaction', ['1', '2']],
      ['transaction', ['3']],
      ['alone', ['4']],
      ['transaction', ['5']],
    ]);
  });
});

describe('templating a migration', () => {
  it('replaces the template in identifiers, regclass literals, search_path and function bodies', () => {
    const sql = [
      'ALTER TABLE app.items ADD COLUMN tags text[];',
      "SELECT pg_catalog.setval('app.items_id_seq'::regclass, 1);",
      'CREATE FUNCTION app.f() RETURNS int LANGUAGE sql SET search_path = app AS $$ SELECT count(*)::int FROM app.items $$;',
      'ALTER TABLE "app".items ADD COLUMN n int;',
    ].join('\n');
    expect(render(sql, 'Acme Co')).toBe(
      [
        'ALTER TABLE "Acme Co".items ADD COLUMN tags text[];',
        "SELECT pg_catalog.setval('\"Acme Co\".items_id_seq'::regclass, 1);",
        'CREATE FUNCTION "Acme Co".f() RETURNS int LANGUAGE sql SET search_path = "Acme Co" AS $$ SELECT count(*)::int FROM "Acme Co".items $$;',
        'ALTER TABLE "Acme Co".items ADD COLUMN n int;',
      ].join('\n'),
    );
  });

  it('reads the placeholder form the same way', () => {
    expect(render("ALTER TABLE #{prefix}.items ADD COLUMN a int;\nSELECT '#{prefix}.items'::regclass;", 't1')).toBe("ALTER TABLE t1.items ADD COLUMN a int;\nSELECT 't1.items'::regclass;");
  });

  it('renders for the template itself as written', () => {
    const sql = "ALTER TABLE app.items ADD COLUMN a int;\nSELECT 'app.items'::regclass;";
    expect(render(sql, 'app')).toBe(sql);
  });

  it('lists references that need a decision, leaves kept ones, and applies decisions by id', () => {
    const sql = "DO $$ BEGIN PERFORM 1 FROM pg_catalog.pg_namespace WHERE nspname LIKE 'app.%'; END $$;";
    const p = plan(sql);
    expect(p.review).toHaveLength(1);
    expect(p.review[0]).toMatchObject({ file: 'V1__m.sql', line: 1, outcome: 'kept' });
    expect(render(sql, 't1')).toBe(sql);
    const id = (p.review[0] as { id: string }).id;
    expect(render(sql, 't1', { decisions: { [id]: 'replace' } })).toContain("LIKE 't1.%'");
    expect(() => plan(sql, { decisions: { 'V1__m.sql/preamble/comment#9': 'keep' } })).toThrow(TenantryError);
  });
});

describe('containment of migrations', () => {
  it.each([
    ['COMMIT;', 'transaction control'],
    ['BEGIN;', 'transaction control'],
    ['DROP SCHEMA app CASCADE;', 'never drops one'],
    ['DROP TABLE public.settings;', 'another schema'],
    ['UPDATE public.settings SET v = 1;', 'another schema'],
    ['DELETE FROM other.t;', 'another schema'],
    ['CREATE EXTENSION hstore;', 'extensions are per database'],
    ['CREATE ROLE r;', 'cluster-wide'],
    ['SET ROLE admin;', 'who the rest of the migration runs as'],
    ['\\! rm -rf /', 'meta-command'],
    ['ALTER TABLE public.t ADD COLUMN a int;', 'another schema'],
  ])('refuses %s', (sql, reason) => {
    const p = plan(`ALTER TABLE app.t ADD COLUMN z int;\n${sql}`);
    expect(p.refused.map((r) => r.reason).join('\n')).toContain(reason);
    expect(p.refused[0]?.line).toBe(2);
  });

  it.each([
    'DROP TABLE app.old;',
    'DROP INDEX app.old_idx;',
    'UPDATE app.items SET price = 0 WHERE price IS NULL;',
    'DELETE FROM app.items WHERE id < 0;',
    'INSERT INTO app.settings (k) VALUES (1);',
    "DO $$ BEGIN RAISE NOTICE 'x'; END $$;",
    'LOCK TABLE app.items IN SHARE MODE;',
    'SET search_path = app;',
    'SET LOCAL statement_timeout = 0;',
    'ANALYZE app.items;',
    'UPDATE items SET price = 0;',
  ])('accepts %s', (sql) => {
    expect(plan(sql).refused).toEqual([]);
  });
});
