/**
 * The schema-reference finder: every place where SQL refers to the template
 * schema, with its position, its kind and how a tenant name must be written
 * there. It runs on the RegionMap fast path: the schema name is searched for
 * natively, and only the few tokens around each match are looked at.
 *
 * Kinds (stable, shown to users and stored in snapshots):
 * - identifier:    `tmpl.t`, `"tmpl".t`, `CREATE SCHEMA tmpl`, `GRANT … ON SCHEMA tmpl`
 * - name-literal:  a string that holds a name: `'tmpl.seq'::regclass`, `nextval('tmpl.seq')`
 * - search-path:   `SET search_path TO tmpl`, a function's `SET search_path = 'tmpl'` (stored as text),
 *                  `set_config('search_path', 'tmpl, public', …)`
 * - function-body: an identifier inside a function or procedure body (stored as text)
 * - dynamic-sql:   a probable name inside a string in a body (`EXECUTE 'select … tmpl.t'`): needs review
 * - comment:       a name in a comment: needs review, except inside pg_dump's own header lines
 *                  (`-- Name: t; Type: TABLE; Schema: tmpl; Owner: -`, `-- Data for Name: …`), which are machine-written
 *
 * Strings that merely contain the name are not always names. Inside dynamic SQL (a string a body or a function
 * known to run SQL executes) `S.x` is a reference when x is an object of the template (catalog facts, or pg_dump's
 * own `-- Name: x; …; Schema: S` headers offline), when it stands where a relation or function goes, when it is a
 * format() placeholder (`S.%I`), or when the string is executed right there (EXECUTE …). Anything else that holds the
 * name (`md5(x || ':S.org')`, `LIKE 'S.%'`, `extname = 'S'`, a name built by concatenation outside EXECUTE) is listed
 * for review with `keep` set: left as it is unless a decision says replace. Setting names (`current_setting('S.x')`,
 * `set_config('S.x', …)`, `SET S.x`, `SHOW S.x`, `RESET S.x`) are never references.
 */
import { TenantryError } from '../errors.js';
import { mapRegions, type RegionMap } from '../sql/region-map.js';
import { CONCAT_FUNCTIONS, SETTING_FUNCTIONS, SETTING_WORDS } from '../sql/setting-names.js';
import { T, isIdentifierPart, isIdentifierStart } from '../sql/scanner.js';
import {
  AMPERSAND, CARRIAGE_RETURN, COMMA, DOLLAR, DOT, DOUBLE_QUOTE, LOWER_A, LOWER_S, LOWER_Z, NEWLINE, NON_ASCII, OPEN_PAREN, PERCENT, QUOTE,
  SEMICOLON, SLASH, SPACE, TAB, UPPER_A, UPPER_I, UPPER_Z, isAsciiSpace, isDigit, isLowerLetter,
} from '../sql/char-codes.js';
import { equalsFolded } from '../sql/equals-folded.js';
import { escapeRegExp } from '../sql/escape-reg-exp.js';
import { grown } from '../sql/grow-array.js';
import { LineCursor } from '../sql/line-column.js';
import { W, isSymbol, isWord, newNearToken, nextToken, prevToken, type NearToken } from '../sql/backward.js';
import { collectNames, KNOWN_EXTENSION_OBJECTS, type CatalogFacts } from './catalog-facts.js';
import { referenceIds } from './reference-ids.js';

export type ReferenceKind = 'identifier' | 'name-literal' | 'search-path' | 'function-body' | 'dynamic-sql' | 'comment';

/** How the tenant name is written at a site: as an SQL identifier (quoted when needed) or as the raw name. */
export type NameForm = 'identifier' | 'name';

/** A syntactic layer around a site, innermost first; render escapes the name for each, inside-out. */
export type Wrapper =
  | { type: 'literal'; style: 'standard' | 'escape' }
  | { type: 'dollar'; tag: string }
  | { type: 'line-comment' }
  | { type: 'block-comment' };

/** What kind of site a reference is; shared by every reference of that kind in the same context. */
export interface ReferenceSite {
  kind: ReferenceKind;
  /** A probable reference a human should confirm (dynamic SQL, comments other than pg_dump's headers). */
  needsReview: boolean;
  form: NameForm;
  wrappers: Wrapper[];
  /** A summary of form + wrappers: identifier, qualified-name-literal, bare-name-literal, search-path-literal, comment. */
  quoting: 'identifier' | 'qualified-name-literal' | 'bare-name-literal' | 'search-path-literal' | 'comment';
  /** Inside a function or procedure body. */
  inBody: boolean;
  /** The schema name is kept as text in the catalog (function bodies incl. their comments and dynamic SQL, a function's SET search_path), not as an OID. */
  storedAsText: boolean;
  /** Left as it is unless a decision says replace: text that holds the name but may not be one (listed for review). */
  keep?: boolean;
}

export interface SchemaReference extends ReferenceSite {
  /** Stable across re-dumps where possible: the pg_dump object it is in, its kind and its place there (reference-ids.ts). */
  id: string;
  start: number;
  end: number;
  /** 1-based. */
  line: number;
  /** 1-based, UTF-16 code units. */
  column: number;
  /** The text replaced (e.g. `tmpl`, `"tmpl"`). */
  text: string;
  /** The source line around the reference. */
  context: string;
}

/** References in compact form (parallel typed arrays, no object per reference): what templating uses. */
export interface ReferenceList {
  starts: Int32Array;
  ends: Int32Array;
  /** Each reference's site, as an index into siteTable. */
  siteIds: Int32Array;
  /** The distinct sites, shared by the references of one kind in one context. */
  siteTable: ReferenceSite[];
}

/** The site of reference i. */
export function siteOf(list: ReferenceList, i: number): ReferenceSite {
  return list.siteTable[list.siteIds[i] as number] as ReferenceSite;
}

/** A growable reference list (typed arrays: no garbage per reference on large dumps). */
class RefBuffer {
  starts: Int32Array = new Int32Array(256);
  ends: Int32Array = new Int32Array(256);
  siteIds: Int32Array = new Int32Array(256);
  count = 0;

  push(s: number, e: number, site: number): number {
    const n = this.count;
    if (n === this.starts.length) {
      this.starts = grown(this.starts);
      this.ends = grown(this.ends);
      this.siteIds = grown(this.siteIds);
    }
    this.starts[n] = s;
    this.ends[n] = e;
    this.siteIds[n] = site;
    this.count = n + 1;
    return n;
  }
}

/** A growable list of integers. */
class IntList {
  items: Int32Array = new Int32Array(256);
  count = 0;

  push(v: number): void {
    if (this.count === this.items.length) this.items = grown(this.items);
    this.items[this.count++] = v;
  }
}

export interface FindReferencesOptions {
  schema: string;
  catalog?: CatalogFacts;
  /** Extensions the dump itself installs into the schema (when known, saves a search; ignored with catalog). */
  extensionsInSchema?: string[];
}

