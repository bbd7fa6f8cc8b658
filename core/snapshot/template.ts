/**
 * Templating: a pg_dump --schema-only text → a snapshot in which every chosen
 * reference to the template schema is the placeholder, with the statements
 * that cannot run per tenant stripped and reported.
 */
import { TenantryError } from '../errors.js';
import { mapRegions, type RegionMap } from '../sql/region-map.js';
import { isIdentifierPart } from '../sql/scanner.js';
import type { CatalogFacts } from './catalog-facts.js';
import { findRefusedStatements, type RefusedStatement } from './containment.js';
import { sealSnapshot, SNAPSHOT_FORMAT_VERSION, type Snapshot, type SnapshotHeader } from './format.js';
import { minifyWithEdits } from './minify.js';
import { materializeReferences, scanSchemaReferences, siteOf, type ReferenceKind, type ReferenceList, type ReferenceSite, type SchemaReference } from './references.js';
import { referenceIds, type ReferenceDecisions } from './reference-ids.js';
import { sha256Hex, utf8Length } from './sha256.js';
import { findStrippableStatements, type StripAnalysis, type StripOptions, type StrippedStatement } from './statements.js';
import { detectDumpVersions } from './dump-versions.js';
import { DOUBLE_QUOTE } from '../sql/char-codes.js';
import { LineCursor, lineColumnAt } from '../sql/line-column.js';
import { findRailsTrailer } from './rails-trailer.js';

/** The placeholder used when none is given. */
export const DEFAULT_PLACEHOLDER = '#{prefix}';

export interface TemplateOptions {
  schema: string;
  /** Default `#{prefix}`. */
  placeholder?: string;
  minify?: boolean;
  /** Strip ALTER … OWNER TO statements. */
  stripOwner?: boolean;
  catalog?: CatalogFacts;
  /** Versions of pg_dump and the server; read from the dump's head comments when not given. */
  source?: { pgDumpVersion?: string; serverVersion?: string };
  now?: Date;
  /** Indexes (into report.references) of references to leave as they are. */
  skip?: number[];
  /** Indexes (into report.references) of references marked keep to replace anyway (the app's checkboxes). */
  replace?: number[];
  /** Leave every reference that needs review (dynamic SQL, comments) as it is. */
  skipFlagged?: boolean;
  /**
   * Per-reference decisions, by reference id or `line:column` (reference-ids.ts). They win over the defaults
   * (references marked `keep` are left as they are unless decided `replace`) and over skipFlagged.
   * A decision that matches no reference is an error: the dump changed under it.
   */
  decisions?: ReferenceDecisions;
  /** Make a snapshot even when the SQL never mentions the schema (tests of single rules); otherwise SCHEMA_NOT_IN_DUMP. */
  allowNoReferences?: boolean;
}

export interface TemplateReport {
  /** Every reference found, in text order (materialized on first access: large dumps have 100k+). */
  readonly references: SchemaReference[];
  countsByKind: Partial<Record<ReferenceKind, number>>;
  /** Replaced references that need review, with line and column. */
  readonly flagged: SchemaReference[];
  /** References left as they were (skip / skipFlagged). */
  readonly skipped: SchemaReference[];
  stripped: StrippedStatement[];
  /** Statements of the body that provisioning refuses (containment.ts), with their body line. */
  refused: RefusedStatement[];
  warnings: string[];
  extensions: { name: string; schema?: string }[];
  roles: string[];
}

export interface TemplateResult {
  snapshot: Snapshot;
  /** The snapshot file text (head + snapshot.body, joined only when first read). */
  text: string;
  /**
   * The file text before the body (header lines). Writers write head and then snapshot.body: reading `text`
   * copies both into one new string (as large as the dump), which writing the two parts never needs.
   */
  head: string;
  report: TemplateReport;
}

