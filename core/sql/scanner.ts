/**
 * The allocation-free PostgreSQL scanner under `lex()`, the region map, the
 * minifier and the editor's line tokens (line-tokens.ts). It walks the text with charCodeAt and exposes the current
 * token as numbers (code, start, end) instead of objects, so scanning a 10 MB
 * dump creates no garbage per token. Rules follow PostgreSQL's scan.l and
 * psql's psqlscan.l: see https://www.postgresql.org/docs/current/sql-syntax-lexical.html
 */
import { TenantryError, type ErrorCode } from '../errors.js';
import {
  AMPERSAND, BACKSLASH, CARRIAGE_RETURN, COLON, DIGIT_0, DIGIT_9, DOLLAR, DOT, DOUBLE_QUOTE, EQUALS, LOWER_A, LOWER_B, LOWER_E,
  LOWER_N, LOWER_U, LOWER_X, LOWER_Z, MINUS, NEWLINE, NON_ASCII, PLUS, QUOTE, SEMICOLON, SLASH, STAR, UNDERSCORE, UPPER_A, UPPER_Z,
  isDigit,
} from './char-codes.js';
import { equalsFolded } from './equals-folded.js';
import { lineColumnAt } from './line-column.js';

/** Token codes (numbers, so the hot path compares integers). */
export const T = {
  whitespace: 0,
  lineComment: 1,
  blockComment: 2,
  /** Unquoted identifier or keyword (PostgreSQL folds it to lower case). */
  identifier: 3,
  /** "quoted" or U&"quoted" identifier. */
  quotedIdentifier: 4,
  /** 'standard' string (also N'…'). */
  string: 5,
  /** E'…' string with backslash escapes. */
  escapeString: 6,
  /** B'…' or X'…' bit-string constant. */
  bitString: 7,
  /** U&'…' string with Unicode escapes. */
  unicodeString: 8,
  dollarString: 9,
  number: 10,
  operator: 11,
  /** ( ) [ ] , ; . : :: */
  punctuation: 12,
  /** $1 */
  parameter: 13,
  /** psql meta-command: a backslash to the end of the line (\connect, \restrict …). */
  metaCommand: 14,
  /** COPY … FROM stdin data, through the closing `\.` line. */
  copyData: 15,
} as const;

// Character classes for the first 128 code units; everything >= 0x80 is an identifier character.
// 0: any other character
const C_SPACE = 1;
const C_IDENT_START = 2;
const C_DIGIT = 3;
const C_OP = 4;
const C_PUNCT = 5;
const CLASS = new Uint8Array(NON_ASCII);
for (const ch of ' \t\n\r\f\v') CLASS[ch.charCodeAt(0)] = C_SPACE;
for (let c = UPPER_A; c <= UPPER_Z; c++) CLASS[c] = C_IDENT_START;
for (let c = LOWER_A; c <= LOWER_Z; c++) CLASS[c] = C_IDENT_START;
CLASS[UNDERSCORE] = C_IDENT_START;
for (let c = DIGIT_0; c <= DIGIT_9; c++) CLASS[c] = C_DIGIT;
for (const ch of '+-*/<>=~!@#%^&|`?') CLASS[ch.charCodeAt(0)] = C_OP;
for (const ch of '()[],;.:') CLASS[ch.charCodeAt(0)] = C_PUNCT;

/** Whether a code unit can continue an unquoted identifier (letters, digits, _, $, non-ASCII). */
export function isIdentifierPart(c: number): boolean {
  return c >= NON_ASCII || (c < NON_ASCII && (CLASS[c] === C_IDENT_START || CLASS[c] === C_DIGIT)) || c === DOLLAR;
}

/** Whether a code unit can start an unquoted identifier. */
export function isIdentifierStart(c: number): boolean {
  return c >= NON_ASCII || CLASS[c] === C_IDENT_START;
}

/**
 * A cursor over SQL text: call next() until it returns -1; after each call
 * `start`/`end` delimit the token and `code` says what it is.
 */
export class SqlScanner {
  readonly text: string;
  code: number = -1;
  start = 0;
  end = 0;
  /** For dollar strings: end of the opening tag (body starts here). */
  tagEnd = 0;
  private pos: number;
  readonly limit: number;
  // COPY … FROM stdin tracking: 0 outside, 1 in a COPY statement, 2 after FROM, 3 saw FROM STDIN, 4 data follows.
  copyState = 0;
  private atStatementStart = true;

