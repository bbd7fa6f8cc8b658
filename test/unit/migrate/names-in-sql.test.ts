import { describe, expect, it } from 'vitest';
import { findNamesInSql } from '../../../core/migrate/names-in-sql.js';

describe('findNamesInSql', () => {
  it.each([
    ['ALTER TABLE app.Users ADD COLUMN tags text[]', ['app', 'Users', 'users', 'tags', 'text']],
    ['CREATE INDEX ON "My Table" ("Col""x")', ['My Table', 'Col"x']],
    ["SELECT 'app.orders'::regclass", ['orders', 'regclass']],
    ['CREATE FUNCTION f() RETURNS int AS $$ SELECT count(*) FROM line_items $$ LANGUAGE sql', ['line_items', 'count']],
    ['-- touches ünïcode_tábla\nSELECT 1', ['ünïcode_tábla']],
  ])('%s', (sql, expected) => {
    const names = findNamesInSql([sql]);
    for (const n of expected) expect(names).toContain(n);
  });

  it('adds the extra names and lists each name once', () => {
    const names = findNamesInSql(['x x X'], ['tpl']);
    expect(names.sort()).toEqual(['X', 'tpl', 'x']);
  });
});