/** Whether a placeholder is usable; throws INVALID_PLACEHOLDER with the reason. */
export function validatePlaceholder(placeholder: string): void {
  const bad = (why: string): never => {
    throw new TenantryError('INVALID_PLACEHOLDER', `The placeholder ${JSON.stringify(placeholder)} cannot be used: ${why}`);
  };
  if (placeholder.length === 0) bad('it is empty. Use the default #{prefix} or another marker.');
  if (placeholder.length > 64) bad('it is longer than 64 characters.');
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being rejected
  if (/[\s'"\\]/.test(placeholder) || /[\u0000-\u001f\u007f]/.test(placeholder)) {
    bad('it contains white space, a quote, a backslash or a control character, which would change how the SQL around it is read. Use something like #{prefix}.');
  }
  if (placeholder.includes('$')) bad('it contains $, which could start or end a dollar-quoted body. Use something like #{prefix}.');
  if (placeholder.includes('--') || placeholder.includes('/*') || placeholder.includes('*/')) bad('it contains a comment marker.');
}

/** The templated body and what was found, before the header (checksum) is made. */
export interface TemplatedDump {
  /** The text templated: the dump, with a Rails ledger trailer qualified (rails-trailer.ts); same lines as the dump. */
  sql: string;
  body: string;
  references: ReferenceList;
  /** Indexes into references of the occurrences in the body, in order. */
  emitted: Int32Array;
  /** Indexes into references left as they were. */
  skipped: number[];
  /** How many of skipped were left by default (references marked keep, not decided). */
  keptByDefault: number;
  strip: StripAnalysis;
}

/** Turns a schema-only dump into a snapshot (see the file comment). */
export function createSnapshot(dumpSql: string, options: TemplateOptions): TemplateResult {
  const { sql: templated, body, references: list, emitted, skipped: skippedIdx, keptByDefault, strip } = templateDump(dumpSql, options);
  dumpSql = templated;
  // A snapshot that templates nothing is a wrong --schema (often one that folds to another name), not a success.
  if (list.starts.length === 0 && options.allowNoReferences !== true) throw schemaNotInDump(dumpSql, options.schema);
  fillLines(dumpSql, strip.stripped);
  const schema = options.schema;
  const placeholder = options.placeholder ?? DEFAULT_PLACEHOLDER;
  // Header contexts in order of first use: the index of each site of the list's table, -1 until used.
  const contextIndex = new Int32Array(list.siteTable.length).fill(-1);
  const contexts: ReferenceSite[] = [];
  const occurrences: [number, number][] = [];
  const byKind: Partial<Record<ReferenceKind, number>> = {};
  let flaggedCount = 0;
  // Sites come in runs: look each new run's site up once, then count per run.
  let prevSite = -1;
  let run: [number, number] = [0, 0];
  const siteIds = list.siteIds;
  for (const i of emitted) {
    const site = siteIds[i] as number;
    if (site !== prevSite) {
      let c = contextIndex[site] as number;
      if (c === -1) {
        c = contexts.length;
        contexts.push(list.siteTable[site] as ReferenceSite);
        contextIndex[site] = c;
      }
      prevSite = site;
      run = [c, 0];
      occurrences.push(run);
    }
    run[1]++;
  }
  for (const [c, n] of occurrences) {
    const site = contexts[c] as ReferenceSite;
    byKind[site.kind] = (byKind[site.kind] ?? 0) + n;
    if (site.needsReview) flaggedCount += n;
  }

  const warnings = collectWarnings(options, strip, flaggedCount, skippedIdx.length, keptByDefault);
  // What provisioning would refuse (statements a snapshot may not hold): reported here, refused when the file is read.
  const refused = findRefusedStatements(body, { placeholder, sessionSettings: strip.sessionSettings });
  if (refused.length > 0) warnings.push(`${refused.length} statement(s) cannot run for a tenant and the snapshot will be refused until they are removed; the first, at body line ${refused[0]?.line}: ${refused[0]?.reason}.`);
  const source = { ...detectDumpVersions(dumpSql), ...options.source };
  const header: SnapshotHeader = {
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    schema,
    placeholder,
    ...(source.pgDumpVersion ? { pgDumpVersion: source.pgDumpVersion } : {}),
    ...(source.serverVersion ? { serverVersion: source.serverVersion } : {}),
    createdAt: (options.now ?? new Date()).toISOString(),
    checksum: sha256Hex(body),
    minified: options.minify ?? false,
    counts: { replaced: emitted.length, byKind, flagged: flaggedCount, skipped: skippedIdx.length, stripped: strip.stripped.length },
    warnings,
    requires: { extensions: strip.extensions, roles: strip.roles },
    sessionSettings: strip.sessionSettings,
    createsSchema: strip.createsSchema,
    contexts,
    occurrences,
  };
  const { snapshot, text, head } = sealSnapshot({ header, body });
  const report = makeReport(dumpSql, list, emitted, skippedIdx, byKind, strip, warnings, refused);
  return { snapshot, text, head, report };
}

/** The templating itself (references found, statements stripped, placeholders placed); createSnapshot adds the header. */
export function templateDump(dumpSql: string, options: TemplateOptions): TemplatedDump {
  const schema = options.schema;
  const placeholder = options.placeholder ?? DEFAULT_PLACEHOLDER;
  if (schema.length === 0 || utf8Length(schema) > 63) {
    throw new TenantryError('USAGE', `The template schema name ${JSON.stringify(schema)} is not a valid schema name (1 to 63 bytes).`);
  }
  validatePlaceholder(placeholder);
  const at = indexOfPlaceholder(dumpSql, placeholder);
  if (at !== -1) {
    const { line } = lineColumnAt(dumpSql, at);
    throw new TenantryError('PLACEHOLDER_IN_DUMP', `The placeholder ${placeholder} already occurs in the dump (line ${line}), so it could not be told apart from a replaced name. Choose another with --placeholder.`, { detail: `line ${line}` });
  }

  const { sql, map, strip } = mapAndStripWithTrailer(dumpSql, { schema, stripOwner: options.stripOwner ?? false });
  dumpSql = sql;
  const extensionsInSchema = strip.extensions.filter((e) => e.schema === schema).map((e) => e.name);
  const list = scanSchemaReferences(dumpSql, { schema, extensionsInSchema, ...(options.catalog ? { catalog: options.catalog } : {}) }, map);

  // Which references are replaced: not inside a stripped statement, not skipped, not kept by default or decision.
  const skip = options.skip !== undefined && options.skip.length > 0 ? new Set(options.skip) : undefined;
  const skipFlagged = options.skipFlagged === true;
  const force = options.replace !== undefined && options.replace.length > 0 ? new Set(options.replace) : undefined;
  const decide = options.decisions !== undefined && Object.keys(options.decisions).length > 0 ? decisionsFor(dumpSql, list, options.decisions) : undefined;
  let keptByDefault = 0;
  const stripped = strip.stripped;
  const starts = list.starts;
  const replaced = new Int32Array(starts.length);
  let replacedCount = 0;
  const skippedIdx: number[] = [];
  let si = 0;
  let cutStart = stripped.length > 0 ? (stripped[0] as StrippedStatement).start : Infinity;
  let cutEnd = stripped.length > 0 ? (stripped[0] as StrippedStatement).end : Infinity;
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i] as number;
    while (cutEnd <= start) {
      si++;
      const cut = stripped[si];
      cutStart = cut === undefined ? Infinity : cut.start;
      cutEnd = cut === undefined ? Infinity : cut.end;
    }
    if (cutStart <= start) continue;
    const decision = decide?.[i];
    const site = siteOf(list, i);
    if (decision === 'keep' || (decision === undefined && ((skip !== undefined && skip.has(i)) || (skipFlagged && site.needsReview)))) skippedIdx.push(i);
    else if (decision === undefined && site.keep === true && !(force?.has(i) ?? false)) {
      skippedIdx.push(i);
      keptByDefault++;
    } else replaced[replacedCount++] = i;
  }
  const emitted = replaced.subarray(0, replacedCount);

  if (options.minify) {
    const { text, kept, positions } = minifyWithEdits(dumpSql, {
      cuts: stripped,
      replacements: { starts: Array.from(emitted, (i) => starts[i] as number), ends: Array.from(emitted, (i) => list.ends[i] as number), with: placeholder },
    });
    checkPlacement(text, placeholder, positions);
    return { sql: dumpSql, body: text, references: list, emitted: emitted.filter((_, k) => kept[k] === true), skipped: skippedIdx, keptByDefault, strip };
  }
  const { body, positions, risky } = buildBody(dumpSql, list, emitted, stripped, placeholder);
  // A placeholder that cannot overlap itself (no border, like #{prefix}) and is not in the dump can only
  // appear where it was put, or where removing a statement joined two pieces of text: check those joins only.
  if (risky || hasBorder(placeholder)) checkPlacement(body, placeholder, positions);
  return { sql: dumpSql, body, references: list, emitted, skipped: skippedIdx, keptByDefault, strip };
}

