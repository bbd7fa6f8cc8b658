import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TenantryError } from '../../../core/errors.js';
import { lex, significantTokens, type Token } from '../../../core/sql/lexer.js';
import { mapRegions } from '../../../core/sql/region-map.js';
import { isOpaque } from '../../../core/sql/region-map.js';
import { SqlScanner } from '../../../core/sql/scanner.js';
import { randomSql, seededRandom } from './random-sql.js';
import { CORPUS_DIR, HAS_CORPUS, corpusSuite, listCorpusFiles } from '../corpus.js';

const corpusFiles = listCorpusFiles();

function kinds(sql: string): [string, string][] {
  return lex(sql).map((t) => [t.kind, t.text]);
}

function only(sql: string): Token {
  const tokens = significantTokens(lex(sql));
  expect(tokens).toHaveLength(1);
  return tokens[0] as Token;
}

describe('lex: one token of each kind', () => {
  it.each([
    ['abc', 'identifier', 'abc'],
    ['ABC', 'identifier', 'abc'],
    ['MiXeD_1$', 'identifier', 'mixed_1$'],
    ['日本', 'identifier', '日本'],
    ['ÉCOLE', 'identifier', 'École'.replace('É', 'É')],
    ['"Quoted ""x"""', 'quoted-identifier', 'Quoted "x"'],
    ['U&"d\\0061t\\+000061"', 'quoted-identifier', 'data'],
    ["'it''s'", 'string', "it's"],
    ["E'a\\'b\\n'", 'string', "a'b\n"],
    ["e'\\\\'", 'string', '\\'],
    ["N'nat'", 'string', 'nat'],
    ["U&'\\0041'", 'string', 'A'],
    ["B'1010'", 'bit-string', '1010'],
    ["X'1F'", 'bit-string', '1F'],
    ['$$body$$', 'dollar-string', 'body'],
    ['$a$ x $b$ y $b$ z $a$', 'dollar-string', ' x $b$ y $b$ z '],
    ['$_$it\'s$_$', 'dollar-string', "it's"],
    ['42', 'number', undefined],
    ['3.14e-10', 'number', undefined],
    ['0x1F', 'number', undefined],
    ['1_000', 'number', undefined],
    ['.5', 'number', undefined],
    ['$1', 'parameter', undefined],
    ['<=>', 'operator', undefined],
    ['::', 'punctuation', undefined],
    ['\\connect db', 'meta-command', undefined],
  ])('%s → %s', (sql, kind, value) => {
    const token = only(sql);
    expect(token.kind).toBe(kind);
    if (value !== undefined) expect(token.value).toBe(value.normalize());
  });

  it('keeps ASCII folding only: non-ASCII letters keep their case', () => {
    expect(only('ÉCOLE').value).toBe('École'.toUpperCase().replace('COLE', 'cole'));
  });
});

describe('lex: token boundaries', () => {
  it.each<[string, [string, string][]]>([
    ['a--c\nb', [['identifier', 'a'], ['line-comment', '--c'], ['whitespace', '\n'], ['identifier', 'b']]],
    ['/* a /* nested */ b */x', [['block-comment', '/* a /* nested */ b */'], ['identifier', 'x']]],
    ['a+-b', [['identifier', 'a'], ['operator', '+-'], ['identifier', 'b']]],
    ['a+--c', [['identifier', 'a'], ['operator', '+'], ['line-comment', '--c']]],
    ['x::int', [['identifier', 'x'], ['punctuation', '::'], ['identifier', 'int']]],
    ['a$b', [['identifier', 'a$b']]],
    ['foo$$', [['identifier', 'foo$$']]],
    ["type'x'", [['identifier', 'type'], ['string', "'x'"]]],
    ['t.col', [['identifier', 't'], ['punctuation', '.'], ['identifier', 'col']]],
    ["'a' 'b'", [['string', "'a'"], ['whitespace', ' '], ['string', "'b'"]]],
    ['x := 1', [['identifier', 'x'], ['whitespace', ' '], ['operator', ':='], ['whitespace', ' '], ['number', '1']]],
    ['\\restrict abc\nSELECT 1;', [['meta-command', '\\restrict abc'], ['whitespace', '\n'], ['identifier', 'SELECT'], ['whitespace', ' '], ['number', '1'], ['punctuation', ';']]],
  ])('%j', (sql, expected) => {
    expect(kinds(sql)).toEqual(expected);
  });

  it('reads COPY … FROM stdin data as one token through \\.', () => {
    const sql = "COPY s.t (a, b) FROM stdin;\n1\t'x\n2\t$$y\n\\.\nSELECT 1;\n";
    const tokens = lex(sql);
    const data = tokens.find((t) => t.kind === 'copy-data');
    expect(data?.text).toBe("1\t'x\n2\t$$y\n\\.");
    expect(tokens.at(-3)?.text).toBe('1');
  });

  it('does not read data after COPY … TO stdout or FROM a file', () => {
    expect(lex("COPY t TO stdout;\n'x';").some((t) => t.kind === 'copy-data')).toBe(false);
    expect(lex("COPY t FROM '/f';\nSELECT 1;").some((t) => t.kind === 'copy-data')).toBe(false);
  });

  it('reports line and column', () => {
    const tokens = lex('a\n  bc\n\t"d"');
    expect(tokens.filter((t) => t.kind !== 'whitespace').map((t) => [t.line, t.column])).toEqual([[1, 1], [2, 3], [3, 2]]);
  });
});

