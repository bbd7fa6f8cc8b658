/**
 * The fast path: a map of the "opaque" tokens of a SQL text (strings, quoted
 * identifiers, dollar-quoted bodies, comments, psql meta-commands, COPY data),
 * found by jumping between the few characters that can start one with native
 * indexOf, never visiting identifiers, numbers or white space one character at
 * a time. Everything between two regions is plain code. The extents agree with
 * SqlScanner (a property test checks this on generated input).
 */
import { SqlScanner, T, isIdentifierPart, isIdentifierStart } from '../../../../core/sql/scanner.js';
import { equalsFolded } from '../../../../core/sql/equals-folded.js';

/** Opaque regions of text[from, to) in order, as parallel typed arrays (no object per region). */
export class RegionMap {
  readonly text: string;
  readonly from: number;
  readonly to: number;
  starts: Int32Array;
  ends: Int32Array;
  codes: Uint8Array;
  count = 0;

  constructor(text: string, from: number, to: number) {
    this.text = text;
    this.from = from;
    this.to = to;
    // Sub-ranges (bodies, strings) are small and many: start small there.
    const capacity = Math.min(1024, Math.max(16, (to - from) >> 6));
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.codes = new Uint8Array(capacity);
  }

  /** Appends a region (used while building). */
  push(start: number, end: number, code: number): void {
    if (this.count === this.starts.length) {
      const size = this.count * 2;
      const starts = new Int32Array(size);
      starts.set(this.starts);
      const ends = new Int32Array(size);
      ends.set(this.ends);
      const codes = new Uint8Array(size);
      codes.set(this.codes);
      this.starts = starts;
      this.ends = ends;
      this.codes = codes;
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.codes[this.count] = code;
    this.count++;
  }

  /** Index of the first region whose end is greater than pos (count if none). */
  indexAfter(pos: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.ends[mid] as number) <= pos) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the region containing pos, or -1 when pos is in plain code. */
  regionAt(pos: number): number {
    const i = this.indexAfter(pos);
    return i < this.count && (this.starts[i] as number) <= pos ? i : -1;
  }

  /** Index of the region that ends exactly at pos, or -1. */
  regionEndingAt(pos: number): number {
    const i = this.indexAfter(pos - 1);
    return i < this.count && this.ends[i] === pos ? i : -1;
  }
}

const NEVER = 0x7fffffff;

/** Builds the region map of text[from, to). Throws SQL_UNTERMINATED_* like the scanner. */
export function mapRegions(text: string, from = 0, to = text.length): RegionMap {
  const map = new RegionMap(text, from, to);
  let nQuote = -1;
  let nDquote = -1;
  let nDollar = -1;
  let nBackslash = -1;
  let nDash = -1;
  let nSlash = -1;
  let nCopy = -1;
  const copyRe = /copy/gi;
  const scanner = new SqlScanner(text, from, to);
  // Sub-ranges (bodies, strings) are searched as a slice so that a miss does not run on to the end of the dump.
  const whole = from === 0 && to === text.length;
  const hay = whole ? text : text.slice(from, to);
  const off = whole ? 0 : from;
  let p = from;
  for (;;) {
    if (nQuote < p) nQuote = find(hay, "'", p, off);
    if (nDquote < p) nDquote = find(hay, '"', p, off);
    if (nDollar < p) nDollar = find(hay, '$', p, off);
    if (nBackslash < p) nBackslash = find(hay, '\\', p, off);
    if (nDash < p) nDash = find(hay, '--', p, off);
    if (nSlash < p) nSlash = find(hay, '/*', p, off);
    if (nCopy < p) {
      copyRe.lastIndex = p - off;
      const m = copyRe.exec(hay);
      nCopy = m === null ? NEVER : m.index + off;
    }
    let m = nQuote;
    if (nDquote < m) m = nDquote;
    if (nDollar < m) m = nDollar;
    if (nBackslash < m) m = nBackslash;
    if (nDash < m) m = nDash;
    if (nSlash < m) m = nSlash;
    if (nCopy < m) m = nCopy;
    if (m === NEVER) break;
    // Look-behind (E'…, a$b) may cross plain code but not the end of the last region.
    const bound = map.count > 0 ? (map.ends[map.count - 1] as number) : from;
    if (m === nQuote || m === nDquote) {
      const start = quoteStart(text, bound, m);
      // Fast path for plain '…' and "…" (the vast majority); prefixed forms go through the scanner.
      p = start === m ? scanPlainQuoted(hay, off, m, to, map, scanner) : scanRegion(scanner, start, map);
    } else if (m === nDash) {
      let eol = hay.indexOf('\n', m + 2 - off);
      eol = eol === -1 ? to : eol + off;
      map.push(m, eol, T.lineComment);
      p = eol;
      // pg_dump writes comments in blocks of `--` lines: the next `--` is often right after this line break.
      if (eol + 2 < to && text.charCodeAt(eol + 1) === 45 && text.charCodeAt(eol + 2) === 45) nDash = eol + 1;
    } else if (m === nSlash || m === nBackslash) {
      p = scanRegion(scanner, m, map);
    } else if (m === nDollar) {
      p = isDollarStart(text, bound, m) ? scanRegion(scanner, m, map) : m + 1;
    } else {
      p = handleCopy(text, bound, m, to, map);
    }
  }
  return map;
}

