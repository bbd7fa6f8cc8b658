/**
 * Quoting names and values for PostgreSQL, the way PostgreSQL's own
 * quote_ident() and quote_literal() decide.
 */
import { isKeyword } from './keywords.js';

/**
 * An identifier as SQL: bare when it is a plain lower-case ASCII name
 * ([a-z_][a-z0-9_]*) that is not a keyword, otherwise "double-quoted" with
 * "" doubled. Like quote_ident(), non-ASCII names are quoted: PostgreSQL would
 * accept `日本` bare, but quoting keeps the text independent of how the client
 * encoding treats letters, and means exactly the same name.
 */
export function quoteIdentifier(name: string): string {
  return isBareIdentifier(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** Whether a name can be written without double quotes and mean itself. */
export function isBareIdentifier(name: string): boolean {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !isKeyword(name);
}

/** A standard string literal ('' doubled). Assumes standard_conforming_strings = on (the default since 9.1). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
