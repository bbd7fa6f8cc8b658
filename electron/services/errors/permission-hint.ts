/**
 * Turns PostgreSQL's terse privilege errors ("permission denied for database
 * app", "must be member of role \"postgres\"", "must be owner of schema t")
 * into a sentence that names the connecting role and the GRANT (or the
 * option) that would let the operation through.
 */
import { quoteIdentifier } from '../../../core/sql/quote.js';

export interface PermissionContext {
  /** The role Tenantry connected as (profile.user). */
  role?: string | undefined;
  /** The database connected to (profile.database). */
  database?: string | undefined;
}

/** A newcomer-readable explanation with the GRANT to run, or undefined when `message` is no privilege error. */
export function explainPermissionError(message: string, context: PermissionContext): string | undefined {
  const who = context.role ? `Role "${context.role}"` : 'The connecting role';
  const grantee = context.role ? quoteIdentifier(context.role) : '<role>';
  let m = /permission denied for database "?([^"\n]+?)"?\s*$/m.exec(message);
  if (m) {
    const db = m[1] ?? context.database ?? '<database>';
    return `${who} may not create schemas in database "${db}". Ask an administrator to run: GRANT CREATE ON DATABASE ${quoteIdentifier(db)} TO ${grantee};`;
  }
  m = /must be (?:a )?member of role "([^"]+)"/.exec(message);
  if (m) {
    const owner = m[1] ?? '';
    return (
      `${who} is not a member of role "${owner}", which the snapshot makes the owner of its objects (ALTER … OWNER TO). ` +
      `Make the snapshot with --no-owner (tenant objects then belong to the role that provisions them), or ask an administrator to run: GRANT ${quoteIdentifier(owner)} TO ${grantee};`
    );
  }
  m = /permission denied for schema "?([^"\n]+?)"?\s*$/m.exec(message);
  if (m) {
    const schema = m[1] ?? '';
    return `${who} may not use schema "${schema}". Ask an administrator to run: GRANT USAGE ON SCHEMA ${quoteIdentifier(schema)} TO ${grantee};`;
  }
  m = /permission denied for (table|sequence|view|materialized view|function) "?([^"\n]+?)"?\s*$/m.exec(message);
  if (m) {
    const kind = m[1] ?? 'table';
    const object = m[2] ?? '';
    const grant = kind === 'function' ? 'EXECUTE' : 'SELECT';
    return `${who} may not read ${kind} ${object}. Connect as the schema's owner, or ask an administrator to grant ${grant} on it (for a whole schema S: GRANT ${grant} ON ALL ${kind === 'function' ? 'FUNCTIONS' : 'TABLES'} IN SCHEMA S TO ${grantee};).`;
  }
  m = /must be owner of (schema|table|database) "?([^"\n]+?)"?\s*$/m.exec(message);
  if (m) {
    const kind = m[1] ?? 'schema';
    const object = m[2] ?? '';
    return `${who} does not own ${kind} "${object}": only its owner, a member of the owning role, or a superuser may do this. Connect as the owner.`;
  }
  return undefined;
}

/**
 * A hint for a tenant's SQL that names something this database lacks: a role
 * the snapshot grants to or gives ownership to, or a type, function or
 * operator class outside the template schema (usually an extension's, such as
 * public.citext or public.gin_trgm_ops) — the snapshot was made elsewhere.
 */
export function explainMissingObject(message: string, tenant?: string): string | undefined {
  const role = /role "([^"]+)" does not exist/.exec(message);
  if (role) {
    return `Role "${role[1]}" does not exist in this cluster, and the snapshot grants to it or makes it an owner. Create it first (CREATE ROLE ${quoteIdentifier(role[1] ?? '')};), or make the snapshot with --no-owner --no-privileges.`;
  }
  const object = /\b(type|function|operator class|operator family|operator|collation|text search configuration|text search dictionary|schema) "?([^"\s]+?)"?(?:\(.*?\))? does not exist/.exec(message);
  if (object) {
    const name = object[2] ?? '';
    // Something of the tenant's own is missing: an ordering problem in the snapshot, not a missing extension.
    if (tenant !== undefined && (name.startsWith(`${tenant}.`) || name.startsWith(`"${tenant}".`))) return undefined;
    const schema = name.includes('.') ? name.slice(0, name.indexOf('.')) : undefined;
    const create = schema ? `CREATE EXTENSION … SCHEMA ${schema};` : 'CREATE EXTENSION …;';
    return (
      `The snapshot uses ${object[1]} ${name}, which this database does not have. A tenant shares what lives outside the template schema — usually an extension's objects (citext, pg_trgm, pgcrypto, …): ` +
      `install the same extensions here first (${create}) as in the database the snapshot was made from, then provision again.`
    );
  }
  return undefined;
}
