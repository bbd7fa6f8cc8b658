/**
 * Adoption (issue 14): schemas made without Tenantry (by migrations) that are
 * structurally close to a template. One catalog query compares every
 * candidate's relations and columns (name and type, the schema's own types
 * read as the placeholder) with the template's; the service keeps those above
 * a threshold and shows the evidence. Nothing in a candidate is changed.
 */
import { RESERVED_PREFIX } from '../pool/spare-name.js';

export interface AdoptionEvidence {
  schema: string;
  /** Template relations (tables, views) present in the schema by name. */
  sharedRelations: number;
  templateRelations: number;
  /** Template columns present with the same type. */
  sharedColumns: number;
  templateColumns: number;
  /** Relations of the schema the template does not have. */
  extraRelations: number;
  /** sharedColumns / templateColumns and sharedRelations / templateRelations, the lower (0..1). */
  match: number;
  /** Up to five template relations the schema lacks. */
  missingRelations: string[];
}

/** The query: $1 template, $2 schemas to leave out (text[]: registered tenants). Rows: evidence columns in snake case. */
export function buildAdoptionSql(): string {
  const cols = (ns: string) => `
    select c.relnamespace as ns, c.relname, a.attname,
           case when ty.typnamespace = c.relnamespace then '@.' || ty.typname else pg_catalog.format_type(a.atttypid, a.atttypmod) end as typ
      from pg_catalog.pg_class c join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      join pg_catalog.pg_type ty on ty.oid = a.atttypid
     where c.relkind in ('r', 'p', 'v', 'm', 'f') and c.relnamespace ${ns}`;
  return `with tmpl as (select oid from pg_catalog.pg_namespace where nspname = $1),
t as (${cols('= (select oid from tmpl)')}),
trel as (select distinct relname from t),
cand as (
  select n.oid, n.nspname from pg_catalog.pg_namespace n
   where n.nspname <> $1 and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
     and pg_catalog.left(n.nspname, ${RESERVED_PREFIX.length}) <> '${RESERVED_PREFIX}' and n.nspname <> all($2::text[])
),
c as (${cols('in (select oid from cand)')}),
per as (
  select c.ns, count(*) filter (where t.relname is not null and t.typ = c.typ) as shared_columns,
         count(distinct c.relname) filter (where t.relname is not null) as shared_relations,
         count(distinct c.relname) filter (where t.relname is null and not exists (select 1 from trel where trel.relname = c.relname)) as extra_relations
    from c left join t on t.relname = c.relname and t.attname = c.attname
   group by c.ns
)
select cand.nspname as schema, per.shared_relations::int, (select count(*) from trel)::int as template_relations,
       per.shared_columns::int, (select count(*) from t)::int as template_columns, per.extra_relations::int,
       array(select trel.relname from trel where not exists (select 1 from c where c.ns = cand.oid and c.relname = trel.relname) order by 1 limit 5)::text[] as missing_relations
  from cand join per on per.ns = cand.oid
 where per.shared_relations > 0
 order by 1`;
}

/** The evidence of one result row, with its match. */
export function toAdoptionEvidence(row: { schema: string; shared_relations: number; template_relations: number; shared_columns: number; template_columns: number; extra_relations: number; missing_relations: string[] }): AdoptionEvidence {
  const rel = row.template_relations === 0 ? 0 : row.shared_relations / row.template_relations;
  const col = row.template_columns === 0 ? 0 : row.shared_columns / row.template_columns;
  return {
    schema: row.schema,
    sharedRelations: row.shared_relations,
    templateRelations: row.template_relations,
    sharedColumns: row.shared_columns,
    templateColumns: row.template_columns,
    extraRelations: row.extra_relations,
    match: Math.min(rel, col),
    missingRelations: row.missing_relations,
  };
}
