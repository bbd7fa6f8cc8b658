/**
 * The snapshot file: a header (SQL comment lines holding JSON) and a body in
 * which every replaced reference is the placeholder. The header lists, in body
 * order, the context of each placeholder occurrence, so render knows how to
 * quote the tenant name there and the warm pool knows which occurrences keep
 * the schema name as text (bodies, search_path settings, dynamic SQL).
 *
 * A snapshot is code that runs on production clusters, so a file is sealed:
 * the header's first field, `seal`, is the SHA-256 of the header line (with
 * the seal left empty), and the header records the body's SHA-256
 * (`checksum`), so the seal covers header and body while the body is hashed
 * once (format 2 hashed the header line and the body together: it is still
 * read, and `tenantry snapshot reseal` writes it as format 3). Render turns header fields
 * (contexts, session settings) into SQL, so the header is covered as well as
 * the body. Reading checks the seal, the header's shape and every statement
 * of the body (containment.ts) before anything can run.
 */
import { TenantryError } from '../errors.js';
import { assertContained, findRefusedStatements, type RefusedStatement } from './containment.js';
import { assertContextsMatch } from './context-check.js';
import { SESSION_SETTINGS } from './statements.js';
import type { ReferenceKind, ReferenceSite, Wrapper } from './references.js';
import { sha256Hex } from './sha256.js';
import { DOUBLE_QUOTE } from '../sql/char-codes.js';

/**
 * The snapshot format this version writes. 3: the seal covers the header line, which records the body's checksum;
 * 2 (still read): the seal covers header line and body together, hashing the body a second time; 1 covered the body
 * only and is refused with the command that checks and seals it again.
 */
export const SNAPSHOT_FORMAT_VERSION = 3;

/** Format versions this version reads. */
const READABLE_VERSIONS: readonly number[] = [2, 3];

/** The seal of a header line (seal left empty) and body: format 3 hashes the header alone, which holds the body's checksum. */
function computeSeal(unsealed: string, body: string, formatVersion: number | undefined): string {
  return formatVersion === 2 ? sha256Hex(`${unsealed}\n${body}`) : sha256Hex(unsealed);
}

/** The command that re-checks an edited snapshot and seals it again. */
export const RESEAL_COMMAND = 'tenantry snapshot reseal FILE';

