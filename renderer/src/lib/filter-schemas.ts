/** Whether a schema's name holds the search text (already trimmed and lower-cased; '' matches every name). */
function matches(name: string, needle: string): boolean {
  return needle === '' || name.toLowerCase().includes(needle);
}

/**
 * The Schemas view's list: filtered by a search text, the chosen template pinned first, the rest in their order.
 * A template whose grouped tenants (`tenantsOf`) match stays too, so that a tenant can be found by its name.
 */
export function filterSchemas<T extends { name: string }>(schemas: readonly T[], query: string, template: string | undefined, tenantsOf?: ReadonlyMap<string, readonly { name: string }[]>): T[] {
  const needle = query.trim().toLowerCase();
  const matching = needle === '' ? [...schemas] : schemas.filter((s) => matches(s.name, needle) || (tenantsOf?.get(s.name)?.some((t) => matches(t.name, needle)) ?? false));
  const pinned = schemas.find((s) => s.name === template);
  // The template stays visible whatever the filter: it is what the Dump panel below acts on.
  return pinned ? [pinned, ...matching.filter((s) => s !== pinned)] : matching;
}

/** The schemas of a group whose name holds the search text (all of them without one). */
export function filterGroup<T extends { name: string }>(schemas: readonly T[], query: string): readonly T[] {
  const needle = query.trim().toLowerCase();
  return needle === '' ? schemas : schemas.filter((s) => matches(s.name, needle));
}
