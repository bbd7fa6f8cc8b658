/**
 * The one place Tenantry quotes names and values it writes into SQL itself
 * (guards, claims, ledger rows, session restores, drops, hints). Text from a
 * snapshot body is never re-quoted here: the renderer escapes a tenant name for
 * the layers the body already has around it (core/snapshot/render.ts).
 *
 * Literals and standard_conforming_strings: provisioning always runs with
 * standard_conforming_strings = on (core/provision/session-preamble.ts sets it
 * first, whatever a snapshot's header says), but a literal Tenantry writes must
 * not depend on that: a database, role or PGOPTIONS can set it off, and with it
 * off a backslash in '…' is an escape, so a value ending in `\` would end the
 * literal early. quoteLiteral therefore writes the form that reads the same under
 * either setting: '…' (quotes doubled) when the value has no backslash, and
 * E'…' (quotes and backslashes doubled) when it has one; an E'' literal ignores
 * the setting.
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
  return isBareIdentifier(name) ? name : quoteIdentifierAlways(name);
}

/** An identifier always in double quotes ("" doubled): also the form a psql/pg_dump pattern takes literally. */
export function quoteIdentifierAlways(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Whether a name can be written without double quotes and mean itself. */
export function isBareIdentifier(name: string): boolean {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !isKeyword(name);
}

/** A string literal that means `value` whatever standard_conforming_strings is: '…', or E'…' when it holds a backslash. */
export function quoteLiteral(value: string): string {
  const doubled = value.replace(/'/g, "''");
  return value.includes('\\') ? `E'${doubled.replace(/\\/g, '\\\\')}'` : `'${doubled}'`;
}
