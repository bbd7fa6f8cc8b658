/** Tenant names from pasted text (one per line) or a CSV (its first column); a header such as "name" is skipped, duplicates dropped. */
export function parseTenantNames(text: string): string[] {
  const names = text
    .split(/\r?\n/)
    .flatMap((line) => (line.includes(',') ? [line.split(',')[0] ?? ''] : [line]))
    .map((n) => n.trim().replace(/^"(.*)"$/, '$1'))
    .filter((n) => n.length > 0);
  if (names[0] && /^(name|tenant|tenant_name|schema)$/i.test(names[0])) names.shift();
  return [...new Set(names)];
}
