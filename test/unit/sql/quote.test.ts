import { describe, expect, it } from 'vitest';
import { isBareIdentifier, quoteIdentifier, quoteIdentifierAlways, quoteLiteral } from '../../../core/sql/quote.js';

describe('quoteIdentifier', () => {
  it.each([
    ['acme', 'acme'],
    ['_x1', '_x1'],
    ['Acme', '"Acme"'],
    ['select', '"select"'],
    ['a$b', '"a$b"'],
    ['日本', '"日本"'],
    ['say "hi"', '"say ""hi"""'],
    ['PG_x', '"PG_x"'],
    ['', '""'],
  ])('%j → %s', (name, sql) => {
    expect(quoteIdentifier(name)).toBe(sql);
    expect(isBareIdentifier(name)).toBe(sql === name);
  });

  it('quotes always when asked (psql patterns take quoted text literally)', () => {
    expect(quoteIdentifierAlways('acme')).toBe('"acme"');
    expect(quoteIdentifierAlways('a"*b')).toBe('"a""*b"');
  });
});

// Checked against a real server under both settings in test/integration/conforming-strings.test.ts.
describe('quoteLiteral reads the same whatever standard_conforming_strings is', () => {
  it.each([
    ['plain', "'plain'"],
    ["o'neil", "'o''neil'"],
    ['back\\slash', "E'back\\\\slash'"],
    ["both'\\", "E'both''\\\\'"],
    ['x\\', "E'x\\\\'"],
    ["x\\'; DROP TABLE t; --", "E'x\\\\''; DROP TABLE t; --'"],
    ['', "''"],
  ])('%j → %s', (value, literal) => {
    expect(quoteLiteral(value)).toBe(literal);
  });
});
