/**
 * Owners and privileges of carried partitions. The template's partitions live
 * in another schema, so the template's privilege catalog does not list them
 * while the tenant's does (each carried partition was "privileges only in
 * tenant"). Each matched partition's owner and privileges, read where the
 * template keeps it, join the template's side under the name of the tenant's
 * partition it corresponds to: carried partitions are compared, not skipped.
 */
import type { CatalogObject, SchemaCatalog } from './compare-catalogs.js';
import type { ForeignPartitionFact } from './carried-partitions.js';

/** `table <rel>` and `column <rel>.<col>` objects (read-privileges.ts) of one partition, renamed to `tenantName`. */
function renameRelation(objects: readonly CatalogObject[], rel: string, tenantName: string): CatalogObject[] {
  return objects.map((o) => {
    if (o.name === `table ${rel}`) return { ...o, name: `table ${tenantName}` };
    if (o.name.startsWith(`column ${rel}.`)) return { ...o, name: `column ${tenantName}.${o.name.slice(`column ${rel}.`.length)}` };
    return o;
  });
}

/** The key `partitionPrivileges` uses for a partition: its schema and name. */
export function partitionKey(p: { schema: string; name: string }): string {
  return `${p.schema}\u0000${p.name}`;
}

/**
 * The template's privilege catalog plus, for each carried partition, the privileges of the template's partition
 * it matched (read per partition and keyed by `partitionKey`), named as the tenant names it.
 */
export function withCarriedPrivileges(
  template: SchemaCatalog,
  partitionPrivileges: ReadonlyMap<string, readonly CatalogObject[]>,
  pairs: readonly { partition: ForeignPartitionFact; tenant: string }[],
): SchemaCatalog {
  if (pairs.length === 0) return template;
  const objects = [...template.objects];
  for (const { partition, tenant } of pairs) objects.push(...renameRelation(partitionPrivileges.get(partitionKey(partition)) ?? [], partition.name, tenant));
  return { schema: template.schema, objects };
}
