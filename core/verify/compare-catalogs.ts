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
  /** Where the server can re-read a definition of this object (its relation, column, base type); never compared. */
  context?: Record<string, string>;
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
  /** Each attribute that differs, with the objects as read (for a service to re-read them through the server). */
  mismatches: AttributeMismatch[];
  /** Differences that disappeared once both definitions went through the same round trip (see `reparsed`). */
  settled: VerifyDifference[];
}

/** One attribute that differs between an object of the template and the tenant's object of the same name. */
export interface AttributeMismatch {
  attribute: string;
  template: CatalogObject;
  tenant: CatalogObject;
}

/**
 * Attribute values as the server prints them after parsing the printed value again (the round trip pg_dump
 * makes), per object as read. PostgreSQL does not always print a reloaded definition as it printed the original
 * (`(ARRAY['a'::varchar])::text[]` reloads as `ARRAY[('a'::varchar)::text]`); two definitions that print the same
 * after the same round trip mean the same, because pg_dump relies on exactly that.
 */
export interface ReparsedDefinitions {
  template: ReadonlyMap<CatalogObject, Readonly<Record<string, string | null>>>;
  tenant: ReadonlyMap<CatalogObject, Readonly<Record<string, string | null>>>;
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

interface IndexedObject extends CatalogObject {
  original: CatalogObject;
  /** Round-tripped attribute values, normalised like `attributes`. */
  reparsed: Record<string, string | null>;
}

function indexObjects(
  catalog: SchemaCatalog,
  rewrite: (text: string) => string,
  rewriteAttributes: boolean,
  reparsed: ReparsedDefinitions['template'] | undefined,
): Map<string, IndexedObject> {
  const map = new Map<string, IndexedObject>();
  const normalize = (v: string | null): string | null => (v === null || !rewriteAttributes ? v : rewrite(v));
  for (const o of catalog.objects) {
    const attributes: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(o.attributes)) attributes[k] = normalize(v);
    const again: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(reparsed?.get(o) ?? {})) again[k] = normalize(v);
    const normalized = { kind: o.kind, name: rewrite(o.name), attributes, original: o, reparsed: again };
    map.set(keyOf(normalized), normalized);
  }
  return map;
}

/** Whether two differing values print the same once round-tripped (either side's value, as read or reparsed). */
function isSameAfterRoundTrip(a: IndexedObject, b: IndexedObject, attr: string): boolean {
  if (!(attr in a.reparsed) && !(attr in b.reparsed)) return false;
  const ra = attr in a.reparsed ? a.reparsed[attr] : a.attributes[attr];
  const rb = attr in b.reparsed ? b.reparsed[attr] : b.attributes[attr];
  return ra === rb;
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
export function compareCatalogs(
  template: SchemaCatalog,
  tenant: SchemaCatalog,
  options: { rewriteAttributes?: boolean; reparsed?: ReparsedDefinitions } = {},
): CatalogComparison {
  const rewriteAttributes = options.rewriteAttributes ?? true;
  const left = indexObjects(template, (t) => normalizeTemplateText(t, template.schema), rewriteAttributes, options.reparsed?.template);
  const right = indexObjects(tenant, (t) => normalizeTemplateText(replaceSchemaName(t, tenant.schema, template.schema), template.schema), rewriteAttributes, options.reparsed?.tenant);
  const differences: VerifyDifference[] = [];
  const settled: VerifyDifference[] = [];
  const mismatches: AttributeMismatch[] = [];
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
      if (va === vb) continue;
      const difference = { kind: a.kind, object: a.name, detail: `${attr}: template ${shorten(va)} ≠ tenant ${shorten(vb)}` };
      if (isSameAfterRoundTrip(a, b, attr)) {
        settled.push(difference);
        continue;
      }
      differences.push(difference);
      mismatches.push({ attribute: attr, template: a.original, tenant: b.original });
    }
  }
  for (const [key, b] of right) {
    if (!left.has(key)) differences.push({ kind: b.kind, object: b.name, detail: `only in tenant "${tenant.schema}"` });
  }
  return { differences, compared, mismatches, settled };
}
