/**
 * psql/pg_dump name patterns. Inside double quotes psql takes every character
 * literally (it backslash-escapes regular-expression characters itself, and
 * `""` stands for one `"`), so quoting the whole name matches exactly that
 * name: `*`, `?`, `.`, `$`, upper case and spaces included.
 */
import { quoteIdentifierAlways } from '../sql/quote.js';

/** The pg_dump `--schema` / `--table` pattern that matches exactly this one name. */
export function toExactNamePattern(name: string): string {
  return quoteIdentifierAlways(name);
}

/** The pattern that matches exactly one table of one schema (`"schema"."table"`). */
export function toExactTablePattern(schema: string, table: string): string {
  return `${toExactNamePattern(schema)}.${toExactNamePattern(table)}`;
}
