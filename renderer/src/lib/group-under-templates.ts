/**
 * The Schemas view's warm-pool spares grouped under the template they were built from: a spare is never a template,
 * and hundreds of them beside it would bury the real candidates. Spares whose template is unknown or not in the
 * list stay where they were (hidden with the reserved names unless system schemas are shown).
 */
export function groupSpares<T extends { name: string; spareOf?: string }>(schemas: readonly T[]): { rest: T[]; sparesOf: Map<string, T[]> } {
  const names = new Set(schemas.map((s) => s.name));
  const sparesOf = new Map<string, T[]>();
  const rest: T[] = [];
  for (const s of schemas) {
    if (s.spareOf === undefined || !names.has(s.spareOf)) {
      rest.push(s);
      continue;
    }
    const group = sparesOf.get(s.spareOf);
    if (group) group.push(s);
    else sparesOf.set(s.spareOf, [s]);
  }
  return { rest, sparesOf };
}
