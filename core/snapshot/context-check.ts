/**
 * The header's quoting contexts must agree with the body: render writes the
 * tenant name for each occurrence as its context says (quoted identifier, raw
 * name inside a literal, …), so a context that does not match where the
 * occurrence stands (a bare name in plain SQL, a standard literal where the
 * body has an E'' string) would turn a tenant name into SQL. The outermost
 * layer of each context is compared with the token the occurrence is in.
 */
import { TenantryError } from '../errors.js';
import { mapRegions } from '../sql/region-map.js';
import { T } from '../sql/scanner.js';
import { lineColumnAt } from '../sql/line-column.js';
import type { ReferenceSite } from './references.js';

/** The first occurrence whose context does not match the body, with why; undefined when all match. */
export function findContextMismatch(body: string, occurrences: readonly { offset: number; context: ReferenceSite }[]): { offset: number; why: string } | undefined {
  if (occurrences.length === 0) return undefined;
  const map = mapRegions(body);
  for (const { offset, context } of occurrences) {
    const r = map.regionAt(offset);
    const code = r === -1 ? -1 : (map.codes[r] as number);
    const outer = context.wrappers[context.wrappers.length - 1];
    let why: string | undefined;
    if (code === -1) {
      if (outer !== undefined) why = `it stands in plain SQL but its context says it is inside a ${outer.type}`;
      else if (context.form !== 'identifier') why = 'it stands in plain SQL but its context writes the name unquoted';
    } else if (code === T.string || code === T.escapeString) {
      const style = code === T.escapeString ? 'escape' : 'standard';
      if (outer?.type !== 'literal' || outer.style !== style) why = `it stands in a ${style === 'escape' ? "E''" : "''"} string but its context does not escape for one`;
    } else if (code === T.dollarString) {
      const start = map.starts[r] as number;
      const tag = body.slice(start, body.indexOf('$', start + 1) + 1);
      if (outer?.type !== 'dollar' || outer.tag !== tag) why = `it stands in a ${tag}-quoted body but its context does not say so`;
    } else if (code === T.lineComment) {
      if (outer?.type !== 'line-comment') why = 'it stands in a -- comment but its context does not say so';
    } else if (code === T.blockComment) {
      if (outer?.type !== 'block-comment') why = 'it stands in a /* */ comment but its context does not say so';
    } else why = 'it stands where no context can write a name (a quoted identifier, COPY data, a meta-command)';
    if (why !== undefined) return { offset, why };
  }
  return undefined;
}

/** Throws SNAPSHOT_INVALID naming the line of the first occurrence whose header context does not match the body. */
export function assertContextsMatch(body: string, occurrences: readonly { offset: number; context: ReferenceSite }[]): void {
  const mismatch = findContextMismatch(body, occurrences);
  if (mismatch === undefined) return;
  const { line } = lineColumnAt(body, mismatch.offset);
  throw new TenantryError('SNAPSHOT_INVALID', `The snapshot header does not match its body at body line ${line}: ${mismatch.why}. Template the dump again.`, { detail: `body line ${line}` });
}
