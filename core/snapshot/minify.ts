/**
 * Minifying SQL without changing what it means: comments and blank lines are
 * dropped and white space between tokens collapses to one space (none next to
 * `(`, `)`, `,`, `;`; a line break after `;` and around psql meta-commands and
 * COPY data, which need their own lines). Strings, quoted identifiers and
 * dollar-quoted bodies are copied untouched. The token stream without
 * comments is the same before and after (tested on every corpus file).
 */
import { SqlScanner, T, isIdentifierPart } from '../sql/scanner.js';
import { DOUBLE_QUOTE, SEMICOLON } from '../sql/char-codes.js';

/** Ranges to drop and ranges to replace while minifying, both sorted and non-overlapping. */
export interface MinifyEdits {
  /** [start, end) ranges removed entirely (stripped statements). */
  cuts?: { start: number; end: number }[];
  /** [start, end) ranges replaced by `with` (placeholders); must not span tokens. */
  replacements?: { starts: number[]; ends: number[]; with: string };
}

/** Minifies SQL (see the file comment). */
export function minifySql(sql: string): string {
  return minifyWithEdits(sql, {}).text;
}

const NO_SPACE = new Set([40, 41, 44, 59]); // ( ) , ;

/** Minifies with cuts and replacements; `kept[i]` says whether replacement i survived (not inside a comment or cut). */
export function minifyWithEdits(sql: string, edits: MinifyEdits): { text: string; kept: boolean[]; positions: number[] } {
  const cuts = edits.cuts ?? [];
  const starts = edits.replacements?.starts ?? [];
  const ends = edits.replacements?.ends ?? [];
  const replacement = edits.replacements?.with ?? '';
  const kept: boolean[] = new Array<boolean>(starts.length).fill(false);
  const out: string[] = [];
  const positions: number[] = [];
  let length = 0;
  const emit = (s: string): void => {
    out.push(s);
    length += s.length;
  };
  const scanner = new SqlScanner(sql);
  let ci = 0;
  let ri = 0;
  let pending = 0; // 0 nothing, 1 space, 2 line break
  let prevCode = -1;
  let prevChar = 0;
  let gluedQuote = false;
  for (let code = scanner.next(); code !== -1; code = scanner.next()) {
    const { start, end } = scanner;
    while (ci < cuts.length && (cuts[ci] as { end: number }).end <= start) ci++;
    const cut = cuts[ci];
    if (cut !== undefined && cut.start <= start) {
      pending = Math.max(pending, 2);
      while (ri < starts.length && (starts[ri] as number) < end) ri++;
      continue;
    }
    if (code === T.whitespace || code === T.lineComment || code === T.blockComment) {
      const breaks = code === T.whitespace && sql.indexOf('\n', start) !== -1 && sql.indexOf('\n', start) < end;
      pending = Math.max(pending, breaks ? 2 : 1);
      while (ri < starts.length && (starts[ri] as number) < end) ri++;
      continue;
    }
    const first = sql.charCodeAt(start);
    if (out.length > 0 && pending > 0) {
      const lineNeeded = prevCode === T.metaCommand || prevCode === T.copyData || code === T.metaCommand || code === T.copyData || (prevCode === T.punctuation && prevChar === SEMICOLON);
      if (lineNeeded) emit('\n');
      else if (!(prevCode === T.punctuation && NO_SPACE.has(prevChar)) && !(code === T.punctuation && NO_SPACE.has(first))) emit(' ');
    } else if (out.length > 0 && (prevCode === T.metaCommand || code === T.metaCommand || code === T.copyData)) {
      emit('\n');
    }
    // `FROM"tmpl".t`: a replaced quoted name may render bare, so keep it apart from a name character next to it.
    if (pending === 0 && gluedQuote && isIdentifierPart(first)) emit(' ');
    gluedQuote = false;
    pending = 0;
    let p = start;
    while (ri < starts.length && (starts[ri] as number) < end) {
      const s = starts[ri] as number;
      emit(sql.slice(p, s));
      if (s === start && first === DOUBLE_QUOTE && out.length > 1 && isIdentifierPart(prevChar)) emit(' ');
      positions.push(length);
      emit(replacement);
      kept[ri] = true;
      p = ends[ri] as number;
      if (p === end && first === DOUBLE_QUOTE) gluedQuote = true;
      ri++;
    }
    emit(p === start ? sql.slice(start, end) : sql.slice(p, end));
    prevCode = code;
    prevChar = sql.charCodeAt(end - 1);
  }
  if (out.length > 0) emit('\n');
  return { text: out.join(''), kept, positions };
}
