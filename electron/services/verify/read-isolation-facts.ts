/**
 * Isolation facts that only pg_depend knows: dependencies from a tenant's
 * objects to the template's own objects (not extension members), and column
 * defaults that draw from a sequence outside the tenant schema.
 */
import type pg from 'pg';
import type { VerifyDifference } from '../../../core/api/contract.js';

const OBJECT_SCHEMAS = `
objns as (
  select 'pg_catalog.pg_class'::regclass as classid, oid as objid, relnamespace as ns from pg_catalog.pg_class
  union all select 'pg_catalog.pg_proc'::regclass, oid, pronamespace from pg_catalog.pg_proc
  union all select 'pg_catalog.pg_type'::regclass, oid, typnamespace from pg_catalog.pg_type
  union all select 'pg_catalog.pg_constraint'::regclass, oid, connamespace from pg_catalog.pg_constraint
  union all select 'pg_catalog.pg_operator'::regclass, oid, oprnamespace from pg_catalog.pg_operator
  union all select 'pg_catalog.pg_opclass'::regclass, oid, opcnamespace from pg_catalog.pg_opclass
  union all select 'pg_catalog.pg_opfamily'::regclass, oid, opfnamespace from pg_catalog.pg_opfamily
  union all select 'pg_catalog.pg_collation'::regclass, oid, collnamespace from pg_catalog.pg_collation
  union all select 'pg_catalog.pg_ts_config'::regclass, oid, cfgnamespace from pg_catalog.pg_ts_config
  union all select 'pg_catalog.pg_ts_dict'::regclass, oid, dictnamespace from pg_catalog.pg_ts_dict
  union all select 'pg_catalog.pg_attrdef'::regclass, d.oid, c.relnamespace from pg_catalog.pg_attrdef d join pg_catalog.pg_class c on c.oid = d.adrelid
  union all select 'pg_catalog.pg_trigger'::regclass, t.oid, c.relnamespace from pg_catalog.pg_trigger t join pg_catalog.pg_class c on c.oid = t.tgrelid
  union all select 'pg_catalog.pg_policy'::regclass, p.oid, c.relnamespace from pg_catalog.pg_policy p join pg_catalog.pg_class c on c.oid = p.polrelid
  union all select 'pg_catalog.pg_rewrite'::regclass, r.oid, c.relnamespace from pg_catalog.pg_rewrite r join pg_catalog.pg_class c on c.oid = r.ev_class
)`;

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