/** Casts whose input is an object name: `'tmpl.t'::regclass`. */
const REG_TYPES = new Set(['regclass', 'regproc', 'regprocedure', 'regtype', 'regoper', 'regoperator', 'regconfig', 'regdictionary', 'regcollation', 'regnamespace']);
/** Functions whose first argument is a (qualified) object name. */
const NAME_FUNCTIONS = new Set(['nextval', 'currval', 'setval', 'to_regclass', 'to_regproc', 'to_regprocedure', 'to_regtype', 'to_regoper', 'to_regoperator', 'to_regcollation', 'pg_get_serial_sequence', 'to_regnamespace']);
/** Functions that run the SQL text they are given (a literal argument is dynamic SQL, also outside bodies). */
const SQL_FUNCTIONS = new Set(['crosstab', 'crosstab2', 'crosstab3', 'crosstab4', 'connectby', 'query_to_xml', 'query_to_xmlschema', 'query_to_xml_and_xmlschema', 'dblink', 'dblink_exec', 'dblink_open', 'dblink_send_query', 'dblink_build_sql_insert']);
/** Text search functions whose first argument (of two or more) is a configuration name: `to_tsvector('S.cfg', x)`. */
const TS_CONFIG_FUNCTIONS = new Set(['to_tsvector', 'to_tsquery', 'plainto_tsquery', 'phraseto_tsquery', 'websearch_to_tsquery', 'ts_headline', 'json_to_tsvector', 'jsonb_to_tsvector']);
/** The first word of a string that is SQL text: `'SELECT … FROM S.t'` outside a body is dynamic SQL. */
const SQL_VERBS = new Set(['select', 'with', 'insert', 'update', 'delete', 'values', 'table', 'truncate', 'create', 'alter', 'drop', 'call', 'merge', 'grant', 'revoke', 'comment', 'set', 'lock', 'refresh', 'copy']);
/** Column names compared with a schema name: `table_schema = 'S'`, `n.nspname = 'S'`. */
const SCHEMA_COLUMN = /(?:schema|nspname|schemaname|namespace)$/i;
/** Words after which `S.x` names an object in schema S (not a column of a table called S). */
const RELATION_CONTEXT = new Set([
  'table', 'view', 'sequence', 'function', 'procedure', 'type', 'domain', 'index', 'from', 'join', 'only', 'references',
  'into', 'update', 'execute', 'collation', 'aggregate', 'operator', 'conversion', 'statistics', 'exists', 'truncate',
  'call', 'setof', 'returns', 'of', 'like', 'inherits', 'trigger', 'policy', 'rule', 'materialized', 'foreign', 'search',
  'dictionary', 'configuration', 'parser', 'template', 'family', 'class', 'using', 'with', 'cast', 'for', 'perform',
  // DDL name positions: `SEQUENCE NAME S.seq` (identity columns), `OWNED BY S.t.c`, `ATTACH PARTITION S.p`
  'name', 'by', 'partition',
]);
/** Words after which `x.S` is a relation named S (a collation, function or type named like the schema is not). */
const TABLE_CONTEXT = new Set(['table', 'view', 'sequence', 'index', 'from', 'join', 'only', 'references', 'into', 'update', 'truncate', 'inherits', 'like', 'materialized', 'foreign']);

interface Context {
  wrappers: Wrapper[];
  inBody: boolean;
  /** Inside a string that a body executes (dynamic SQL). */
  dynamic: boolean;
  /** That string is executed where it stands (part of an EXECUTE statement, or an argument of crosstab() …). */
  executed: boolean;
  /** Interned sites (key → index into the site table) and wrapper lists of this context, so references share them. */
  sites: Map<number, number>;
  local: (Wrapper[] | undefined)[];
  lastKey: number;
  lastSite: number;
  /** The site of a plain `S.x` identifier in this context (the most common reference), -1 until met. */
  identifierSite: number;
}

/** The wrapper a site adds to its context's: none, a '' literal, an E'' literal, a -- comment, a block comment. */
const L_NONE = 0;
const L_LITERAL = 1;
const L_ESCAPE_LITERAL = 2;
const L_LINE_COMMENT = 3;
const L_BLOCK_COMMENT = 4;
type Local = 0 | 1 | 2 | 3 | 4;

const KIND_CODES: Record<ReferenceKind, number> = { identifier: 0, 'name-literal': 1, 'search-path': 2, 'function-body': 3, 'dynamic-sql': 4, comment: 5 };
const QUOTING_CODES: Record<ReferenceSite['quoting'], number> = { identifier: 0, 'qualified-name-literal': 1, 'bare-name-literal': 2, 'search-path-literal': 3, comment: 4 };

function newContext(wrappers: Wrapper[], inBody: boolean, dynamic: boolean, executed = false): Context {
  return { wrappers, inBody, dynamic, executed, sites: new Map(), local: [], lastKey: -1, lastSite: -1, identifierSite: -1 };
}

function wrappersFor(ctx: Context, local: Local): Wrapper[] {
  if (local === L_NONE) return ctx.wrappers;
  let w = ctx.local[local];
  if (w === undefined) {
    const own: Wrapper =
      local === L_LITERAL ? { type: 'literal', style: 'standard' } : local === L_ESCAPE_LITERAL ? { type: 'literal', style: 'escape' } : local === L_LINE_COMMENT ? { type: 'line-comment' } : { type: 'block-comment' };
    w = [own, ...ctx.wrappers];
    ctx.local[local] = w;
  }
  return w;
}

interface Finder {
  schema: string;
  /** Whether an unquoted identifier can equal the schema (the name is its own lower-case fold). */
  foldable: boolean;
  extensionObjects: Set<string>;
  hasExtensionObjects: boolean;
  /** The same names grouped by length. */
  extensionByLength: string[][];
  /** First characters (ASCII, both cases) of those names; nonAscii when one starts with a non-ASCII character. */
  extensionFirst: Uint8Array;
  extensionNonAscii: boolean;
  /** Objects of the template (catalog facts, or offline the names in pg_dump's own headers); undefined when unknown. */
  catalogObjects: Set<string> | undefined;
  /** A relation or alias named like the schema exists, so `S.x` may be a column of it. */
  relationNamedLikeSchema: boolean;
  /** Set by listContext: whether the search_path it found is a function's SET clause (stored in the catalog). */
  searchPathStored: boolean;
  definiteNames: Set<string>;
  /** Indexes (into starts) of `S.x` references that may be columns of a table named S. */
  candidates: IntList;
  /** The region map of each candidate (by index into candidates) that is not in the top-level map (most are). */
  candidateMaps: Map<number, RegionMap>;
  topMap: RegionMap | undefined;
  refs: RefBuffer;
  /** The distinct sites (shared with the finders of undoubled literals). */
  siteTable: ReferenceSite[];
  /** The name as it is written inside a '' literal (' doubled), as a quoted identifier's content (" doubled), and both. */
  lit: string;
  identCode: string;
  identLit: string;
  /** The schema name in any of those spellings, global (and case-insensitive when foldable). */
  re: RegExp;
  /** The same, also matching "schema". */
  reText: RegExp;
  a: NearToken;
  b: NearToken;
}

/** Finds every reference to options.schema in sql, in text order, with line, column and context. */
export function findSchemaReferences(sql: string, options: FindReferencesOptions): SchemaReference[] {
  return materializeReferences(sql, scanSchemaReferences(sql, options));
}

