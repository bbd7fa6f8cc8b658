/**
 * Catalog stamps (issue 14): what lets a census reuse a schema's key (core/fleet/raw-key-sql.ts) from an earlier
 * census instead of computing it again, exactly.
 *
 * A schema's stamp is the XOR of 64-bit hashes of the physical identity (ctid, xmin) of every catalog
 * row the key is computed from: the schema's pg_namespace row; its relations' (indexes too) pg_class rows; their
 * columns, defaults, indexes, triggers, sequences' parameters and owning-column links, inheritance and partition
 * keys, policies and rules (views' too); the schema's constraints, functions and types with their enum labels and
 * ranges; and the comments on all of these. PostgreSQL never changes a catalog row in place for anything the key
 * reads (in-place updates are kept to statistics, frozen xids and flags the key does not read): every change writes a
 * row version with a new (ctid, xmin) and a removal takes one away. So an unchanged stamp means the same rows. A change
 * could go unseen only if every row it left behind sat in the slot of a row it replaced and had been written by a
 * transaction whose 32-bit id equals that row's: a slot is free only once the row in it was removed by an earlier
 * transaction and vacuumed, and the ids repeat only every four billion transactions (or if two 64-bit XORs collide;
 * a removal, which takes a row's hash out of the XOR, is seen like any other change).
 * A row whose xmin is a special xid (a bootstrap object of the public schema) gives a stamp that changes every census:
 * such a schema is computed every time, never wrongly reused.
 *
 * What the key reads outside the schema comes in three kinds, handled apart:
 * - raw OIDs of other objects (column types, operators, foreign keys' tables, trees' constants): they do not change;
 * - names printed by PostgreSQL (roles in ACLs, languages, system objects in deparsed defaults and signatures):
 *   buildGlobalStampSql hashes all roles, languages, extension memberships and every system object (OID below
 *   16384), and a census reuses no key when that global stamp changed;
 * - names of user objects outside the schema printed by deparsing (a default calling public.f(), a function taking a
 *   public type): no stamp covers them, so buildExternalRefsSql finds the schemas whose defaults, functions and types
 *   depend on such an object, and their keys are never reused.
 *
 * Run with search_path = '' in the census's snapshot; $1 is the schema names (text[]).
 */

/**
 * A row's hash: its ctid seeded by its xmin and the catalog's tag (the same ctid and xmin in two catalogs differ). The
 * xmin is read as the reference xid (REF) less its age, masked to 32 bits — exactly the xid, without the text round
 * trip of xmin::text::int8 (~12 % of the stamp pass's CPU at 5,000 schemas).
 */
const h = (alias: string, tag: number) => `pg_catalog.hashtidextended(${alias}.ctid, (((select ref.x from ref) - pg_catalog.age(${alias}.xmin)) & 4294967295) + ${tag * 4294967296})`;

/**
 * The same through text, for rows whose xmin may be a special xid (age() gives those INT_MAX, whatever the reference):
 * the bootstrap rows of system objects, which the global stamp reads.
 */
const hText = (alias: string, tag: number) => `pg_catalog.hashtidextended(${alias}.ctid, ${alias}.xmin::text::int8 + ${tag * 4294967296})`;

/** The CTE `ref`: the xid age() counts from in this transaction (age(3) + 3; 3 is the first normal xid). */
const REF = `ref as materialized (select pg_catalog.age('3'::pg_catalog.xid)::int8 + 3 as x)`;

/** XOR of the hashes of the rows of a catalog `from` (alias a) meeting `where`, 0 when none. */
const xorOf = (catalog: string, where: string, tag: number) =>
  `coalesce((select pg_catalog.bit_xor(${h('a', tag)}) from ${catalog} a where ${where}), 0)`;

/**
 * Whether the namespace `ns` is one of the schemas (CTE s): NOT IN over a subquery is a hashed subplan, one hash lookup
 * per row. (Written as a join or IN, the planner may choose a nested loop that scans every schema for every row, or a
 * catalog for every relation, when a catalog's statistics are stale — see core/fleet/raw-key-sql.ts on comments.)
 */
const inSchemas = (ns: string) => `not (${ns} not in (select s.oid from s))`;

