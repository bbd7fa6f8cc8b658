import type { SchemaSummary } from '../../../core/api/contract';
import { isReservedSchemaName } from '../../../core/pool/spare-name';

/**
 * The schema the Schemas view proposes as the template when the user has not
 * picked one: one named like a template, else the one with the most tables
 * (then the most other objects), with `public` winning a tie — in a database
 * that already has tenants they all copy the template, so the first schema
 * in alphabetical order ("Acme Corp") is usually a tenant, not the template.
 * Warm pool spares (`_tenantry*`) copy the template too and are never proposed.
 */
export function pickDefaultTemplate(schemas: SchemaSummary[]): string | undefined {
  const candidates = schemas.filter((s) => !s.system && !s.extensionOwned && !isReservedSchemaName(s.name));
  const named = candidates.find((s) => /template/i.test(s.name));
  if (named) return named.name;
  let best: SchemaSummary | undefined;
  const others = (s: SchemaSummary) => s.views + s.functions + s.sequences;
  for (const s of candidates) {
    if (!best || s.tables > best.tables || (s.tables === best.tables && (others(s) > others(best) || (others(s) === others(best) && s.name === 'public')))) best = s;
  }
  return best?.name;
}
