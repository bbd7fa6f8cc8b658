/**
 * Reading SQL backwards and forwards a token at a time from a position in
 * plain code, using a RegionMap to hop over strings and comments. The
 * reference finder uses it to look at the few tokens around a match without
 * lexing the whole statement. Results land in a reusable cursor object.
 */
import { isIdentifierPart } from './scanner.js';
import { T } from './scanner.js';
import type { RegionMap } from './region-map.js';

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

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Sets `out` to the significant token that ends at or before pos (skipping white space and comments). */
export function prevToken(map: RegionMap, pos: number, out: NearToken): NearToken {
  const text = map.text;
  const from = map.from;
  let q = pos;
  for (;;) {
    while (q > from && isSpace(text.charCodeAt(q - 1))) q--;
    if (q <= from) {
      out.kind = W.none;
      out.start = out.end = from;
      return out;
    }
    const r = map.regionEndingAt(q);
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
    out.start = c === 58 && q - 2 >= from && text.charCodeAt(q - 2) === 58 ? q - 2 : q - 1;
    return out;
  }
}

/** Sets `out` to the significant token that starts at or after pos. */
export function nextToken(map: RegionMap, pos: number, out: NearToken): NearToken {
  const text = map.text;
  const to = map.to;
  let q = pos;
  for (;;) {
    while (q < to && isSpace(text.charCodeAt(q))) q++;
    if (q >= to) {
      out.kind = W.none;
      out.start = out.end = to;
      return out;
    }
    const c = text.charCodeAt(q);
    if (c === 45 || c === 47 || c === 39 || c === 34 || c === 36 || c === 92 || ((c | 32) === 101 || (c | 32) === 117 || (c | 32) === 98 || (c | 32) === 120 || (c | 32) === 110)) {
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
    out.end = c === 58 && q + 1 < to && text.charCodeAt(q + 1) === 58 ? q + 2 : q + 1;
    return out;
  }
}

/** Whether the token is a word equal (ignoring ASCII case) to a lower-case word. */
export function isWord(map: RegionMap, t: NearToken, word: string): boolean {
  if (t.kind !== W.word || t.end - t.start !== word.length) return false;
  const text = map.text;
  for (let i = 0; i < word.length; i++) {
    let c = text.charCodeAt(t.start + i);
    if (c >= 65 && c <= 90) c |= 32;
    if (c !== word.charCodeAt(i)) return false;
  }
  return true;
}

/** Whether the token is the given symbol text (`.`, `,`, `(`, `::`, `=`). */
export function isSymbol(map: RegionMap, t: NearToken, symbol: string): boolean {
  return t.kind === W.symbol && t.end - t.start === symbol.length && map.text.startsWith(symbol, t.start);
}

/** The token's text folded to lower case (words) or as is. */
export function tokenText(map: RegionMap, t: NearToken): string {
  const s = map.text.slice(t.start, t.end);
  return t.kind === W.word ? s.toLowerCase() : s;
}

/** A fresh cursor object. */
export function newNearToken(): NearToken {
  return { kind: W.none, start: 0, end: 0, code: -1 };
}
