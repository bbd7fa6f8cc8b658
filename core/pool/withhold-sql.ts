/**
 * Keeping Tenantry's reserved schemas (the bookkeeping schema `_tenantry`, warm-pool spares) invisible to the
 * application's roles: revoke what default privileges granted on a fresh schema.
 */
import { quoteLiteral } from '../sql/quote.js';

/** A dollar-quote tag that does not occur in `text`. */
export function pickDollarTag(text: string): string {
  let tag = '$tenantry_claim$';
  for (let i = 1; text.includes(tag); i++) tag = `$tenantry_claim${i}$`;
  return tag;
}

/**
 * A DO block revoking every privilege on `schema` from everyone but its owner:
 * PUBLIC, and roles that database-wide default privileges (ALTER DEFAULT
 * PRIVILEGES … ON SCHEMAS) granted on creation. A spare's snapshot grants are
 * not run at build time at all.
 */
export function buildWithholdSql(schema: string): string {
  const body = [
    'DECLARE r record;',
    'BEGIN',
    `  FOR r IN SELECT DISTINCT a.grantee FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a WHERE n.nspname = ${quoteLiteral(schema)} AND a.grantee <> n.nspowner LOOP`,
    // regrole's text output is already an identifier quoted where needed: quoting it again names no role.
    `    EXECUTE pg_catalog.format('REVOKE ALL ON SCHEMA %I FROM %s', ${quoteLiteral(schema)}, CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE r.grantee::regrole::text END);`,
    '  END LOOP;',
    'END',
  ].join('\n');
  const tag = pickDollarTag(body);
  return `DO ${tag}\n${body}\n${tag};`;
}
