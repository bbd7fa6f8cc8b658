/** Reading a possibly qualified name (`a`, `s.a`, `db.s.a`) from a lex() token list without white space or comments. */
import type { Token } from './lexer.js';

export interface QualifiedName {
  /** The name's parts as PostgreSQL reads them: unquoted parts folded to lower case, quoted ones as written. */
  parts: string[];
  /** The index of the token after the name. */
  next: number;
}

/** The name starting at tokens[i]; undefined when tokens[i] is not an identifier or quoted identifier. */
export function readQualifiedName(tokens: readonly Token[], i: number): QualifiedName | undefined {
  const parts: string[] = [];
  let j = i;
  for (;;) {
    const t = tokens[j];
    if (!t || (t.kind !== 'identifier' && t.kind !== 'quoted-identifier')) return parts.length ? { parts, next: j } : undefined;
    parts.push(t.value ?? t.text);
    const dot = tokens[j + 1];
    if (dot?.kind !== 'punctuation' || dot.text !== '.') return { parts, next: j + 1 };
    j += 2;
  }
}
