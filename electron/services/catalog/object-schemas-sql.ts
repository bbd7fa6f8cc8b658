/**
 * A CTE (`objns`) mapping every schema-bound catalog object (classid, objid)
 * to its namespace. pg_identify_object() gives no schema for column defaults,
 * triggers, policies, rules and constraints, so dependency queries that ask
 * "is this object in schema X" use this instead.
 */
export const OBJECT_SCHEMAS_CTE = `
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