  constructor(text: string, from = 0, to = text.length) {
    this.text = text;
    this.pos = from;
    this.limit = to;
  }

  /** Moves the cursor to pos, as if a statement started there (reuses the scanner without allocating). */
  reset(pos: number): void {
    this.pos = pos;
    this.copyState = 0;
    this.atStatementStart = true;
  }

  /** Advances to the next token and returns its code, or -1 at the end. */
  next(): number {
    const text = this.text;
    const limit = this.limit;
    let p = this.pos;
    this.start = p;
    if (p >= limit) {
      this.code = -1;
      this.end = p;
      return -1;
    }
    const c = text.charCodeAt(p);
    let code: number;
    const cls = c < NON_ASCII ? CLASS[c] : C_IDENT_START;
    if (this.copyState === 4 && (p === 0 || text.charCodeAt(p - 1) === NEWLINE)) {
      p = this.scanCopyData(p);
      code = T.copyData;
      this.copyState = 0;
      this.atStatementStart = true;
    } else if (cls === C_SPACE) {
      p++;
      if (this.copyState === 4) {
        // The data starts on the line after `FROM stdin;`.
        if (c !== NEWLINE) {
          while (p < limit) {
            const d = text.charCodeAt(p);
            if (d === NEWLINE) { p++; break; }
            if (d >= NON_ASCII || CLASS[d] !== C_SPACE) break;
            p++;
          }
        }
      } else {
        while (p < limit) {
          const d = text.charCodeAt(p);
          if (d >= NON_ASCII || CLASS[d] !== C_SPACE) break;
          p++;
        }
      }
      code = T.whitespace;
    } else if (cls === C_IDENT_START) {
      code = T.identifier;
      const n = p + 1 < limit ? text.charCodeAt(p + 1) : 0;
      const lower = c | 32;
      if (n === QUOTE && (lower === LOWER_E || lower === LOWER_B || lower === LOWER_X || lower === LOWER_N)) {
        if (lower === LOWER_E) {
          p = this.scanEscapeString(p + 2);
          code = T.escapeString;
        } else {
          p = this.scanQuoted(p + 2, QUOTE, 'SQL_UNTERMINATED_STRING');
          code = lower === LOWER_N ? T.string : T.bitString;
        }
      } else if (lower === LOWER_U && n === AMPERSAND && p + 2 < limit && (text.charCodeAt(p + 2) === QUOTE || text.charCodeAt(p + 2) === DOUBLE_QUOTE)) {
        if (text.charCodeAt(p + 2) === QUOTE) {
          p = this.scanQuoted(p + 3, QUOTE, 'SQL_UNTERMINATED_STRING');
          code = T.unicodeString;
        } else {
          p = this.scanQuoted(p + 3, DOUBLE_QUOTE, 'SQL_UNTERMINATED_QUOTED_IDENTIFIER');
          code = T.quotedIdentifier;
        }
      } else {
        p++;
        while (p < limit) {
          const d = text.charCodeAt(p);
          if (d < NON_ASCII && CLASS[d] !== C_IDENT_START && CLASS[d] !== C_DIGIT && d !== DOLLAR) break;
          p++;
        }
        this.trackCopy(p);
      }
    } else if (c === QUOTE) {
      p = this.scanQuoted(p + 1, QUOTE, 'SQL_UNTERMINATED_STRING');
      code = T.string;
    } else if (c === DOUBLE_QUOTE) {
      p = this.scanQuoted(p + 1, DOUBLE_QUOTE, 'SQL_UNTERMINATED_QUOTED_IDENTIFIER');
      code = T.quotedIdentifier;
    } else if (cls === C_DIGIT || (c === DOT && p + 1 < limit && isDigit(text.charCodeAt(p + 1)))) {
      p = this.scanNumber(p);
      code = T.number;
    } else if (c === DOLLAR) {
      const r = this.scanDollar(p);
      p = r;
      code = this.code;
    } else if (cls === C_OP) {
      const n = p + 1 < limit ? text.charCodeAt(p + 1) : 0;
      if (c === MINUS && n === MINUS) {
        const eol = text.indexOf('\n', p + 2);
        p = eol === -1 || eol > limit ? limit : eol;
        code = T.lineComment;
      } else if (c === SLASH && n === STAR) {
        p = this.scanBlockComment(p);
        code = T.blockComment;
      } else {
        p++;
        while (p < limit) {
          const d = text.charCodeAt(p);
          if (d >= NON_ASCII || CLASS[d] !== C_OP) break;
          const e = p + 1 < limit ? text.charCodeAt(p + 1) : 0;
          if ((d === MINUS && e === MINUS) || (d === SLASH && e === STAR)) break;
          p++;
        }
        code = T.operator;
        this.atStatementStart = false;
      }
    } else if (cls === C_PUNCT) {
      p++;
      if (c === COLON && p < limit) {
        const n = text.charCodeAt(p);
        if (n === COLON) p++;
        else if (n === EQUALS) {
          p++;
          code = T.operator;
          this.atStatementStart = false;
          return this.finish(p, code);
        }
      } else if (c === SEMICOLON) {
        this.copyState = this.copyState === 3 ? 4 : 0;
        this.atStatementStart = true;
        return this.finish(p, T.punctuation);
      }
      this.atStatementStart = false;
      code = T.punctuation;
    } else if (c === BACKSLASH) {
      const eol = text.indexOf('\n', p);
      p = eol === -1 || eol > limit ? limit : eol;
      // Like psql, a meta-command does not end the SQL statement around it: it is transparent here.
      code = T.metaCommand;
    } else {
      // Anything PostgreSQL would reject (a stray control character, a lone `{`): one character, kept as is.
      p++;
      code = T.operator;
      this.atStatementStart = false;
    }
    return this.finish(p, code);
  }

