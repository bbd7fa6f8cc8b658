/** Quoting for the SQL the warm pool and the benchmarks build (names and literals inlined in multi-statement queries). */
import { isKeyword } from '../../core/sql/keywords.js';

/** A name as PostgreSQL needs it: bare when plain lower case and not a keyword, else double-quoted. */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !isKeyword(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** A string literal that means the same whatever standard_conforming_strings says. */
export function quoteLiteral(value: string): string {
  const body = value.replace(/'/g, "''");
  return value.includes('\\') ? ` E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}