/** Finds every reference to options.schema in sql, in text order, in compact form (the fast path). */
export function scanSchemaReferences(sql: string, options: FindReferencesOptions, regions?: RegionMap): ReferenceList {
  const schema = options.schema;
  if (schema.length === 0) throw new TenantryError('USAGE', 'The template schema name is empty. Pass the schema to template with --schema.');
  const catalog = options.catalog && options.catalog.schema === schema ? options.catalog : undefined;
  const offline = catalog ? undefined : objectsFromHeaders(sql, schema);
  const foldable = !/[A-Z]/.test(schema) && isPlainIdentifier(schema);
  const extensionObjects = catalog
    ? collectNames(catalog.extensionObjects)
    : options.extensionsInSchema
      ? new Set(options.extensionsInSchema.flatMap((name) => KNOWN_EXTENSION_OBJECTS[name] ?? []))
      : knownExtensionObjects(sql, schema);
  if (!catalog && offline !== undefined) {
    // pg_dump -n S writes no CREATE EXTENSION, and never an extension's members: a well-known member name
    // (public.gin_trgm_ops) that no header of S lists is the extension's, not the template's.
    for (const names of Object.values(KNOWN_EXTENSION_OBJECTS)) for (const n of names) if (!offline.names.has(n)) extensionObjects.add(n);
  }
  const extensionByLength: string[][] = [];
  const extensionFirst = new Uint8Array(128);
  let extensionNonAscii = false;
  for (const name of extensionObjects) {
    (extensionByLength[name.length] ??= []).push(name);
    const c = name.charCodeAt(0);
    if (c >= NON_ASCII) extensionNonAscii = true;
    else extensionFirst[c] = extensionFirst[c >= LOWER_A && c <= LOWER_Z ? c - 32 : c >= UPPER_A && c <= UPPER_Z ? c + 32 : c] = 1;
  }
  const finder: Finder = {
    schema,
    foldable,
    lit: schema.replace(/'/g, "''"),
    identCode: schema.replace(/"/g, '""'),
    identLit: schema.replace(/"/g, '""').replace(/'/g, "''"),
    // A name with quote characters is written with them doubled inside quotes: search every spelling.
    re: new RegExp([...new Set([schema, schema.replace(/'/g, "''"), schema.replace(/"/g, '""'), schema.replace(/"/g, '""').replace(/'/g, "''")])].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), foldable ? 'gi' : 'g'),
    reText: new RegExp(`"${escapeRegExp(schema)}"|${escapeRegExp(schema)}`, foldable ? 'gi' : 'g'),
    extensionObjects,
    hasExtensionObjects: extensionObjects.size > 0,
    extensionByLength,
    extensionFirst,
    extensionNonAscii,
    catalogObjects: catalog ? collectNames(catalog.objects) : offline?.names,
    relationNamedLikeSchema: catalog ? catalog.objects.relations.includes(schema) : (offline?.relations.has(schema) ?? false),
    searchPathStored: false,
    definiteNames: new Set(),
    candidates: new IntList(),
    candidateMaps: new Map(),
    topMap: undefined,
    refs: new RefBuffer(),
    siteTable: [],
    a: newNearToken(),
    b: newNearToken(),
  };
  const map = regions ?? mapRegions(sql);
  finder.topMap = map;
  findInRange(finder, map, newContext([], false, false));
  const refs = finder.refs;
  const list: ReferenceList = { starts: refs.starts.slice(0, refs.count), ends: refs.ends.slice(0, refs.count), siteIds: refs.siteIds.slice(0, refs.count), siteTable: finder.siteTable };
  if (finder.relationNamedLikeSchema && finder.candidates.count > 0) dropColumnLookalikes(finder, list);
  sortIfNeeded(list);
  return list;
}

/** References are found in order except inside a comment (headers, then qualified names): sort those. */
function sortIfNeeded(list: ReferenceList): void {
  const { starts } = list;
  let sorted = true;
  for (let i = 1; i < starts.length && sorted; i++) if ((starts[i] as number) < (starts[i - 1] as number)) sorted = false;
  if (sorted) return;
  const order = Array.from(starts, (_, i) => i).sort((x, y) => (starts[x] as number) - (starts[y] as number));
  const ends = list.ends;
  const siteIds = list.siteIds;
  list.starts = Int32Array.from(order, (i) => starts[i] as number);
  list.ends = Int32Array.from(order, (i) => ends[i] as number);
  list.siteIds = Int32Array.from(order, (i) => siteIds[i] as number);
}

function isPlainIdentifier(name: string): boolean {
  if (!isIdentifierStart(name.charCodeAt(0))) return false;
  for (let i = 1; i < name.length; i++) if (!isIdentifierPart(name.charCodeAt(i))) return false;
  return true;
}

/** Extension members the dump installs into the schema itself (CREATE EXTENSION x WITH SCHEMA s), from a built-in table. */
function knownExtensionObjects(sql: string, schema: string): Set<string> {
  const names = new Set<string>();
  const re = /CREATE EXTENSION (?:IF NOT EXISTS )?"?([\w-]+)"? WITH SCHEMA ("?)([^\s;"]+)\2/iy;
  for (const word of ['EXTENSION', 'extension']) {
    for (let i = sql.indexOf(word); i !== -1; i = sql.indexOf(word, i + 1)) {
      re.lastIndex = i - 7;
      const m = i >= 7 ? re.exec(sql) : null;
      if (m !== null && m[3] === schema) for (const n of KNOWN_EXTENSION_OBJECTS[(m[1] ?? '').toLowerCase()] ?? []) names.add(n);
    }
  }
  return names;
}

/** pg_dump header types whose Name is an object of the schema that SQL can name as `S.name`. */
const HEADER_OBJECT_TYPES = new Set([
  'TABLE', 'VIEW', 'MATERIALIZED VIEW', 'SEQUENCE', 'FOREIGN TABLE', 'INDEX', 'TYPE', 'DOMAIN', 'FUNCTION', 'PROCEDURE', 'AGGREGATE',
  'COLLATION', 'CONVERSION', 'TEXT SEARCH CONFIGURATION', 'TEXT SEARCH DICTIONARY', 'TEXT SEARCH PARSER', 'TEXT SEARCH TEMPLATE',
  'OPERATOR', 'OPERATOR CLASS', 'OPERATOR FAMILY', 'STATISTICS', 'CONSTRAINT',
]);
const HEADER_RELATION_TYPES = new Set(['TABLE', 'VIEW', 'MATERIALIZED VIEW', 'SEQUENCE', 'FOREIGN TABLE']);

/**
 * The template's objects as pg_dump's own headers list them (`-- Name: x; Type: TABLE; Schema: S; Owner: o`):
 * every object of the schema has one, so the offline path knows them without a catalog. Undefined without headers.
 */
export function objectsFromHeaders(sql: string, schema: string): { names: Set<string>; relations: Set<string> } | undefined {
  const names = new Set<string>();
  const relations = new Set<string>();
  const needle = `; Schema: ${schema}; Owner: `;
  for (let i = sql.indexOf(needle); i !== -1; i = sql.indexOf(needle, i + needle.length)) {
    const lineStart = sql.lastIndexOf('\n', i) + 1;
    const m = /^-- Name: (.*); Type: ([A-Z ]+)$/.exec(sql.slice(lineStart, i));
    if (m === null) continue;
    const type = m[2] as string;
    if (!HEADER_OBJECT_TYPES.has(type)) continue;
    const raw = m[1] as string;
    // FUNCTION f(integer, text), AGGREGATE a(x): the name is what precedes the argument list.
    // FUNCTION f(integer, text) names f; CONSTRAINT `t t_pkey` names the index behind a key constraint.
    const name =
      type === 'FUNCTION' || type === 'PROCEDURE' || type === 'AGGREGATE' ? raw.slice(0, raw.indexOf('(') === -1 ? raw.length : raw.indexOf('(')) : type === 'CONSTRAINT' ? raw.slice(raw.lastIndexOf(' ') + 1) : raw;
    names.add(name);
    if (HEADER_RELATION_TYPES.has(type)) relations.add(name);
  }
  return names.size > 0 ? { names, relations } : undefined;
}

function findInRange(f: Finder, map: RegionMap, ctx: Context): void {
  const text = map.text;
  const schema = f.schema;
  const len = schema.length;
  const re = f.re;
  // Search a slice for sub-ranges (bodies, strings) so a miss does not run on to the end of the dump.
  const whole = map.from === 0 && map.to === text.length;
  const hay = whole ? text : text.slice(map.from, map.to);
  const offset = whole ? 0 : map.from;
  re.lastIndex = 0;
  let ri = 0;
  const count = map.count;
  const regionStarts = map.starts;
  const regionEnds = map.ends;
  // test() + lastIndex instead of exec(): no match object per occurrence.
  while (re.test(hay)) {
    const o = re.lastIndex - len + offset;
    while (ri < count && (regionEnds[ri] as number) <= o) ri++;
    if (ri < count && (regionStarts[ri] as number) <= o) {
      const end = regionEnds[ri] as number;
      handleRegion(f, map, ri, ctx, o);
      re.lastIndex = Math.max(end, o + 1) - offset; // handleRegion may have used the same RegExp
      continue;
    }
    if (o + len > map.to) break;
    if (!f.foldable) continue; // an unquoted name folds to lower case: it cannot be a mixed-case schema
    if (o > map.from && isIdentifierPart(text.charCodeAt(o - 1))) continue;
    if (o + len < map.to && isIdentifierPart(text.charCodeAt(o + len))) continue;
    if (f.foldable && !equalsFolded(text, o, schema)) continue;
    handleIdentifier(f, map, o, o + len, ctx, ri);
    re.lastIndex = o + len - offset;
  }
}

/** Whether text[s, e) names an extension member (compared without allocating: most names are not). */
function isExtensionObject(f: Finder, text: string, s: number, e: number, fold: boolean): boolean {
  const candidates = f.extensionByLength[e - s];
  if (candidates === undefined) return false;
  for (const name of candidates) {
    if (fold ? equalsFolded(text, s, name) : text.startsWith(name, s)) return true;
  }
  return false;
}

/** A match of the schema name at `at` inside region ri: the region decides what it is. */
function handleRegion(f: Finder, map: RegionMap, ri: number, ctx: Context, at: number): void {
  const code = map.codes[ri] as number;
  const start = map.starts[ri] as number;
  const end = map.ends[ri] as number;
  const text = map.text;
  switch (code) {
    case T.quotedIdentifier:
      if (text.charCodeAt(start) === DOUBLE_QUOTE && end - start - 2 === f.identCode.length && text.startsWith(f.identCode, start + 1)) {
        handleIdentifier(f, map, start, end, ctx);
      }
      return;
    case T.string:
    case T.escapeString:
      handleString(f, map, start, end, text.charCodeAt(start) === QUOTE ? start + 1 : start + 2, end - 1, code === T.escapeString ? 'escape' : 'standard', ctx);
      return;
    case T.dollarString:
      handleDollar(f, map, start, end, ctx);
      return;
    case T.lineComment:
    case T.blockComment:
      handleComment(f, map, start, end, code === T.lineComment, ctx, at);
      return;
    default:
      // Bit strings, U&'' strings, psql meta-commands and COPY data are data, not names.
      return;
  }
}

/** An identifier equal to the schema at [s, e) in code. */
function handleIdentifier(f: Finder, map: RegionMap, s: number, e: number, ctx: Context, hint = -1): void {
  if (qualifiedFastPath(f, map, s, e, ctx)) return;
  const a = nextToken(map, e, f.a);
  const prev = prevToken(map, s, f.b, hint);
  const afterDot = isSymbol(map, prev, '.');
  if (isSymbol(map, a, '.')) {
    if (afterDot) {
      f.relationNamedLikeSchema = true; // `x.S.y`: S is a table here
      return;
    }
    // `SET [LOCAL] S.x = …`, `SHOW S.x`, `RESET S.x`, a function's `SET S.x TO …`: a setting name.
    if (prev.kind === W.word && SETTING_WORDS.has(map.text.slice(prev.start, prev.end).toLowerCase())) return;
    const y = nextToken(map, a.end, f.a);
    if (y.kind !== W.word && !(y.kind === W.region && y.code === T.quotedIdentifier)) {
      if (isSymbol(map, y, '*')) f.relationNamedLikeSchema = true; // `S.*`: S is a table or alias
      else if (ctx.dynamic && isSymbol(map, y, '%')) {
        // format('… tmpl.%I …'), but not a LIKE pattern 'tmpl.%'
        const c = map.text.charCodeAt(y.end);
        if (c === UPPER_I || c === LOWER_S || isDigit(c)) pushRef(f, s, e, 'dynamic-sql', 'identifier', L_NONE, ctx, 'identifier');
        else pushRef(f, s, e, 'dynamic-sql', 'identifier', L_NONE, ctx, 'identifier', false, false, !ctx.executed);
      }
      else if (y.kind === W.symbol && (isWord(map, prev, 'operator') || (isSymbol(map, prev, '(') && isWord(map, prevToken(map, prev.start, f.b), 'operator')))) {
        pushRef(f, s, e, ctx.dynamic ? 'dynamic-sql' : ctx.inBody ? 'function-body' : 'identifier', 'identifier', L_NONE, ctx, 'identifier'); // OPERATOR(tmpl.+)
      }
      else if (ctx.dynamic && y.kind === W.none) {
        // 'pgmq.' || name: a name built by concatenation; replaced only where the text is executed.
        pushRef(f, s, e, 'dynamic-sql', 'identifier', L_NONE, ctx, 'identifier', false, false, !ctx.executed && !isNameContext(map, prev));
      }
      return;
    }
    if (f.hasExtensionObjects && isExtensionObject(f, map.text, y.kind === W.word ? y.start : y.start + 1, y.kind === W.word ? y.end : y.end - 1, y.kind === W.word)) return;
    if (ctx.dynamic && !isDynamicName(f, map, prev, y, ctx)) {
      pushRef(f, s, e, 'dynamic-sql', 'identifier', L_NONE, ctx, 'identifier', false, false, true);
      return;
    }
    const ref = pushRef(f, s, e, ctx.dynamic ? 'dynamic-sql' : ctx.inBody ? 'function-body' : 'identifier', 'identifier', L_NONE, ctx, 'identifier');
    // Whether `S.x` could be a column of a table named S is decided at the end, and only if such a table shows up.
    f.candidates.push(ref);
    if (map !== f.topMap) f.candidateMaps.set(f.candidates.count - 1, map);
    return;
  }
  if (afterDot) {
    // `FROM x.S`, `TABLE x.S`: a table named like the schema (but `t.S` alone is a column).
    const x = prevToken(map, prev.start, f.b);
    const w = x.kind === W.word ? prevToken(map, x.start, f.b) : x;
    // Only where a relation goes: `CREATE COLLATION S.S` or a function S.S() says nothing about `S.x` elsewhere.
    if (w.kind === W.word && TABLE_CONTEXT.has(map.text.slice(w.start, w.end).toLowerCase()) && !isSymbol(map, a, '(')) f.relationNamedLikeSchema = true;
    return;
  }
  const where = listContext(f, map, s);
  if (where === 'schema') pushRef(f, s, e, ctx.dynamic ? 'dynamic-sql' : ctx.inBody ? 'function-body' : 'identifier', 'identifier', L_NONE, ctx, 'identifier');
  else if (where === 'search-path') pushRef(f, s, e, ctx.dynamic ? 'dynamic-sql' : 'search-path', 'identifier', L_NONE, ctx, 'identifier', f.searchPathStored);
  else if (where === 'relation') f.relationNamedLikeSchema = true;
}

/**
 * Inside dynamic SQL, whether `S.y` is a name: y is an object of the template, or it stands where a
 * relation, function or type goes, or is called, or the text is executed right there. With no facts
 * about the template's objects, every `S.y` counts (as before catalog facts existed).
 */
function isDynamicName(f: Finder, map: RegionMap, prev: NearToken, y: NearToken, ctx: Context): boolean {
  if (ctx.executed || f.catalogObjects === undefined) return true;
  const name = y.kind === W.word ? map.text.slice(y.start, y.end).toLowerCase() : map.text.slice(y.start + 1, y.end - 1);
  if (f.catalogObjects.has(name)) return true;
  if (isNameContext(map, prev)) return true;
  const z = nextToken(map, y.end, newNearToken());
  return isSymbol(map, z, '(') || isSymbol(map, z, '.');
}

/** Whether the token before `S.` puts a name there: FROM, JOIN, TABLE, INTO, `::` … */
function isNameContext(map: RegionMap, prev: NearToken): boolean {
  if (isSymbol(map, prev, '::')) return true;
  return prev.kind === W.word && RELATION_CONTEXT.has(map.text.slice(prev.start, prev.end).toLowerCase());
}

/** Whether the word ending at q (after white space was skipped) is SET, SHOW, RESET, LOCAL or SESSION. */
function endsWithSettingWord(text: string, q: number, from: number): boolean {
  let s = q;
  while (s > from && s > q - 8 && isIdentifierPart(text.charCodeAt(s - 1))) s--;
  const n = q - s;
  if (n < 3 || n > 7 || (s > from && isIdentifierPart(text.charCodeAt(s - 1)))) return false;
  return SETTING_WORDS.has(text.slice(s, q).toLowerCase());
}

/**
 * The common case `… S.name` decided from neighbouring characters alone: a dot
 * right after S, a plain name right after the dot, and before S something that
 * is plainly not a dot (found without crossing a line, where a comment could end).
 * Returns false when unsure; handleIdentifier then looks at whole tokens.
 */
function qualifiedFastPath(f: Finder, map: RegionMap, s: number, e: number, ctx: Context): boolean {
  const text = map.text;
  if (text.charCodeAt(e) !== DOT || e + 1 >= map.to) return false;
  const n = text.charCodeAt(e + 1);
  if (!isIdentifierStart(n)) return false;
  const n2 = text.charCodeAt(e + 2);
  if (n2 === QUOTE || n2 === AMPERSAND) return false; // maybe E'…' or U&'…'
  if (ctx.dynamic) return false; // strings that may not be names: the slow path decides
  let q = s;
  while (q > map.from && (text.charCodeAt(q - 1) === SPACE || text.charCodeAt(q - 1) === TAB)) q--;
  if (q > map.from) {
    const c = text.charCodeAt(q - 1);
    // A dot, a line end (a comment may end there) or the end of a quoted token or comment: ask the slow path.
    if (c === DOT || c === NEWLINE || c === CARRIAGE_RETURN || c === QUOTE || c === DOUBLE_QUOTE || c === DOLLAR || c === SLASH) return false;
    // `SET S.x`, `SHOW S.x`: a setting name (the slow path leaves it).
    if (isLowerLetter(c | 32) && endsWithSettingWord(text, q, map.from)) return false;
  }
  if (f.hasExtensionObjects && (n >= NON_ASCII ? f.extensionNonAscii : f.extensionFirst[n] === 1)) {
    let y = e + 2;
    while (y < map.to && isIdentifierPart(text.charCodeAt(y))) y++;
    if (isExtensionObject(f, text, e + 1, y, true)) return true;
  }
  // The hot path: the context's plain identifier site is cached on the context.
  let ref: number;
  if (ctx.identifierSite === -1) {
    ref = pushRef(f, s, e, ctx.dynamic ? 'dynamic-sql' : ctx.inBody ? 'function-body' : 'identifier', 'identifier', L_NONE, ctx, 'identifier');
    ctx.identifierSite = f.refs.siteIds[ref] as number;
  } else {
    ref = f.refs.push(s, e, ctx.identifierSite);
  }
  f.candidates.push(ref);
  if (map !== f.topMap) f.candidateMaps.set(f.candidates.count - 1, map);
  return true;
}

/**
 * What an unqualified name at pos is, judging from the tokens before it:
 * a schema (`SCHEMA s`, `SCHEMA a, s`, `IF NOT EXISTS s`), a search_path
 * element (`search_path TO a, s` / `= s`), a relation or alias (`FROM s`, `AS s`), or nothing known.
 */
function listContext(f: Finder, map: RegionMap, pos: number): 'schema' | 'search-path' | 'relation' | undefined {
  let t = prevToken(map, pos, f.b);
  let listed = false;
  for (let guard = 0; guard < 100 && isSymbol(map, t, ','); guard++) {
    t = prevToken(map, t.start, t);
    if (t.kind !== W.word && t.kind !== W.region) return undefined;
    t = prevToken(map, t.start, t);
    listed = true;
  }
  if (isWord(map, t, 'schema')) return 'schema';
  if (isWord(map, t, 'exists')) {
    t = prevToken(map, t.start, t);
    if (isWord(map, t, 'not')) t = prevToken(map, t.start, t);
    if (isWord(map, t, 'if')) t = prevToken(map, t.start, t);
    return isWord(map, t, 'schema') ? 'schema' : undefined;
  }
  if (isWord(map, t, 'to') || isSymbol(map, t, '=')) {
    t = prevToken(map, t.start, t);
    if (!isWord(map, t, 'search_path')) return undefined;
    // A statement of its own (`SET search_path …;`) only sets the session; a function's SET clause is stored.
    t = prevToken(map, t.start, t);
    if (isWord(map, t, 'local') || isWord(map, t, 'session')) t = prevToken(map, t.start, t);
    if (isWord(map, t, 'set')) t = prevToken(map, t.start, t);
    f.searchPathStored = !(t.kind === W.none || isSymbol(map, t, ';') || (t.kind === W.region && (t.code === T.metaCommand || t.code === T.copyData)));
    return 'search-path';
  }
  // `AS s`: an alias named like the schema. (`FROM s` is not used: `REVOKE … FROM public` names a role.)
  if (!listed && isWord(map, t, 'as')) return 'relation';
  return undefined;
}

/** Records a reference; returns its index. Sites are interned per context, so this allocates nothing in the common case. */
function pushRef(f: Finder, s: number, e: number, kind: ReferenceKind, form: NameForm, local: Local, ctx: Context, quoting: ReferenceSite['quoting'], stored = false, machineWritten = false, keep = false): number {
  // Kept as text in the catalog: anything in a body (prosrc), SQL text in a view (crosstab('…')), or a function's SET search_path (proconfig).
  const storedAsText = ctx.inBody || ctx.dynamic || stored;
  const key = (((((KIND_CODES[kind] * 8 + QUOTING_CODES[quoting]) * 8 + local) * 2 + (form === 'name' ? 1 : 0)) * 2 + (storedAsText ? 1 : 0)) * 2 + (machineWritten ? 1 : 0)) * 2 + (keep ? 1 : 0);
  let site = ctx.lastKey === key ? ctx.lastSite : (ctx.sites.get(key) ?? -1);
  if (site === -1) {
    // pg_dump's own header comments are safe to replace: no human wrote them.
    const needsReview = kind === 'dynamic-sql' || (kind === 'comment' && !machineWritten) || keep;
    site = f.siteTable.length;
    f.siteTable.push({ kind, needsReview, form, wrappers: wrappersFor(ctx, local), quoting, inBody: ctx.inBody, storedAsText, ...(keep ? { keep } : {}) });
    ctx.sites.set(key, site);
  }
  ctx.lastKey = key;
  ctx.lastSite = site;
  return f.refs.push(s, e, site);
}

/** A string literal in code: a name literal, a search_path value, a body, dynamic SQL, or data. */
function handleString(f: Finder, map: RegionMap, start: number, end: number, cs: number, ce: number, style: 'standard' | 'escape', ctx: Context): void {
  const text = map.text;
  const wrappers: Local = style === 'escape' ? L_ESCAPE_LITERAL : L_LITERAL;
  // 'tmpl.t'::regclass
  const a = nextToken(map, end, f.a);
  const beforeComma = isSymbol(map, a, ',');
  const beforeConcat = isSymbol(map, a, '|');
  if (isSymbol(map, a, '::')) {
    let t = nextToken(map, a.end, f.a);
    if (isWord(map, t, 'pg_catalog')) {
      t = nextToken(map, t.end, t);
      if (isSymbol(map, t, '.')) t = nextToken(map, t.end, t);
    }
    if (t.kind === W.word) {
      const type = text.slice(t.start, t.end).toLowerCase();
      if (REG_TYPES.has(type)) {
        nameInLiteral(f, text, cs, ce, type !== 'regnamespace', wrappers, ctx);
        return;
      }
    }
  }
  const p = prevToken(map, start, f.b);
  if (isSymbol(map, p, '(')) {
    const fn = prevToken(map, p.start, f.b);
    if (fn.kind === W.word) {
      const name = text.slice(fn.start, fn.end).toLowerCase();
      if (NAME_FUNCTIONS.has(name)) {
        nameInLiteral(f, text, cs, ce, name !== 'to_regnamespace', wrappers, ctx);
        return;
      }
      // current_setting('storage.operation'), set_config('storage.x', …): a setting name, never a reference.
      if (SETTING_FUNCTIONS.has(name)) return;
      // to_tsvector('S.cfg', x): a text search configuration.
      if (TS_CONFIG_FUNCTIONS.has(name) && beforeComma) {
        nameInLiteral(f, text, cs, ce, true, wrappers, ctx, true);
        return;
      }
    }
  } else if (isSymbol(map, p, ',')) {
    // set_config('search_path', 'a, tmpl', false)
    const q = prevToken(map, p.start, f.b);
    if (q.kind === W.region && q.code === T.string && text.slice(q.start + 1, q.end - 1).toLowerCase() === 'search_path') {
      const r = prevToken(map, q.start, f.b);
      const fn = isSymbol(map, r, '(') ? prevToken(map, r.start, f.b) : r;
      if (isWord(map, fn, 'set_config')) {
        searchPathValue(f, text, cs, ce, wrappers, ctx);
        return;
      }
    }
  } else if (isWord(map, p, 'as') && !ctx.inBody) {
    oldStyleBody(f, text, cs, ce, style, ctx);
    return;
  }
  if (listContext(f, map, start) === 'search-path') {
    // SET search_path TO 'tmpl', public: a literal element is the name itself.
    if (ce - cs === f.lit.length && text.startsWith(f.lit, cs)) {
      pushRef(f, cs, ce, ctx.dynamic ? 'dynamic-sql' : 'search-path', 'name', wrappers, ctx, 'bare-name-literal', f.searchPathStored);
    }
    return;
  }
  const call = enclosingCall(map, start, f.b);
  if (call !== undefined && SQL_FUNCTIONS.has(call)) {
    // crosstab('SELECT … FROM S.t'), query_to_xml('…'): SQL text that runs, in a body or in a view.
    dynamicString(f, map, start, cs, ce, style, wrappers, ctx, true);
    return;
  }
  if (ctx.inBody) {
    dynamicString(f, map, start, cs, ce, style, wrappers, ctx, ctx.executed || isInExecute(map, start, f.b), call, beforeConcat);
    return;
  }
  // Outside bodies: SQL text naming the template (replaced where it names an object), or a name being built.
  const p0 = prevToken(map, start, f.b);
  if (isWord(map, p0, 'is')) return; // COMMENT ON … IS '…': prose
  if (startsWithSqlVerb(text, cs, ce)) {
    dynamicString(f, map, start, cs, ce, style, wrappers, ctx, false);
    return;
  }
  const concat = beforeConcat || isSymbol(map, p0, '|') || (call !== undefined && CONCAT_FUNCTIONS.has(call));
  if (concat) concatenatedName(f, text, cs, ce, wrappers, ctx);
}

/** A literal that is (the start of) a name built by concatenation: 'S' or 'S.' next to ||, or an argument of format(). Listed, kept. */
function concatenatedName(f: Finder, text: string, cs: number, ce: number, wrappers: Local, ctx: Context): void {
  const schema = f.schema;
  if (ce - cs === f.lit.length && text.startsWith(f.lit, cs)) {
    pushRef(f, cs, ce, 'dynamic-sql', 'name', wrappers, ctx, 'bare-name-literal', true, false, true);
    return;
  }
  if (text.charCodeAt(ce - 1) !== DOT) return;
  const quoted = text.charCodeAt(ce - 2) === DOUBLE_QUOTE;
  const s = ce - 1 - (quoted ? f.identLit.length + 2 : schema.length);
  if (s < cs) return;
  if (quoted ? text.charCodeAt(s) !== DOUBLE_QUOTE || !text.startsWith(f.identLit, s + 1) : !f.foldable || !equalsFolded(text, s, schema)) return;
  if (s > cs && (isIdentifierPart(text.charCodeAt(s - 1)) || text.charCodeAt(s - 1) === DOT || text.charCodeAt(s - 1) === DOUBLE_QUOTE)) return;
  pushRef(f, s, ce - 1, 'dynamic-sql', 'identifier', wrappers, ctx, 'identifier', true, false, true);
}

/** Whether the literal's content starts with a word that begins an SQL statement. */
function startsWithSqlVerb(text: string, cs: number, ce: number): boolean {
  let p = cs;
  while (p < ce && (isAsciiSpace(text.charCodeAt(p)) || text.charCodeAt(p) === OPEN_PAREN)) p++;
  let q = p;
  while (q < ce && q - p < 9 && isIdentifierPart(text.charCodeAt(q))) q++;
  if (q < ce && isIdentifierPart(text.charCodeAt(q))) return false;
  return SQL_VERBS.has(text.slice(p, q).toLowerCase());
}

/**
 * The function whose argument list holds pos (lower case, without its schema), looking back over at most
 * 64 tokens of balanced parentheses; undefined when pos is not an argument.
 */
function enclosingCall(map: RegionMap, pos: number, t: NearToken): string | undefined {
  let depth = 0;
  let q = pos;
  for (let guard = 0; guard < 64; guard++) {
    prevToken(map, q, t);
    if (t.kind === W.none || isSymbol(map, t, ';')) return undefined;
    if (isSymbol(map, t, ')')) depth++;
    else if (isSymbol(map, t, '(')) {
      if (depth === 0) {
        prevToken(map, t.start, t);
        return t.kind === W.word ? map.text.slice(t.start, t.end).toLowerCase() : undefined;
      }
      depth--;
    }
    q = t.start;
  }
  return undefined;
}

/** Words that end the search for EXECUTE: the start of the PL/pgSQL statement holding pos. */
const STATEMENT_STARTS = new Set(['begin', 'then', 'else', 'loop', 'declare', 'elsif', 'elseif']);

/** Whether pos is inside a PL/pgSQL `EXECUTE …` statement (the text it builds runs right there). */
function isInExecute(map: RegionMap, pos: number, t: NearToken): boolean {
  let q = pos;
  for (let guard = 0; guard < 64; guard++) {
    prevToken(map, q, t);
    if (t.kind === W.none || isSymbol(map, t, ';')) return false;
    if (t.kind === W.word) {
      const w = map.text.slice(t.start, t.end).toLowerCase();
      if (w === 'execute') return true;
      if (STATEMENT_STARTS.has(w)) return false;
    }
    q = t.start;
  }
  return false;
}

/** A name at the start of a literal's content: `tmpl.t`, `"tmpl".t`, `tmpl.f(int)`; or the whole content when !qualified. */
function nameInLiteral(f: Finder, text: string, cs: number, ce: number, qualified: boolean, wrappers: Local, ctx: Context, exact = false): void {
  let p = cs;
  while (p < ce && isAsciiSpace(text.charCodeAt(p))) p++;
  const hit = identifierAt(f, text, p, ce);
  if (hit === -1) return;
  let q = hit;
  while (q < ce && isAsciiSpace(text.charCodeAt(q))) q++;
  if (qualified ? text.charCodeAt(q) !== DOT : q !== ce) return;
  if (exact && !/^\.(?:"(?:[^"]|"")+"|[\p{L}_][\p{L}\p{N}_$]*)\s*$/u.test(text.slice(q, ce))) return;
  pushRef(f, p, hit, ctx.dynamic ? 'dynamic-sql' : 'name-literal', 'identifier', wrappers, ctx, qualified ? 'qualified-name-literal' : 'bare-name-literal');
}

/** If an identifier equal to the schema starts at p inside a literal's content (bare, folded, or "quoted"), returns its end; else -1. */
function identifierAt(f: Finder, text: string, p: number, limit: number): number {
  const schema = f.schema;
  if (text.charCodeAt(p) === DOUBLE_QUOTE) {
    const e = p + 1 + f.identLit.length;
    if (e < limit && text.startsWith(f.identLit, p + 1) && text.charCodeAt(e) === DOUBLE_QUOTE && text.charCodeAt(e + 1) !== DOUBLE_QUOTE) return e + 1;
    return -1;
  }
  if (!f.foldable) return -1;
  const e = p + schema.length;
  if (e > limit || !equalsFolded(text, p, schema)) return -1;
  if (e < limit && isIdentifierPart(text.charCodeAt(e))) return -1;
  if (p > 0 && isIdentifierPart(text.charCodeAt(p - 1))) return -1;
  return e;
}

/** The value of set_config('search_path', …): a comma list of identifiers, each possibly "quoted". */
function searchPathValue(f: Finder, text: string, cs: number, ce: number, wrappers: Local, ctx: Context): void {
  let p = cs;
  while (p < ce) {
    while (p < ce && (isAsciiSpace(text.charCodeAt(p)) || text.charCodeAt(p) === COMMA)) p++;
    const hit = identifierAt(f, text, p, ce);
    let q = hit === -1 ? p : hit;
    while (q < ce && isAsciiSpace(text.charCodeAt(q))) q++;
    if (hit !== -1 && (q === ce || text.charCodeAt(q) === COMMA)) {
      pushRef(f, p, hit, ctx.dynamic ? 'dynamic-sql' : 'search-path', 'identifier', wrappers, ctx, 'search-path-literal');
    }
    // skip to the next comma outside double quotes
    let inQuotes = false;
    while (q < ce) {
      const c = text.charCodeAt(q);
      if (c === DOUBLE_QUOTE) inQuotes = !inQuotes;
      else if (c === COMMA && !inQuotes) break;
      q++;
    }
    p = q + 1;
  }
}

/**
 * A string inside a body, or SQL text anywhere: dynamic SQL (`EXECUTE 'select … tmpl.t'`, format('…tmpl.%I…'),
 * crosstab('SELECT … FROM tmpl.t')) or the bare name as text. executed: the text runs where it stands.
 */
function dynamicString(f: Finder, map: RegionMap, start: number, cs: number, ce: number, style: 'standard' | 'escape', wrappers: Local, ctx: Context, executed: boolean, call?: string, beforeConcat = false): void {
  const text = map.text;
  if (ce - cs === f.lit.length && text.startsWith(f.lit, cs)) {
    // 'tmpl' as text: a schema where it is compared with a schema column; part of a built name next to || or in
    // format() (replaced only where executed); anything else (extname = 'pgmq', f('pgmq')) is listed and kept.
    const p = prevToken(map, start, f.b);
    const concat = beforeConcat || isSymbol(map, p, '|') || (call !== undefined && CONCAT_FUNCTIONS.has(call));
    const keep = concat ? !executed : !isSchemaComparison(map, start, f.b);
    pushRef(f, cs, ce, 'dynamic-sql', 'name', wrappers, ctx, 'bare-name-literal', true, false, keep);
    return;
  }
  if (style === 'escape' && text.lastIndexOf('\\', ce) >= cs) return; // escapes make the raw text unreliable
  const inner = newContext(wrappersFor(ctx, wrappers), ctx.inBody, true, executed);
  const mark = f.refs.count;
  const candidateMark = f.candidates.count;
  let ok: boolean;
  if (style === 'standard' && text.slice(cs, ce).includes("''")) {
    // 'SELECT nextval(''tmpl.s'')': the inner literal is a literal inside this one; escapes then apply twice.
    ok = findInUndoubled(f, text, cs, ce, inner);
  } else {
    try {
      findInRange(f, mapRegions(text, cs, ce), inner);
      ok = true;
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    // Not lexable as SQL on its own (a fragment such as 'select ''' || x): fall back to the text.
    f.refs.count = mark;
    f.candidates.count = candidateMark;
    textualQualified(f, text, cs, ce, 'dynamic-sql', wrappers, ctx, executed);
  }
}

/** Whether the literal at pos is compared with a column that holds schema names: `table_schema = 'S'`, `nspname IN ('a', 'S')`. */
function isSchemaComparison(map: RegionMap, pos: number, t: NearToken): boolean {
  prevToken(map, pos, t);
  if (isSymbol(map, t, ',') || isSymbol(map, t, '(')) {
    let q = pos;
    for (let guard = 0; guard < 64; guard++) {
      prevToken(map, q, t);
      if (isSymbol(map, t, '(')) break;
      if (t.kind === W.none || isSymbol(map, t, ';') || isSymbol(map, t, ')')) return false;
      q = t.start;
    }
    if (!isSymbol(map, t, '(')) return false;
    prevToken(map, t.start, t);
    if (!isWord(map, t, 'in')) return false;
    prevToken(map, t.start, t);
  } else {
    if (!isSymbol(map, t, '=') && !isSymbol(map, t, '>')) return false;
    prevToken(map, t.start, t);
    if (isSymbol(map, t, '!') || isSymbol(map, t, '<')) prevToken(map, t.start, t);
  }
  if (t.kind === W.word) return SCHEMA_COLUMN.test(map.text.slice(t.start, t.end));
  return t.kind === W.region && t.code === T.quotedIdentifier && SCHEMA_COLUMN.test(map.text.slice(t.start + 1, t.end - 1));
}

/**
 * Finds references in the content of a '' literal as the SQL it holds: quotes
 * undoubled, positions mapped back to the original text. False when that SQL
 * does not lex on its own.
 */
function findInUndoubled(f: Finder, text: string, cs: number, ce: number, ctx: Context): boolean {
  const origin: number[] = [];
  let body = '';
  for (let i = cs; i < ce; i++) {
    origin.push(i);
    body += text[i];
    if (text.charCodeAt(i) === QUOTE) i++;
  }
  origin.push(ce);
  const inner: Finder = { ...f, refs: new RefBuffer(), candidates: new IntList(), candidateMaps: new Map(), topMap: undefined };
  try {
    findInRange(inner, mapRegions(body), ctx);
  } catch {
    return false;
  }
  const found = inner.refs;
  for (let i = 0; i < found.count; i++) f.refs.push(origin[found.starts[i] as number] as number, origin[found.ends[i] as number] as number, found.siteIds[i] as number);
  f.relationNamedLikeSchema ||= inner.relationNamedLikeSchema;
  return true;
}

/** `S.` followed by a name character, found in plain text (fragments of dynamic SQL, comments). */
function textualQualified(f: Finder, text: string, cs: number, ce: number, kind: ReferenceKind, wrappers: Local, ctx: Context, executed = false): void {
  const schema = f.schema;
  const re = f.reText;
  const hay = text.slice(cs, ce);
  re.lastIndex = 0;
  for (let m = re.exec(hay); m !== null; m = re.exec(hay)) {
    const s = m.index + cs;
    const e = s + m[0].length;
    if (e > ce) break;
    const quoted = text.charCodeAt(s) === DOUBLE_QUOTE;
    if (quoted ? !text.startsWith(schema, s + 1) : f.foldable && !equalsFolded(text, s, schema)) continue;
    qualifiedAt(f, text, s, e, cs, ce, kind, wrappers, ctx, false, executed);
  }
}

/** Records text[s, e) when it is followed by `.` and a name (or %I) and not preceded by a name character or a dot. */
function qualifiedAt(f: Finder, text: string, s: number, e: number, cs: number, ce: number, kind: ReferenceKind, wrappers: Local, ctx: Context, machineWritten = false, executed = false): void {
  if (s > cs && (isIdentifierPart(text.charCodeAt(s - 1)) || text.charCodeAt(s - 1) === DOT)) return;
  if (text.charCodeAt(e) !== DOT) return;
  if (e + 1 >= ce) {
    // 'select … from tmpl.' || t in a fragment: a name built by concatenation.
    if (kind === 'dynamic-sql' && e + 1 === ce) pushRef(f, s, e, kind, 'identifier', wrappers, ctx, 'identifier', true, false, !executed);
    return;
  }
  const n = text.charCodeAt(e + 1);
  if (!(isIdentifierStart(n) || n === DOUBLE_QUOTE || n === PERCENT /* %I */)) return;
  let keep = false;
  if (kind === 'dynamic-sql' && !executed && f.catalogObjects !== undefined) {
    // In a fragment of dynamic SQL: a name when it names an object of the template or a format() placeholder.
    const m = /^(?:"((?:[^"]|"")+)"|([\p{L}_][\p{L}\p{N}_$]*)|%[0-9]*\$?[Is])/u.exec(text.slice(e + 1, Math.min(ce, e + 200)));
    const name = m === null ? undefined : m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]?.toLowerCase();
    keep = m === null || (name !== undefined && !f.catalogObjects.has(name));
  }
  pushRef(f, s, e, kind, 'identifier', wrappers, ctx, kind === 'comment' ? 'comment' : 'identifier', false, machineWritten, keep);
}

