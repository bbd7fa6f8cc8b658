/**
 * Reading SQL backwards and forwards a token at a time from a position in
 * plain code, using a RegionMap to hop over strings and comments. The
 * reference finder uses it to look at the few tokens around a match without
 * lexing the whole statement. Results land in a reusable cursor object.
 */
import { T, isIdentifierPart } from './scanner.js';
import { AMPERSAND, BACKSLASH, COLON, DOLLAR, DOUBLE_QUOTE, LOWER_B, LOWER_E, LOWER_N, LOWER_U, LOWER_X, MINUS, QUOTE, SLASH, STAR, isAsciiSpace } from './char-codes.js';
import { equalsFolded } from './equals-folded.js';
import type { RegionMap } from './region-map.js';

/** Kinds of the tokens prevToken/nextToken find. */
export const W = {
  none: 0,
  word: 1,
  /** A string, quoted identifier or dollar string: see `code`. */
  region: 2,
  /** One punctuation or operator character run; `::` is one token. */
  symbol: 3,
} as const;

/** The token found by prevToken/nextToken. */
export interface NearToken {
  kind: number;
  start: number;
  end: number;
  /** Region code (for W.region). */
  code: number;
}

/** Whether a region (string, comment, …) may start at q: cheap checks before a binary search. */
function mayStartRegion(text: string, q: number, c: number): boolean {
  if (c === QUOTE || c === DOUBLE_QUOTE || c === DOLLAR || c === BACKSLASH) return true;
  const n = text.charCodeAt(q + 1);
  if (c === MINUS) return n === MINUS;
  if (c === SLASH) return n === STAR;
  const l = c | 32;
  if (l === LOWER_E || l === LOWER_B || l === LOWER_X || l === LOWER_N) return n === QUOTE;
  return l === LOWER_U && n === AMPERSAND;
}

/**
 * Sets `out` to the significant token that ends at or before pos (skipping white space and comments).
 * hint: when known, the index of the first region that ends after pos (saves a binary search).
 */
export function prevToken(map: RegionMap, pos: number, out: NearToken, hint = -1): NearToken {
  const text = map.text;
  const from = map.from;
  const ends = map.ends;
  let q = pos;
  let j = (hint === -1 ? map.indexAfter(pos) : hint) - 1; // last region that may end at or before q
  for (;;) {
    const q0 = q;
    while (q > from && isAsciiSpace(text.charCodeAt(q - 1))) q--;
    while (j >= 0 && (ends[j] as number) > q0) j--;
    // A line comment or meta-command can end in white space (`-- x \r`): do not walk into it.
    if (j >= 0 && (ends[j] as number) > q) q = ends[j] as number;
    if (q <= from) {
      out.kind = W.none;
      out.start = out.end = from;
      return out;
    }
    const r = j >= 0 && ends[j] === q ? j : -1;
    if (r !== -1) {
      const code = map.codes[r] as number;
      if (code === T.lineComment || code === T.blockComment) {
        q = map.starts[r] as number;
        continue;
      }
      out.kind = W.region;
      out.code = code;
      out.start = map.starts[r] as number;
      out.end = q;
      return out;
    }
    const c = text.charCodeAt(q - 1);
    out.end = q;
    if (isIdentifierPart(c)) {
      let s = q - 1;
      while (s > from && isIdentifierPart(text.charCodeAt(s - 1))) s--;
      out.kind = W.word;
      out.start = s;
      return out;
    }
    out.kind = W.symbol;
    out.start = c === COLON && q - 2 >= from && text.charCodeAt(q - 2) === COLON ? q - 2 : q - 1;
    return out;
  }
}

/** Sets `out` to the significant token that starts at or after pos. */
export function nextToken(map: RegionMap, pos: number, out: NearToken): NearToken {
  const text = map.text;
  const to = map.to;
  let q = pos;
  for (;;) {
    while (q < to && isAsciiSpace(text.charCodeAt(q))) q++;
    if (q >= to) {
      out.kind = W.none;
      out.start = out.end = to;
      return out;
    }
    const c = text.charCodeAt(q);
    if (mayStartRegion(text, q, c)) {
      const r = map.regionAt(q);
      if (r !== -1) {
        const code = map.codes[r] as number;
        if (code === T.lineComment || code === T.blockComment) {
          q = map.ends[r] as number;
          continue;
        }
        out.kind = W.region;
        out.code = code;
        out.start = map.starts[r] as number;
        out.end = map.ends[r] as number;
        return out;
      }
    }
    out.start = q;
    if (isIdentifierPart(c)) {
      let e = q + 1;
      while (e < to && isIdentifierPart(text.charCodeAt(e))) e++;
      out.kind = W.word;
      out.end = e;
      return out;
    }
    out.kind = W.symbol;
    out.end = c === COLON && q + 1 < to && text.charCodeAt(q + 1) === COLON ? q + 2 : q + 1;
    return out;
  }
}

/** Whether the token is a word equal (ignoring ASCII case) to a lower-case word. */
export function isWord(map: RegionMap, t: NearToken, word: string): boolean {
  return t.kind === W.word && t.end - t.start === word.length && equalsFolded(map.text, t.start, word);
}

/** Whether the token is the given symbol text (`.`, `,`, `(`, `::`, `=`). */
export function isSymbol(map: RegionMap, t: NearToken, symbol: string): boolean {
  return t.kind === W.symbol && t.end - t.start === symbol.length && map.text.startsWith(symbol, t.start);
}

/** A fresh cursor object. */
export function newNearToken(): NearToken {
  return { kind: W.none, start: 0, end: 0, code: -1 };
}
