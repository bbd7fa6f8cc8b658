import { validateTenantName } from '../../../core/tenant/tenant-name';

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

/** The names of a batch that cannot be tenant schemas, each with the reason (the same checks the backend makes before it starts). */
export function findInvalidTenantNames(names: string[], protectedNames: string[] = []): { name: string; message: string }[] {
  const invalid: { name: string; message: string }[] = [];
  for (const name of names) {
    try {
      validateTenantName(name, { protectedNames });
    } catch (error) {
      invalid.push({ name, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return invalid;
}