/** The decision for each reference (by index), from ids or line:column; throws when a decision matches nothing. */
function decisionsFor(sql: string, list: ReferenceList, decisions: ReferenceDecisions): (ReferenceDecisions[string] | undefined)[] {
  const ids = referenceIds(sql, list.starts, (i) => siteOf(list, i).kind);
  const out: (ReferenceDecisions[string] | undefined)[] = new Array<ReferenceDecisions[string] | undefined>(ids.length).fill(undefined);
  const used = new Set<string>();
  const byId = new Map(ids.map((id, i) => [id, i]));
  const lineKeys = Object.keys(decisions).filter((k) => /^\d+:\d+$/.test(k));
  const byPosition = new Map<string, number>();
  if (lineKeys.length > 0) {
    const lines = new LineCursor(sql);
    for (let i = 0; i < list.starts.length; i++) {
      const start = list.starts[i] as number;
      byPosition.set(`${lines.moveTo(start)}:${lines.columnOf(start)}`, i);
    }
  }
  for (const [key, decision] of Object.entries(decisions)) {
    const i = byId.get(key) ?? byPosition.get(key);
    if (i === undefined) continue;
    out[i] = decision;
    used.add(key);
  }
  const unmatched = Object.keys(decisions).filter((k) => !used.has(k));
  if (unmatched.length > 0) {
    const shown = unmatched.slice(0, 5).map((k) => JSON.stringify(k)).join(', ');
    throw new TenantryError('INVALID_DECISIONS', `${unmatched.length} decision${unmatched.length === 1 ? '' : 's'} match${unmatched.length === 1 ? 'es' : ''} no reference in this dump (${shown}${unmatched.length > 5 ? ', …' : ''}): the template changed since they were made. Review the references again (--report lists their ids) and update the decisions file.`, { detail: unmatched.join('\n') });
  }
  return out;
}

