/**
 * What a tenant name is: the one rule every entry point applies (CLI provision,
 * drop, verify, pool claim and render; the app's and web mode's handlers,
 * `tenant:check-name`, the renderer's batch check), so that a name the app
 * calls valid is exactly a name provisioning creates, and a name drop accepts is
 * exactly a tenant Tenantry could have made.
 *
 * A tenant name is the exact schema name (no folding, no trimming):
 * - 1 to 63 bytes of UTF-8. PostgreSQL silently truncates longer names to 63
 *   bytes (NAMEDATALEN - 1), so a longer name would create, or drop, another schema.
 * - No NUL, no control characters (C0, DEL and C1 U+0080–U+009F), no line or
 *   paragraph separators, no lone surrogates (they cannot be sent as UTF-8), and
 *   no invisible format characters: bidirectional embeddings, overrides and
 *   isolates (U+202A–U+202E, U+2066–U+2069), zero-width characters, the BOM and
 *   every other default-ignorable code point. Such a name looks like another one
 *   in a listing, a log or a review of the SQL.
 * - No white space at either end (almost always a paste mistake).
 * - No dollar-quote delimiter: no `$$` or `$word$` inside, no `$` at either end.
 *   A name is written into dollar-quoted function bodies ($$ … $$, $fn$ … $fn$),
 *   where nothing can be escaped, and such a name would end the body early;
 *   refusing it here (not only when a snapshot's body happens to use that tag)
 *   is what makes `tenant:check-name` agree with provisioning. `a$b` is fine.
 * - Not `pg_…` (lower case only: PostgreSQL reserves exactly that prefix,
 *   `CREATE SCHEMA "PG_x"` works), not `public` or `information_schema`, not
 *   Tenantry's own `_tenantry…` (warm-pool bookkeeping and spares).
 * - Not a protected name the caller passes: the template schema of the snapshot
 *   at hand, of any saved snapshot, of a warm pool.
 */
import { TenantryError } from '../errors.js';
import { RESERVED_PREFIX } from '../pool/spare-name.js';
import { utf8Length } from '../snapshot/sha256.js';

/** PostgreSQL's NAMEDATALEN - 1: the longest name in bytes. */
export const MAX_TENANT_NAME_BYTES = 63;

export interface TenantNameOptions {
  /** Schemas that are not tenants here, such as the template schemas of snapshots and warm pools. */
  protectedNames?: Iterable<string>;
}

// \p{Cc}: C0, DEL and C1 controls. \p{Cs}: a lone surrogate (a pair is one astral code point under /u).
// Zl/Zp: U+2028/U+2029. Default_Ignorable_Code_Point: Cf (bidi controls, ZWSP/ZWJ, BOM, soft hyphen, …),
// variation selectors, Hangul fillers, the combining grapheme joiner: characters that render as nothing.
export const INVISIBLE = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;

// $$ or $tag$ (a tag starts like an identifier and has no $), or a $ at either end that could join the text around it.
const DOLLAR_DELIMITER = /\$(?:[A-Za-z_\u0080-\u{10FFFF}][A-Za-z0-9_\u0080-\u{10FFFF}]*)?\$|^\$|\$$/u;

/** Why `name` cannot be a tenant schema name, as a sentence that says what to do; undefined when it can. */
export function findTenantNameProblem(name: unknown, options: TenantNameOptions = {}): string | undefined {
  const problem = findUnwritableNameProblem(name);
  if (problem !== undefined || typeof name !== 'string') return problem;
  const dollar = DOLLAR_DELIMITER.exec(name);
  if (dollar) return `it contains ${dollar[0] === '$' ? 'a "$" at its start or end' : `"${dollar[0]}"`}, which would end a dollar-quoted function body ($$ … $$) in a snapshot early. Choose a name without it.`;
  if (name === 'public') return '"public" is the database\'s default schema (often the template itself), not a tenant. Choose another name.';
  if (name === 'information_schema') return '"information_schema" is a system schema, not a tenant. Choose another name.';
  if (name.startsWith(RESERVED_PREFIX)) return `names starting with "${RESERVED_PREFIX}" are reserved for Tenantry's warm pool. Choose another name.`;
  for (const protectedName of options.protectedNames ?? []) {
    if (name === protectedName) return `"${name}" is the template schema of a snapshot, not a tenant. Choose another name.`;
  }
  return undefined;
}

/**
 * The part of the rule the snapshot renderer needs to write any name safely (length, characters, pg_); it
 * renders a template's own name (public, the template schema) for round trips, so the reservations are
 * left to findTenantNameProblem.
 */
export function findUnwritableNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'it is empty. Give a schema name of 1 to 63 bytes.';
  const bytes = utf8Length(name);
  if (bytes > MAX_TENANT_NAME_BYTES) return `it is ${bytes} bytes long in UTF-8 and PostgreSQL truncates names to ${MAX_TENANT_NAME_BYTES} bytes, so it would name another schema. Choose a shorter name.`;
  if (name.includes('\u0000')) return 'it contains a NUL character, which PostgreSQL does not allow in names.';
  const invisible = INVISIBLE.exec(name);
  if (invisible) return `it contains the invisible or control character ${describeCodePoint(invisible[0])}, which makes it look like another name. Use printable characters only.`;
  if (/^\s|\s$/u.test(name)) return 'it starts or ends with white space, which is almost certainly a mistake. Trim it.';
  if (name.startsWith('pg_')) return 'names starting with pg_ are reserved for PostgreSQL system schemas. Choose another prefix.';
  return undefined;
}

/** Throws INVALID_TENANT_NAME unless `name` is a valid tenant schema name (see the file comment). */
export function validateTenantName(name: string, options: TenantNameOptions = {}): void {
  const problem = findTenantNameProblem(name, options);
  if (problem !== undefined) throw new TenantryError('INVALID_TENANT_NAME', `The tenant name ${describeTenantName(name)} cannot be used: ${problem}`);
}

/** Throws INVALID_TENANT_NAME unless the renderer can write `name` safely (findUnwritableNameProblem). */
export function validateWritableName(name: string): void {
  const problem = findUnwritableNameProblem(name);
  if (problem !== undefined) throw new TenantryError('INVALID_TENANT_NAME', `The tenant name ${describeTenantName(name)} cannot be used: ${problem}`);
}

/** A name for a message: JSON-quoted, with invisible and control characters as \uXXXX so a bidi override cannot reorder the message. */
export function describeTenantName(name: string): string {
  return JSON.stringify(name).replace(new RegExp(INVISIBLE.source, 'gu'), (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

/** U+202E RIGHT-TO-LEFT OVERRIDE style, by number (the character itself would not show). */
function describeCodePoint(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}
