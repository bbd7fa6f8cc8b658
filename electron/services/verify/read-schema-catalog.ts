/**
 * Reads one schema's objects from pg_catalog as comparable text (the
 * SchemaCatalog of core/verify/compare-catalogs.ts). Runs with an empty
 * search_path so every name PostgreSQL prints is schema-qualified; extension
 * members are left out (they belong to the extension, not to the schema).
 */
import type pg from 'pg';
import type { CatalogObject, SchemaCatalog } from '../../../core/verify/compare-catalogs.js';

// Objects of the schema that an extension owns: never compared, never copied.
const NOT_EXT = (catalog: string, oid: string) =>
  `not exists (select 1 from pg_catalog.pg_depend e where e.classid = '${catalog}'::regclass and e.objid = ${oid} and e.deptype = 'e')`;

const QUERIES: Record<string, string> = {
  table: `
    select c.relname as name, c.relkind::text as relkind, c.relpersistence::text as persistence,
           pg_catalog.pg_get_partkeydef(c.oid) as partition_key,
           case when c.relispartition then pg_catalog.pg_get_expr(c.relpartbound, c.oid) end as partition_bound,
           array_to_string(c.reloptions, ',') as options,
           c.relrowsecurity::text as row_security, c.relforcerowsecurity::text as force_row_security,
           (select string_agg(i.inhparent::regclass::text, ', ' order by i.inhseqno) from pg_catalog.pg_inherits i where i.inhrelid = c.oid) as inherits,
           pg_catalog.obj_description(c.oid, 'pg_class') as comment
      from pg_catalog.pg_class c
     where c.relnamespace = $1 and c.relkind in ('r', 'p', 'f') and ${NOT_EXT('pg_catalog.pg_class', 'c.oid')}`,
  view: `
    select c.relname as name, c.relkind::text as relkind, pg_catalog.pg_get_viewdef(c.oid) as definition,
           array_to_string(c.reloptions, ',') as options, pg_catalog.obj_description(c.oid, 'pg_class') as comment
      from pg_catalog.pg_class c
     where c.relnamespace = $1 and c.relkind in ('v', 'm') and ${NOT_EXT('pg_catalog.pg_class', 'c.oid')}`,
  column: `
    select c.relname || '.' || a.attname as name,
           pg_catalog.format_type(a.atttypid, a.atttypmod) as type,
           a.attnotnull::text as not_null,
           pg_catalog.pg_get_expr(d.adbin, d.adrelid) as default,
           nullif(a.attidentity::text, '') as identity,
           nullif(a.attgenerated::text, '') as generated,
           case when a.attcollation <> t.typcollation then a.attcollation::regcollation::text end as collation,
           (row_number() over (partition by c.oid order by a.attnum))::text as position,
           pg_catalog.col_description(c.oid, a.attnum) as comment,
           c.oid::regclass::text as context_relation, a.attname::text as context_column
      from pg_catalog.pg_attribute a
      join pg_catalog.pg_class c on c.oid = a.attrelid
      join pg_catalog.pg_type t on t.oid = a.atttypid
      left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
     where c.relnamespace = $1 and c.relkind in ('r', 'p', 'f', 'v', 'm', 'c') and a.attnum > 0 and not a.attisdropped
       and ${NOT_EXT('pg_catalog.pg_class', 'c.oid')}`,
  constraint: `
    select coalesce(c.relname, t.typname) || '.' || k.conname as name, k.contype::text as type,
           pg_catalog.pg_get_constraintdef(k.oid) as definition, pg_catalog.obj_description(k.oid, 'pg_constraint') as comment,
           c.oid::regclass::text as context_relation, pg_catalog.format_type(t.typbasetype, t.typtypmod) as context_base_type
      from pg_catalog.pg_constraint k
      left join pg_catalog.pg_class c on c.oid = k.conrelid
      left join pg_catalog.pg_type t on t.oid = k.contypid
     where k.connamespace = $1 and (c.oid is null or ${NOT_EXT('pg_catalog.pg_class', 'c.oid')})`,
  index: `
    select i.relname as name, pg_catalog.pg_get_indexdef(i.oid) as definition,
           x.indisclustered::text as clustered, pg_catalog.obj_description(i.oid, 'pg_class') as comment
      from pg_catalog.pg_index x
      join pg_catalog.pg_class i on i.oid = x.indexrelid
     where i.relnamespace = $1 and ${NOT_EXT('pg_catalog.pg_class', 'x.indrelid')}`,
  sequence: `
    select c.relname as name, pg_catalog.format_type(s.seqtypid, null) as type, s.seqstart::text as start,
           s.seqincrement::text as increment, s.seqmin::text as min, s.seqmax::text as max, s.seqcache::text as cache,
           s.seqcycle::text as cycle,
           (select r.oid::regclass::text || '.' || a.attname || ' (' || d.deptype::text || ')'
              from pg_catalog.pg_depend d
              join pg_catalog.pg_class r on r.oid = d.refobjid
              join pg_catalog.pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
             where d.classid = 'pg_catalog.pg_class'::regclass and d.objid = c.oid
               and d.refclassid = 'pg_catalog.pg_class'::regclass and d.deptype in ('a', 'i') limit 1) as owned_by,
           pg_catalog.obj_description(c.oid, 'pg_class') as comment
      from pg_catalog.pg_sequence s
      join pg_catalog.pg_class c on c.oid = s.seqrelid
     where c.relnamespace = $1 and ${NOT_EXT('pg_catalog.pg_class', 'c.oid')}`,
  function: `
    select p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')' as name,
           p.prokind::text as kind,
           case when p.prokind <> 'a' then pg_catalog.pg_get_functiondef(p.oid) end as definition,
           pg_catalog.pg_get_function_result(p.oid) as result,
           array_to_string(p.proconfig, ', ') as config,
           case when p.prokind = 'a' then (
             select g.aggtransfn::regprocedure::text || ' ' || g.aggtranstype::regtype::text || ' ' ||
                    coalesce(nullif(g.aggfinalfn::oid, 0)::regprocedure::text, '-') || ' ' || coalesce(g.agginitval, '-')
               from pg_catalog.pg_aggregate g where g.aggfnoid = p.oid) end as aggregate,
           pg_catalog.obj_description(p.oid, 'pg_proc') as comment
      from pg_catalog.pg_proc p
     where p.pronamespace = $1 and ${NOT_EXT('pg_catalog.pg_proc', 'p.oid')}`,
  trigger: `
    select c.relname || '.' || g.tgname as name, pg_catalog.pg_get_triggerdef(g.oid) as definition,
           g.tgenabled::text as enabled, pg_catalog.obj_description(g.oid, 'pg_trigger') as comment
      from pg_catalog.pg_trigger g
      join pg_catalog.pg_class c on c.oid = g.tgrelid
     where c.relnamespace = $1 and not g.tgisinternal`,
  policy: `
    select c.relname || '.' || p.polname as name, p.polcmd::text as command, p.polpermissive::text as permissive,
           (select string_agg(case when r = 0 then 'public' else pg_catalog.pg_get_userbyid(r) end, ', ' order by 1)
              from unnest(p.polroles) r) as roles,
           pg_catalog.pg_get_expr(p.polqual, p.polrelid) as using, pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) as with_check,
           pg_catalog.obj_description(p.oid, 'pg_policy') as comment
      from pg_catalog.pg_policy p
      join pg_catalog.pg_class c on c.oid = p.polrelid
     where c.relnamespace = $1`,
  statistics: `
    select s.stxname as name, pg_catalog.pg_get_statisticsobjdef(s.oid) as definition,
           pg_catalog.obj_description(s.oid, 'pg_statistic_ext') as comment
      from pg_catalog.pg_statistic_ext s
     where s.stxnamespace = $1`,
  operator: `
    select o.oprname || '(' || coalesce(pg_catalog.format_type(nullif(o.oprleft, 0), null), 'NONE') || ', '
             || coalesce(pg_catalog.format_type(nullif(o.oprright, 0), null), 'NONE') || ')' as name,
           o.oprcode::regprocedure::text as function, pg_catalog.format_type(o.oprresult, null) as result,
           nullif(o.oprcom, 0)::regoperator::text as commutator, nullif(o.oprnegate, 0)::regoperator::text as negator,
           pg_catalog.obj_description(o.oid, 'pg_operator') as comment
      from pg_catalog.pg_operator o
     where o.oprnamespace = $1 and ${NOT_EXT('pg_catalog.pg_operator', 'o.oid')}`,
  collation: `
    select c.collname as name, c.collprovider::text as provider, c.collisdeterministic::text as deterministic,
           c.collcollate as collate, c.collctype as ctype, pg_catalog.obj_description(c.oid, 'pg_collation') as comment
      from pg_catalog.pg_collation c
     where c.collnamespace = $1 and ${NOT_EXT('pg_catalog.pg_collation', 'c.oid')}`,
  rule: `
    select c.relname || '.' || r.rulename as name, pg_catalog.pg_get_ruledef(r.oid) as definition
      from pg_catalog.pg_rewrite r
      join pg_catalog.pg_class c on c.oid = r.ev_class
     where c.relnamespace = $1 and r.rulename <> '_RETURN'`,
  enum: `
    select t.typname as name,
           (select string_agg(e.enumlabel, ', ' order by e.enumsortorder) from pg_catalog.pg_enum e where e.enumtypid = t.oid) as labels,
           pg_catalog.obj_description(t.oid, 'pg_type') as comment
      from pg_catalog.pg_type t
     where t.typnamespace = $1 and t.typtype = 'e' and ${NOT_EXT('pg_catalog.pg_type', 't.oid')}`,
  domain: `
    select t.typname as name, pg_catalog.format_type(t.typbasetype, t.typtypmod) as base_type, t.typnotnull::text as not_null,
           t.typdefault as default, case when t.typcollation <> b.typcollation then t.typcollation::regcollation::text end as collation,
           pg_catalog.obj_description(t.oid, 'pg_type') as comment
      from pg_catalog.pg_type t
      join pg_catalog.pg_type b on b.oid = t.typbasetype
     where t.typnamespace = $1 and t.typtype = 'd' and ${NOT_EXT('pg_catalog.pg_type', 't.oid')}`,
  type: `
    select t.typname as name, t.typtype::text as typtype,
           case when t.typtype = 'r' then (select r.rngsubtype::regtype::text from pg_catalog.pg_range r where r.rngtypid = t.oid) end as subtype,
           pg_catalog.obj_description(t.oid, 'pg_type') as comment
      from pg_catalog.pg_type t
      left join pg_catalog.pg_class c on c.oid = t.typrelid
     where t.typnamespace = $1 and (t.typtype in ('r', 'm') or (t.typtype = 'c' and c.relkind = 'c')) and ${NOT_EXT('pg_catalog.pg_type', 't.oid')}`,
};