/** The error for a dump that never mentions the template: which schemas it does hold, and the case-folding hint. */
function schemaNotInDump(sql: string, schema: string): TenantryError {
  const found = new Set<string>();
  for (const m of sql.matchAll(/^-- (?:Data for )?Name: [^;\n]*; Type: [^;\n]*; Schema: ([^;\n]+); Owner: /gm)) if (m[1] !== '-') found.add(m[1] as string);
  for (const m of sql.matchAll(/^-- Name: ([^;\n]+); Type: SCHEMA; /gm)) found.add(m[1] as string);
  for (const m of sql.matchAll(/\bCREATE SCHEMA (?:IF NOT EXISTS )?("(?:[^"]|"")+"|[A-Za-z_][\w$]*)/gi)) {
    const name = m[1] as string;
    found.add(name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase());
  }
  const names = [...found].sort();
  const folded = names.find((n) => n === schema.toLowerCase() && n !== schema);
  const hint = folded !== undefined ? ` Unquoted names fold to lower case: the schema is probably ${JSON.stringify(folded)}.` : '';
  const holds = names.length > 0 ? `The dump holds schema${names.length === 1 ? '' : 's'} ${names.map((n) => JSON.stringify(n)).join(', ')}.` : 'The dump names no schema at all.';
  return new TenantryError('SCHEMA_NOT_IN_DUMP', `Schema ${JSON.stringify(schema)} is not mentioned anywhere in the dump, so a snapshot would template nothing. ${holds}${hint} Pass the template's exact name with --schema.`);
}

/**
 * mapAndStrip of the dump with its Rails ledger trailer carried (rails-trailer.ts): the ledger INSERTs qualified
 * and the SET search_path before them stripped and reported. The rewrite holds only when the SET and every
 * qualifier stand in plain SQL (not inside a string, body or comment); otherwise the dump is taken as it is.
 */
function mapAndStripWithTrailer(dumpSql: string, options: StripOptions): { sql: string; map: RegionMap; strip: StripAnalysis } {
  const rails = findRailsTrailer(dumpSql, options.schema);
  if (rails !== undefined) {
    const { map, strip } = mapAndStrip(rails.sql, options);
    const plain = map.regionAt(rails.set.start) === -1 && rails.qualified.every((at) => map.regionAt(at) === -1);
    const overlaps = strip.stripped.some((s) => s.end > rails.set.start && s.start < rails.set.end);
    if (plain && !overlaps) {
      const text = rails.sql.slice(rails.set.start, rails.set.end).trim();
      const where = rails.tables.map((t) => `${options.schema}.${t}`).join(' and ');
      const reason = `Rails structure.sql trailer: its search_path would outlast the statement, so it is removed, and the ${rails.rows} ledger row${rails.rows === 1 ? '' : 's'} after it are inserted into ${where} by qualified name, which becomes the tenant's own ledger`;
      const entry: StrippedStatement = { start: rails.set.start, end: rails.set.end, line: 0, text, reason };
      const k = strip.stripped.findIndex((s) => s.start > rails.set.start);
      if (k === -1) strip.stripped.push(entry);
      else strip.stripped.splice(k, 0, entry);
      return { sql: rails.sql, map, strip };
    }
  }
  return { sql: dumpSql, ...mapAndStrip(dumpSql, options) };
}

