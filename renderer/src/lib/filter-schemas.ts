/** The Schemas view's list: filtered by a search text, the chosen template pinned first, the rest in their order. */
export function filterSchemas<T extends { name: string }>(schemas: readonly T[], query: string, template: string | undefined): T[] {
  const needle = query.trim().toLowerCase();
  const matching = needle === '' ? [...schemas] : schemas.filter((s) => s.name.toLowerCase().includes(needle));
  const pinned = schemas.find((s) => s.name === template);
  // The template stays visible whatever the filter: it is what the Dump panel below acts on.
  return pinned ? [pinned, ...matching.filter((s) => s !== pinned)] : matching;
}
