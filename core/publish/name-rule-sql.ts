/**
 * The tenant-name rule of core/tenant/tenant-name.ts as a plpgsql function, for
 * the published `_tenantry.create_tenant()` (issue 13), which must refuse
 * exactly the names every other path refuses. The character classes are not
 * typed in by hand: they are generated from the very regular expressions the
 * TypeScript rule uses (INVISIBLE and JavaScript's `\s`), so both sides agree
 * code point for code point on the Unicode version of the publishing Tenantry.
 * The messages are the TypeScript rule's, word for word (a test compares them).
 * Requires a UTF8 database (octet_length is then the UTF-8 length).
 */
import { RESERVED_PREFIX } from '../pool/spare-name.js';
import { quoteLiteral } from '../sql/quote.js';
import { INVISIBLE, MAX_TENANT_NAME_BYTES } from '../tenant/tenant-name.js';

interface Classes {
  invisible: string;
  space: string;
  /** The same classes cut to ASCII (U+0001 … U+007F), for a name of ASCII only. */
  asciiInvisible: string;
  asciiSpace: string;
}

let cached: Classes | undefined;

/** A PostgreSQL ARE bracket expression matching exactly the code points (1 … `last`, default U+10FFFF, no surrogates) `test` accepts (at least one). */
export function bracketFor(test: (ch: string) => boolean, last = 0x10ffff): string {
  const ranges: [number, number][] = [];
  for (let cp = 1; cp <= last; cp++) {
    if (cp === 0xd800) cp = 0xe000; // PostgreSQL text holds no surrogates
    if (!test(String.fromCodePoint(cp))) continue;
    const last = ranges[ranges.length - 1];
    if (last !== undefined && last[1] === cp - 1) last[1] = cp;
    else ranges.push([cp, cp]);
  }
  const esc = (cp: number): string => (cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`);
  return `[${ranges.map(([a, b]) => (a === b ? esc(a) : `${esc(a)}-${esc(b)}`)).join('')}]`;
}

function classes(): Classes {
  if (cached === undefined) {
    const invisible = new RegExp(`^${INVISIBLE.source}$`, 'u');
    const isInvisible = (ch: string): boolean => invisible.test(ch);
    const isSpace = (ch: string): boolean => /^\s$/u.test(ch);
    cached = { invisible: bracketFor(isInvisible), space: bracketFor(isSpace), asciiInvisible: bracketFor(isInvisible, 0x7f), asciiSpace: bracketFor(isSpace, 0x7f) };
  }
  return cached;
}

/**
 * `CREATE OR REPLACE FUNCTION schema.tenant_name_problem(name text, protected_names text[]) RETURNS text`: why the
 * name cannot be a tenant (the sentence findTenantNameProblem returns), or NULL when it can.
 */
export function buildNameRuleFunctionSql(schema: string): string {
  const { invisible, space, asciiInvisible, asciiSpace } = classes();
  // JS: /\$(?:[A-Za-z_\u0080-\u{10FFFF}][A-Za-z0-9_\u0080-\u{10FFFF}]*)?\$|^\$|\$$/u
  const dollar = '(?:\\$(?:(?:[A-Za-z_]|[^\\u0001-\\u007f])(?:[A-Za-z0-9_]|[^\\u0001-\\u007f])*)?\\$|^\\$|\\$$)';
  return `CREATE OR REPLACE FUNCTION ${schema}.tenant_name_problem(name text, protected_names text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp SET standard_conforming_strings = on AS $tenantry_rule$
DECLARE
  found text;
  hex text;
  ascii_only boolean;
BEGIN
  -- The usual name, letters, digits and "_" only: of the checks below only the prefixes and the reserved names can
  -- refuse it, so one statement decides (each statement is planned again after any schema is renamed, as at a claim).
  IF name ~ '^[A-Za-z0-9_]{1,${MAX_TENANT_NAME_BYTES}}$' AND NOT starts_with(name, 'pg_') AND name <> 'public' AND name <> 'information_schema'
     AND NOT starts_with(name, ${quoteLiteral(RESERVED_PREFIX)}) AND NOT name = ANY (protected_names) THEN
    RETURN NULL;
  END IF;
  IF name IS NULL OR name = '' THEN RETURN 'it is empty. Give a schema name of 1 to 63 bytes.'; END IF;
  -- A name of ASCII only (the usual case; UTF8 database: one byte per character) is checked against the classes cut
  -- to ASCII, which give it the same verdict and compile faster (a fresh connection compiles each regex once).
  ascii_only := octet_length(name) = length(name);
  IF octet_length(name) > ${MAX_TENANT_NAME_BYTES} THEN
    RETURN format(${quoteLiteral(`it is %s bytes long in UTF-8 and PostgreSQL truncates names to ${MAX_TENANT_NAME_BYTES} bytes, so it would name another schema. Choose a shorter name.`)}, octet_length(name));
  END IF;
  found := CASE WHEN ascii_only THEN substring(name from ${quoteLiteral(asciiInvisible)}) ELSE substring(name from ${quoteLiteral(invisible)}) END;
  IF found IS NOT NULL THEN
    hex := upper(to_hex(ascii(found)));
    IF length(hex) < 4 THEN hex := lpad(hex, 4, '0'); END IF;
    RETURN format(${quoteLiteral('it contains the invisible or control character U+%s, which makes it look like another name. Use printable characters only.')}, hex);
  END IF;
  IF (CASE WHEN ascii_only THEN name ~ ${quoteLiteral(`^${asciiSpace}|${asciiSpace}$`)} ELSE name ~ ${quoteLiteral(`^${space}`)} OR name ~ ${quoteLiteral(`${space}$`)} END) THEN RETURN 'it starts or ends with white space, which is almost certainly a mistake. Trim it.'; END IF;
  IF starts_with(name, 'pg_') THEN RETURN 'names starting with pg_ are reserved for PostgreSQL system schemas. Choose another prefix.'; END IF;
  found := substring(name from ${quoteLiteral(dollar)});
  IF found IS NOT NULL THEN
    RETURN format(${quoteLiteral('it contains %s, which would end a dollar-quoted function body ($$ … $$) in a snapshot early. Choose a name without it.')},
      CASE WHEN found = '$' THEN 'a "$" at its start or end' ELSE '"' || found || '"' END);
  END IF;
  IF name = 'public' THEN RETURN ${quoteLiteral('"public" is the database\'s default schema (often the template itself), not a tenant. Choose another name.')}; END IF;
  IF name = 'information_schema' THEN RETURN '"information_schema" is a system schema, not a tenant. Choose another name.'; END IF;
  IF starts_with(name, ${quoteLiteral(RESERVED_PREFIX)}) THEN RETURN ${quoteLiteral(`names starting with "${RESERVED_PREFIX}" are reserved for Tenantry's warm pool. Choose another name.`)}; END IF;
  IF name = ANY (protected_names) THEN RETURN format(${quoteLiteral('"%s" is the template schema of a snapshot, not a tenant. Choose another name.')}, name); END IF;
  RETURN NULL;
END
$tenantry_rule$;`;
}