/** A dollar-quoted string: a function body (after AS or DO) or, inside a body, dynamic SQL. */
function handleDollar(f: Finder, map: RegionMap, start: number, end: number, ctx: Context): void {
  const text = map.text;
  const tagEnd = text.indexOf('$', start + 1) + 1;
  const tag = text.slice(start, tagEnd);
  const p = prevToken(map, start, f.b);
  const isBody = isWord(map, p, 'as') || isWord(map, p, 'do');
  if (!isBody && !ctx.inBody) return; // a dollar-quoted constant outside a body: data
  const wrappers: Wrapper[] = [{ type: 'dollar', tag }, ...ctx.wrappers];
  findInRange(f, mapRegions(text, tagEnd, end - tag.length), newContext(wrappers, true, ctx.dynamic || !isBody));
}

/** An old-style function body in single quotes: re-lexed after undoubling its quotes, positions mapped back. */
function oldStyleBody(f: Finder, text: string, cs: number, ce: number, style: 'standard' | 'escape', ctx: Context): void {
  if (style === 'escape') return;
  const inner = newContext(wrappersFor(ctx, L_LITERAL), true, ctx.dynamic);
  if (!text.slice(cs, ce).includes("''")) {
    try {
      findInRange(f, mapRegions(text, cs, ce), inner);
    } catch {
      // a body that is not SQL on its own (another language): nothing to find
    }
    return;
  }
  findInUndoubled(f, text, cs, ce, inner);
}

