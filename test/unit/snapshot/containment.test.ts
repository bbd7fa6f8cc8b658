/** The containment rules of a snapshot body (core/snapshot/containment.ts), as a table. */
import { describe, expect, it } from 'vitest';
import { TenantryError } from '../../../core/errors.js';
import { assertContained, findRefusedStatements } from '../../../core/snapshot/containment.js';

const P = '#{prefix}';
const options = { placeholder: P, sessionSettings: { search_path: "''", check_function_bodies: 'false' } };

/** [statement, the start of the reason it is refused] */
const REFUSED: [string, string][] = [
  ['BEGIN;', 'transaction control'],
  ['begin transaction isolation level serializable;', 'transaction control'],
  ['COMMIT;', 'transaction control'],
  ['commit work;', 'transaction control'],
  ['ROLLBACK;', 'transaction control'],
  ['SAVEPOINT a;', 'transaction control'],
  ['RELEASE SAVEPOINT a;', 'transaction control'],
  ['ROLLBACK TO SAVEPOINT a;', 'transaction control'],
  ["PREPARE TRANSACTION 'x';", 'transaction control'],
  ["COMMIT PREPARED 'x';", 'transaction control'],
  ['END;', 'transaction control'],
  ['ABORT;', 'transaction control'],
  ['START TRANSACTION;', 'transaction control'],
  ['SET CONSTRAINTS ALL DEFERRED;', 'transaction control'],
  ['SET TRANSACTION READ ONLY;', 'transaction control'],
  ['\\! touch /tmp/x', 'psql meta-command \\!'],
  ['\\connect postgres', 'psql meta-command \\connect'],
  ['\\c other', 'psql meta-command \\c'],
  ['\\restrict abc', 'psql meta-command \\restrict'],
  [`SELECT 1 \\g /tmp/out`, 'psql meta-command \\g'],
  ['SET search_path = other;', 'changes session state'],
  ['SET LOCAL search_path = other;', 'changes session state'],
  ["SET search_path = '', other;", 'changes session state'],
  ['SET SESSION AUTHORIZATION postgres;', 'SET SESSION AUTHORIZATION changes who'],
  ['SET ROLE postgres;', 'SET ROLE changes who'],
  ['RESET ALL;', 'changes session state'],
  ['DISCARD ALL;', 'changes session state'],
  ["SELECT pg_catalog.set_config('search_path', '', false);", 'changes session state'],
  ['CREATE DATABASE x;', 'CREATE DATABASE: databases are cluster-wide'],
  ['CREATE ROLE x;', 'CREATE ROLE: roles are cluster-wide'],
  ['CREATE USER x;', 'CREATE USER: roles are cluster-wide'],
  ['CREATE USER MAPPING FOR x SERVER s;', 'CREATE USER: roles are cluster-wide'],
  ['CREATE GROUP x;', 'CREATE GROUP: roles are cluster-wide'],
  ['CREATE EXTENSION pgcrypto;', 'CREATE EXTENSION: extensions are per database'],
  ["CREATE TABLESPACE t LOCATION '/tmp';", 'CREATE TABLESPACE: tablespaces are cluster-wide'],
  ['CREATE PUBLICATION p FOR ALL TABLES;', 'CREATE PUBLICATION'],
  ["CREATE SUBSCRIPTION s CONNECTION 'x' PUBLICATION p;", 'CREATE SUBSCRIPTION'],
  ['CREATE EVENT TRIGGER e ON ddl_command_start EXECUTE FUNCTION f();', 'CREATE EVENT: event triggers'],
  ['CREATE OR REPLACE TRUSTED LANGUAGE plx HANDLER h;', 'CREATE TRUSTED: languages'],
  ['CREATE CAST (int AS text) WITH INOUT;', 'CREATE CAST: casts are database-wide'],
  ['CREATE FOREIGN DATA WRAPPER w;', 'foreign-data wrappers are database-wide'],
  ['CREATE SCHEMA other;', 'CREATE SCHEMA of a schema other than the tenant'],
  ['CREATE SCHEMA AUTHORIZATION bob;', 'CREATE SCHEMA of a schema other than the tenant'],
  ['CREATE TABLE other.t (id int);', 'CREATE TABLE in another schema'],
  ['CREATE TABLE IF NOT EXISTS "Other".t (id int);', 'CREATE TABLE in another schema'],
  ['CREATE OR REPLACE FUNCTION public.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;', 'CREATE FUNCTION in another schema'],
  ['CREATE INDEX i ON public.t (id);', 'CREATE INDEX on a table in another schema'],
  ['CREATE TRIGGER tr AFTER INSERT ON other.t FOR EACH ROW EXECUTE FUNCTION f();', 'CREATE TRIGGER on a table in another schema'],
  ['ALTER DATABASE x SET work_mem = 1;', 'ALTER DATABASE'],
  ['ALTER ROLE x SUPERUSER;', 'ALTER ROLE'],
  ['ALTER EXTENSION pgcrypto UPDATE;', 'ALTER EXTENSION'],
  ["ALTER SYSTEM SET work_mem = '1GB';", 'ALTER SYSTEM: ALTER SYSTEM changes the server configuration'],
  ['ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO public;', 'ALTER DEFAULT PRIVILEGES without IN SCHEMA'],
  ['ALTER DEFAULT PRIVILEGES IN SCHEMA other GRANT SELECT ON TABLES TO public;', 'ALTER DEFAULT PRIVILEGES IN SCHEMA of a schema other'],
  [`ALTER DEFAULT PRIVILEGES IN SCHEMA ${P}, other GRANT SELECT ON TABLES TO public;`, 'ALTER DEFAULT PRIVILEGES IN SCHEMA of a schema other'],
  ['ALTER TABLE other.t DROP COLUMN id;', 'ALTER TABLE of an object in another schema'],
  ['ALTER TABLE IF EXISTS ONLY other.t ADD COLUMN x int;', 'ALTER TABLE of an object in another schema'],
  ['ALTER TABLE ALL IN TABLESPACE a SET TABLESPACE b;', 'ALTER TABLE ALL IN TABLESPACE'],
  ['ALTER SCHEMA other RENAME TO x;', 'ALTER SCHEMA of a schema other'],
  ['DROP SCHEMA other CASCADE;', 'DROP: a snapshot creates a new tenant'],
  ['DROP EXTENSION IF EXISTS pgcrypto;', 'DROP: a snapshot creates a new tenant'],
  [`DROP TABLE ${P}.t;`, 'DROP: a snapshot creates a new tenant'],
  ["COPY other.t FROM stdin;\n1\n\\.\n", 'COPY outside the tenant'],
  [`COPY ${P}.t FROM PROGRAM 'id';`, 'COPY … FROM a file or PROGRAM'],
  [`COPY ${P}.t FROM '/etc/passwd';`, 'COPY … FROM a file or PROGRAM'],
  [`COPY ${P}.t TO '/tmp/out';`, 'COPY … TO writes data out'],
  ["LOAD 'plugin';", 'LOAD loads a shared library'],
  ['DO $$ BEGIN EXECUTE $q$DROP SCHEMA other CASCADE$q$; END $$;', 'a DO block runs anonymous code'],
  ['CALL p();', 'CALL runs a procedure'],
  ['SELECT 1;', 'a top-level SELECT runs code'],
  ["SELECT pg_catalog.setval('other.s', 1, false);", 'a top-level SELECT runs code'],
  [`SELECT pg_catalog.setval('${P}.s', (SELECT 1), false);`, 'a top-level SELECT runs code'],
  ['INSERT INTO other.t VALUES (1);', 'INSERT outside the tenant'],
  ['INSERT INTO t VALUES (1);', 'INSERT outside the tenant'],
  ['UPDATE other.t SET x = 1;', 'UPDATE changes existing data'],
  ['DELETE FROM other.t;', 'DELETE changes existing data'],
  ['TRUNCATE other.t;', 'TRUNCATE changes existing data'],
  ['WITH d AS (DELETE FROM other.t) SELECT 1;', 'a WITH query'],
  ['GRANT admin TO bob;', 'GRANT/REVOKE of a role'],
  ['GRANT CONNECT ON DATABASE app TO bob;', 'GRANT/REVOKE on an object outside any schema'],
  ['GRANT USAGE ON SCHEMA other TO bob;', 'GRANT/REVOKE on a schema other than the tenant'],
  ['GRANT SELECT ON ALL TABLES IN SCHEMA other TO bob;', 'GRANT/REVOKE ON ALL … IN SCHEMA'],
  ["COMMENT ON DATABASE app IS 'x';", 'COMMENT on an object outside any schema'],
  ["COMMENT ON EXTENSION pgcrypto IS 'x';", 'COMMENT on an object outside any schema'],
  ["COMMENT ON SCHEMA other IS 'x';", 'COMMENT on a schema other than the tenant'],
  ["COMMENT ON TABLE other.t IS 'x';", 'COMMENT on an object in another schema'],
  ['VACUUM;', 'VACUUM is maintenance'],
  ['REASSIGN OWNED BY a TO b;', 'REASSIGN OWNED is database-wide'],
  ['NOTIFY x;', 'NOTIFY signals other sessions'],
  ['PREPARE q AS SELECT 1;', 'PREPARE'],
  [`CREATE FUNCTION ${P}.f() RETURNS int LANGUAGE sql BEGIN ATOMIC COMMIT; END;`, 'COMMIT inside a BEGIN ATOMIC function body'],
  // psql's grouping of BEGIN … END is not the server's: `AS begin` does not hide the statements after it.
  ['SELECT 1 AS begin; COMMIT; DROP SCHEMA other CASCADE; SELECT 1 AS end;', 'a top-level SELECT runs code'],
  // psql (and the one statement splitter) take a function named begin for a block and glue the DROP to the CREATE;
  // the server runs it as a statement of its own, so containment must judge it alone.
  [`CREATE FUNCTION ${P}.begin() RETURNS int LANGUAGE sql AS 'select 1'; DROP TABLE other.t;`, 'DROP'],
  // A CASE label must not keep a BEGIN ATOMIC body open past its END.
  [`CREATE FUNCTION ${P}.f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1 AS case; END; DELETE FROM other.t;`, 'DELETE changes existing data'],
];

