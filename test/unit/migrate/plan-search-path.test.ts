import { describe, expect, it } from 'vitest';
import { planMigration } from '../../../core/migrate/plan-migration.js';
import { planSearchPath } from '../../../core/migrate/plan-search-path.js';

const judge = (...sqls: string[]) => planSearchPath(planMigration(sqls.map((sql, i) => ({ name: `V${i + 1}__m.sql`, sql })), { template: 'app', serverMajor: 15 }));

/** The typical migration of the bench (bench/migrate.ts). */
const TYPICAL = `ALTER TABLE app.t_1 ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
CREATE INDEX t_1_name_idx ON app.t_1 (name);
CREATE OR REPLACE FUNCTION app.touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := clock_timestamp();
  RETURN NEW;
END;
$$;
ALTER TABLE app.t_2 ADD COLUMN owner_id bigint;
ALTER TABLE app.t_2 ADD CONSTRAINT t_2_owner_fk FOREIGN KEY (owner_id) REFERENCES app.t_1 (id);
`;

describe('a migration that needs no search_path', () => {
  it('the typical migration: its unqualified names are left for the runner to check, its columns, index and constraint names are not', () => {
    const p = judge(TYPICAL);
    expect(p.free).toBe(true);
    if (!p.free) return;
    expect(p.names).toContain('text');
    expect(p.names).toContain('trigger');
    // Names of columns, of the index and of the constraint are never looked up through the path.
    for (const n of ['tags', 't_1_name_idx', 't_2_owner_fk', 'name']) expect(p.names).not.toContain(n);
    // Nothing of the function body: it runs later, with the caller's settings.
    for (const n of ['updated_at', 'clock_timestamp', 'new']) expect(p.names).not.toContain(n);
  });

  it.each([
    ['a table qualified with the template', 'CREATE TABLE app.tags (id bigint PRIMARY KEY, label text NOT NULL, owner_id bigint REFERENCES app.t_1 (id));'],
    ['a sequence, a type, a domain, a view', "CREATE SEQUENCE app.counter_seq; CREATE TYPE app.mood AS ENUM ('a', 'b'); CREATE DOMAIN app.positive_int AS integer CHECK (VALUE > 0); CREATE VIEW app.user_view AS SELECT id FROM app.t_1;"],
    ['a trigger (it belongs to its table)', 'CREATE TRIGGER trg BEFORE UPDATE ON app.t_1 FOR EACH ROW EXECUTE FUNCTION app.touch();'],
    ['drops and comments', "DROP INDEX IF EXISTS app.t_1_name_idx; COMMENT ON TABLE app.t_1 IS 'the users, see public.x';"],
    ['ALTER TABLE with now() and a storage parameter', 'ALTER TABLE app.t_1 ADD COLUMN seen_at timestamptz DEFAULT now(), SET (fillfactor = 70);'],
    ['a PL/pgSQL function without DECLARE', 'CREATE FUNCTION app.f(a integer) RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN a + 1; END $$;'],
  ])('%s', (_what, sql) => expect(judge(sql).free).toBe(true));
});

