import { describe, expect, it } from 'vitest';
import { splitStatements } from '../../../core/sql/split-statements.js';
import { findStrippableStatements } from '../../../core/snapshot/statements.js';
import { mapRegions } from '../../../core/sql/region-map.js';

describe('splitStatements', () => {
  it('splits at top-level semicolons only and reproduces the input', () => {
    const sql = `\\restrict abc\nSET x = 1;\n-- c; c\nCREATE FUNCTION f() RETURNS int AS $b$ SELECT 1; $b$ LANGUAGE sql;\nCOMMENT ON TABLE t IS 'a;b';\nCREATE TABLE "a;b" (x int) /* ; */;\n-- trailing\n`;
    const parts = splitStatements(sql);
    expect(parts.map((p) => p.kind)).toEqual(['meta', 'sql', 'sql', 'sql', 'sql']);
    expect(parts[2]?.text).toContain('$b$ SELECT 1; $b$ LANGUAGE sql;');
    expect(parts[3]?.text.trim()).toBe(`COMMENT ON TABLE t IS 'a;b';`);
    expect(parts.map((p) => sql.slice(p.start, p.end)).join('')).toBe(sql.slice(0, parts.at(-1)!.end));
  });

  it('keeps SQL-standard function bodies whole, as psql does', () => {
    const sql = 'BEGIN;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n SELECT CASE WHEN true THEN 1 END;\n SELECT 2;\nEND;\nSELECT 3;\nEND;\n';
    expect(splitStatements(sql).map((p) => p.text.trim())).toEqual(['BEGIN;', 'CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n SELECT CASE WHEN true THEN 1 END;\n SELECT 2;\nEND;', 'SELECT 3;', 'END;']);
  });

  it('keeps COPY data as its own part', () => {
    const sql = 'COPY s.t (a) FROM stdin;\n1\n2\n\\.\n\nSELECT 1;\n';
    expect(splitStatements(sql).map((p) => p.kind)).toEqual(['sql', 'copy-data', 'sql']);
  });
});

/**
 * The rule for BEGIN … END is psql's (psqlscan.l): only CREATE [OR REPLACE] FUNCTION|PROCEDURE opens blocks, only at
 * parenthesis depth 0, and CASE only inside one. The pool's previous splitter opened a block at any BEGIN or CASE after
 * a statement's first word, so a column named begin swallowed every statement after it; the stripping's previous rule
 * split a BEGIN ATOMIC body into statements and classified each on its own. Each case below failed under one of them.
 */
describe('one splitter, psql’s BEGIN … END rule', () => {
  const parts = (sql: string): string[] => splitStatements(sql).map((p) => p.text.trim());

  it.each([
    ['a column named begin', 'CREATE TABLE t (begin int);\nCREATE TABLE u (x int);', ['CREATE TABLE t (begin int);', 'CREATE TABLE u (x int);']],
    ['a parameter named begin', 'CREATE FUNCTION f(begin int) RETURNS int LANGUAGE sql RETURN 1;\nSELECT 2;', ['CREATE FUNCTION f(begin int) RETURNS int LANGUAGE sql RETURN 1;', 'SELECT 2;']],
    ['ALTER … ADD COLUMN begin', 'ALTER TABLE t ADD COLUMN begin int;\nSELECT 2;', ['ALTER TABLE t ADD COLUMN begin int;', 'SELECT 2;']],
    ['CASE outside a function', 'SELECT CASE WHEN true THEN 1 END;\nSELECT 2;', ['SELECT CASE WHEN true THEN 1 END;', 'SELECT 2;']],
    ['a procedure body', 'CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END;\nSELECT 1;', ['CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); END;', 'SELECT 1;']],
    ['CREATE OR REPLACE with CASE in the body', 'create or replace function f(a int) returns int language sql begin atomic select case when a > 0 then 1 end; end;\nselect 1;', ['create or replace function f(a int) returns int language sql begin atomic select case when a > 0 then 1 end; end;', 'select 1;']],
    ['a plpgsql body in dollar quotes', 'CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; END $$;\nEND;', ['CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; END $$;', 'END;']],
  ])('%s', (_label, sql, expected) => {
    expect(parts(sql)).toEqual(expected);
  });

  it('a meta-command inside a statement ends the SQL before it; no part holds its line', () => {
    expect(splitStatements('SELECT 1\n\\echo x\n;\nSELECT 2;').map((p) => [p.kind, p.text.trim()])).toEqual([
      ['sql', 'SELECT 1'], ['meta', '\\echo x'], ['sql', ';'], ['sql', 'SELECT 2;'],
    ]);
  });

  it('keeps trailing text without a `;` as a statement, and drops trailing comments', () => {
    expect(parts('SELECT 1; SELECT 2')).toEqual(['SELECT 1;', 'SELECT 2']);
    expect(parts('SELECT 1; -- done\n/* really */\n')).toEqual(['SELECT 1;']);
  });

  it('head is past the leading comments, before the first token', () => {
    const sql = '-- Name: t\n/* c */ CREATE TABLE t ();';
    const [only] = splitStatements(sql);
    expect(sql.slice(only!.start, only!.head)).toBe('-- Name: t\n/* c */');
    expect(sql.slice(only!.head).trimStart().startsWith('CREATE')).toBe(true);
  });

  it('throws like the scanner on an unterminated body', () => {
    expect(() => splitStatements("SELECT 'open;")).toThrow(expect.objectContaining({ code: 'SQL_UNTERMINATED_STRING' }));
  });
});

describe('statement stripping cuts the same way', () => {
  const strip = (sql: string): string[] => findStrippableStatements(mapRegions(sql), { schema: 'tmpl', stripOwner: false }).stripped.map((s) => s.text);

  it('leaves a BEGIN ATOMIC body whole: a preamble-looking SELECT inside it is the function’s, not pg_dump’s', () => {
    // The previous stripping classified the body's statements one by one and stripped this SELECT out of the function.
    const sql = "CREATE FUNCTION tmpl.f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT pg_catalog.set_config('search_path', '', false); END;\n";
    expect(strip(sql)).toEqual([]);
  });

  it('strips a top-level END after a function whose dollar body only mentions BEGIN ATOMIC', () => {
    // The previous stripping looked for BEGIN ATOMIC anywhere in the statement's text, strings included, and kept this END.
    const sql = 'CREATE FUNCTION tmpl.f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN /* not begin atomic */ END $$;\nEND;\n';
    expect(strip(sql)).toEqual(['END;']);
  });

  it('still strips meta-commands inside a function body', () => {
    const sql = 'CREATE FUNCTION tmpl.f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;\n\\! echo hi\nEND;\n';
    expect(strip(sql)).toEqual(['\\! echo hi']);
  });
});
