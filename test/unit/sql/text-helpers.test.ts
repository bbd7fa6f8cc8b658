import { describe, expect, it } from 'vitest';
import * as codes from '../../../core/sql/char-codes.js';
import { isAsciiSpace, isOnlySpace } from '../../../core/sql/char-codes.js';
import { equalsFolded } from '../../../core/sql/equals-folded.js';
import { escapeRegExp } from '../../../core/sql/escape-reg-exp.js';
import { grown } from '../../../core/sql/grow-array.js';
import { LineCursor, lineColumnAt } from '../../../core/sql/line-column.js';
import { SqlScanner, T } from '../../../core/sql/scanner.js';

describe('char codes', () => {
  it.each([
    ['TAB', '\t'], ['NEWLINE', '\n'], ['CARRIAGE_RETURN', '\r'], ['SPACE', ' '], ['DOUBLE_QUOTE', '"'], ['DOLLAR', '$'],
    ['PERCENT', '%'], ['AMPERSAND', '&'], ['QUOTE', "'"], ['OPEN_PAREN', '('], ['CLOSE_PAREN', ')'], ['STAR', '*'],
    ['PLUS', '+'], ['COMMA', ','], ['MINUS', '-'], ['DOT', '.'], ['SLASH', '/'], ['DIGIT_0', '0'], ['DIGIT_9', '9'],
    ['COLON', ':'], ['SEMICOLON', ';'], ['EQUALS', '='], ['UPPER_A', 'A'], ['UPPER_I', 'I'], ['UPPER_Z', 'Z'],
    ['OPEN_BRACKET', '['], ['BACKSLASH', '\\'], ['CLOSE_BRACKET', ']'], ['UNDERSCORE', '_'], ['LOWER_A', 'a'], ['LOWER_Z', 'z'],
  ])('%s is %j', (name, ch) => {
    expect((codes as Record<string, unknown>)[name]).toBe(ch.charCodeAt(0));
  });

  it('names every lower-case letter it exports by the letter', () => {
    for (const [name, value] of Object.entries(codes)) {
      const m = /^LOWER_([A-Z])$/.exec(name);
      if (m) expect(value).toBe((m[1] as string).toLowerCase().charCodeAt(0));
    }
  });

  it('isAsciiSpace holds exactly for the characters the scanner reads as white space', () => {
    for (let c = 0; c < 256; c++) {
      // Quotes alone are unterminated tokens: close them so the scanner reads one token.
      const ch = String.fromCharCode(c);
      const scanner = new SqlScanner(ch === "'" || ch === '"' ? ch + ch : ch);
      const isScannerSpace = scanner.next() === T.whitespace;
      expect(isAsciiSpace(c), `code ${c}`).toBe(isScannerSpace);
    }
  });

  it('isOnlySpace looks only at the range', () => {
    expect(isOnlySpace('x \t\r\n\f\vx', 1, 7)).toBe(true);
    expect(isOnlySpace('x \t\r\n\f\vx', 1, 8)).toBe(false);
    expect(isOnlySpace('ab', 1, 1)).toBe(true);
    expect(isOnlySpace(' \u00a0 ', 0, 3)).toBe(false);
  });
});

describe('equalsFolded', () => {
  it.each([
    ['CREATE table', 0, 'create', true],
    ['xCrEaTe', 1, 'create', true],
    ['creat', 0, 'create', false],
    ['ÇREATE', 0, 'create', false],
    ['CREATE', 0, 'Create', false], // the word must be lower case
    ['[reate', 0, '{reate', false], // `[` | 32 is `{`: only letters fold
  ])('%j at %i equals %j: %s', (text, start, word, expected) => {
    expect(equalsFolded(text, start, word)).toBe(expected);
  });
});

describe('escapeRegExp', () => {
  it('matches every syntax character literally', () => {
    const text = 'a.b*c+d?e^f$g{h}i(j)k|l[m]n\\o';
    expect(new RegExp(`^${escapeRegExp(text)}$`).test(text)).toBe(true);
    expect(new RegExp(escapeRegExp('a.b')).test('axb')).toBe(false);
  });
});

describe('grown', () => {
  it('doubles a typed array of the same kind and keeps its items', () => {
    const a = Int32Array.from([1, -2, 3]);
    const b = grown(a);
    expect(b).toBeInstanceOf(Int32Array);
    expect(b.length).toBeGreaterThanOrEqual(6);
    expect([...b.subarray(0, 3)]).toEqual([1, -2, 3]);
    const u = grown(Uint8Array.from([7]));
    expect(u).toBeInstanceOf(Uint8Array);
    expect(u[0]).toBe(7);
  });
});

describe('lines and columns', () => {
  const text = 'ab\ncd\r\n\nef';
  it.each([
    [0, 1, 1], [2, 1, 3], [3, 2, 1], [5, 2, 3], [6, 2, 4], [7, 3, 1], [8, 4, 1], [10, 4, 3],
  ])('offset %i is line %i, column %i (a line break belongs to the line it ends)', (offset, line, column) => {
    expect(lineColumnAt(text, offset)).toEqual({ line, column });
  });

  it('a cursor walking offsets in order agrees with single look-ups', () => {
    const cursor = new LineCursor(text);
    for (let offset = 0; offset <= text.length; offset++) {
      const line = cursor.moveTo(offset);
      expect({ line, column: cursor.columnOf(offset) }).toEqual(lineColumnAt(text, offset));
      const end = cursor.lineEnd();
      expect(end === text.length || text[end] === '\n').toBe(true);
      expect(text.slice(cursor.lineStart, end)).not.toContain('\n');
    }
  });
});
