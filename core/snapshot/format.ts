/**
 * The snapshot file: a header (SQL comment lines holding JSON) and a body in
 * which every replaced reference is the placeholder. The header lists, in body
 * order, the context of each placeholder occurrence, so render knows how to
 * quote the tenant name there and the warm pool knows which occurrences keep
 * the schema name as text (bodies, search_path settings, dynamic SQL).
 */
import { TenantryError } from '../errors.js';
import type { ReferenceKind, ReferenceSite, Wrapper } from './references.js';
import { sha256Hex } from './sha256.js';

/** The snapshot format this version writes and reads. */
export const SNAPSHOT_FORMAT_VERSION = 1;

export interface SnapshotHeader {
  formatVersion: number;
  /** The template schema the dump was taken from. */
  schema: string;
  placeholder: string;
  pgDumpVersion?: string;
  serverVersion?: string;
  /** ISO 8601. */
  createdAt: string;
  /** Lower-case hex SHA-256 of the body's UTF-8 bytes. */
  checksum: string;
  minified: boolean;
  counts: {
    /** Placeholder occurrences in the body. */
    replaced: number;
    byKind: Partial<Record<ReferenceKind, number>>;
    /** Replaced references that needed review (dynamic SQL, comments). */
    flagged: number;
    /** References found but left as they were (skipped by request). */
    skipped: number;
    /** Statements stripped (meta-commands, preamble, cluster-wide objects…). */
    stripped: number;
  };
  warnings: string[];
  /** What the target database needs once, before any tenant: extensions, roles. */
  requires: { extensions: { name: string; schema?: string }[]; roles: string[] };
  /** Session settings from pg_dump's stripped preamble (e.g. check_function_bodies = false). */
  sessionSettings: Record<string, string>;
  /** Whether the body creates the tenant schema itself (CREATE SCHEMA placeholder); when false, provisioning must. */
  createsSchema?: boolean;
  /** Distinct occurrence contexts. */
  contexts: ReferenceSite[];
  /** Context index of each placeholder occurrence in body order, run-length encoded: [context, count] pairs. */
  occurrences: [number, number][];
}

export interface Snapshot {
  header: SnapshotHeader;
  body: string;
}

const FIRST_LINE = '-- Tenantry snapshot. Render it for a tenant with: tenantry render FILE --tenant NAME';
const HEADER_PREFIX = '-- tenantry-snapshot-header: ';
const BODY_MARKER = '-- tenantry-snapshot-body:';

/** The snapshot as file text. */
export function serializeSnapshot(snapshot: Snapshot): string {
  return `${FIRST_LINE}\n${HEADER_PREFIX}${JSON.stringify(snapshot.header)}\n${BODY_MARKER}\n${snapshot.body}`;
}

/** Reads a snapshot file and checks it before anything runs; throws SNAPSHOT_INVALID / _VERSION_UNSUPPORTED / _CHECKSUM_MISMATCH / _PLACEHOLDER_MISSING. */
export function parseSnapshot(text: string): Snapshot {
  const firstEnd = text.indexOf('\n');
  const headerEnd = firstEnd === -1 ? -1 : text.indexOf('\n', firstEnd + 1);
  const markerEnd = headerEnd === -1 ? -1 : text.indexOf('\n', headerEnd + 1);
  if (markerEnd === -1 || !text.startsWith('-- Tenantry snapshot', 0) || !text.startsWith(HEADER_PREFIX, firstEnd + 1) || text.slice(headerEnd + 1, markerEnd) !== BODY_MARKER) {
    throw invalid('The file is not a Tenantry snapshot (its header lines are missing or changed). Create one with `tenantry template`.');
  }
  let header: unknown;
  try {
    header = JSON.parse(text.slice(firstEnd + 1 + HEADER_PREFIX.length, headerEnd));
  } catch (error) {
    throw invalid('The snapshot header is not valid JSON. The file was changed after it was created; template the dump again.', error);
  }
  const body = text.slice(markerEnd + 1);
  const snapshot = { header: checkHeader(header), body };
  verifySnapshot(snapshot);
  return snapshot;
}

/** Checks the body against the header: checksum, then placeholder occurrences. */
export function verifySnapshot(snapshot: Snapshot): void {
  const { header, body } = snapshot;
  const actual = sha256Hex(body);
  if (actual !== header.checksum) {
    throw new TenantryError('SNAPSHOT_CHECKSUM_MISMATCH', 'The snapshot body does not match its checksum: the file was changed after it was created. Template the dump again rather than editing the snapshot.', {
      detail: `expected sha256 ${header.checksum}, got ${actual}`,
    });
  }
  const found = countOccurrences(body, header.placeholder);
  if (found !== header.counts.replaced) {
    throw new TenantryError('SNAPSHOT_PLACEHOLDER_MISSING', `The snapshot body holds ${found} placeholder occurrences but its header lists ${header.counts.replaced}. Template the dump again.`, {
      detail: `placeholder ${header.placeholder}`,
    });
  }
}

