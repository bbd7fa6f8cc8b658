/**
 * The Schemas view's schemas that are not candidate templates, grouped under the template they came from: warm-pool
 * spares (the pool's record) and registered tenants (the register's), each folded into one row under it. Hundreds
 * of copies beside the template would bury the real candidates. A schema stays in the list when its template is
 * unknown or not listed, and when other schemas are grouped under it (it is a template itself): one level of
 * grouping, no group hidden inside a folded one.
 */
export interface GroupedSchemas<T> {
  /** The candidates, in their order. */
  rest: T[];
  /** Template → its warm-pool spares, in list order. */
  sparesOf: Map<string, T[]>;
  /** Template → its registered tenants, in list order. */
  tenantsOf: Map<string, T[]>;
}

export function groupUnderTemplates<T extends { name: string; spareOf?: string; tenantOf?: string }>(schemas: readonly T[]): GroupedSchemas<T> {
  const names = new Set(schemas.map((s) => s.name));
  const parentOf = (s: T): string | undefined => {
    const parent = s.spareOf ?? s.tenantOf;
    return parent !== undefined && parent !== s.name && names.has(parent) ? parent : undefined;
  };
  const parents = new Set<string>();
  for (const s of schemas) {
    const parent = parentOf(s);
    if (parent !== undefined) parents.add(parent);
  }
  const sparesOf = new Map<string, T[]>();
  const tenantsOf = new Map<string, T[]>();
  const rest: T[] = [];
  for (const s of schemas) {
    const parent = parentOf(s);
    if (parent === undefined || parents.has(s.name)) {
      rest.push(s);
      continue;
    }
    const groups = s.spareOf !== undefined && s.spareOf === parent ? sparesOf : tenantsOf;
    const group = groups.get(parent);
    if (group) group.push(s);
    else groups.set(parent, [s]);
  }
  return { rest, sparesOf, tenantsOf };
}
