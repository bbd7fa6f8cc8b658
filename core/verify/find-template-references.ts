/**
 * Isolation checks on a tenant's catalog text: a qualified reference to one of
 * the template's own objects (`public.users` in a tenant function body, view,
 * default, trigger or policy), or a search_path that names the template, means
 * the tenant would silently read or write the template (peers.md bug 1).
 * Extension members that live in the template schema (`public.citext`) are
 * shared on purpose and not reported.
 */
import type { VerifyDifference } from '../api/contract.js';
import type { SchemaCatalog } from './compare-catalogs.js';
import { buildSchemaNameRegExp } from './schema-name-forms.js';

export interface TemplateIdentity {
  schema: string;
  /** Names of the template's own objects (relations, types, functions), not extension members. */
  ownNames: readonly string[];
}

const IDENT_AFTER_DOT = /^\.(?:"((?:[^"]|"")*)"|([A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*))/;

/** Qualified references from `text` to the template's own objects. */
export function findQualifiedTemplateReferences(text: string, template: TemplateIdentity): string[] {
  const own = new Set(template.ownNames);
  const found: string[] = [];
  const re = buildSchemaNameRegExp(template.schema, { qualifierOnly: true });
  for (const match of text.matchAll(re)) {
    const rest = text.slice((match.index ?? 0) + match[0].length);
    const ident = IDENT_AFTER_DOT.exec(rest);
    if (!ident) continue;
    const name = ident[1] !== undefined ? ident[1].replace(/""/g, '"') : (ident[2] ?? '').toLowerCase();
    if (own.has(name)) found.push(`${match[0]}.${ident[1] !== undefined ? `"${ident[1]}"` : ident[2]}`);
  }
  return found;
}

/**
 * Whether a search_path value (or a statement setting one) lets unqualified
 * names reach the template: it names the template schema and not the tenant
 * before it. `acme, public` is fine for a tenant of `public` (acme has every
 * name the template has; public stays for extension functions).
 */
export function namesTemplateInSearchPath(text: string, schema: string, tenant?: string): boolean {
  const re = /search_path\s*(?:=|to\b|',|,)\s*([^;\n]*)/gi;
  for (const match of text.matchAll(re)) {
    const value = match[1] ?? '';
    const templateAt = value.search(buildSchemaNameRegExp(schema));
    if (templateAt < 0) continue;
    const tenantAt = tenant === undefined ? -1 : value.search(buildSchemaNameRegExp(tenant));
    if (tenantAt < 0 || templateAt < tenantAt) return true;
  }
  return false;
}

/** Every reference from the tenant's catalog text back to the template. */
export function findTemplateReferences(tenant: SchemaCatalog, template: TemplateIdentity): VerifyDifference[] {
  const differences: VerifyDifference[] = [];
  for (const o of tenant.objects) {
    for (const [attr, value] of Object.entries(o.attributes)) {
      // COMMENT ON text is prose that nothing executes: naming the template there isolates nothing.
      if (value === null || attr === 'comment') continue;
      const refs = findQualifiedTemplateReferences(value, template);
      if (refs.length > 0) {
        differences.push({ kind: 'isolation', object: `${o.kind} ${o.name}`, detail: `${attr} refers to the template: ${[...new Set(refs)].join(', ')}` });
      }
      if (namesTemplateInSearchPath(value, template.schema, tenant.schema)) {
        differences.push({ kind: 'isolation', object: `${o.kind} ${o.name}`, detail: `${attr} sets a search_path naming the template schema "${template.schema}"` });
      }
    }
  }
  return differences;
}