/** The stamp of each existing schema of $1: `schema`, `ns` (its OID), `stamp` (the hashes of its rows combined by XOR, as text). */
export function buildStampSql(): string {
  // What hangs off relations is read per relation by an index (a probe is linear whatever the statistics); comments by
  // a scan of pg_description, each one's object looked up by OID.
  const ofRelation = (catalog: string, rel: string, tag: number, alias: string, where = '') =>
    `select c.relnamespace, ${h(alias, tag)} from ${catalog} ${alias} join pg_catalog.pg_class c on c.oid = ${alias}.${rel} where ${inSchemas('c.relnamespace')}${where}`;
  return `with ${REF},
s as materialized (
  select n.oid, n.nspname, ${h('n', 1)} as h from pg_catalog.pg_namespace n where n.nspname = any($1::text[])
),
-- Every relation of the schemas, indexes included (one scan of pg_class), with what hangs off it by its index.
rel as materialized (
  select c.oid, c.relnamespace as ns, c.relkind, ${h('c', 2)}
         # case when c.relkind in ('r', 'p', 'f', 'v', 'm', 'c') then
             ${xorOf('pg_catalog.pg_attribute', 'a.attrelid = c.oid and a.attnum > 0', 3)}
             # ${xorOf('pg_catalog.pg_attrdef', 'a.adrelid = c.oid', 4)}
             # ${xorOf('pg_catalog.pg_trigger', 'a.tgrelid = c.oid', 6)} else 0 end
         # case when c.relkind in ('r', 'p', 'm') then ${xorOf('pg_catalog.pg_index', 'a.indrelid = c.oid', 5)} else 0 end
         # case when c.relkind in ('r', 'p', 'f') then
             ${xorOf('pg_catalog.pg_inherits', 'a.inhrelid = c.oid', 9)} # ${xorOf('pg_catalog.pg_policy', 'a.polrelid = c.oid', 11)} else 0 end
         # case when c.relkind = 'p' then ${xorOf('pg_catalog.pg_partitioned_table', 'a.partrelid = c.oid', 10)} else 0 end
         # case when c.relkind in ('r', 'p', 'v', 'm') then ${xorOf('pg_catalog.pg_rewrite', 'a.ev_class = c.oid', 12)} else 0 end
         # case when c.relkind = 'S' then
             ${xorOf('pg_catalog.pg_depend', "a.classid = 'pg_catalog.pg_class'::regclass and a.objid = c.oid and a.objsubid = 0", 7)}
             # ${xorOf('pg_catalog.pg_sequence', 'a.seqrelid = c.oid', 8)} else 0 end as h
    from pg_catalog.pg_class c
   where ${inSchemas('c.relnamespace')}
),
rows as (
  select s.oid as ns, s.h from s
  union all
  select c.ns, c.h from rel c
  union all
  select k.connamespace, ${h('k', 13)} from pg_catalog.pg_constraint k where ${inSchemas('k.connamespace')}
  union all
  select p.pronamespace, ${h('p', 14)} from pg_catalog.pg_proc p where ${inSchemas('p.pronamespace')}
  union all
  select t.typnamespace, ${h('t', 15)} from pg_catalog.pg_type t where ${inSchemas('t.typnamespace')}
  union all
  select t.typnamespace, ${h('e', 16)} from pg_catalog.pg_enum e join pg_catalog.pg_type t on t.oid = e.enumtypid where ${inSchemas('t.typnamespace')}
  union all
  select t.typnamespace, ${h('r', 17)} from pg_catalog.pg_range r join pg_catalog.pg_type t on t.oid = r.rngtypid where ${inSchemas('t.typnamespace')}
  union all
  -- Comments: on relations, indexes and columns; constraints; triggers; functions; types.
  ${ofRelation('pg_catalog.pg_description', 'objoid', 18, 'd', " and d.classoid = 'pg_catalog.pg_class'::regclass")}
  union all
  select k.connamespace, ${h('d', 19)} from pg_catalog.pg_description d join pg_catalog.pg_constraint k on k.oid = d.objoid
   where d.classoid = 'pg_catalog.pg_constraint'::regclass and ${inSchemas('k.connamespace')}
  union all
  select c.relnamespace, ${h('d', 20)} from pg_catalog.pg_description d join pg_catalog.pg_trigger g on g.oid = d.objoid join pg_catalog.pg_class c on c.oid = g.tgrelid
   where d.classoid = 'pg_catalog.pg_trigger'::regclass and ${inSchemas('c.relnamespace')}
  union all
  select p.pronamespace, ${h('d', 21)} from pg_catalog.pg_description d join pg_catalog.pg_proc p on p.oid = d.objoid
   where d.classoid = 'pg_catalog.pg_proc'::regclass and ${inSchemas('p.pronamespace')}
  union all
  select t.typnamespace, ${h('d', 22)} from pg_catalog.pg_description d join pg_catalog.pg_type t on t.oid = d.objoid
   where d.classoid = 'pg_catalog.pg_type'::regclass and ${inSchemas('t.typnamespace')}
)
select s.nspname as schema, r.ns::int8 as ns, r.stamp
  from (select r.ns, pg_catalog.bit_xor(r.h)::text as stamp from rows r group by r.ns) r join s on s.oid = r.ns`;
}