/** Statements a snapshot holds: pg_dump output of a schema after templating, ledger rows. */
const ACCEPTED: string[] = [
  `CREATE SCHEMA ${P};`,
  `CREATE TABLE ${P}.t (id integer NOT NULL, name text DEFAULT 'x');`,
  `CREATE TABLE IF NOT EXISTS ${P}.t2 (id int);`,
  `CREATE UNLOGGED TABLE ${P}.u (id int);`,
  `CREATE SEQUENCE ${P}.s START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;`,
  `ALTER SEQUENCE ${P}.s OWNED BY ${P}.t.id;`,
  `ALTER TABLE ONLY ${P}.t ALTER COLUMN id SET DEFAULT nextval('${P}.s'::regclass);`,
  `ALTER TABLE ONLY ${P}.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);`,
  `ALTER TABLE ${P}.t OWNER TO app;`,
  `CREATE UNIQUE INDEX t_name ON ${P}.t USING btree (name);`,
  `CREATE INDEX t_lower ON ONLY ${P}.t USING btree (lower(name));`,
  `CREATE FUNCTION ${P}.f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN COMMIT; RETURN NEW; END $$;`,
  `CREATE OR REPLACE FUNCTION ${P}.g(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT a + 1; SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END; END;`,
  `CREATE PROCEDURE ${P}.p() LANGUAGE sql BEGIN ATOMIC INSERT INTO ${P}.t VALUES (1); END;`,
  `CREATE TRIGGER tr BEFORE UPDATE ON ${P}.t FOR EACH ROW EXECUTE FUNCTION ${P}.f();`,
  `CREATE VIEW ${P}.v AS SELECT id FROM ${P}.t;`,
  `CREATE MATERIALIZED VIEW ${P}.mv AS SELECT 1 WITH NO DATA;`,
  `CREATE TYPE ${P}.mood AS ENUM ('sad', 'ok');`,
  `CREATE DOMAIN ${P}.posint AS integer CHECK (VALUE > 0);`,
  `CREATE POLICY p ON ${P}.t USING (true);`,
  `ALTER TABLE ${P}.t ENABLE ROW LEVEL SECURITY;`,
  `CREATE TABLE ${P}.child PARTITION OF ${P}.t FOR VALUES IN (1);`,
  `COMMENT ON TABLE ${P}.t IS 'items; and more';`,
  `COMMENT ON COLUMN ${P}.t.id IS 'key';`,
  `COMMENT ON SCHEMA ${P} IS 'tenant';`,
  `GRANT SELECT ON TABLE ${P}.t TO app_ro;`,
  `GRANT USAGE ON SCHEMA ${P} TO app_ro;`,
  `REVOKE ALL ON FUNCTION ${P}.f() FROM PUBLIC;`,
  `ALTER DEFAULT PRIVILEGES FOR ROLE app IN SCHEMA ${P} GRANT SELECT ON TABLES TO app_ro;`,
  `INSERT INTO ${P}.schema_migrations (version) VALUES ('20240101'), ('20240102');`,
  `INSERT INTO ${P}.t (id) OVERRIDING SYSTEM VALUE VALUES (1);`,
  `SELECT pg_catalog.setval('${P}.s', 42, true);`,
  `SELECT pg_catalog.setval(E'${P}.s\\\\x', -1, false);`,
  `SELECT setval('${P}.s', 1);`,
  `COPY ${P}.t (id, name) FROM stdin;\n1\tBEGIN;\n2\t\\! not a command\n\\.\n`,
  `REFRESH MATERIALIZED VIEW ${P}.mv;`,
  "SET search_path = '';",
  'SET check_function_bodies = false;',
  `SECURITY LABEL FOR selinux ON TABLE ${P}.t IS 'x';`,
  '-- a comment; COMMIT;\n/* DROP SCHEMA other; */',
  `CREATE TABLE ${P}.q ("COMMIT;" text DEFAULT '\\! no');`,
];