/**
 * The region map and the statements to strip. Schema-only dumps have no COPY statements, so the map is first
 * made without looking for COPY data (a full case-insensitive pass saved); when a statement does start with
 * COPY (or that map fails), both are made again the exact way.
 */
function mapAndStrip(sql: string, options: StripOptions): { map: RegionMap; strip: StripAnalysis } {
  const copyStatements: number[] = [];
  let map: RegionMap | undefined;
  try {
    map = mapRegions(sql, 0, sql.length, { copy: false });
  } catch {
    map = undefined; // maybe COPY data lexed as SQL: the exact map below decides
  }
  if (map !== undefined) {
    const strip = findStrippableStatements(map, { ...options, copyStatements });
    if (copyStatements.length === 0) return { map, strip };
  }
  const exact = mapRegions(sql);
  return { map: exact, strip: findStrippableStatements(exact, options) };
}

/** indexOf(placeholder), searching for its first character (rare in SQL, e.g. `#`) natively and comparing there. */
function indexOfPlaceholder(text: string, placeholder: string): number {
  const first = placeholder[0] as string;
  for (let i = text.indexOf(first); i !== -1; i = text.indexOf(first, i + 1)) if (text.startsWith(placeholder, i)) return i;
  return -1;
}

/** Whether a proper prefix of s is also a suffix (then occurrences could overlap text next to them). */
function hasBorder(s: string): boolean {
  for (let k = 1; k < s.length; k++) if (s.startsWith(s.slice(s.length - k))) return true;
  return false;
}

/** Render finds placeholders with indexOf: each must be found exactly where it was put, and nowhere else. */
function checkPlacement(body: string, placeholder: string, positions: ArrayLike<number>): void {
  let k = 0;
  for (let at = body.indexOf(placeholder); at !== -1; at = body.indexOf(placeholder, at + placeholder.length), k++) {
    if (positions[k] !== at) {
      throw new TenantryError('INVALID_PLACEHOLDER', `The placeholder ${placeholder} combines with the text next to it, so it could not be found again reliably. Choose a placeholder such as #{prefix}.`, { detail: `offset ${at} in the snapshot body` });
    }
  }
  if (k !== positions.length) throw new TenantryError('INVALID_PLACEHOLDER', `The placeholder ${placeholder} could not be found again in the snapshot body. Choose a placeholder such as #{prefix}.`);
}

/**
 * The body: the text between references and cuts, with the placeholder in place of each reference, built
 * by string concatenation (V8 ropes: no copy per piece; the text is flattened once, by its first reader).
 * risky: a cut joined two pieces into text that holds the placeholder, so placement must be checked in full.
 */
function buildBody(sql: string, list: ReferenceList, replaced: Int32Array, stripped: StrippedStatement[], placeholder: string): { body: string; positions: Int32Array; risky: boolean } {
  const starts = list.starts;
  const ends = list.ends;
  // A typed array: `new Array(n)` goes to slow dictionary mode once n passes about 100k.
  const positions = new Int32Array(replaced.length);
  const k = placeholder.length - 1;
  let body = '';
  /** The end of body: at least its last k characters (or all of it). */
  let tail = '';
  let p = 0;
  let si = 0;
  let risky = false;
  let nextCut = stripped.length > 0 ? (stripped[0] as StrippedStatement).start : Infinity;
  /** Removes stripped[si], joining the text before it to the text after; nextRef: start of the next reference to replace. */
  const cut = (nextRef: number): void => {
    const c = stripped[si] as StrippedStatement;
    const before = sql.slice(p, c.start);
    body += before;
    tail = before.length >= k ? before : tail.length > 4 * k ? tail.slice(tail.length - k) + before : tail + before;
    si++;
    nextCut = si < stripped.length ? (stripped[si] as StrippedStatement).start : Infinity;
    p = c.end;
    // The placeholder must not appear across the join. A placeholder without a border cannot overlap another
    // placeholder (hasBorder sends the others to the full check), so the text that matters is the body's last
    // k characters and the source text after the join up to the next placeholder (over further cuts).
    if (!risky && k > 0) {
      let right = '';
      let q = p;
      for (let j = si; right.length < k; ) {
        const cutAt = j < stripped.length ? (stripped[j] as StrippedStatement).start : Infinity;
        if (cutAt < q) {
          risky = true; // overlapping cuts: leave it to the full check
          break;
        }
        const stop = Math.min(cutAt, nextRef, q + k - right.length, sql.length);
        right += sql.slice(q, stop);
        q = stop;
        if (q !== cutAt || q === nextRef) break;
        q = (stripped[j] as StrippedStatement).end;
        j++;
      }
      if ((tail.slice(Math.max(0, tail.length - k)) + right).includes(placeholder)) risky = true;
    }
  };
  for (let r = 0; r < replaced.length; r++) {
    const i = replaced[r] as number;
    const s = starts[i] as number;
    while (nextCut < s) cut(s);
    // `FROM"tmpl".t`: the name may render bare, so keep it apart from a name character next to it.
    body += sql.slice(p, s);
    if (sql.charCodeAt(s) === DOUBLE_QUOTE) {
      if (s > 0 && isIdentifierPart(sql.charCodeAt(s - 1))) body += ' ';
      positions[r] = body.length;
      body += placeholder;
      tail = placeholder;
      p = ends[i] as number;
      if (p < sql.length && isIdentifierPart(sql.charCodeAt(p))) {
        body += ' ';
        tail = placeholder + ' ';
      }
    } else {
      positions[r] = body.length;
      body += placeholder;
      tail = placeholder;
      p = ends[i] as number;
    }
  }
  while (si < stripped.length) {
    if ((stripped[si] as StrippedStatement).start < p) {
      si++;
      continue;
    }
    cut(Infinity);
  }
  body += sql.slice(p);
  return { body, positions, risky };
}

