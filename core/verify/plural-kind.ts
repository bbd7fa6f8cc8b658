/** The plural of a catalog object kind for counts: 'index' → 'indexes', 'policy' → 'policies', 'table' → 'tables'. */
export function pluralizeKind(kind: string): string {
  if (/(?:x|s|sh|ch)$/.test(kind)) return `${kind}es`;
  if (/[^aeiou]y$/.test(kind)) return `${kind.slice(0, -1)}ies`;
  return `${kind}s`;
}

/** "1 enum", "578 indexes". */
export function countKind(n: number, kind: string): string {
  return `${n} ${n === 1 ? kind : pluralizeKind(kind)}`;
}