/** The catalogs whose system objects (OID below 16384) PostgreSQL may print by name in what the key deparses. */
const SYSTEM_CATALOGS = ['pg_proc', 'pg_type', 'pg_class', 'pg_namespace', 'pg_operator', 'pg_collation', 'pg_enum', 'pg_ts_config', 'pg_ts_dict'];

/**
 * One row, `stamp`: what every schema's key depends on outside the schemas themselves, as text — all roles by OID and
 * name (ACLs and owners print role names), all languages, every extension membership (members are left out of keys),
 * every system object of SYSTEM_CATALOGS, and the settings that change how PostgreSQL prints constants.
 */
export function buildGlobalStampSql(): string {
  const system = SYSTEM_CATALOGS.map((c, i) => `select ${hText('a', 40 + i)} as h from pg_catalog.${c} a where a.oid < 16384`).join('\n    union all\n    ');
  return `select concat_ws('|',
  (select pg_catalog.bit_xor(pg_catalog.hashtextextended(r.oid::text || ':' || r.rolname, 0)) from pg_catalog.pg_roles r),
  (select pg_catalog.bit_xor(${hText('a', 30)}) from pg_catalog.pg_language a),
  (select pg_catalog.bit_xor(${hText('a', 31)}) from pg_catalog.pg_depend a where a.refclassid = 'pg_catalog.pg_extension'::regclass),
  (select pg_catalog.bit_xor(x.h) from (
    ${system}) x),
  pg_catalog.current_setting('server_version_num'),
  pg_catalog.current_setting('DateStyle'), pg_catalog.current_setting('IntervalStyle'), pg_catalog.current_setting('TimeZone'),
  pg_catalog.current_setting('extra_float_digits'), pg_catalog.current_setting('bytea_output'), pg_catalog.current_setting('lc_monetary'),
  pg_catalog.current_setting('standard_conforming_strings'), pg_catalog.current_setting('quote_all_identifiers'), pg_catalog.current_setting('search_path')) as stamp`;
}

/**
 * The schemas of $1 (text[]) whose key deparses a name from outside the schema and the system: a default, function or
 * printed type that depends on a user object (OID 16384 or more) of another schema — a default calling public.f(), a
 * function taking an extension's type. No stamp covers such a name (public.f may be renamed), so their keys are not
 * kept. pg_depend records every object an expression names but roles, which the global stamp covers.
 */
