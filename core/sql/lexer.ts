/**
 * `lex()`: the PostgreSQL + psql token list, built on the allocation-free
 * SqlScanner. Concatenating every token's text reproduces the input exactly.
 *
 * Why it stays in core (issue 12 asked for it to live with the tests): the
 * rule readers that judge statements by looking backwards and forwards over
 * decoded tokens use it: verify's name scan (core/verify/scan-template-names.ts,
 * which also lexes string contents again, several levels deep), the Citus
 * compat report and identity rewrite (core/citus/), and readQualifiedName
 * (read-qualified-name.ts). Moving them onto the scanner would mean each keeping
 * its own array of code/start/end plus decoded values, that is a copy of lex()
 * per reader; they read one statement, a function body or a string at a time,
 * never a whole dump, so the objects cost nothing that matters. The hot paths
 * (templating, minify, the statement splitter, containment, the Rails trailer)
 * and Monaco (line-tokens.ts) drive the scanner directly. The tests use lex()
 * as the oracle the fast paths are compared with.
 */
import { SqlScanner, T } from './scanner.js';
import { decodeTokenValue } from './token-value.js';
import { QUOTE } from './char-codes.js';

export type TokenKind =
  | 'whitespace'
  | 'line-comment'
  | 'block-comment'
  /** Unquoted identifier or keyword; `value` is the name folded to lower case. */
  | 'identifier'
  /** "quoted" or U&"quoted"; `value` is the name with "" undoubled. */
  | 'quoted-identifier'
  /** '…', E'…', N'…', U&'…'; `value` is the decoded content. */
  | 'string'
  /** B'…' or X'…'. */
  | 'bit-string'
  /** $tag$…$tag$; `value` is the body, `tag` the delimiter. */
  | 'dollar-string'
  | 'number'
  | 'operator'
  | 'punctuation'
  | 'parameter'
  | 'meta-command'
  | 'copy-data';

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
  /** 1-based line of `start`. */
  line: number;
  /** 1-based column of `start`, in UTF-16 code units. */
  column: number;
  value?: string;
  /** For dollar strings, the delimiter such as `$$` or `$_$`. */
  tag?: string;
  /** For strings, which syntax: standard, escape (E''), unicode (U&''), national (N''). */
  variant?: 'standard' | 'escape' | 'unicode' | 'national';
}

const KIND_BY_CODE: readonly TokenKind[] = [
  'whitespace',
  'line-comment',
  'block-comment',
  'identifier',
  'quoted-identifier',
  'string',
  'string',
  'bit-string',
  'string',
  'dollar-string',
  'number',
  'operator',
  'punctuation',
  'parameter',
  'meta-command',
  'copy-data',
];

/** Splits SQL into tokens; throws TenantryError SQL_UNTERMINATED_* with line and column. */
export function lex(sql: string): Token[] {
  const scanner = new SqlScanner(sql);
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  for (let code = scanner.next(); code !== -1; code = scanner.next()) {
    const { start, end } = scanner;
    const text = sql.slice(start, end);
    const token: Token = { kind: KIND_BY_CODE[code] ?? 'operator', text, start, end, line, column: start - lineStart + 1 };
    const value = decodeTokenValue(code, text, scanner.tagEnd - start);
    if (value !== undefined) token.value = value;
    if (code === T.dollarString) token.tag = text.slice(0, scanner.tagEnd - start);
    if (code === T.string) token.variant = text.charCodeAt(0) === QUOTE ? 'standard' : 'national';
    else if (code === T.escapeString) token.variant = 'escape';
    else if (code === T.unicodeString) token.variant = 'unicode';
    tokens.push(token);
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = start + i + 1;
    }
  }
  return tokens;
}

/** Tokens that carry meaning: no white space or comments. */
export function significantTokens(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'whitespace' && t.kind !== 'line-comment' && t.kind !== 'block-comment');
}
