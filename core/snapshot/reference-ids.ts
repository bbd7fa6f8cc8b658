/**
 * Stable ids for references, so a decision (keep / replace) made once can be applied again when the
 * template is dumped anew. Byte offsets and line numbers move whenever anything earlier in the dump
 * changes; pg_dump's own header before each object does not:
 *
 *   -- Name: send(queue_name text, msg jsonb); Type: FUNCTION; Schema: pgmq; Owner: postgres
 *
 * An id is that object's identity, the reference's kind and its place among the references of that
 * kind in that object: `FUNCTION pgmq.send(queue_name text, msg jsonb)/dynamic-sql#2`. It stays the same
 * while the object keeps its name and the references of that kind before it in the object stay put.
 * Text before the first header (or a file without headers) is the section `preamble`; a header that
 * repeats an earlier one gets `~2`, `~3`.
 */
import { TenantryError } from '../errors.js';
import type { ReferenceKind } from './references.js';

/** The decision for one reference: leave it pointing at the template, or put the placeholder there. */
export type ReferenceDecision = 'keep' | 'replace';

/** Decisions keyed by reference id or by `line:column` (1-based, as shown in reports). */
export type ReferenceDecisions = Record<string, ReferenceDecision>;

const HEADER = /^-- (?:Data for )?Name: (.*); Type: (.*?); Schema: (.*?); Owner: .*$/gm;

/** The id of each reference (starts in text order, with each one's kind), see the file comment. */
export function referenceIds(sql: string, starts: ArrayLike<number>, kinds: (i: number) => ReferenceKind): string[] {
  const sections: { at: number; key: string }[] = [];
  const seen = new Map<string, number>();
  HEADER.lastIndex = 0;
  for (let m = HEADER.exec(sql); m !== null; m = HEADER.exec(sql)) {
    const [, name, type, schema] = m as unknown as [string, string, string, string];
    const base = `${type} ${schema === '-' ? '' : `${schema}.`}${name}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    sections.push({ at: m.index, key: n === 1 ? base : `${base}~${n}` });
  }
  const ids: string[] = [];
  let s = -1;
  let counts = new Map<ReferenceKind, number>();
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i] as number;
    let moved = false;
    while (s + 1 < sections.length && (sections[s + 1] as { at: number }).at <= start) {
      s++;
      moved = true;
    }
    if (moved) counts = new Map();
    const kind = kinds(i);
    const n = (counts.get(kind) ?? 0) + 1;
    counts.set(kind, n);
    ids.push(`${s === -1 ? 'preamble' : (sections[s] as { key: string }).key}/${kind}#${n}`);
  }
  return ids;
}

/** Reads a decisions file's parsed JSON: `{ "decisions": { "<id or line:column>": "keep" | "replace" } }` (or the bare map). */
export function parseDecisions(value: unknown, source = 'the decisions file'): ReferenceDecisions {
  const bad = (why: string): never => {
    throw new TenantryError('INVALID_DECISIONS', `${source} cannot be used: ${why}. Write {"decisions": {"<reference id or line:column>": "keep" | "replace"}} (tenantry template --export-decisions writes one).`);
  };
  const root = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : bad('it is not a JSON object');
  const map = 'decisions' in root ? root.decisions : root;
  if (map === null || typeof map !== 'object' || Array.isArray(map)) bad('"decisions" is not an object');
  const out: ReferenceDecisions = {};
  for (const [key, decision] of Object.entries(map as Record<string, unknown>)) {
    if (decision !== 'keep' && decision !== 'replace') bad(`the decision for ${JSON.stringify(key)} is ${JSON.stringify(decision)}, not "keep" or "replace"`);
    out[key] = decision as ReferenceDecision;
  }
  return out;
}

/** A decisions file as written by --export-decisions: what was done with each reviewed reference, with its place and text. */
export interface DecisionsFile {
  tenantryDecisions: 1;
  schema: string;
  decisions: ReferenceDecisions;
  /** For people reading the file: where each reference is and what surrounds it (ignored when read). */
  where: Record<string, string>;
}

/** The decisions applied to every reference that needed review (replaced ones as replace, left ones as keep). */
export function exportDecisions(schema: string, replaced: ReviewedReference[], left: ReviewedReference[]): DecisionsFile {
  const rows = [...replaced.map((r) => [r, 'replace'] as const), ...left.map((r) => [r, 'keep'] as const)].sort(([a], [b]) => a.line - b.line || a.column - b.column);
  const decisions: ReferenceDecisions = {};
  const where: Record<string, string> = {};
  for (const [r, decision] of rows) {
    decisions[r.id] = decision;
    where[r.id] = `${r.line}:${r.column} ${r.kind}: ${r.context.trim().slice(0, 160)}`;
  }
  return { tenantryDecisions: 1, schema, decisions, where };
}

/** What exportDecisions needs of a reference. */
export interface ReviewedReference {
  id: string;
  line: number;
  column: number;
  kind: string;
  context: string;
}
