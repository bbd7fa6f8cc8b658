/** core/sql/line-tokens.ts: the scanner run line by line (Monaco) must read text as the scanner reads it whole. */
import { describe, expect, it } from 'vitest';
import { scanLine, type LineOpen } from '../../../core/sql/line-tokens.js';
import { SqlScanner, T } from '../../../core/sql/scanner.js';
import { randomSql, seededRandom } from './random-sql.js';

/** The scanner code of every character, scanning the whole text. */
function codesWhole(text: string): number[] {
  const codes: number[] = [];
  const scanner = new SqlScanner(text);
  for (let code = scanner.next(); code !== -1; code = scanner.next()) for (let i = scanner.start; i < scanner.end; i++) codes[i] = code;
  return codes;
}

/** The code of every character, scanning line by line with the carried state (line breaks left out). */
function codesByLine(text: string): (number | undefined)[] {
  const codes: (number | undefined)[] = [];
  let open: LineOpen = { t: 'none' };
  let offset = 0;
  for (const line of text.split('\n')) {
    const r = scanLine(line, open);
    r.tokens.forEach((t, i) => {
      const end = r.tokens[i + 1]?.start ?? line.length;
      for (let k = t.start; k < end; k++) codes[offset + k] = t.code;
    });
    open = r.open;
    offset += line.length + 1;
  }
  return codes;
}

/** Codes that colour alike (the editor does not tell these apart, or reads COPY's closing `\.` as a command). */
function colour(code: number | undefined): number | undefined {
  if (code === T.escapeString || code === T.unicodeString) return T.string;
  return code;
}

describe('scanLine', () => {
  it('reads seeded random SQL, character by character, as the scanner reads the whole text', () => {
    const random = seededRandom(12);
    let compared = 0;
    for (let n = 0; n < 400; n++) {
      // COPY data follows its statement, which the line scan cannot see across a line break: COPY has its own cases below.
      const text = randomSql(random, 40).replace(/copy/gi, 'cozy');
      let whole: number[];
      try {
        whole = codesWhole(text);
      } catch {
        continue; // unterminated input: nothing to compare with
      }
      const lines = codesByLine(text);
      for (let i = 0; i < text.length; i++) {
        if (text[i] === '\n') continue;
        expect(colour(lines[i]), `${JSON.stringify(text)} at ${i}`).toBe(colour(whole[i]));
      }
      compared++;
    }
    expect(compared).toBeGreaterThan(100);
  });

  it.each<[string, LineOpen, number[], LineOpen['t']]>([
    ["'it''s' -- c", { t: 'none' }, [T.string, T.whitespace, T.lineComment], 'none'],
    ["U&'d\\0061t'", { t: 'none' }, [T.unicodeString], 'none'],
    ['$1', { t: 'none' }, [T.parameter], 'none'],
    ['SELECT 1 \\gexec', { t: 'none' }, [T.identifier, T.whitespace, T.number, T.whitespace, T.metaCommand], 'none'],
    ["'abc", { t: 'none' }, [T.string], 'string'],
    ["def' x", { t: 'string', escape: false }, [T.string, T.whitespace, T.identifier], 'none'],
    // The first quote of the line closes the open string: the line break stands between it and the next.
    ["'def' x", { t: 'string', escape: false }, [T.string, T.identifier, T.string], 'string'],
    ["E'a\\'", { t: 'none' }, [T.string], 'string'],
    ['still */ */ x', { t: 'comment', depth: 2 }, [T.blockComment, T.whitespace, T.identifier], 'none'],
    ['', { t: 'dollar', tag: '$f$' }, [T.dollarString], 'dollar'],
    ['COPY t (a) FROM stdin;', { t: 'none' }, [T.identifier, T.whitespace, T.identifier, T.whitespace, T.punctuation, T.identifier, T.punctuation, T.whitespace, T.identifier, T.whitespace, T.identifier, T.punctuation], 'copy'],
  ])('%j after %j', (line, open, codes, left) => {
    const r = scanLine(line, open);
    expect(r.tokens.map((t) => t.code)).toEqual(codes);
    expect(r.open.t).toBe(left);
  });

  it('carries an escape string as one, so a doubled quote on the next line stays inside it', () => {
    const first = scanLine("E'a", { t: 'none' });
    expect(first.open).toEqual({ t: 'string', escape: true });
    expect(scanLine("\\' b' c", first.open).tokens.map((t) => t.code)).toEqual([T.escapeString, T.whitespace, T.identifier]);
  });
});