/** Names in comments: `tmpl.t`, and pg_dump's `Schema: tmpl;` / `Name: tmpl; Type: SCHEMA` headers (matched as written, no folding). */
function handleComment(f: Finder, map: RegionMap, start: number, end: number, line: boolean, ctx: Context, first: number): void {
  const text = map.text;
  const wrappers: Local = line ? L_LINE_COMMENT : L_BLOCK_COMMENT;
  const schema = f.schema;
  /** Whether this comment is a pg_dump header line: looked at once, when it first holds a reference. */
  let header: boolean | undefined;
  // `first`: where the (case-insensitive) search met the name first in this comment; nothing matches before it.
  for (let i = indexWithin(text, schema, Math.max(start, first), end); i !== -1; i = indexWithin(text, schema, i + schema.length, end)) {
    const e = i + schema.length;
    const before = text.charCodeAt(i - 1);
    const after = text.charCodeAt(e);
    if (after === SEMICOLON && !isIdentifierPart(before) && before !== DOT) {
      if (endsWith(text, i, 'Schema: ') || endsWith(text, i, 'Name: SCHEMA ') || (endsWith(text, i, 'Name: ') && text.startsWith('; Type: SCHEMA;', e))) {
        header ??= line && !ctx.inBody && isPgDumpHeader(text, start, end);
        pushRef(f, i, e, 'comment', 'name', wrappers, ctx, 'comment', false, header);
      }
    } else if (e < end) {
      // `tmpl.t` or `"tmpl".t` (a header match ends in `;`, so the two cannot both apply)
      const q = before === DOUBLE_QUOTE && after === DOUBLE_QUOTE;
      const qe = q ? e + 1 : e;
      if (text.charCodeAt(qe) === DOT) {
        header ??= line && !ctx.inBody && isPgDumpHeader(text, start, end);
        qualifiedAt(f, text, q ? i - 1 : i, qe, start, end, 'comment', wrappers, ctx, header);
      }
    }
  }
}

