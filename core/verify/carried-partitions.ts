/**
 * Partitions the template keeps in another schema (GitLab's
 * gitlab_partitions_static) are carried into each tenant schema by
 * `snapshot --carry-partitions`. Catalog comparison sees them only in the
 * tenant; here each is matched to the template's partition by its parent
 * and its bounds, which is what makes it the same partition. Matched ones
 * leave the comparison (their columns, indexes and constraints come from the
 * parents, which are compared); template partitions without a counterpart
 * are differences. Their owners and privileges are compared with those of
 * the template's partition each corresponds to (carried-privileges.ts).
 */
import type { VerifyDifference } from '../api/contract.js';
import type { CatalogObject, SchemaCatalog } from './compare-catalogs.js';
import { listSchemaNameForms } from './schema-name-forms.js';

/** A partition of a template table that lives in another schema. */
export interface ForeignPartitionFact {
  /** The schema it lives in. */
  schema: string;
  name: string;
  /** Its parent's name (a template table, or another such partition). */
  parent: string;
  /** pg_get_expr(relpartbound): FOR VALUES … */
  bound: string;
}

export interface CarriedPartitionsMatch {
  /** The tenant's catalog without the matched partitions and what belongs to them. */
  tenant: SchemaCatalog;
  /** How many of the template's partitions elsewhere the tenant has. */
  matched: number;
  /** Each matched template partition with the name of the tenant's partition it corresponds to. */
  pairs: { partition: ForeignPartitionFact; tenant: string }[];
  /** Template partitions the tenant lacks. */
  differences: VerifyDifference[];
  /** One sentence saying what was matched, for the verify output. */
  notes: VerifyDifference[];
}

/** The relation name of a `schema.rel` the catalog printed, when schema is the canonical form given. */
function relationIn(printed: string, canonicalSchema: string): string | undefined {
  if (!printed.startsWith(`${canonicalSchema}.`)) return undefined;
  const rel = printed.slice(canonicalSchema.length + 1);
  return rel.startsWith('"') ? rel.slice(1, -1).replace(/""/g, '"') : rel;
}

/** Matches the tenant's partitions to the template's partitions in other schemas by parent and bounds. */
export function matchCarriedPartitions(tenant: SchemaCatalog, partitions: readonly ForeignPartitionFact[]): CarriedPartitionsMatch {
  if (partitions.length === 0) return { tenant, matched: 0, pairs: [], differences: [], notes: [] };
  const canonical = listSchemaNameForms(tenant.schema).canonical;
  // The tenant's partitions by parent and bound.
  const byKey = new Map<string, string>();
  for (const o of tenant.objects) {
    if (o.kind !== 'table' || !o.attributes.partition_bound) continue;
    const parent = relationIn(o.attributes.inherits ?? '', canonical);
    if (parent !== undefined) byKey.set(`${parent}\u0000${o.attributes.partition_bound}`, o.name);
  }
  const carried = new Set<string>();
  const pairs: CarriedPartitionsMatch['pairs'] = [];
  const differences: VerifyDifference[] = [];
  for (const p of partitions) {
    const name = byKey.get(`${p.parent}\u0000${p.bound}`);
    if (name === undefined) differences.push({ kind: 'partition', object: `${p.schema}.${p.name}`, detail: `the template's partition of ${p.parent} (${p.bound}) has no partition of ${p.parent} with these bounds in tenant "${tenant.schema}"` });
    else {
      carried.add(name);
      pairs.push({ partition: p, tenant: name });
    }
  }
  const objects = tenant.objects.filter((o) => !belongsTo(o, carried, canonical));
  const schemas = [...new Set(partitions.map((p) => p.schema))].sort().join(', ');
  const parents = [...new Set(partitions.filter((p) => !partitions.some((q) => q.name === p.parent)).map((p) => p.parent))].sort();
  const notes: VerifyDifference[] = carried.size === 0 ? [] : [{
    kind: 'partition',
    object: parents.join(', '),
    detail: `${carried.size} of the template's ${partitions.length} partitions kept in ${schemas} correspond to the tenant's own partitions (carried with --carry-partitions; matched by parent and bounds). Their columns, indexes and constraints come from the parents, which were compared.`,
  }];
  return { tenant: { schema: tenant.schema, objects }, matched: carried.size, pairs, differences, notes };
}

/** Whether a catalog object is one of the carried partitions or belongs to one (column, constraint, trigger, index …). */
function belongsTo(o: CatalogObject, carried: ReadonlySet<string>, canonicalSchema: string): boolean {
  if (o.kind === 'table') return carried.has(o.name);
  if (o.kind === 'index') {
    // pg_get_indexdef: CREATE [UNIQUE] INDEX name ON [ONLY] schema.rel USING …
    const m = / ON (?:ONLY )?(.+?) USING /.exec(o.attributes.definition ?? '');
    const rel = m?.[1] === undefined ? undefined : relationIn(m[1], canonicalSchema);
    return rel !== undefined && carried.has(rel);
  }
  if (o.kind === 'column' || o.kind === 'constraint' || o.kind === 'trigger' || o.kind === 'policy' || o.kind === 'rule') {
    const dot = o.name.indexOf('.');
    // Relation names may hold dots: try each split.
    for (let i = dot; i !== -1; i = o.name.indexOf('.', i + 1)) if (carried.has(o.name.slice(0, i))) return true;
  }
  return false;
}
