/** The editor's view of the schema references: the engine's finder, reduced to what the UI shows. */
import type { ReferenceInfo } from '../../../core/api/contract';
import type { CatalogFacts } from '../../../core/snapshot/catalog-facts';
import { findSchemaReferences } from '../../../core/snapshot/references';

/** References to `schema` in `sql`, in text order, numbered as the snapshot builder's `skip` list expects. */
export function findReferencesForEditor(sql: string, schema: string, catalog?: CatalogFacts): ReferenceInfo[] {
  const refs = findSchemaReferences(sql, { schema, ...(catalog ? { catalog } : {}) });
  return refs.map((r, index) => ({
    index,
    id: r.id,
    ...(r.keep === true ? { keep: true } : {}),
    start: r.start,
    end: r.end,
    line: r.line,
    column: r.column,
    kind: r.kind,
    needsReview: r.needsReview,
    text: r.text,
    context: r.context.length > 200 ? r.context.slice(0, 200) + '…' : r.context,
  }));
}