/**
 * pg_dump's header line, matched in place (sticky) without crossing the line end. Each part runs to the first
 * `; Type: ` / `; Schema: ` / `; Owner: ` (no backtracking between parts: linear in the line's length).
 */
const PG_DUMP_HEADER = /-- (?:Data for )?Name: [^;\n]*(?:;(?! Type: )[^;\n]*)*; Type: [^;\n]*(?:;(?! Schema: )[^;\n]*)*; Schema: [^;\n]*(?:;(?! Owner: )[^;\n]*)*; Owner: [^;\n]*(?:; Tablespace: [^\n]*)?/y;

/**
 * Whether the line comment text[start, end) is one of pg_dump's machine-written object headers,
 * `-- [Data for ]Name: …; Type: …; Schema: …; Owner: …[; Tablespace: …]`: its names are safe to replace unreviewed.
 */
function isPgDumpHeader(text: string, start: number, end: number): boolean {
  PG_DUMP_HEADER.lastIndex = start;
  return PG_DUMP_HEADER.test(text) && PG_DUMP_HEADER.lastIndex === end;
}


/** indexOf(needle, from) limited to matches that end by to; short ranges are searched without running on past to. */
function indexWithin(text: string, needle: string, from: number, to: number): number {
  const last = to - needle.length;
  if (to - from < 256) {
    const c = needle.charCodeAt(0);
    const n = needle.length;
    for (let i = from; i <= last; i++) {
      if (text.charCodeAt(i) !== c) continue;
      let k = 1;
      while (k < n && text.charCodeAt(i + k) === needle.charCodeAt(k)) k++;
      if (k === n) return i;
    }
    return -1;
  }
  const i = text.indexOf(needle, from);
  return i !== -1 && i <= last ? i : -1;
}

