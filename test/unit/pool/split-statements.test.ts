import { describe, expect, it } from 'vitest';
import { splitStatements } from '../../../core/pool/split-statements.js';

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