export function buildExternalRefsSql(): string {
  // Each relation's defaults and each default's dependencies by their indexes (the planner otherwise hashes all of
  // pg_depend); a dependency on one of the schema's own relations is told by a hash join to rel.
  return `with s as materialized (select n.oid from pg_catalog.pg_namespace n where n.nspname = any($1::text[])),
rel as materialized (
  select c.oid, c.relnamespace as ns, c.relkind from pg_catalog.pg_class c join s on s.oid = c.relnamespace
),
refs as (
  select c.ns, d.refclassid, d.refobjid
    from rel c
    cross join lateral (select ad.oid from pg_catalog.pg_attrdef ad where ad.adrelid = c.oid offset 0) ad
    cross join lateral (select d.refclassid, d.refobjid from pg_catalog.pg_depend d
                         where d.classid = 'pg_catalog.pg_attrdef'::regclass and d.objid = ad.oid and d.refobjid >= 16384 and d.refobjid <> c.oid offset 0) d
   where c.relkind in ('r', 'p', 'f', 'v', 'm', 'c')
  union all
  select p.pronamespace, d.refclassid, d.refobjid
    from pg_catalog.pg_proc p
    cross join lateral (select d.refclassid, d.refobjid from pg_catalog.pg_depend d
                         where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.refobjid >= 16384 offset 0) d
   where p.pronamespace in (select s.oid from s)
  union all
  select t.typnamespace, d.refclassid, d.refobjid
    from pg_catalog.pg_type t
    cross join lateral (select d.refclassid, d.refobjid from pg_catalog.pg_depend d
                         where d.classid = 'pg_catalog.pg_type'::regclass and d.objid = t.oid and d.refobjid >= 16384 offset 0) d
   where t.typnamespace in (select s.oid from s) and t.typtype in ('d', 'r', 'm', 'e')
)
select distinct n.nspname as schema
  from refs r join pg_catalog.pg_namespace n on n.oid = r.ns
  left join rel own on r.refclassid = 'pg_catalog.pg_class'::regclass and own.oid = r.refobjid and own.ns = r.ns
 where own.oid is null
   and r.refclassid not in ('pg_catalog.pg_language'::regclass, 'pg_catalog.pg_extension'::regclass)
   and case r.refclassid
         when 'pg_catalog.pg_namespace'::regclass then r.refobjid <> r.ns
         when 'pg_catalog.pg_type'::regclass then not exists (select 1 from pg_catalog.pg_type x where x.oid = r.refobjid and x.typnamespace = r.ns offset 0)
         when 'pg_catalog.pg_proc'::regclass then not exists (select 1 from pg_catalog.pg_proc x where x.oid = r.refobjid and x.pronamespace = r.ns offset 0)
         when 'pg_catalog.pg_operator'::regclass then not exists (select 1 from pg_catalog.pg_operator x where x.oid = r.refobjid and x.oprnamespace = r.ns offset 0)
         when 'pg_catalog.pg_collation'::regclass then not exists (select 1 from pg_catalog.pg_collation x where x.oid = r.refobjid and x.collnamespace = r.ns offset 0)
         else true end`;
}

/** The table of kept keys in the bookkeeping schema. */
export const CENSUS_KEYS_TABLE = '_tenantry.census_keys';

/** Its definition (idempotent): one row per schema (by OID), the key as of the stamp, under the format it was computed in. */
export const CENSUS_KEYS_DDL = `CREATE TABLE IF NOT EXISTS ${CENSUS_KEYS_TABLE} (
  nsp oid PRIMARY KEY,
  format text NOT NULL,
  stamp text NOT NULL,
  key text NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp()
)`;

/** The kept keys of the schemas of $1 (oid[]) in format $2. */
export const CENSUS_KEYS_READ_SQL = `SELECT nsp::int8 AS ns, stamp, key FROM ${CENSUS_KEYS_TABLE} WHERE nsp = ANY($1::oid[]) AND format = $2`;

/** Keeps keys: $1 nsp (int8[]), $2 stamps, $3 keys (text[]), $4 the format. */
export const CENSUS_KEYS_WRITE_SQL = `INSERT INTO ${CENSUS_KEYS_TABLE} AS k (nsp, format, stamp, key)
SELECT u.nsp::oid, $4, u.stamp, u.key FROM unnest($1::int8[], $2::text[], $3::text[]) AS u(nsp, stamp, key)
ON CONFLICT (nsp) DO UPDATE SET format = excluded.format, stamp = excluded.stamp, key = excluded.key, computed_at = excluded.computed_at`;

/** Forgets the kept keys of schemas that no longer exist. */
export const CENSUS_KEYS_FORGET_SQL = `DELETE FROM ${CENSUS_KEYS_TABLE} k WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.oid = k.nsp)`;
