/**
 * The template schema's own privileges that pg_dump never writes: those it
 * holds from PostgreSQL's initial privileges (pg_init_privs). pg_dump writes
 * only the difference from them, so a `public` template's stock
 * `USAGE … TO PUBLIC` is missing from every dump, and a tenant created from it
 * refuses application roles ("permission denied for schema"). Returned as
 * GRANT statements on the template schema, to be appended to the dump before
 * templating: the engine turns the schema name into the placeholder like any
 * other `ON SCHEMA` name, and the GRANTs run in each tenant's transaction.
 * Privileges of the schema's owner are left out: the tenant's owner holds them.
 */
import type pg from 'pg';
import { quoteIdentifier } from '../../../core/sql/quote.js';

const INHERITED_SQL = `
select case when a.grantee = 0 then null else pg_catalog.pg_get_userbyid(a.grantee) end as grantee,
       string_agg(a.privilege_type, ', ' order by a.privilege_type) as privileges, a.is_grantable as grantable
  from pg_catalog.pg_namespace n
 cross join lateral pg_catalog.aclexplode(coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner))) a
 where n.nspname = $1 and a.grantee <> n.nspowner
   and exists (select 1 from pg_catalog.pg_init_privs i cross join lateral pg_catalog.aclexplode(i.initprivs) b
                where i.classoid = 'pg_catalog.pg_namespace'::regclass and i.objoid = n.oid and i.objsubid = 0
                  and b.grantee = a.grantee and b.privilege_type = a.privilege_type)
 group by a.grantee, a.is_grantable
 order by 1 nulls first, 3`;

export interface InheritedSchemaGrants {
  /** GRANT statements on the template schema (empty when there is nothing pg_dump left out). */
  sql: string;
  /** One plain sentence per grant, for the report. */
  grants: string[];
}

/** Reads what the template schema holds from initial privileges (not written by pg_dump) as GRANT statements. */
export async function readInheritedSchemaGrants(client: pg.ClientBase, schema: string): Promise<InheritedSchemaGrants> {
  const { rows } = await client.query<{ grantee: string | null; privileges: string; grantable: boolean }>(INHERITED_SQL, [schema]);
  if (rows.length === 0) return { sql: '', grants: [] };
  const statements = rows.map((r) => `GRANT ${r.privileges} ON SCHEMA ${quoteIdentifier(schema)} TO ${r.grantee === null ? 'PUBLIC' : quoteIdentifier(r.grantee)}${r.grantable ? ' WITH GRANT OPTION' : ''};`);
  return {
    // No schema name in the comment: comments naming it would be references to review.
    sql: `--\n-- Tenantry: the template schema's initial privileges (pg_init_privs), which pg_dump does not write.\n--\n\n${statements.join('\n')}\n`,
    grants: rows.map((r) => `${r.privileges} to ${r.grantee === null ? 'PUBLIC' : r.grantee}${r.grantable ? ' with grant option' : ''}`),
  };
}
