/**
 * How a schema name can appear in catalog text that PostgreSQL prints
 * (pg_get_functiondef, pg_get_expr, format_type, …): as a double-quoted
 * identifier, bare when it is a plain lower-case non-keyword, inside a string
 * literal with its quotes doubled ('"o''neil".t'::regclass), and as a whole
 * string literal of the raw name (pg_get_functiondef prints a function's
 * search_path as `SET search_path TO 'Acme Corp', 'public'`).
 */
import { quoteIdentifierAlways } from '../sql/quote.js';
import { isKeyword } from '../sql/keywords.js';
import { escapeRegExp } from '../sql/escape-reg-exp.js';

/**
 * `bare-qualifier`: a plain name that is also a keyword. PostgreSQL prints
 * unreserved keywords bare (`copy.t`) and quotes reserved ones, so such a name
 * is only taken as the schema where a dot follows: a tenant called `select`
 * must not turn every SELECT into a schema name.
 */
export type NameFormKind = 'quoted' | 'quoted-in-literal' | 'bare' | 'bare-qualifier' | 'literal';

export interface SchemaNameForms {
  /** The form PostgreSQL prints: bare when plain, else double-quoted. */
  canonical: string;
  /** Every form to look for, longest first. */
  forms: { text: string; kind: NameFormKind }[];
  /** Just the texts of `forms`. */
  patterns: string[];
  bare: boolean;
}

/** The forms of a schema name in catalog text. */
export function listSchemaNameForms(name: string): SchemaNameForms {
  const quoted = quoteIdentifierAlways(name);
  const plain = /^[a-z_][a-z0-9_]*$/.test(name);
  const bare = plain && !isKeyword(name);
  const forms: { text: string; kind: NameFormKind }[] = [
    { text: quoted, kind: 'quoted' },
    { text: `'${name.replace(/'/g, "''")}'`, kind: 'literal' },
  ];
  if (quoted.includes("'")) forms.push({ text: quoted.replace(/'/g, "''"), kind: 'quoted-in-literal' });
  if (plain) forms.push({ text: name, kind: bare ? 'bare' : 'bare-qualifier' });
  forms.sort((a, b) => b.text.length - a.text.length);
  return { canonical: bare ? name : quoted, forms, patterns: forms.map((f) => f.text), bare };
}

/**
 * A global regular expression matching every form of the name as a whole
 * identifier (not a prefix of a longer name, not a suffix of one).
 * With `qualifierOnly`, only occurrences followed by a dot (the literal form excluded).
 */
export function buildSchemaNameRegExp(name: string, options: { qualifierOnly?: boolean } = {}): RegExp {
  const forms = listSchemaNameForms(name).forms.filter((f) => !(options.qualifierOnly && f.kind === 'literal'));
  const alternatives = forms.map((f) => escapeRegExp(f.text) + (f.kind === 'bare-qualifier' ? '(?=\\.)' : '')).join('|');
  const after = options.qualifierOnly ? '(?=\\.)' : '(?![A-Za-z0-9_$"\\u0080-\\uffff])';
  return new RegExp(`(?<![A-Za-z0-9_$"\\u0080-\\uffff])(?:${alternatives})${after}`, 'g');
}

/** Rewrites every occurrence of schema `from` in catalog text to the same form of `to`. */
export function replaceSchemaName(text: string, from: string, to: string): string {
  const source = listSchemaNameForms(from);
  const target = listSchemaNameForms(to);
  const kindOf = new Map(source.forms.map((f) => [f.text, f.kind]));
  return text.replace(buildSchemaNameRegExp(from), (match) => {
    switch (kindOf.get(match)) {
      case 'literal':
        return `'${to.replace(/'/g, "''")}'`;
      case 'quoted-in-literal':
        return target.canonical.replace(/'/g, "''");
      default:
        return target.canonical;
    }
  });
}
