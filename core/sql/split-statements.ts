/**
 * The one statement splitter: top-level statements of SQL text at `;` outside
 * strings, quoted identifiers, comments and dollar-quoted bodies, with psql
 * meta-command lines and COPY data blocks apart. It walks a RegionMap (the
 * opaque tokens, located with native indexOf), so templating's statement
 * stripping, the claim plan, the object counter, the session check and the
 * lock budget all cut a text the same way, and the hot path visits no
 * character of plain code one at a time.
 *
 * SQL-standard function bodies follow psql's rule (psqlscan.l): in
 * CREATE [OR REPLACE] FUNCTION|PROCEDURE, a BEGIN outside parentheses opens a
 * block, a CASE inside a block opens one too, END closes one, and a `;` inside
 * a block does not end the statement. Elsewhere BEGIN, CASE and END are plain
 * words (`CREATE TABLE t (begin int);` ends at its `;`).
 */
import { LOWER_C, LOWER_F, LOWER_O, LOWER_P, LOWER_R, isAsciiSpace, isOnlySpace } from './char-codes.js';
import { equalsFolded } from './equals-folded.js';
import { W, isSymbol, isWord, newNearToken, nextToken, type NearToken } from './backward.js';
import { mapRegions, type RegionMap } from './region-map.js';
import { T } from './scanner.js';

/** What forEachStatement reports, in text order. */
export interface StatementVisitor {
  /**
   * A psql meta-command line (code T.metaCommand) or a COPY data block (T.copyData). inStatement: it comes after the
   * first token of a statement not yet ended (psql runs it and goes on collecting that statement).
   */
  region(code: number, start: number, end: number, inStatement: boolean): void;
  /**
   * An SQL statement: text[from, end), from past its leading comments, meta-commands and COPY data (only white space
   * before its first token) to just past its `;`. terminated: false for trailing text without a `;` (end is then the map's end).
   */
  statement(from: number, end: number, terminated: boolean): void;
}

/** Reports the statements and meta-command/COPY regions of map's text in order (see the file comment). */
export function forEachStatement(map: RegionMap, visitor: StatementVisitor): void {
  const text = map.text;
  const t = newNearToken();
  const starts = map.starts;
  const ends = map.ends;
  const codes = map.codes;
  const count = map.count;
  let ri = 0;
  let statementStart = map.from;
  // Where the statement's first token may start: after the comments that lead it (pg_dump's headers).
  let lead = map.from;
  for (;;) {
    // The statement's `;`: the first one after lead that no region holds (-2: not looked for yet).
    let semi = -2;
    // A comment, meta-command or COPY data with only white space since lead leads the statement: it comes before the
    // `;`, which is looked for only once such regions are behind (pg_dump's headers hold `;`s). A line comment ends at
    // its line break, so the next line's comment right after that break needs no look at the text (headers are such
    // blocks). After a long gap the `;` is looked for first: mostly it comes before the region, so the gap is only read
    // by that native search.
    let afterLine = false;
    while (ri < count) {
      const code = codes[ri] as number;
      if (code !== T.lineComment && code !== T.blockComment && code !== T.metaCommand && code !== T.copyData) break;
      const start = starts[ri] as number;
      if (start !== lead && !(afterLine && start === lead + 1)) {
        if (start - lead > 8) {
          if (semi === -2 || (semi >= 0 && semi < lead)) semi = text.indexOf(';', lead);
          if (semi !== -1 && semi < start) break;
        }
        if (!isOnlySpace(text, lead, start)) break;
      }
      const end = ends[ri] as number;
      ri++;
      if (code === T.metaCommand || code === T.copyData) visitor.region(code, start, end, false);
      if (code === T.copyData) statementStart = end;
      lead = end;
      afterLine = code === T.lineComment;
    }
    // Regions before the `;`: meta-commands and COPY data still count, and a region holding the `;` moves it on.
    if (semi === -2 || (semi >= 0 && semi < lead)) semi = text.indexOf(';', lead);
    while (ri < count) {
      const start = starts[ri] as number;
      if (semi !== -1 && start >= semi) break;
      const code = codes[ri] as number;
      const end = ends[ri] as number;
      ri++;
      const leading = (code === T.lineComment || code === T.blockComment || code === T.metaCommand) && isOnlySpace(text, lead, start);
      if (leading) lead = end;
      if (code === T.metaCommand || code === T.copyData) visitor.region(code, start, end, !leading && code === T.metaCommand);
      if (code === T.copyData) statementStart = lead = end;
      if (semi >= 0 && semi < end) semi = text.indexOf(';', end);
    }
    const from = statementStart > lead ? statementStart : lead;
    if (semi !== -1) {
      const blockEnd = endOfBlocks(map, from, semi, t);
      if (blockEnd !== semi) {
        // The `;`s inside a BEGIN … END body belong to the statement, and so do the regions up to its last `;`.
        const until = blockEnd === -1 ? map.to : blockEnd;
        for (; ri < count && (starts[ri] as number) < until; ri++) {
          const code = codes[ri] as number;
          if (code === T.metaCommand || code === T.copyData) visitor.region(code, starts[ri] as number, ends[ri] as number, true);
        }
        semi = blockEnd;
      }
    }
    if (semi === -1) {
      if (!isOnlySpace(text, from, map.to)) visitor.statement(from, map.to, false);
      return;
    }
    visitor.statement(from, semi + 1, true);
    statementStart = lead = semi + 1;
  }
}

