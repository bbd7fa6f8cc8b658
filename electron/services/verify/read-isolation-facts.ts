/**
 * Isolation facts that only pg_depend knows: dependencies from a tenant's
 * objects to the template's own objects (not extension members), and column
 * defaults that draw from a sequence outside the tenant schema.
 */
import type pg from 'pg';
import type { VerifyDifference } from '../../../core/api/contract.js';
import { OBJECT_SCHEMAS_CTE as OBJECT_SCHEMAS } from '../catalog/object-schemas-sql.js';



const CROSS_DEPENDENCIES_SQL = `
with tenant as (select oid from pg_catalog.pg_namespace where nspname = $1),
template as (select oid from pg_catalog.pg_namespace where nspname = $2),
${OBJECT_SCHEMAS},
f as (select * from objns where ns = (select oid from tenant)),
t as (select * from objns where ns = (select oid from template))
select pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) as from,
       pg_catalog.pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid) as to
  from pg_catalog.pg_depend d
  join f on f.classid = d.classid and f.objid = d.objid
  join t on t.classid = d.refclassid and t.objid = d.refobjid
 where not exists (select 1 from pg_catalog.pg_depend e where e.classid = d.refclassid and e.objid = d.refobjid and e.deptype = 'e')
 order by 1, 2`;

const FOREIGN_SEQUENCE_DEFAULTS_SQL = `
select c.relname || '.' || a.attname as column, s.oid::regclass::text as sequence
  from pg_catalog.pg_attrdef ad
  join pg_catalog.pg_class c on c.oid = ad.adrelid
  join pg_catalog.pg_attribute a on a.attrelid = ad.adrelid and a.attnum = ad.adnum
  join pg_catalog.pg_depend d on d.classid = 'pg_catalog.pg_attrdef'::regclass and d.objid = ad.oid and d.refclassid = 'pg_catalog.pg_class'::regclass
  join pg_catalog.pg_class s on s.oid = d.refobjid and s.relkind = 'S'
 where c.relnamespace = (select oid from pg_catalog.pg_namespace where nspname = $1)
   and s.relnamespace <> c.relnamespace
 order by 1`;

/** Isolation differences pg_depend shows between a tenant and its template. */
export async function readIsolationFacts(client: pg.ClientBase, tenant: string, template: string): Promise<VerifyDifference[]> {
  const differences: VerifyDifference[] = [];
  const deps = await client.query<{ from: string; to: string }>(CROSS_DEPENDENCIES_SQL, [tenant, template]);
  for (const row of deps.rows) {
    differences.push({ kind: 'isolation', object: row.from, detail: `depends on the template's ${row.to}` });
  }
  const seqs = await client.query<{ column: string; sequence: string }>(FOREIGN_SEQUENCE_DEFAULTS_SQL, [tenant]);
  for (const row of seqs.rows) {
    differences.push({ kind: 'isolation', object: `column ${row.column}`, detail: `default draws from sequence ${row.sequence}, which is not the tenant's own` });
  }
  return differences;
}
