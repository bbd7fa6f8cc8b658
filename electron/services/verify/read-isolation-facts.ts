/**
 * Isolation facts that only pg_depend knows: dependencies from a tenant's
 * objects to the template's own objects (not extension members), and column
 * defaults that draw from a sequence outside the tenant schema.
 */
import type pg from 'pg';
import type { VerifyDifference } from '../../../core/api/contract.js';
import { NAMESPACED_CLASSES, namespaceOfSql, TEMPLATE_OBJECTS_CTE } from '../catalog/template-objects-sql.js';

/**
 * Dependencies from the tenant's objects ($1) to the template's own objects ($2), extension members left out. It starts
 * from the tenant's objects, read through indexes (TEMPLATE_OBJECTS_CTE, whose `template` is the tenant here), follows
 * each one's pg_depend rows by pg_depend's object index and checks the referenced object's namespace by its own
 * catalog's oid index: the cost follows the tenant's size, not the database's. The query it replaced mapped every
 * object of every schema to its namespace (OBJECT_SCHEMAS_CTE) and joined that to pg_depend: a verify took longer the
 * more tenants the database held, and verify all grew with the square of the fleet. Same rule, same rows
 * (test/integration/catalog/shared-objects-scale.test.ts compares it with a frozen copy of the old one).
 */
export const CROSS_DEPENDENCIES_SQL = `
with recursive ${TEMPLATE_OBJECTS_CTE},
target as (select oid from pg_catalog.pg_namespace where nspname = $2)
select pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) as from,
       pg_catalog.pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid) as to
  from tobjs o
  cross join lateral (select d.* from pg_catalog.pg_depend d where d.classid = o.classid and d.objid = o.objid offset 0) d
 where d.refclassid = any (${NAMESPACED_CLASSES})
   and ${namespaceOfSql('d.refclassid', 'd.refobjid')} = (select oid from target)
   and not exists (select 1 from pg_catalog.pg_depend e where e.classid = d.refclassid and e.objid = d.refobjid and e.deptype = 'e' offset 0)
 order by 1, 2`;

/** Column defaults of the tenant's ($1) relations that draw from a sequence in another schema; from the tenant's column defaults, as above. */
export const FOREIGN_SEQUENCE_DEFAULTS_SQL = `
with recursive ${TEMPLATE_OBJECTS_CTE}
select c.relname || '.' || a.attname as column, s.oid::regclass::text as sequence
  from tobjs o
  cross join lateral (select oid, adrelid, adnum from pg_catalog.pg_attrdef where oid = o.objid offset 0) ad
  cross join lateral (select relname, relnamespace from pg_catalog.pg_class where oid = ad.adrelid offset 0) c
  cross join lateral (select attname from pg_catalog.pg_attribute where attrelid = ad.adrelid and attnum = ad.adnum offset 0) a
  cross join lateral (select refobjid from pg_catalog.pg_depend
                       where classid = 'pg_catalog.pg_attrdef'::regclass and objid = ad.oid and refclassid = 'pg_catalog.pg_class'::regclass offset 0) d
  cross join lateral (select oid, relnamespace from pg_catalog.pg_class where oid = d.refobjid and relkind = 'S' offset 0) s
 where o.classid = 'pg_catalog.pg_attrdef'::regclass
   and s.relnamespace <> c.relnamespace
 order by 1`;

/** Isolation differences pg_depend shows between a tenant and its template. */
export async function readIsolationFacts(client: pg.ClientBase, tenant: string, template: string): Promise<VerifyDifference[]> {
  const differences: VerifyDifference[] = [];
  const deps = await client.query<{ from: string; to: string }>(CROSS_DEPENDENCIES_SQL, [tenant, template]);
  const seqs = await client.query<{ column: string; sequence: string }>(FOREIGN_SEQUENCE_DEFAULTS_SQL, [tenant]);
  for (const row of deps.rows) {
    differences.push({ kind: 'isolation', object: row.from, detail: `depends on the template's ${row.to}` });
  }
  for (const row of seqs.rows) {
    differences.push({ kind: 'isolation', object: `column ${row.column}`, detail: `default draws from sequence ${row.sequence}, which is not the tenant's own` });
  }
  return differences;
}