function find(hay: string, needle: string, p: number, off: number): number {
  const i = hay.indexOf(needle, p - off);
  return i === -1 ? NEVER : i + off;
}

/** Where a string or quoted identifier whose quote is at m really starts (E'…, U&'…, B'…, X'…, N'…). */
function quoteStart(text: string, p: number, m: number): number {
  if (m - 1 >= p) {
    const c1 = text.charCodeAt(m - 1);
    const l1 = c1 | 32;
    if (text.charCodeAt(m) === 39 && (l1 === 101 || l1 === 98 || l1 === 120 || l1 === 110) && isIdentifierStart(c1) && !(m - 2 >= p && isIdentifierPart(text.charCodeAt(m - 2)))) {
      return m - 1;
    }
    if (c1 === 38 && m - 2 >= p && (text.charCodeAt(m - 2) | 32) === 117 && !(m - 3 >= p && isIdentifierPart(text.charCodeAt(m - 3)))) {
      return m - 2;
    }
  }
  return m;
}

/** Whether the `$` at m starts a dollar quote (not part of an identifier, not $1). */
function isDollarStart(text: string, p: number, m: number): boolean {
  // After a name character the `$` belongs to that token: `a$b`, `foo$$`, `1$` (the scanner keeps junk in numbers).
  if (m > p && isIdentifierPart(text.charCodeAt(m - 1))) return false;
  const n = text.charCodeAt(m + 1);
  return n === 36 || isIdentifierStart(n);
}

/** A '…' string or "…" identifier starting at m (no prefix): find the closing quote, skipping doubled ones. */
function scanPlainQuoted(hay: string, off: number, m: number, to: number, map: RegionMap, scanner: SqlScanner): number {
  const quote = hay.charCodeAt(m - off);
  const ch = quote === 39 ? "'" : '"';
  let q = m + 1 - off;
  for (;;) {
    const close = hay.indexOf(ch, q);
    if (close === -1) return scanRegion(scanner, m, map); // unterminated: the scanner reports it
    if (hay.charCodeAt(close + 1) === quote) {
      q = close + 2;
      continue;
    }
    const end = close + 1 + off;
    map.push(m, end, quote === 39 ? T.string : T.quotedIdentifier);
    return end;
  }
}

/** Scans the one token starting at start with SqlScanner, records it if opaque, returns its end. */
function scanRegion(scanner: SqlScanner, start: number, map: RegionMap): number {
  scanner.reset(start);
  const code = scanner.next();
  if (isOpaque(code)) map.push(scanner.start, scanner.end, code);
  return scanner.end;
}

/** Whether a token code is one the region map records. */
export function isOpaque(code: number): boolean {
  return code !== T.whitespace && code !== T.identifier && code !== T.number && code !== T.operator && code !== T.punctuation && code !== T.parameter && code >= 0;
}

/** A `copy` match: when it starts a statement, scan the statement and its data block with the full scanner. */
function handleCopy(text: string, p: number, m: number, to: number, map: RegionMap): number {
  if ((m > p && isIdentifierPart(text.charCodeAt(m - 1))) || (m + 4 < to && isIdentifierPart(text.charCodeAt(m + 4))) || !equalsFolded(text, m, 'copy')) {
    return m + 4;
  }
  if (!isStatementStart(text, m, map)) return m + 4;
  const scanner = new SqlScanner(text, m, to);
  for (let code = scanner.next(); code !== -1; code = scanner.next()) {
    if (isOpaque(code)) map.push(scanner.start, scanner.end, code);
    if (code === T.copyData) return scanner.end;
    if (code === T.punctuation && text.charCodeAt(scanner.start) === 59 && scanner.copyState !== 4) return scanner.end;
  }
  return to;
}

/** Whether only white space, comments and meta-commands separate pos from the previous `;`, COPY data or the start. */
function isStatementStart(text: string, pos: number, map: RegionMap): boolean {
  let q = pos;
  let j = map.count - 1; // every region so far lies before pos
  for (;;) {
    while (q > map.from && isSpace(text.charCodeAt(q - 1))) q--;
    // A line comment or meta-command can end in white space (`-- x \r`): do not walk into it.
    while (j >= 0 && (map.starts[j] as number) >= q) j--;
    if (j >= 0 && (map.ends[j] as number) > q) q = map.ends[j] as number;
    if (q <= map.from) return true;
    const r = j >= 0 && map.ends[j] === q ? j : -1;
    if (r === -1) return text.charCodeAt(q - 1) === 59;
    const code = map.codes[r];
    if (code === T.lineComment || code === T.blockComment || code === T.metaCommand) {
      q = map.starts[r] as number;
      continue;
    }
    return code === T.copyData;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}
