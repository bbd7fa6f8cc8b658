/**
 * Partitioned tables of the template whose partitions live in another schema
 * (GitLab keeps those of 13 tables in gitlab_partitions_static). pg_dump -n
 * of the template writes the parents only, so a tenant gets parents without
 * partitions and every insert fails ("no partition of relation … found for
 * row"). The snapshot refuses such a template by default; on request it
 * carries the partitions into each tenant schema as CREATE TABLE … PARTITION
 * OF the tenant's parent (appended to the dump before templating, so they are
 * ordinary references to the template).
 */
import type pg from 'pg';
import { quoteIdentifier } from '../../../core/sql/quote.js';

export interface ForeignPartition {
  /** Schema-qualified name of the partition as it is (in another schema). */
  partition: string;
  /** The schema it lives in. */
  schema: string;
  /** The partition's own name, used for the tenant's copy. */
  name: string;
  /** Its parent: a table of the template, or a carried partition (sub-partitioning). */
  parent: string;
  bound: string;
  /** PARTITION BY of a partition that is partitioned itself, else null. */
  partitionKey: string | null;
  level: number;
}

export interface ForeignPartitions {
  /** Template tables with partitions elsewhere, each with how many and where. */
  tables: { table: string; partitions: number; schemas: string[] }[];
  partitions: ForeignPartition[];
}

// The template's partitioned tables are reached through pg_depend's reference index (every table depends on its
// schema), not by scanning pg_class, which grows with every tenant; `offset 0` keeps each step a lookup.
export const FOREIGN_PARTITIONS_SQL = `
with recursive template as (select oid from pg_catalog.pg_namespace where nspname = $1),
parts as (
  select c.oid, c.relname, c.relnamespace, p.relname as parent, p.relname as root, 1 as level
    from pg_catalog.pg_depend d
   cross join lateral (select p.oid, p.relname, p.relnamespace from pg_catalog.pg_class p
                        where p.oid = d.objid and p.relnamespace = d.refobjid and p.relkind = 'p' offset 0) p
   cross join lateral (select c.oid, c.relname, c.relnamespace from pg_catalog.pg_inherits i
                         join pg_catalog.pg_class c on c.oid = i.inhrelid and c.relispartition
                        where i.inhparent = p.oid offset 0) c
   where d.refclassid = 'pg_catalog.pg_namespace'::regclass and d.refobjid = (select oid from template)
     and d.classid = 'pg_catalog.pg_class'::regclass and c.relnamespace <> p.relnamespace
  union all
  select c.oid, c.relname, c.relnamespace, parts.relname, parts.root, parts.level + 1
    from parts
   cross join lateral (select c.oid, c.relname, c.relnamespace from pg_catalog.pg_inherits i
                         join pg_catalog.pg_class c on c.oid = i.inhrelid and c.relispartition
                        where i.inhparent = parts.oid offset 0) c
)
select parts.root, n.nspname as schema, parts.relname as name, parts.parent,
       pg_catalog.pg_get_expr(c.relpartbound, c.oid) as bound,
       case when c.relkind = 'p' then pg_catalog.pg_get_partkeydef(c.oid) end as partition_key, parts.level
  from parts join pg_catalog.pg_class c on c.oid = parts.oid join pg_catalog.pg_namespace n on n.oid = parts.relnamespace
 order by parts.level, parts.root, parts.relname`;

/** Reads the template's partitioned tables whose partitions are in other schemas. */
export async function readForeignPartitions(client: pg.ClientBase, schema: string): Promise<ForeignPartitions> {
  const { rows } = await client.query<{ root: string; schema: string; name: string; parent: string; bound: string; partition_key: string | null; level: number }>(FOREIGN_PARTITIONS_SQL, [schema]);
  const tables = new Map<string, { table: string; partitions: number; schemas: Set<string> }>();
  const partitions: ForeignPartition[] = [];
  for (const r of rows) {
    const t = tables.get(r.root) ?? { table: r.root, partitions: 0, schemas: new Set<string>() };
    t.partitions++;
    t.schemas.add(r.schema);
    tables.set(r.root, t);
    partitions.push({ partition: `${quoteIdentifier(r.schema)}.${quoteIdentifier(r.name)}`, schema: r.schema, name: r.name, parent: r.parent, bound: r.bound, partitionKey: r.partition_key, level: r.level });
  }
  return { tables: [...tables.values()].map((t) => ({ table: t.table, partitions: t.partitions, schemas: [...t.schemas].sort() })), partitions };
}

/** CREATE TABLE statements making each partition a partition of its parent in the template schema (templated like the dump). */
export function buildCarriedPartitionsSql(schema: string, partitions: readonly ForeignPartition[]): string {
  const s = quoteIdentifier(schema);
  const statements = partitions.map((p) => `CREATE TABLE ${s}.${quoteIdentifier(p.name)} PARTITION OF ${s}.${quoteIdentifier(p.parent)} ${p.bound}${p.partitionKey ? ` PARTITION BY ${p.partitionKey}` : ''};`);
  return `--\n-- Tenantry: partitions the template keeps in other schemas, carried into each tenant (--carry-partitions).\n--\n\n${statements.join('\n')}\n`;
}