/** Whether word ends at pos (compared a character at a time: cheaper than a startsWith call for these short words). */
function endsWith(text: string, pos: number, word: string): boolean {
  const at = pos - word.length;
  if (at < 0) return false;
  for (let k = word.length - 1; k >= 0; k--) if (text.charCodeAt(at + k) !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * When a table or alias is named like the schema, `S.x` in an expression may be
 * a column of that table. Keep a candidate when it is in a relation position,
 * when x is known to live in the schema, or (with CatalogFacts) is a catalog object.
 */
function dropColumnLookalikes(f: Finder, list: ReferenceList): void {
  const t = newNearToken();
  const names: string[] = [];
  const definite: boolean[] = [];
  const candidates = f.candidates.items;
  for (let i = 0; i < f.candidates.count; i++) {
    const ref = candidates[i] as number;
    const map = f.candidateMaps.get(i) ?? (f.topMap as RegionMap);
    const dot = nextToken(map, list.ends[ref] as number, t);
    const y = nextToken(map, dot.end, t);
    const yEnd = y.end;
    names.push(y.kind === W.word ? map.text.slice(y.start, y.end).toLowerCase() : map.text.slice(y.start + 1, y.end - 1));
    const z = nextToken(map, yEnd, t);
    let sure = isSymbol(map, z, '.') || isSymbol(map, z, '(');
    if (!sure) {
      // `CREATE INDEX/TRIGGER/POLICY … ON S.t USING|FOR|AS …`, `RULE … TO S.t DO`, `COMMENT ON … ON S.t IS`: a relation
      // (a join condition `ON S.a = …` is followed by an operator, not a word).
      const zWord = z.kind === W.word || z.kind === W.none || isSymbol(map, z, ';');
      const p = prevToken(map, list.starts[ref] as number, t);
      sure = isSymbol(map, p, '::') || (p.kind === W.word && (RELATION_CONTEXT.has(map.text.slice(p.start, p.end).toLowerCase()) || (zWord && (isWord(map, p, 'on') || isWord(map, p, 'to')))));
    }
    definite.push(sure);
    if (sure) f.definiteNames.add(names[i] as string);
  }
  const drop = new Set<number>();
  for (let i = 0; i < f.candidates.count; i++) {
    if (definite[i]) continue;
    const y = names[i] as string;
    if (!f.definiteNames.has(y) && !(f.catalogObjects?.has(y) ?? false)) drop.add(candidates[i] as number);
  }
  if (drop.size === 0) return;
  const keep = (_: unknown, i: number): boolean => !drop.has(i);
  list.starts = list.starts.filter(keep);
  list.ends = list.ends.filter(keep);
  list.siteIds = list.siteIds.filter(keep);
}

/** Full reference objects (line, column, text, context) from the compact list, in one pass over the text. */
export function materializeReferences(sql: string, list: ReferenceList): SchemaReference[] {
  const refs: SchemaReference[] = [];
  const ids = referenceIds(sql, list.starts, (i) => siteOf(list, i).kind);
  const lines = new LineCursor(sql);
  for (let i = 0; i < list.starts.length; i++) {
    const start = list.starts[i] as number;
    const end = list.ends[i] as number;
    const line = lines.moveTo(start);
    const lineStart = lines.lineStart;
    const lineEnd = lines.lineEnd();
    const context = lineEnd - lineStart > 200 ? sql.slice(Math.max(lineStart, start - 80), Math.min(lineEnd, end + 80)) : sql.slice(lineStart, lineEnd);
    refs.push({ ...siteOf(list, i), id: ids[i] as string, start, end, line, column: lines.columnOf(start), text: sql.slice(start, end), context });
  }
  return refs;
}
