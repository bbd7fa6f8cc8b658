/**
 * What `_tenantry.claim_tenant()` runs after renaming a warm-pool spare: the
 * claim statements of the pool's plan (core/pool/claim-plan.ts: rewrites of
 * what stores the schema name as text, and the deferred grants) kept in
 * placeholder form, with the context of each placeholder occurrence, so the
 * database renders them for the tenant with the same code as the whole body.
 */
import type { ClaimPlan } from '../pool/claim-plan.js';
import { expandOccurrences, type Snapshot } from '../snapshot/format.js';

/** The claim statements in placeholder form and their occurrences as [context index, run length] pairs. */
export interface ClaimText {
  body: string;
  occurrences: [number, number][];
}

/** The claim statements of `plan` (computed for `snapshot`) as one text, or undefined when the pool cannot serve the snapshot. */
export function buildClaimText(snapshot: Snapshot, plan: ClaimPlan): ClaimText | undefined {
  if (plan.unsupported.length > 0) return undefined;
  const { body, header } = snapshot;
  const { placeholder } = header;
  const contextOf = new Map<number, number>();
  const indices = expandOccurrences(header);
  let i = 0;
  for (let at = body.indexOf(placeholder); at !== -1; at = body.indexOf(placeholder, at + placeholder.length)) contextOf.set(at, indices[i++] as number);
  const texts: string[] = [];
  const occurrences: [number, number][] = [];
  for (const piece of plan.claim) {
    for (let at = body.indexOf(placeholder, piece.start); at !== -1 && at + placeholder.length <= piece.end; at = body.indexOf(placeholder, at + placeholder.length)) {
      const context = contextOf.get(at);
      if (context === undefined) throw new Error(`no placeholder occurrence at body offset ${at}`);
      const last = occurrences.at(-1);
      if (last !== undefined && last[0] === context) last[1]++;
      else occurrences.push([context, 1]);
    }
    const text = body.slice(piece.start, piece.end);
    // As renderPieces does: the rewrite replaces what the spare already has.
    texts.push(piece.orReplace ? text.replace(/^CREATE\b/i, 'CREATE OR REPLACE') : text);
  }
  return { body: texts.join('\n'), occurrences };
}
