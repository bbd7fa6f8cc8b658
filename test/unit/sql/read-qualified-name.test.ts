import { describe, expect, it } from 'vitest';
import { lex, significantTokens } from '../../../core/sql/lexer.js';
import { readQualifiedName } from '../../../core/sql/read-qualified-name.js';

describe('readQualifiedName', () => {
  const read = (sql: string, at = 0) => readQualifiedName(significantTokens(lex(sql)), at);

  it.each([
    ['t (', { parts: ['t'], next: 1 }],
    ['S.T (', { parts: ['s', 't'], next: 3 }],
    ['"My S"."T" (', { parts: ['My S', 'T'], next: 3 }],
    ['db . s . t', { parts: ['db', 's', 't'], next: 5 }],
    ['U&"d\\0061t" .x', { parts: ['dat', 'x'], next: 3 }],
  ])('%s', (sql, expected) => {
    expect(read(sql)).toEqual(expected);
  });

  it('is undefined where no name starts', () => {
    expect(read("'t'.x")).toBeUndefined();
    expect(read('(t)')).toBeUndefined();
  });

  it('stops at a dot that no name follows', () => {
    expect(read('s.(x)')).toEqual({ parts: ['s'], next: 2 });
  });
});