describe('a migration that keeps search_path', () => {
  it.each([
    // Creation positions: the object would land in public.
    ['an unqualified CREATE TABLE', 'CREATE TABLE audit (id bigint);', /CREATE TABLE not qualified/],
    ['an unqualified CREATE FUNCTION', 'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;', /function not qualified/],
    ['an unqualified CREATE TYPE', "CREATE TYPE mood AS ENUM ('a');", /CREATE TYPE not qualified/],
    ['an unqualified CREATE SEQUENCE', 'CREATE SEQUENCE s;', /CREATE SEQUENCE not qualified/],
    ['an unqualified CREATE VIEW', 'CREATE VIEW v AS SELECT 1;', /CREATE VIEW not qualified/],
    ['CREATE TABLE AS (runs a query)', 'CREATE TABLE app.copy AS SELECT * FROM app.t_1;', /runs a query/],
    ['an unqualified ALTER TABLE', 'ALTER TABLE t_1 ADD COLUMN x int;', /ALTER TABLE of a table not qualified/],
    ['an index on an unqualified table', 'CREATE INDEX i ON t_1 (name);', /CREATE INDEX on a table not qualified/],
    // Statements that run the database's code.
    ['DML (triggers)', "UPDATE app.t_1 SET name = 'x';", /other than DDL/],
    ['a DO block', 'DO $$ BEGIN PERFORM 1; END $$;', /other than DDL/],
    ['SET', 'SET LOCAL lock_timeout = 0;', /other than DDL/],
    ['a column type change (rewrite)', 'ALTER TABLE app.t_1 ALTER COLUMN name TYPE varchar(20);', /TYPE may rewrite/],
    ['a volatile default (rewrite)', 'ALTER TABLE app.t_1 ADD COLUMN u uuid DEFAULT gen_random_uuid();', /calling gen_random_uuid/],
    ['a serial column (rewrite)', 'ALTER TABLE app.t_1 ADD COLUMN n serial;', /SERIAL may rewrite/],
    ['an identity column (rewrite)', 'ALTER TABLE app.t_1 ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;', /GENERATED may rewrite/],
    ['VALIDATE CONSTRAINT', 'ALTER TABLE app.t_1 VALIDATE CONSTRAINT c;', /VALIDATE may rewrite/],
    ["a check calling the tenant's own function", 'ALTER TABLE app.t_1 ADD CONSTRAINT c CHECK (app.ok(name));', /\.ok of the tenant may run its code/],
    ["a column of the tenant's own type (domain checks)", 'ALTER TABLE app.t_1 ADD COLUMN m app.mood;', /\.mood of the tenant may run its code/],
    ["an index expression with the tenant's function", 'CREATE INDEX i ON app.t_1 (app.norm(name));', /\.norm of the tenant may run its code/],
    // Function bodies: validated at creation.
    ['a SQL function (its body is analysed at creation)', 'CREATE FUNCTION app.f() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM t_1 $$;', /function in sql/],
    ['an SQL-standard body (bound at creation)', 'CREATE FUNCTION app.f() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT 1; END;', /SQL-standard function body/],
    ['a PL/pgSQL DECLARE (types resolved at creation)', 'CREATE FUNCTION app.f() RETURNS int LANGUAGE plpgsql AS $$ DECLARE m mood; BEGIN RETURN 1; END $$;', /with DECLARE/],
    ['a default argument', 'CREATE FUNCTION app.f(a int DEFAULT 1) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN a; END $$;', /argument with a default/],
    ['SET search_path FROM CURRENT', 'CREATE FUNCTION app.f() RETURNS int LANGUAGE plpgsql SET search_path FROM CURRENT AS $$ BEGIN RETURN 1; END $$;', /search_path depends on the path/],
    // What observes the path.
    ['a regclass literal', "ALTER TABLE app.t_1 ADD COLUMN c text DEFAULT 't_2'::regclass::text;", /regclass depends on the path/],
    ['current_schema()', 'ALTER TABLE app.t_1 ADD COLUMN s text DEFAULT current_schema;', /current_schema depends on the path/],
    ['the schema named alone', 'GRANT USAGE ON SCHEMA app TO someone;', /tenant schema named alone/],
  ])('%s', (_what, sql, reason) => {
    const p = judge(sql);
    expect(p.free).toBe(false);
    if (!p.free) expect(p.reason).toMatch(reason);
  });

  it('a name the migration creates, used unqualified later, even derived (a serial sequence)', () => {
    expect(judge('CREATE TYPE app.mood AS ENUM (\'a\');', 'ALTER TABLE app.t_1 ADD COLUMN m mood;')).toMatchObject({ free: false, reason: '"mood" may name "mood", which the migration creates' });
    expect(judge('CREATE TABLE app.items (id bigint);', "COMMENT ON SEQUENCE items_id_seq IS 'x';")).toMatchObject({ free: false, reason: '"items_id_seq" may name "items", which the migration creates' });
  });

  it('one version that needs the path makes every version keep it', () => {
    expect(judge(TYPICAL, 'CREATE TABLE audit (id bigint);')).toMatchObject({ free: false, reason: expect.stringMatching(/^V2__m.sql: CREATE TABLE not qualified/) });
  });
});

describe('the names the runner checks', () => {
  it.each([
    ['a relation referenced unqualified', 'ALTER TABLE app.t_1 ADD COLUMN team_id bigint REFERENCES teams (id);', 'teams'],
    ['a type', 'ALTER TABLE app.t_1 ADD COLUMN m mood;', 'mood'],
    ['a cast', "ALTER TABLE app.t_1 ADD COLUMN m text DEFAULT 'x'::mood;", 'mood'],
    ['a function in an index expression', 'CREATE INDEX t_1_norm_idx ON app.t_1 (norm(name));', 'norm'],
    ['a name inside a string (it may be read as a name)', "CREATE TABLE app.counters (id bigint DEFAULT nextval('counter'));", 'counter'],
    ['an opclass', 'CREATE INDEX t_1_pattern_idx ON app.t_1 (name text_pattern_ops);', 'text_pattern_ops'],
    ['a function argument type', 'CREATE FUNCTION app.mood_rank(m mood) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;', 'mood'],
  ])('%s', (_what, sql, name) => {
    const p = judge(sql);
    expect(p.free).toBe(true);
    if (p.free) expect(p.names).toContain(name);
  });

  it('operators', () => {
    const p = judge('CREATE INDEX t_1_live_idx ON app.t_1 (name) WHERE id > 0;');
    expect(p.free && p.operators).toEqual(['>']);
  });
});