  private finish(p: number, code: number): number {
    this.pos = p;
    this.end = p;
    this.code = code;
    return code;
  }

  /** Follows `COPY … FROM stdin` so the data block after the `;` is one token. */
  private trackCopy(end: number): void {
    const text = this.text;
    const start = this.start;
    const len = end - start;
    if (this.atStatementStart) {
      this.atStatementStart = false;
      this.copyState = len === 4 && equalsFolded(text, start, 'copy') ? 1 : 0;
      return;
    }
    if (this.copyState === 0) return;
    if (len === 4 && equalsFolded(text, start, 'from')) this.copyState = 2;
    else if (this.copyState === 2 && len === 5 && equalsFolded(text, start, 'stdin')) this.copyState = 3;
    else if (this.copyState === 2) this.copyState = 1;
  }

  private scanQuoted(p: number, quote: number, error: ErrorCode): number {
    const text = this.text;
    const limit = this.limit;
    for (;;) {
      const q = text.indexOf(quote === QUOTE ? "'" : '"', p);
      if (q === -1 || q >= limit) this.fail(error);
      if (q + 1 < limit && text.charCodeAt(q + 1) === quote) {
        p = q + 2;
        continue;
      }
      this.atStatementStart = false;
      return q + 1;
    }
  }

  private scanEscapeString(p: number): number {
    const text = this.text;
    const limit = this.limit;
    while (p < limit) {
      const c = text.charCodeAt(p);
      if (c === BACKSLASH) p += 2;
      else if (c === QUOTE) {
        if (p + 1 < limit && text.charCodeAt(p + 1) === QUOTE) p += 2;
        else {
          this.atStatementStart = false;
          return p + 1;
        }
      } else p++;
    }
    return this.fail('SQL_UNTERMINATED_STRING');
  }

  private scanNumber(p: number): number {
    const text = this.text;
    const limit = this.limit;
    // Digits, one decimal point, an exponent, 0x/0o/0b prefixes and `_` separators (PostgreSQL 16+).
    // Junk PostgreSQL rejects (1abc, 1$) stays in the token, but only right after a name character:
    // after `1.` a letter starts a new token, so `1.e'x'` is a number and an E'' string, as in scan.l.
    let seenDot = false;
    let junk = false;
    while (p < limit) {
      const c = text.charCodeAt(p);
      if (isDigit(c) || c === UNDERSCORE) p++;
      else if (c === DOT && !seenDot && !junk && !(p + 1 < limit && text.charCodeAt(p + 1) === DOT)) {
        seenDot = true;
        p++;
      } else if ((c | 32) === LOWER_E && !junk) {
        const n = p + 1 < limit ? text.charCodeAt(p + 1) : 0;
        if (isDigit(n)) p += 2;
        else if ((n === PLUS || n === MINUS) && p + 2 < limit && isDigit(text.charCodeAt(p + 2))) p += 3;
        else if (isIdentifierPart(text.charCodeAt(p - 1))) {
          p++;
          junk = true;
          continue;
        } else break;
        while (p < limit && isDigit(text.charCodeAt(p))) p++;
        junk = true; // nothing after an exponent but junk
      } else if ((c >= NON_ASCII || CLASS[c] === C_IDENT_START || c === DOLLAR) && isIdentifierPart(text.charCodeAt(p - 1))) {
        p++;
        junk = true;
      } else break;
    }
    this.atStatementStart = false;
    return p;
  }

