/**
 * What a token means, as opposed to how it is written: folded identifiers,
 * undoubled quoted identifiers, decoded string literals. Core, not test
 * support: lex() fills Token.value with it, and scanner-driven readers decode
 * the few tokens they need with it (the Rails trailer's search_path and table
 * names, core/snapshot/rails-trailer.ts).
 */
import { T } from './scanner.js';
import { DOUBLE_QUOTE, QUOTE, UPPER_A, UPPER_Z } from './char-codes.js';

/** Folds an unquoted identifier the way PostgreSQL does: ASCII letters to lower case only. */
export function foldIdentifier(word: string): string {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c >= UPPER_A && c <= UPPER_Z) return word.replace(/[A-Z]+/g, (m) => m.toLowerCase());
  }
  return word;
}

/** The value of a token given its scanner code and text (tagLength: dollar-tag length); undefined for others. */
export function decodeTokenValue(code: number, text: string, tagLength = 0): string | undefined {
  switch (code) {
    case T.identifier:
      return foldIdentifier(text);
    case T.quotedIdentifier:
      return text.charCodeAt(0) === DOUBLE_QUOTE ? text.slice(1, -1).replace(/""/g, '"') : decodeUnicodeEscapes(text.slice(3, -1).replace(/""/g, '"'));
    case T.string:
      return text.slice(text.charCodeAt(0) === QUOTE ? 1 : 2, -1).replace(/''/g, "'");
    case T.bitString:
      return text.slice(2, -1);
    case T.unicodeString:
      return decodeUnicodeEscapes(text.slice(3, -1).replace(/''/g, "'"));
    case T.escapeString:
      return decodeEscapeString(text.slice(2, -1));
    case T.dollarString:
      return text.slice(tagLength, text.length - tagLength);
    default:
      return undefined;
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Decodes the body of an E'…' string (backslash escapes, '' doubling). */
export function decodeEscapeString(body: string): string {
  return body.replace(/''|\\(?:x[0-9A-Fa-f]{1,2}|[0-7]{1,3}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[\s\S])/g, (m) => {
    if (m === "''") return "'";
    const e = m.slice(1);
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) return simple;
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (e[0] === 'u' || e[0] === 'U') return toCodePoint(parseInt(e.slice(1), 16), m);
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return e;
  });
}

/** Decodes U&'…' escapes with the default escape character (\XXXX, \+XXXXXX, \\). */
export function decodeUnicodeEscapes(body: string): string {
  return body.replace(/\\(\\|[0-9A-Fa-f]{4}|\+[0-9A-Fa-f]{6})/g, (_m, e: string) =>
    e === '\\' ? '\\' : toCodePoint(parseInt(e[0] === '+' ? e.slice(1) : e, 16), _m),
  );
}

function toCodePoint(n: number, fallback: string): string {
  return n <= 0x10ffff ? String.fromCodePoint(n) : fallback;
}