export interface SnapshotHeader {
  /**
   * Lower-case hex SHA-256 of the header line with this field empty (format 3: the body is covered by `checksum`;
   * format 2: of the header line and the body together); set when the file is written.
   */
  seal?: string;
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

/** Lines of a snapshot file before its body (the first line, the header line, the body marker): body line n is file line n + 3. */
export const SNAPSHOT_HEADER_LINES = 3;

const SEAL_PREFIX = '{"seal":"';
const SEAL_LENGTH = 64;

/** The snapshot as file text, sealed: the seal is computed here, over the header as written and the body. */
export function serializeSnapshot(snapshot: Snapshot): string {
  const { head, body } = serializeParts(snapshot);
  return head + body;
}

/** The header lines (up to and with the body marker line) with the seal computed, the seal, and the body. */
function serializeParts(snapshot: Snapshot): { head: string; seal: string; body: string } {
  const { seal: _old, ...rest } = snapshot.header;
  void _old;
  // The seal is the first key, so it sits at a fixed place in the header line whatever the other fields hold.
  const unsealed = JSON.stringify({ seal: '', ...rest });
  const seal = computeSeal(unsealed, snapshot.body, snapshot.header.formatVersion);
  const header = `${SEAL_PREFIX}${seal}${unsealed.slice(SEAL_PREFIX.length)}`;
  return { head: `${FIRST_LINE}\n${HEADER_PREFIX}${header}\n${BODY_MARKER}\n`, seal, body: snapshot.body };
}

/**
 * The snapshot with its seal set, and its file text, whole (`text`) and as the header lines before the body
 * (`head`: the text is head + body). The seal is taken from the header line, not read back from the text:
 * reading the text makes V8 copy header and body into one new flat string (11 MB for GitLab, fresh memory, as
 * costly as the templating's own pass), so writers write `head` and then the body, which is flat already.
 */
export function sealSnapshot(snapshot: Snapshot): { snapshot: Snapshot; text: string; head: string } {
  const { head, seal, body } = serializeParts(snapshot);
  const { seal: _old, ...rest } = snapshot.header;
  void _old;
  return { snapshot: { header: { seal, ...rest }, body }, text: head + body, head };
}

/** The parts of a snapshot file: the raw header line (JSON) and the body; throws SNAPSHOT_INVALID when the frame is not there. */
export function splitSnapshotText(text: string): { headerJson: string; body: string } {
  const firstEnd = text.indexOf('\n');
  const headerEnd = firstEnd === -1 ? -1 : text.indexOf('\n', firstEnd + 1);
  const markerEnd = headerEnd === -1 ? -1 : text.indexOf('\n', headerEnd + 1);
  if (markerEnd === -1 || !text.startsWith('-- Tenantry snapshot', 0) || !text.startsWith(HEADER_PREFIX, firstEnd + 1) || text.slice(headerEnd + 1, markerEnd) !== BODY_MARKER) {
    throw invalid('The file is not a Tenantry snapshot (its header lines are missing or changed). Create one with `tenantry template`.');
  }
  return { headerJson: text.slice(firstEnd + 1 + HEADER_PREFIX.length, headerEnd), body: text.slice(markerEnd + 1) };
}

/** Parses the header line's JSON; throws SNAPSHOT_INVALID. */
export function parseHeaderJson(headerJson: string): unknown {
  try {
    return JSON.parse(headerJson);
  } catch (error) {
    throw invalid(`The snapshot header is not valid JSON: the file was changed after it was created. Template the dump again.`, error);
  }
}

/** Whether the header line (and, in format 2, the body) match the seal at the start of the header line. */
export function isSealIntact(headerJson: string, body: string, formatVersion: number): boolean {
  if (!headerJson.startsWith(SEAL_PREFIX) || headerJson.charCodeAt(SEAL_PREFIX.length + SEAL_LENGTH) !== DOUBLE_QUOTE) return false;
  const seal = headerJson.slice(SEAL_PREFIX.length, SEAL_PREFIX.length + SEAL_LENGTH);
  if (!/^[0-9a-f]{64}$/.test(seal)) return false;
  const unsealed = `${SEAL_PREFIX}${headerJson.slice(SEAL_PREFIX.length + SEAL_LENGTH)}`;
  return computeSeal(unsealed, body, formatVersion) === seal;
}

/**
 * Reads a snapshot file and checks it before anything runs: the seal (header and body), the header's shape, the
 * placeholder occurrences and every statement of the body. Throws SNAPSHOT_INVALID / _VERSION_UNSUPPORTED /
 * _CHECKSUM_MISMATCH / _PLACEHOLDER_MISSING / _STATEMENT_REFUSED.
 */
export function parseSnapshot(text: string): Snapshot {
  const { headerJson, body } = splitSnapshotText(text);
  const header = parseHeaderJson(headerJson);
  checkVersion(header);
  if (!isSealIntact(headerJson, body, (header as SnapshotHeader).formatVersion)) {
    const checksum = (header as { checksum?: unknown }).checksum;
    const part = typeof checksum === 'string' && checksum === sha256Hex(body) ? 'header' : 'body';
    throw new TenantryError(
      'SNAPSHOT_CHECKSUM_MISMATCH',
      `The snapshot ${part} was changed after the snapshot was sealed, so it is not run. If you edited it on purpose, run \`${RESEAL_COMMAND}\`: it shows what changed, checks every statement and seals the file again.`,
      { detail: part === 'body' ? `body sha256 ${sha256Hex(body)}, header records ${String(checksum)}` : 'the header line does not match its seal' },
    );
  }
  const snapshot = { header: checkHeader(header), body };
  verifySnapshot(snapshot);
  return snapshot;
}

/** What inspectSnapshot finds in a snapshot file, without refusing it. */
export interface SnapshotInspection {
  /** The snapshot with its header's shape checked (any readable format version). Never run it: see the flags. */
  snapshot: Snapshot;
  formatVersion: number;
  /** Whether the seal matches the header and body (false for format 1, which has none). */
  sealIntact: boolean;
  /** Whether the body's SHA-256 is the checksum the header records. */
  bodyMatchesChecksum: boolean;
  /** Placeholder occurrences in the body (the header lists counts.replaced). */
  occurrencesFound: number;
  /** Statements provisioning refuses. */
  refused: RefusedStatement[];
}

/**
 * Reads a snapshot file of format 1 or 2 and reports what holds, for `tenantry snapshot reseal` and tools that show a
 * file: nothing it returns may be run unless parseSnapshot accepts the file. Throws SNAPSHOT_INVALID for a file that is
 * not a snapshot or whose header is damaged.
 */
export function inspectSnapshot(text: string): SnapshotInspection {
  const { headerJson, body } = splitSnapshotText(text);
  const value = parseHeaderJson(headerJson);
  const formatVersion = (value as { formatVersion?: unknown } | null)?.formatVersion;
  if (formatVersion !== 1) checkVersion(value);
  const header = checkHeader(value);
  return {
    snapshot: { header, body },
    formatVersion: formatVersion as number,
    sealIntact: formatVersion !== 1 && isSealIntact(headerJson, body, formatVersion as number),
    bodyMatchesChecksum: sha256Hex(body) === header.checksum,
    occurrencesFound: countOccurrences(body, header.placeholder),
    refused: findRefusedStatements(body, { placeholder: header.placeholder, sessionSettings: header.sessionSettings }),
  };
}

/** Checks the body against the header: checksum, placeholder occurrences, then every statement (containment). */
export function verifySnapshot(snapshot: Snapshot): void {
  const { header, body } = snapshot;
  const actual = sha256Hex(body);
  if (actual !== header.checksum) {
    throw new TenantryError('SNAPSHOT_CHECKSUM_MISMATCH', `The snapshot body does not match its checksum: the file was changed after it was created. If you edited it on purpose, run \`${RESEAL_COMMAND}\` to check it and seal it again.`, {
      detail: `expected sha256 ${header.checksum}, got ${actual}`,
    });
  }
  const found = countOccurrences(body, header.placeholder);
  if (found !== header.counts.replaced) {
    throw new TenantryError('SNAPSHOT_PLACEHOLDER_MISSING', `The snapshot body holds ${found} placeholder occurrences but its header lists ${header.counts.replaced}. Template the dump again.`, {
      detail: `placeholder ${header.placeholder}`,
    });
  }
  assertContextsMatch(body, listOccurrences(snapshot));
  assertContained(body, { placeholder: header.placeholder, sessionSettings: header.sessionSettings });
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

/** Refuses a header of another format version; version 1 (body-only checksum) gets the command that seals it again. */
function checkVersion(value: unknown): void {
  const h = value as Partial<SnapshotHeader> | null;
  if (h === null || typeof h !== 'object') throw invalid('The snapshot header is not an object. Template the dump again.');
  if (h.formatVersion === 1) {
    throw new TenantryError('SNAPSHOT_VERSION_UNSUPPORTED', `The snapshot has format version 1, whose checksum does not cover the header. Run \`${RESEAL_COMMAND}\` to check every statement and seal it in version ${SNAPSHOT_FORMAT_VERSION}, or template the dump again.`);
  }
  if (typeof h.formatVersion !== 'number' || !READABLE_VERSIONS.includes(h.formatVersion)) {
    throw new TenantryError('SNAPSHOT_VERSION_UNSUPPORTED', `The snapshot has format version ${String(h.formatVersion)}; this Tenantry reads versions ${READABLE_VERSIONS.join(' and ')}. Template the dump again with this version.`);
  }
}

/** Session settings a header may carry: pg_dump's preamble and search_path (names helper: standard_conforming_strings). */
const HEADER_SETTINGS = new Set([...SESSION_SETTINGS, 'search_path']);

/** Validates the header's shape (any format version): a tampered header is refused, not trusted. */
export function checkHeader(value: unknown): SnapshotHeader {
  const h = value as Partial<SnapshotHeader> | null;
  if (h === null || typeof h !== 'object') throw invalid('The snapshot header is not an object. Template the dump again.');
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
  if (typeof h.sessionSettings !== 'object' || Array.isArray(h.sessionSettings)) fail('sessionSettings');
  for (const [name, setting] of Object.entries(h.sessionSettings)) {
    // Render turns these into SET LOCAL statements: only pg_dump's own settings, with plain values.
    if (!HEADER_SETTINGS.has(name) || typeof setting !== 'string' || !/^(?:'(?:[^'\\]|'')*'|[A-Za-z0-9_.+-]+)$/.test(setting)) fail(`session setting ${JSON.stringify(name)}`);
  }
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