  private scanDollar(p: number): number {
    const text = this.text;
    const limit = this.limit;
    const start = p;
    let q = p + 1;
    const first = q < limit ? text.charCodeAt(q) : 0;
    this.atStatementStart = false;
    if (isDigit(first)) {
      // $1, and junk such as $1e (PostgreSQL rejects it) stays in the token.
      while (q < limit && isIdentifierPart(text.charCodeAt(q))) q++;
      this.code = T.parameter;
      return q;
    }
    if (first !== DOLLAR) {
      if (!(first >= NON_ASCII || (first < NON_ASCII && CLASS[first] === C_IDENT_START))) {
        this.code = T.operator; // a lone `$`: not valid SQL, kept as one character
        return p + 1;
      }
      while (q < limit) {
        const d = text.charCodeAt(q);
        if (d < NON_ASCII && CLASS[d] !== C_IDENT_START && CLASS[d] !== C_DIGIT) break;
        q++;
      }
      if (q >= limit || text.charCodeAt(q) !== DOLLAR) {
        this.code = T.operator; // `$abc` without a closing `$`: not a tag, not valid SQL; one token
        return q;
      }
    }
    const tagEnd = q + 1;
    const tag = text.slice(start, tagEnd);
    const close = text.indexOf(tag, tagEnd);
    if (close === -1 || close + tag.length > limit) this.fail('SQL_UNTERMINATED_DOLLAR_QUOTE');
    this.tagEnd = tagEnd;
    this.code = T.dollarString;
    return close + tag.length;
  }

  private scanBlockComment(p: number): number {
    const text = this.text;
    const limit = this.limit;
    let depth = 1;
    p += 2;
    while (p < limit) {
      const c = text.charCodeAt(p);
      if (c === STAR && p + 1 < limit && text.charCodeAt(p + 1) === SLASH) {
        p += 2;
        if (--depth === 0) return p;
      } else if (c === SLASH && p + 1 < limit && text.charCodeAt(p + 1) === STAR) {
        p += 2;
        depth++;
      } else p++;
    }
    return this.fail('SQL_UNTERMINATED_COMMENT');
  }

  private scanCopyData(p: number): number {
    const text = this.text;
    const limit = this.limit;
    let lineStart = p;
    while (lineStart < limit) {
      let eol = text.indexOf('\n', lineStart);
      if (eol === -1 || eol > limit) eol = limit;
      let lineEnd = eol;
      if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === CARRIAGE_RETURN) lineEnd--;
      if (lineEnd - lineStart === 2 && text.charCodeAt(lineStart) === BACKSLASH && text.charCodeAt(lineStart + 1) === DOT) {
        return lineStart + 2;
      }
      lineStart = eol + 1;
    }
    return this.fail('SQL_UNTERMINATED_COPY');
  }

  private fail(code: ErrorCode): never {
    const { line, column } = lineColumnAt(this.text, this.start);
    const what: Record<string, string> = {
      SQL_UNTERMINATED_STRING: 'string literal',
      SQL_UNTERMINATED_QUOTED_IDENTIFIER: 'quoted identifier',
      SQL_UNTERMINATED_DOLLAR_QUOTE: 'dollar-quoted string',
      SQL_UNTERMINATED_COMMENT: 'block comment',
      SQL_UNTERMINATED_COPY: 'COPY data block (no closing `\\.` line)',
    };
    const excerpt = this.text.slice(this.start, Math.min(this.start + 40, this.limit)).replace(/\n/g, '\\n');
    throw new TenantryError(
      code,
      `The SQL has an unterminated ${what[code] ?? 'token'} starting at line ${line}, column ${column}. Check the file is a complete dump.`,
      { detail: `line ${line}, column ${column}: ${excerpt}` },
    );
  }
}