/** Non-overlapping occurrences of needle in text. */
export function countOccurrences(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

/** Each placeholder occurrence: its offset in the body and its context (what the warm pool needs). */
export function listOccurrences(snapshot: Snapshot): { offset: number; context: ReferenceSite }[] {
  const { header, body } = snapshot;
  const out: { offset: number; context: ReferenceSite }[] = [];
  const contexts = expandOccurrences(header);
  let i = 0;
  for (let at = body.indexOf(header.placeholder); at !== -1; at = body.indexOf(header.placeholder, at + header.placeholder.length)) {
    const context = header.contexts[contexts[i++] as number];
    if (context === undefined) throw invalid('The snapshot has more placeholder occurrences than its header lists. Template the dump again.');
    out.push({ offset: at, context });
  }
  return out;
}

/** The context index of every occurrence, in body order. */
export function expandOccurrences(header: SnapshotHeader): number[] {
  const out: number[] = [];
  for (const [context, count] of header.occurrences) for (let i = 0; i < count; i++) out.push(context);
  return out;
}

function invalid(message: string, cause?: unknown): TenantryError {
  return new TenantryError('SNAPSHOT_INVALID', message, cause === undefined ? {} : { cause });
}

const KINDS = new Set(['identifier', 'name-literal', 'search-path', 'function-body', 'dynamic-sql', 'comment']);
const QUOTINGS = new Set(['identifier', 'qualified-name-literal', 'bare-name-literal', 'search-path-literal', 'comment']);
const DOLLAR_TAG = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$$/;

/** Validates the header's shape: a tampered header is refused, not trusted. */
function checkHeader(value: unknown): SnapshotHeader {
  const h = value as Partial<SnapshotHeader> | null;
  if (h === null || typeof h !== 'object') throw invalid('The snapshot header is not an object. Template the dump again.');
  if (h.formatVersion !== SNAPSHOT_FORMAT_VERSION) {
    throw new TenantryError('SNAPSHOT_VERSION_UNSUPPORTED', `The snapshot has format version ${String(h.formatVersion)}; this Tenantry reads version ${SNAPSHOT_FORMAT_VERSION}. Template the dump again with this version.`);
  }
  const fail = (what: string): never => {
    throw invalid(`The snapshot header is damaged (${what}). Template the dump again.`);
  };
  if (typeof h.schema !== 'string' || h.schema === '') fail('schema');
  if (typeof h.placeholder !== 'string' || h.placeholder === '') fail('placeholder');
  if (typeof h.checksum !== 'string' || !/^[0-9a-f]{64}$/.test(h.checksum)) fail('checksum');
  if (typeof h.createdAt !== 'string') fail('createdAt');
  if (!h.counts || typeof h.counts.replaced !== 'number') fail('counts');
  if (!Array.isArray(h.contexts) || !Array.isArray(h.occurrences)) fail('contexts');
  const contexts = h.contexts as unknown[];
  for (const c of contexts) checkContext(c, fail);
  let total = 0;
  for (const pair of h.occurrences as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2) fail('occurrences');
    const [index, count] = pair as unknown[];
    if (!Number.isInteger(index) || (index as number) < 0 || (index as number) >= contexts.length || !Number.isInteger(count) || (count as number) < 1) fail('occurrences');
    total += count as number;
  }
  if (total !== (h.counts as SnapshotHeader['counts']).replaced) fail('occurrence count');
  if (!Array.isArray(h.warnings)) h.warnings = [];
  if (!h.requires) h.requires = { extensions: [], roles: [] };
  if (!h.sessionSettings) h.sessionSettings = {};
  return h as SnapshotHeader;
}

function checkContext(value: unknown, fail: (what: string) => never): void {
  const c = value as Partial<ReferenceSite> | null;
  if (c === null || typeof c !== 'object' || !KINDS.has(c.kind as string) || (c.form !== 'identifier' && c.form !== 'name') || !QUOTINGS.has(c.quoting as string) || !Array.isArray(c.wrappers)) {
    fail('context');
  }
  for (const w of (c as ReferenceSite).wrappers as unknown[]) {
    const wrapper = w as Partial<Wrapper> & { style?: unknown; tag?: unknown };
    if (wrapper === null || typeof wrapper !== 'object') fail('wrapper');
    if (wrapper.type === 'literal') {
      if (wrapper.style !== 'standard' && wrapper.style !== 'escape') fail('literal style');
    } else if (wrapper.type === 'dollar') {
      if (typeof wrapper.tag !== 'string' || !DOLLAR_TAG.test(wrapper.tag)) fail('dollar tag');
    } else if (wrapper.type !== 'line-comment' && wrapper.type !== 'block-comment') fail('wrapper type');
  }
}
