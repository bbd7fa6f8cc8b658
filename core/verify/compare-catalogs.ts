/**
 * Compares a tenant schema with its template from catalog facts a service
 * read: every object of the same kind and name must have the same attributes
 * once the tenant's schema name is rewritten to the template's. Pure: the
 * facts come in, the differences go out.
 */
import type { VerifyDifference } from '../api/contract.js';
import { listSchemaNameForms, replaceSchemaName } from './schema-name-forms.js';
import { escapeRegExp } from '../sql/escape-reg-exp.js';

/** One catalog object: kind ('table', 'column', 'index', 'function', …), name within the schema, attributes as text. */
export interface CatalogObject {
  kind: string;
  name: string;
  attributes: Record<string, string | null>;
}

/** Everything read about one schema. */
export interface SchemaCatalog {
  schema: string;
  objects: CatalogObject[];
}

export interface CatalogComparison {
  differences: VerifyDifference[];
  /** Objects compared per kind. */
  compared: Record<string, number>;
}

function keyOf(o: CatalogObject): string {
  return `${o.kind}\u0000${o.name}`;
}

/**
 * Rewrites text naming the template to one spelling, applied to both sides alike (the template's text, and the
 * tenant's after its name was read as the template's), so that only what the engine changed can differ:
 * - `"public".t` → `public.t`, and a keyword name the same way everywhere (`storage.x` → `"storage".x`, also in a
 *   literal the engine left alone such as `current_setting('storage.operation')`);
 * - an unquoted qualifier in any case (`Sales.t`, in SQL text inside a literal or a function body) → `sales.t`:
 *   unquoted identifiers fold, and the engine replaces them folded.
 */
function normalizeTemplateText(text: string, template: string): string {
  const forms = listSchemaNameForms(template);
  const folded = /^[a-z_][a-z0-9_]*$/.test(template)
    ? text.replace(new RegExp(`(?<![A-Za-z0-9_$"\\u0080-\\uffff])${escapeRegExp(template)}(?=\\.)`, 'gi'), template)
    : text;
  return forms.patterns.length > 1 ? replaceSchemaName(folded, template, template) : folded;
}

function indexObjects(catalog: SchemaCatalog, rewrite: (text: string) => string, rewriteAttributes: boolean): Map<string, CatalogObject> {
  const map = new Map<string, CatalogObject>();
  for (const o of catalog.objects) {
    const attributes: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(o.attributes)) attributes[k] = v === null || !rewriteAttributes ? v : rewrite(v);
    const normalized = { kind: o.kind, name: rewrite(o.name), attributes };
    map.set(keyOf(normalized), normalized);
  }
  return map;
}

function shorten(text: string | null): string {
  if (text === null) return '(none)';
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 160 ? oneLine.slice(0, 157) + '…' : oneLine;
}

/**
 * The differences between template and tenant, with the tenant's schema name read as the template's (in object
 * names always; in attributes unless `rewriteAttributes` is false, for attributes that hold role names, not SQL).
 */
export function compareCatalogs(template: SchemaCatalog, tenant: SchemaCatalog, options: { rewriteAttributes?: boolean } = {}): CatalogComparison {
  const rewriteAttributes = options.rewriteAttributes ?? true;
  const left = indexObjects(template, (t) => normalizeTemplateText(t, template.schema), rewriteAttributes);
  const right = indexObjects(tenant, (t) => normalizeTemplateText(replaceSchemaName(t, tenant.schema, template.schema), template.schema), rewriteAttributes);
  const differences: VerifyDifference[] = [];
  const compared: Record<string, number> = {};
  for (const [key, a] of left) {
    compared[a.kind] = (compared[a.kind] ?? 0) + 1;
    const b = right.get(key);
    if (!b) {
      differences.push({ kind: a.kind, object: a.name, detail: `missing in tenant "${tenant.schema}"` });
      continue;
    }
    const names = new Set([...Object.keys(a.attributes), ...Object.keys(b.attributes)]);
    for (const attr of [...names].sort()) {
      const va = a.attributes[attr] ?? null;
      const vb = b.attributes[attr] ?? null;
      if (va !== vb) differences.push({ kind: a.kind, object: a.name, detail: `${attr}: template ${shorten(va)} ≠ tenant ${shorten(vb)}` });
    }
  }
  for (const [key, b] of right) {
    if (!left.has(key)) differences.push({ kind: b.kind, object: b.name, detail: `only in tenant "${tenant.schema}"` });
  }
  return { differences, compared };
}