function fillLines(sql: string, stripped: StrippedStatement[]): void {
  const lines = new LineCursor(sql);
  for (const s of stripped) s.line = lines.moveTo(s.start);
}

function collectWarnings(options: TemplateOptions, strip: ReturnType<typeof findStrippableStatements>, flagged: number, skipped: number, keptByDefault: number): string[] {
  const warnings: string[] = [];
  if (!strip.createsSchema) {
    warnings.push(`The dump does not create schema ${options.schema} (pg_dump leaves out CREATE SCHEMA public): provisioning creates the tenant schema (CREATE SCHEMA) before running the snapshot.`);
  }
  for (const other of strip.otherSchemas) {
    warnings.push(`The dump creates schema ${other}, which is not the template: it would be created again for every tenant. Dump only the template (pg_dump -n ${options.schema}) or remove it.`);
  }
  if (strip.extensions.length > 0) {
    warnings.push(`Extensions needed in the database (install once, not per tenant): ${strip.extensions.map((e) => (e.schema ? `${e.name} (in ${e.schema})` : e.name)).join(', ')}.`);
  }
  if (!options.catalog && strip.extensions.some((e) => e.schema === options.schema)) {
    warnings.push(`Extensions live in the template schema ${options.schema}; without catalog facts only well-known extension members (citext, pg_trgm, uuid-ossp, …) are left alone. Template from a live database to be exact.`);
  }
  // The same numbers as the header's counts.flagged and counts.skipped.
  if (flagged > 0) warnings.push(`${flagged} replaced references need review (names in dynamic SQL or hand-written comments).`);
  if (skipped > 0) {
    const byDefault = keptByDefault > 0 ? `${keptByDefault} by default, because the text holding the name may not be a name (a setting, a pattern, a name built by concatenation, a non-schema value): review them and decide with --decisions` : '';
    const asked = skipped - keptByDefault > 0 ? `${skipped - keptByDefault} on request` : '';
    warnings.push(`${skipped} references were left pointing at ${options.schema} (${[byDefault, asked].filter((x) => x !== '').join('; ')}).`);
  }
  return warnings;
}

function makeReport(sql: string, list: ReferenceList, emitted: Int32Array, skippedIdx: number[], byKind: Partial<Record<ReferenceKind, number>>, strip: ReturnType<typeof findStrippableStatements>, warnings: string[], refused: RefusedStatement[]): TemplateReport {
  let all: SchemaReference[] | undefined;
  const references = (): SchemaReference[] => (all ??= materializeReferences(sql, list));
  let emittedSet: Set<number> | undefined;
  const report = {
    countsByKind: byKind,
    stripped: strip.stripped,
    refused,
    warnings,
    extensions: strip.extensions,
    roles: strip.roles,
  } as TemplateReport;
  Object.defineProperties(report, {
    references: { enumerable: true, get: references },
    flagged: { enumerable: true, get: () => references().filter((r, i) => r.needsReview && (emittedSet ??= new Set(emitted)).has(i)) },
    skipped: { enumerable: true, get: () => skippedIdx.map((i) => references()[i] as SchemaReference) },
  });
  return report;
}