/** Columns named context_x say where a definition can be re-read (CatalogObject.context); the rest are compared. */
function splitContext(columns: Record<string, string | null>): Pick<CatalogObject, 'attributes' | 'context'> {
  const attributes: Record<string, string | null> = {};
  const context: Record<string, string> = {};
  for (const [key, value] of Object.entries(columns)) {
    if (!key.startsWith('context_')) attributes[key] = value;
    else if (value !== null) context[key.slice('context_'.length)] = value;
  }
  return Object.keys(context).length === 0 ? { attributes } : { attributes, context };
}

/** Reads every comparable object of `schema`; the client is left as it was (read-only transaction, rolled back). */
export async function readSchemaCatalog(client: pg.ClientBase, schema: string): Promise<SchemaCatalog> {
  const objects: CatalogObject[] = [];
  await client.query('begin read only');
  try {
    // Qualify every printed name: set_config(..., true) lasts until the rollback below.
    await client.query("select pg_catalog.set_config('search_path', '', true)");
    const ns = await client.query<{ oid: number }>('select oid from pg_catalog.pg_namespace where nspname = $1', [schema]);
    const oid = ns.rows[0]?.oid;
    if (oid === undefined) return { schema, objects };
    for (const [kind, sql] of Object.entries(QUERIES)) {
      const { rows } = await client.query<Record<string, string | null>>(sql, [oid]);
      for (const row of rows) {
        const { name, ...columns } = row;
        objects.push({ kind, name: name ?? '', ...splitContext(columns) });
      }
    }
  } finally {
    await client.query('rollback');
  }
  return { schema, objects };
}