describe('lex: errors carry a code, line and column', () => {
  it.each([
    ["SELECT 'abc", 'SQL_UNTERMINATED_STRING', 1, 8],
    ["SELECT\n  E'ab\\'", 'SQL_UNTERMINATED_STRING', 2, 3],
    ['SELECT "abc', 'SQL_UNTERMINATED_QUOTED_IDENTIFIER', 1, 8],
    ['x\ny $a$ body $b$', 'SQL_UNTERMINATED_DOLLAR_QUOTE', 2, 3],
    ['/* a /* b */', 'SQL_UNTERMINATED_COMMENT', 1, 1],
    ['COPY t FROM stdin;\n1\n2\n', 'SQL_UNTERMINATED_COPY', 2, 1],
  ])('%j → %s', (sql, code, line, column) => {
    let error: unknown;
    try {
      lex(sql);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TenantryError);
    const te = error as TenantryError;
    expect(te.code).toBe(code);
    expect(te.userMessage).toContain(`line ${line}, column ${column}`);
    expect(te.detail).toContain(`line ${line}, column ${column}`);
  });
});

describe.skipIf(!HAS_CORPUS)(corpusSuite('lex: corpus round trip'), () => {
  it.each(corpusFiles)('%s: the tokens reproduce the file byte for byte', (file) => {
    const sql = readFileSync(join(CORPUS_DIR, file), 'utf8');
    const tokens = lex(sql);
    expect(tokens.map((t) => t.text).join('')).toBe(sql);
    expect(tokens.length).toBeGreaterThan(0);
  });

  it.each(corpusFiles)('%s: the fast region map finds the same strings, comments and bodies as the lexer', (file) => {
    const sql = readFileSync(join(CORPUS_DIR, file), 'utf8');
    expect(regionsOf(sql)).toEqual(opaqueTokensOf(sql));
  });
});

function opaqueTokensOf(sql: string): [number, number][] {
  const scanner = new SqlScanner(sql);
  const out: [number, number][] = [];
  for (let code = scanner.next(); code !== -1; code = scanner.next()) if (isOpaque(code)) out.push([scanner.start, scanner.end]);
  return out;
}

function regionsOf(sql: string): [number, number][] {
  const map = mapRegions(sql);
  const out: [number, number][] = [];
  for (let i = 0; i < map.count; i++) out.push([map.starts[i] as number, map.ends[i] as number]);
  return out;
}

describe('lex: generated input (seeded)', () => {
  it('reproduces 3000 random inputs byte for byte, or fails with an SQL_UNTERMINATED_* error', () => {
    const random = seededRandom(20261122);
    let lexed = 0;
    for (let i = 0; i < 3000; i++) {
      const sql = randomSql(random, 1 + Math.floor(random() * 40));
      try {
        const tokens = lex(sql);
        expect(tokens.map((t) => t.text).join('')).toBe(sql);
        lexed++;
      } catch (error) {
        expect((error as TenantryError).code).toMatch(/^SQL_UNTERMINATED_/);
      }
    }
    expect(lexed).toBeGreaterThan(1500);
  });

  it.each([7, 8, 9, 10, 11])('the region map agrees with the lexer, errors included, on 2000 random inputs (seed %i)', (seed) => {
    const random = seededRandom(seed);
    for (let i = 0; i < 2000; i++) {
      const sql = randomSql(random, 1 + Math.floor(random() * 40));
      // Where the lexer fails, the region map fails the same way: same code, same line and column.
      let expected: [number, number][] | string;
      try {
        expected = opaqueTokensOf(sql);
      } catch (error) {
        expected = `${(error as TenantryError).code} ${(error as TenantryError).detail ?? ''}`;
      }
      let actual: [number, number][] | string;
      try {
        actual = regionsOf(sql);
      } catch (error) {
        actual = `${(error as TenantryError).code} ${(error as TenantryError).detail ?? ''}`;
      }
      expect({ sql, regions: actual }).toEqual({ sql, regions: expected });
    }
  });
});