describe('containment: refused statements', () => {
  it.each(REFUSED)('%s', (sql, reason) => {
    const refused = findRefusedStatements(`CREATE SCHEMA ${P};\n${sql}\n`, options);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]?.line).toBe(2);
    expect(refused[0]?.reason.startsWith(reason), refused[0]?.reason).toBe(true);
  });
});

describe('containment: accepted statements', () => {
  it.each(ACCEPTED.map((s) => [s]))('%s', (sql) => {
    expect(findRefusedStatements(sql, options)).toEqual([]);
  });
});

describe('containment reads words in any ASCII case, whole', () => {
  // Words are matched against a table of the words the checks know, without a lower-cased copy (containment.ts lower()).
  it.each([
    ['DrOp TABLE x;', 'DROP:'],
    ['dRoP\tschema x;', 'DROP:'],
    ['Create Or Replace Temp View other.x AS SELECT 1;', 'CREATE VIEW in another schema'],
    ['ALTER extension x UPDATE;', 'ALTER EXTENSION:'],
    ['GRANT ALL On Schema other TO r;', 'GRANT/REVOKE on a schema other than the tenant'],
    ['SELECT Pg_Catalog.SetVal(1);', 'a top-level SELECT runs code'],
    ['SET sEsSiOn AUTHORIZATION r;', 'SET SESSION AUTHORIZATION changes who'],
  ])('refuses %s', (sql, reason) => {
    const refused = findRefusedStatements(sql, options);
    expect(refused[0]?.reason.startsWith(reason), refused[0]?.reason).toBe(true);
  });

  it.each([
    // Same length and first letter as a refused verb, or a known word with more after it: not that word.
    [`CREATE TABLE ${P}.drip (dropx int, "DROP" int);`],
    [`Create Unique Index i ON ${P}.t (a);`],
    [`COMMENT ON TABLE ${P}.t IS 'drop';`],
    [`SELECT PG_CATALOG.SETVAL('${P}.s', 1, True);`],
  ])('accepts %s', (sql) => {
    expect(findRefusedStatements(sql, options)).toEqual([]);
  });

  it('still lowers words it does not know, beyond ASCII too (PostgreSQL folds ASCII only, so it is refused whatever it is)', () => {
    // The KELVIN SIGN lowers to k in JavaScript: "LOC\u212A" reads as lock, refused as before the word table.
    expect(findRefusedStatements('LOC\u212A TABLE x;', options)[0]?.reason).toMatch(/^LOCK takes locks/);
    expect(findRefusedStatements('FROBNICATE x;', options)[0]?.reason).toMatch(/^FROBNICATE is not a statement a snapshot holds/);
  });
});

