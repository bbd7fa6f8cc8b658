/**
 * How a schema name can appear in catalog text that PostgreSQL prints
 * (pg_get_functiondef, pg_get_expr, format_type, …): as a double-quoted
 * identifier, bare when it is a plain lower-case non-keyword, and inside a
 * string literal with its quotes doubled ('"o''neil".t'::regclass).
 */
import { isKeyword } from '../sql/keywords.js';

export interface SchemaNameForms {
  /** The form PostgreSQL prints: bare when plain, else double-quoted. */
  canonical: string;
  /** Every form to look for, longest first. */
  patterns: string[];
  /** Whether the bare form is a word to match on its own (needs word boundaries). */
  bare: boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The forms of a schema name in catalog text. */
export function listSchemaNameForms(name: string): SchemaNameForms {
  const quoted = `"${name.replace(/"/g, '""')}"`;
  const bare = /^[a-z_][a-z0-9_]*$/.test(name) && !isKeyword(name);
  const patterns = [quoted];
  if (quoted.includes("'")) patterns.push(quoted.replace(/'/g, "''"));
  if (bare) patterns.push(name);
  return { canonical: bare ? name : quoted, patterns: patterns.sort((a, b) => b.length - a.length), bare };
}

/**
 * A global regular expression matching every form of the name as a whole
 * identifier (not a prefix of a longer name, not a suffix of one).
 * With `qualifierOnly`, only occurrences followed by a dot.
 */
export function buildSchemaNameRegExp(name: string, options: { qualifierOnly?: boolean } = {}): RegExp {
  const forms = listSchemaNameForms(name);
  const alternatives = forms.patterns.map(escapeRegExp).join('|');
  const after = options.qualifierOnly ? '(?=\\.)' : '(?![A-Za-z0-9_$"\\u0080-\\uffff])';
  return new RegExp(`(?<![A-Za-z0-9_$"\\u0080-\\uffff])(?:${alternatives})${after}`, 'g');
}

/** Rewrites every occurrence of schema `from` in catalog text to the canonical form of `to`. */
export function replaceSchemaName(text: string, from: string, to: string): string {
  const target = listSchemaNameForms(to).canonical;
  return text.replace(buildSchemaNameRegExp(from), target);
}