/**
 * The `;` that ends the statement starting at from, whose first `;` outside regions is semi: semi itself unless the
 * statement is CREATE [OR REPLACE] FUNCTION|PROCEDURE with a BEGIN … END block at that `;` (then the first `;` after
 * the blocks close, or -1 when none does).
 */
function endOfBlocks(map: RegionMap, from: number, semi: number, t: NearToken): number {
  const text = map.text;
  let p = from;
  while (p < semi && isAsciiSpace(text.charCodeAt(p))) p++;
  // Cheap first: most statements do not start with CREATE, and most CREATE statements go on with a word that starts
  // with neither f, p nor o (TABLE, INDEX, …) after plain white space.
  if ((text.charCodeAt(p) | 32) !== LOWER_C || (text.charCodeAt(p + 1) | 32) !== LOWER_R || !equalsFolded(text, p, 'create')) return semi;
  let q = p + 6;
  if (isAsciiSpace(text.charCodeAt(q))) {
    while (isAsciiSpace(text.charCodeAt(q))) q++;
    const l = text.charCodeAt(q) | 32;
    if (l !== LOWER_F && l !== LOWER_P && l !== LOWER_O) return semi;
  }
  if (!isWord(map, nextToken(map, p, t), 'create')) return semi;
  nextToken(map, t.end, t);
  if (isWord(map, t, 'or')) {
    if (!isWord(map, nextToken(map, t.end, t), 'replace')) return semi;
    nextToken(map, t.end, t);
  }
  if (!isWord(map, t, 'function') && !isWord(map, t, 'procedure')) return semi;
  if (!hasBeginInCode(map, t.end, semi)) return semi; // most bodies are strings: no tokens to walk
  let parens = 0;
  let blocks = 0;
  for (nextToken(map, t.end, t); t.kind !== W.none; nextToken(map, t.end, t)) {
    if (t.kind === W.word) {
      if (parens === 0 && isWord(map, t, 'begin')) blocks++;
      else if (blocks > 0 && isWord(map, t, 'case')) blocks++;
      else if (blocks > 0 && isWord(map, t, 'end')) blocks--;
    } else if (t.kind === W.symbol) {
      if (isSymbol(map, t, '(')) parens++;
      else if (isSymbol(map, t, ')')) parens = parens > 0 ? parens - 1 : 0;
      else if (blocks === 0 && isSymbol(map, t, ';')) return t.start;
    }
  }
  return -1;
}

const BEGIN = /begin/gi;

/** Whether `begin` occurs in text[from, to) outside the map's regions (a BEGIN block must open before the first `;`). */
function hasBeginInCode(map: RegionMap, from: number, to: number): boolean {
  const part = map.text.slice(from, to);
  BEGIN.lastIndex = 0;
  while (BEGIN.test(part)) {
    const r = map.regionAt(from + BEGIN.lastIndex - 5);
    if (r === -1) return true;
    BEGIN.lastIndex = (map.ends[r] as number) - from;
  }
  return false;
}

export interface SqlStatement {
  /** Offsets in the input: from just after the previous statement to just after this one's `;`. */
  start: number;
  end: number;
  text: string;
  /** `sql` for an SQL statement, `meta` for a psql meta-command line, `copy-data` for COPY data. */
  kind: 'sql' | 'meta' | 'copy-data';
  /** Past the statement's leading comments and meta-commands: only white space comes before its first token. */
  head: number;
}

/**
 * Splits SQL (a dump or a snapshot body) into top-level statements (see the file comment). Leading comments and
 * whitespace belong to the statement that follows; trailing whitespace and comments after the last `;` are dropped.
 * Throws SQL_UNTERMINATED_* like the scanner.
 */
export function splitStatements(sql: string): SqlStatement[] {
  const out: SqlStatement[] = [];
  let start = 0;
  forEachStatement(mapRegions(sql), {
    region(code, s, e, inStatement) {
      // A meta-command inside a statement: the SQL before it is a part of its own, so no part holds the command's line.
      if (inStatement && !isOnlySpace(sql, start, s)) {
        out.push({ start, end: s, text: sql.slice(start, s), kind: 'sql', head: start });
      }
      out.push({ start: s, end: e, text: sql.slice(s, e), kind: code === T.metaCommand ? 'meta' : 'copy-data', head: s });
      start = e;
    },
    statement(from, end) {
      out.push({ start, end, text: sql.slice(start, end), kind: 'sql', head: from > start ? from : start });
      start = end;
    },
  });
  return out;
}

/**
 * The first tokens of text[head, end) as PostgreSQL reads them, at most max: unquoted words folded to lower case,
 * quoted identifiers with their quotes, other tokens as written. Comments are skipped.
 */
export function statementWords(map: RegionMap, head: number, end: number, max: number): string[] {
  const words: string[] = [];
  const t = newNearToken();
  for (nextToken(map, head, t); t.kind !== W.none && t.start < end && words.length < max; nextToken(map, t.end, t)) {
    const s = map.text.slice(t.start, t.end);
    words.push(t.kind === W.word ? s.toLowerCase() : s);
  }
  return words;
}