describe('containment error', () => {
  it('names the line and reason of the first refusal and counts the rest', () => {
    const body = `CREATE SCHEMA ${P};\nCREATE TABLE ${P}.t (id int);\nCOMMIT;\nDROP SCHEMA other CASCADE;\n`;
    let error: unknown;
    try {
      assertContained(body, options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TenantryError);
    const e = error as TenantryError;
    expect(e.code).toBe('SNAPSHOT_STATEMENT_REFUSED');
    expect(e.userMessage).toMatch(/^The snapshot body line 3 is refused: transaction control.* \(1 more statement is refused too\)\. Nothing was run\./);
    expect(e.userMessage).toContain('tenantry snapshot reseal FILE');
    expect(e.detail).toBe('line 3: COMMIT;');
  });

  it('counts lines across strings, bodies and COPY data', () => {
    const body = `CREATE FUNCTION ${P}.f() RETURNS int LANGUAGE sql AS $$\nSELECT 1;\n$$;\nCOPY ${P}.t FROM stdin;\na\nb\n\\.\nCOMMENT ON TABLE ${P}.t IS 'x\ny';\nROLLBACK;\n`;
    expect(findRefusedStatements(body, options).map((r) => r.line)).toEqual([10]);
  });
});

describe('containment reads each statement only as far as its check needs (region map, lazy tokens)', () => {
  const columns = Array.from({ length: 2000 }, (_, i) => `c${i} text DEFAULT 'x;y'`).join(', ');

  it('still refuses a meta-command in the part of a long statement no check reads, at its own line', () => {
    const body = `CREATE SCHEMA ${P};\nCREATE TABLE ${P}.t (${columns},\n\\! touch /tmp/x\nlast int);\nCREATE TABLE ${P}.u (id int);\n`;
    expect(findRefusedStatements(body, options).map((r) => `${r.line} ${r.reason.slice(0, 17)}`)).toEqual(['3 psql meta-command']);
  });

  it('ends a statement only at a `;` in plain code: not in strings, quoted names, comments or bodies', () => {
    const body = `CREATE TABLE ${P}."a;b" (${columns}, d text DEFAULT $x$;$x$ /* ; */ -- ;\n);\nDROP TABLE other.t;\n`;
    expect(findRefusedStatements(body, options).map((r) => `${r.line} ${r.text.slice(0, 10)}`)).toEqual(['3 DROP TABLE']);
  });

  it('reads a whole statement when the check needs its end (setval, SET) and across BEGIN ATOMIC bodies', () => {
    expect(findRefusedStatements(`SELECT pg_catalog.setval('${P}.s', 1, true), 2;`, options)).toHaveLength(1);
    const atomic = `CREATE FUNCTION ${P}.f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; DROP TABLE x; END;\nCREATE TABLE other.t (id int);\n`;
    expect(findRefusedStatements(atomic, options).map((r) => `${r.line} ${r.reason.slice(0, 9)}`)).toEqual(['1 DROP insi', '2 CREATE TA']);
  });
});
