/**
 * The names a batch gives more than once, found in one pass with a Set (a
 * batch may hold 100,000 names; `indexOf` per name took seconds there).
 */

/** Each name that occurs more than once, once, in the order of its first repeat. */
export function findRepeatedNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) repeated.add(name);
    else seen.add(name);
  }
  return [...repeated];
}

/** "Tenant names repeated: "a", "b"" naming at most `max` of them, for an error message. */
export function describeRepeatedNames(repeated: readonly string[], max = 20): string {
  const shown = repeated.slice(0, max).map((d) => JSON.stringify(d)).join(', ');
  return `Tenant names repeated: ${shown}${repeated.length > max ? ` and ${repeated.length - max} more` : ''}.`;
}
