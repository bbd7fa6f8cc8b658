/**
 * The snapshot is code: before anything runs, every top-level statement of a
 * snapshot body is checked against what a tenant may do. A body may only
 * create the tenant's own objects and carry its ledger rows. Refused: psql
 * meta-commands, transaction control (a body must not end the tenant's
 * transaction), session state (it belongs to the header), database- and
 * cluster-wide objects, DROP, anonymous code (DO, CALL, a SELECT other than
 * pg_catalog.setval) and data written outside the tenant.
 *
 * Statements are split where the server splits them: at every top-level `;`
 * (psql's grouping of CREATE FUNCTION … BEGIN … END is a heuristic the server
 * does not share, so it is not used), except inside a SQL-standard function
 * body (BEGIN ATOMIC … END), whose statements may only be queries.
 *
 * That is why this file does not use the one statement splitter
 * (core/sql/split-statements.ts): the splitter follows psql, because
 * templating and the claim plan must cut a text where psql sends it, while
 * containment must see each statement the server will run. psql's rule opens
 * a block at any BEGIN outside parentheses of CREATE FUNCTION, so
 * `CREATE FUNCTION s.begin() … ; DROP TABLE other.t;` is one piece for psql
 * (sent as one query, where the server runs both statements) and two here;
 * checking psql's pieces would let the DROP through under the CREATE
 * (test/unit/snapshot/containment.test.ts keeps that case).
 *
 * What this cannot see: code inside function bodies, defaults, triggers or
 * index expressions runs with the provisioning role's rights when something
 * calls it. Containment stops a body from escaping the transaction and from
 * naming objects outside the tenant at the top level; it is not a sandbox for
 * the functions a tenant defines.
 */
import { TenantryError } from '../errors.js';
import { SqlScanner, T } from '../sql/scanner.js';
import { equalsFolded } from '../sql/equals-folded.js';
import { LineCursor, lineColumnAt } from '../sql/line-column.js';
import { CLOSE_BRACKET, CLOSE_PAREN, COMMA, DOT, OPEN_BRACKET, OPEN_PAREN, SEMICOLON, isAsciiSpace } from '../sql/char-codes.js';
import { mapRegions } from '../sql/region-map.js';

export interface RefusedStatement {
  /** 1-based line of the statement's first token in the body. */
  line: number;
  /** The statement (or meta-command), shortened. */
  text: string;
  reason: string;
}

export interface ContainmentOptions {
  /** The snapshot's placeholder: the tenant schema in the body. */
  placeholder: string;
  /** Session settings the header declares: a body SET of exactly one of them is allowed. */
  sessionSettings?: Readonly<Record<string, string>>;
  /**
   * 'migration' (core/migrate/): SQL that changes an existing tenant may also drop, change data, run DO blocks and
   * queries, take locks, SET settings and run maintenance, as long as what it names explicitly is in the tenant;
   * transaction control, session identity, meta-commands and database- or cluster-wide objects stay refused.
   */
  policy?: 'snapshot' | 'migration';
}

const TRANSACTION_CONTROL = 'transaction control: provisioning runs each tenant in one transaction of its own, which the snapshot must not end or split';
const SESSION_STATE = 'changes session state: session settings belong in the snapshot header (sessionSettings), which provisioning applies with SET LOCAL';

/** First words refused outright, with the reason. */
const REFUSED_VERBS: Record<string, string> = {
  begin: TRANSACTION_CONTROL,
  commit: TRANSACTION_CONTROL,
  rollback: TRANSACTION_CONTROL,
  savepoint: TRANSACTION_CONTROL,
  release: TRANSACTION_CONTROL,
  end: TRANSACTION_CONTROL,
  abort: TRANSACTION_CONTROL,
  start: TRANSACTION_CONTROL,
  prepare: 'PREPARE (a prepared statement or PREPARE TRANSACTION) outlives the tenant\'s transaction',
  reset: SESSION_STATE,
  discard: SESSION_STATE,
  do: 'a DO block runs anonymous code that creates nothing the snapshot declares (pg_dump never writes one); create a function in the tenant instead',
  call: 'CALL runs a procedure: a snapshot only creates objects',
  load: 'LOAD loads a shared library into the server process',
  drop: 'DROP: a snapshot creates a new tenant and drops nothing (templating removes the DROPs of pg_dump --clean)',
  update: 'UPDATE changes existing data: a snapshot only creates the tenant and inserts its ledger rows',
  delete: 'DELETE changes existing data: a snapshot only creates the tenant and inserts its ledger rows',
  truncate: 'TRUNCATE changes existing data: a snapshot only creates the tenant and inserts its ledger rows',
  merge: 'MERGE changes existing data: a snapshot only creates the tenant and inserts its ledger rows',
  with: 'a WITH query can change data anywhere: a snapshot only creates the tenant and inserts its ledger rows',
  reassign: 'REASSIGN OWNED is database-wide',
  checkpoint: 'CHECKPOINT is cluster-wide',
  vacuum: 'VACUUM is maintenance, not part of creating a tenant',
  analyze: 'ANALYZE is maintenance, not part of creating a tenant',
  analyse: 'ANALYZE is maintenance, not part of creating a tenant',
  cluster: 'CLUSTER is maintenance, not part of creating a tenant',
  reindex: 'REINDEX is maintenance, not part of creating a tenant',
  lock: 'LOCK takes locks outside what creating the tenant needs',
  listen: 'LISTEN is session state',
  unlisten: 'UNLISTEN is session state',
  notify: 'NOTIFY signals other sessions',
  declare: 'a cursor is session state',
  fetch: 'a cursor is session state',
  move: 'a cursor is session state',
  close: 'a cursor is session state',
  execute: 'EXECUTE runs a prepared statement: session state',
  deallocate: 'DEALLOCATE is session state',
  explain: 'EXPLAIN ANALYZE runs a query: a snapshot only creates objects',
  import: 'IMPORT FOREIGN SCHEMA reads another server: a snapshot creates what it lists',
  values: 'a bare query: a snapshot only creates objects',
  table: 'a bare query: a snapshot only creates objects',
  show: 'a bare query: a snapshot only creates objects',
};

/** Object kinds after CREATE/ALTER/DROP/COMMENT ON/SECURITY LABEL ON/GRANT … ON that live outside a schema. */
const WIDE_KINDS: Record<string, string> = {
  database: 'databases are cluster-wide',
  role: 'roles are cluster-wide',
  user: 'roles are cluster-wide',
  group: 'roles are cluster-wide',
  tablespace: 'tablespaces are cluster-wide',
  extension: 'extensions are per database: install them once, not per tenant',
  subscription: 'subscriptions are database-wide',
  publication: 'publications are database-wide',
  event: 'event triggers are database-wide',
  server: 'foreign servers are database-wide',
  language: 'languages are database-wide',
  cast: 'casts are database-wide',
  transform: 'transforms are database-wide',
  access: 'access methods are database-wide',
  system: 'ALTER SYSTEM changes the server configuration',
  large: 'large objects are database-wide',
  parameter: 'server parameters are cluster-wide',
  procedural: 'languages are database-wide',
  trusted: 'languages are database-wide',
};

/** Words that can come between CREATE and the object kind. */
const CREATE_MODIFIERS = new Set(['or', 'replace', 'temp', 'temporary', 'unlogged', 'global', 'local', 'unique', 'recursive', 'default', 'constraint']);

/** Verbs a migration may use (policy 'migration'); each still may not name another schema's object as its target. */
const MIGRATION_VERBS = new Set(['drop', 'update', 'delete', 'truncate', 'merge', 'with', 'do', 'vacuum', 'analyze', 'analyse', 'cluster', 'reindex', 'lock', 'select', 'insert', 'set', 'values', 'table', 'show', 'explain']);

/** Kinds whose name follows (after IF NOT EXISTS) and may be schema-qualified. */
const NAMED_KINDS = new Set(['table', 'view', 'sequence', 'type', 'domain', 'function', 'procedure', 'aggregate', 'materialized', 'foreign', 'collation', 'conversion', 'statistics']);

/** First words of the statements a SQL-standard function body (BEGIN ATOMIC … END) may hold. */
const BODY_VERBS = new Set(['select', 'insert', 'update', 'delete', 'merge', 'with', 'values', 'table', 'return']);

/**
 * The significant tokens of one top-level statement, in parallel arrays (reused, no object per token). Read
 * lazily: tokens are scanned only as far as a check asks (`has(i)`), since most checks need the first few
 * words and a CREATE TABLE or a ledger INSERT runs on for thousands; `total()` scans to the end.
 */
class Statement {
  codes: number[] = [];
  starts: number[] = [];
  ends: number[] = [];
  /** Paren depth before each token. */
  depths: number[] = [];
  count = 0;
  depth = 0;
  /** Where the statement's terminating `;` is (tokens from there on are not the statement's). */
  private limit = 0;
  private done = true;

  constructor(
    private readonly text: string,
    private readonly scanner: SqlScanner,
  ) {}

  /** Starts a statement at `start`, read lazily up to `limit` (its `;`, or the end of the text). */
  begin(start: number, limit: number): void {
    this.count = 0;
    this.depth = 0;
    this.limit = limit;
    this.done = false;
    this.scanner.reset(start);
  }

  /** Starts a statement whose tokens the caller pushes (the full scan of routines). */
  beginPushed(): void {
    this.count = 0;
    this.depth = 0;
    this.done = true;
  }

  /** Whether the statement has a token i (scanning on to it if needed). */
  has(i: number): boolean {
    while (this.count <= i && !this.done) this.pull();
    return i >= 0 && i < this.count;
  }

  /** The number of tokens (scanning to the end). */
  total(): number {
    while (!this.done) this.pull();
    return this.count;
  }

  private pull(): void {
    const scanner = this.scanner;
    for (;;) {
      const code = scanner.next();
      if (code === -1 || scanner.start >= this.limit) {
        this.done = true;
        return;
      }
      // Comments and white space are not tokens of the statement; meta-commands are refused where they stand.
      if (code === T.whitespace || code === T.lineComment || code === T.blockComment || code === T.metaCommand || code === T.copyData) continue;
      this.push(code, scanner.start, scanner.end);
      return;
    }
  }

  push(code: number, start: number, end: number): void {
    const i = this.count++;
    this.codes[i] = code;
    this.starts[i] = start;
    this.ends[i] = end;
    this.depths[i] = this.depth;
    if (code === T.punctuation) {
      const c = this.text.charCodeAt(start);
      if (c === OPEN_PAREN || c === OPEN_BRACKET) this.depth++;
      else if ((c === CLOSE_PAREN || c === CLOSE_BRACKET) && this.depth > 0) this.depth--;
    }
  }
}

/** Every statement of a snapshot body that may not run for a tenant, in body order. */
export function findRefusedStatements(body: string, options: ContainmentOptions): RefusedStatement[] {
  const out: RefusedStatement[] = [];
  // Refusals come in body order: lines are counted on from the previous one.
  const lines = new LineCursor(body);
  let counted = 0;
  const refuse = (at: number, end: number, reason: string): void => {
    const shown = body.slice(at, Math.min(end, at + 200)).replace(/\s+/g, ' ').trim();
    let line: number;
    // A statement refused after a meta-command inside it comes before the cursor: count from the start.
    if (at < counted) line = lineColumnAt(body, at).line;
    else {
      line = lines.moveTo(at);
      counted = at;
    }
    out.push({ line, text: end - at > 200 ? `${shown}…` : shown, reason });
  };
  const metaCommand = (at: number, end: number): void => {
    const word = /^\\[^\s\\]*/.exec(body.slice(at, at + 40))?.[0] ?? '\\';
    refuse(at, end, `psql meta-command ${word}: a snapshot is SQL only (a meta-command could run a shell command or connect elsewhere)`);
  };
  // The region map (strings, bodies, comments, meta-commands, COPY data) finds where each statement starts and
  // ends by jumping between them with native searches; only the tokens a check asks for are scanned.
  const map = mapRegions(body);
  const scanner = new SqlScanner(body);
  const s = new Statement(body, scanner);
  const checker = new Checker(body, options, refuse);
  const n = body.length;
  let r = 0;
  let p = 0;
  for (;;) {
    // The next statement's first token: past white space, comments, COPY data and meta-commands (refused).
    let start = -1;
    while (p < n) {
      while (r < map.count && (map.ends[r] as number) <= p) r++;
      const regionStart = r < map.count ? (map.starts[r] as number) : n;
      while (p < regionStart && isAsciiSpace(body.charCodeAt(p))) p++;
      if (p < regionStart || p >= n) {
        if (p < n) start = p;
        break;
      }
      const code = map.codes[r] as number;
      if (code === T.metaCommand) metaCommand(p, map.ends[r] as number);
      else if (code !== T.lineComment && code !== T.blockComment && code !== T.copyData) {
        start = p;
        break;
      }
      p = map.ends[r] as number;
    }
    if (start === -1) break;
    if (body.charCodeAt(start) === SEMICOLON) {
      p = start + 1; // an empty statement
      continue;
    }
    // Its end: the first `;` in plain code (a region holding one is jumped over).
    const firstRegion = r;
    let semi = -1;
    let q = start;
    for (;;) {
      semi = body.indexOf(';', q);
      if (semi === -1) break;
      while (r < map.count && (map.ends[r] as number) <= semi) r++;
      if (r < map.count && (map.starts[r] as number) <= semi) q = map.ends[r] as number;
      else break;
    }
    s.begin(start, semi === -1 ? n : semi);
    let end = semi === -1 ? n : semi + 1;
    // CREATE FUNCTION|PROCEDURE … BEGIN ATOMIC … END holds `;` of its own: such statements are scanned in full
    // (meta-commands refused where they stand); other statements' meta-commands are refused before their check.
    if (s.has(1) && isRoutine(s, body)) {
      end = scanRoutine(body, scanner, s, start, refuse, metaCommand);
      while (r < map.count && (map.starts[r] as number) < end) r++;
    } else {
      if (semi === -1) r = map.count;
      for (let k = firstRegion; k < r; k++) if (map.codes[k] === T.metaCommand) metaCommand(map.starts[k] as number, map.ends[k] as number);
    }
    checker.check(s, end);
    p = end;
  }
  return out.sort((a, b) => a.line - b.line);
}

/**
 * Scans a CREATE FUNCTION|PROCEDURE statement from `start` to its terminating `;` with every token pushed:
 * inside a SQL-standard body (BEGIN ATOMIC … END) a `;` ends a body statement, not the CREATE, and each body
 * statement may only be a query. Returns the end of the statement (after its `;`, or the end of the text).
 */
function scanRoutine(
  body: string,
  scanner: SqlScanner,
  s: Statement,
  start: number,
  refuse: (at: number, end: number, reason: string) => void,
  metaCommand: (at: number, end: number) => void,
): number {
  s.beginPushed();
  scanner.reset(start);
  let atomic = false;
  let caseDepth = 0;
  let bodyFirst = -1;
  for (let code = scanner.next(); code !== -1; code = scanner.next()) {
    if (code === T.metaCommand) metaCommand(scanner.start, scanner.end);
    if (code === T.whitespace || code === T.lineComment || code === T.blockComment || code === T.metaCommand || code === T.copyData) continue;
    const at = scanner.start;
    const end = scanner.end;
    const isSemicolon = code === T.punctuation && body.charCodeAt(at) === SEMICOLON;
    if (atomic) {
      if (code === T.identifier) {
        const word = lower(body, at, end);
        if (bodyFirst === -1) {
          bodyFirst = at;
          if (word !== 'end' && !BODY_VERBS.has(word)) refuse(at, end, `${word.toUpperCase()} inside a BEGIN ATOMIC function body: such a body holds queries only`);
        }
        if (word === 'case' && !isAfterAs(s, body)) caseDepth++;
        else if (word === 'end') {
          if (caseDepth > 0) caseDepth--;
          else atomic = false;
        }
      } else if (bodyFirst === -1 && !isSemicolon) {
        bodyFirst = at;
        if (!(code === T.punctuation && body.charCodeAt(at) === OPEN_PAREN)) refuse(at, end, 'inside a BEGIN ATOMIC function body: such a body holds queries only');
      }
      if (isSemicolon) bodyFirst = -1;
      s.push(code, at, end);
      continue;
    }
    if (isSemicolon) return end;
    s.push(code, at, end);
    // BEGIN ATOMIC at paren depth 0 of CREATE [OR REPLACE] FUNCTION|PROCEDURE opens a body.
    if (code === T.identifier && end - at === 6 && s.depth === 0 && equalsFolded(body, at, 'atomic') && isWordAt(s, body, s.count - 2, 'begin')) {
      atomic = true;
      caseDepth = 0;
      bodyFirst = -1;
    }
  }
  return body.length;
}

/** Throws SNAPSHOT_STATEMENT_REFUSED naming the first refused statement's line and reason (and how many more). */
export function assertContained(body: string, options: ContainmentOptions): void {
  const refused = findRefusedStatements(body, options);
  const first = refused[0];
  if (first === undefined) return;
  throw refusedError(first, refused.length);
}

/** The error for a refused statement (count: how many were refused in all; templating: no file was written). */
export function refusedError(first: RefusedStatement, count = 1, templating = false): TenantryError {
  const others = count > 1 ? ` (${count - 1} more statement${count > 2 ? 's are' : ' is'} refused too)` : '';
  const what = templating
    ? 'No snapshot was written. Remove the statement from the dump (a snapshot may only create the tenant\'s own objects) and template it again.'
    : 'Nothing was run. Remove the statement from the snapshot (a snapshot may only create the tenant\'s own objects) and re-seal it with `tenantry snapshot reseal FILE`.';
  return new TenantryError('SNAPSHOT_STATEMENT_REFUSED', `The snapshot body line ${first.line} is refused: ${first.reason}${others}. ${what}`, {
    detail: `line ${first.line}: ${first.text}`,
  });
}

/**
 * The words the checks look up or compare, in lower case, by [length][first letter]: lower() returns one of these
 * strings when the token is that word in any ASCII case, without making a new string (a snapshot has a statement every
 * few hundred bytes, each asked for several words). Other words are sliced and lowered as before.
 */
const KNOWN_WORDS: readonly (readonly string[] | undefined)[][] = tableOfWords([
  ...Object.keys(REFUSED_VERBS),
  ...Object.keys(WIDE_KINDS),
  ...CREATE_MODIFIERS,
  ...MIGRATION_VERBS,
  ...NAMED_KINDS,
  ...BODY_VERBS,
  ...['create', 'alter', 'comment', 'security', 'grant', 'revoke', 'insert', 'into', 'copy', 'refresh', 'concurrently', 'on', 'only', 'if', 'in', 'not', 'exists'],
  ...['schema', 'all', 'index', 'trigger', 'policy', 'rule', 'column', 'owned', 'authorization', 'session', 'role', 'constraints', 'transaction'],
  ...['pg_catalog', 'setval', 'set_config', 'from', 'to', 'stdin', 'data', 'method', 'true', 'false', 'atomic', 'case', 'as', 'function', 'procedure'],
]);

function tableOfWords(words: readonly string[]): (string[] | undefined)[][] {
  const table: (string[] | undefined)[][] = [];
  for (const word of new Set(words)) {
    const byFirst = (table[word.length] ??= []);
    (byFirst[word.charCodeAt(0)] ??= []).push(word);
  }
  return table;
}

/** text[start, end) in lower case (JavaScript's toLowerCase, as before; a known word comes from KNOWN_WORDS). */
function lower(text: string, start: number, end: number): string {
  const length = end - start;
  // | 32 folds A–Z to a–z and maps no other code unit into a–z.
  const candidates = length < KNOWN_WORDS.length ? KNOWN_WORDS[length]?.[text.charCodeAt(start) | 32] : undefined;
  if (candidates !== undefined) for (const word of candidates) if (equalsFolded(text, start, word)) return word;
  return text.slice(start, end).toLowerCase();
}

function isWordAt(s: Statement, text: string, i: number, word: string): boolean {
  return s.has(i) && s.codes[i] === T.identifier && (s.ends[i] as number) - (s.starts[i] as number) === word.length && equalsFolded(text, s.starts[i] as number, word);
}

/** `AS case`: a column label, not a CASE expression. */
function isAfterAs(s: Statement, text: string): boolean {
  return isWordAt(s, text, s.count - 1, 'as');
}

/** CREATE [OR REPLACE] FUNCTION|PROCEDURE. */
function isRoutine(s: Statement, text: string): boolean {
  if (!isWordAt(s, text, 0, 'create')) return false;
  const k = isWordAt(s, text, 1, 'or') ? 3 : 1;
  return isWordAt(s, text, k, 'function') || isWordAt(s, text, k, 'procedure');
}

/** The checks of one top-level statement. */
class Checker {
  constructor(
    private readonly text: string,
    private readonly options: ContainmentOptions,
    private readonly refuse: (at: number, end: number, reason: string) => void,
  ) {}

  private word(s: Statement, i: number): string {
    return s.has(i) && s.codes[i] === T.identifier ? lower(this.text, s.starts[i] as number, s.ends[i] as number) : '';
  }

  /** Whether token i starts the placeholder (the tenant schema). */
  private isTenant(s: Statement, i: number): boolean {
    return s.has(i) && this.text.startsWith(this.options.placeholder, s.starts[i] as number);
  }

  /** The index of the first token at or after i that is not part of the placeholder starting at token i. */
  private afterPlaceholder(s: Statement, i: number): number {
    const end = (s.starts[i] as number) + this.options.placeholder.length;
    let j = i;
    while (s.has(j) && (s.starts[j] as number) < end) j++;
    return j;
  }

  private isDot(s: Statement, i: number): boolean {
    return s.has(i) && s.codes[i] === T.punctuation && this.text.charCodeAt(s.starts[i] as number) === DOT;
  }

  private isComma(s: Statement, i: number): boolean {
    return s.has(i) && s.codes[i] === T.punctuation && this.text.charCodeAt(s.starts[i] as number) === COMMA;
  }

  /** Whether the name at token i is `placeholder.name` (true), `other.name` (false) or unqualified (undefined). */
  private qualifiedByTenant(s: Statement, i: number): boolean | undefined {
    if (this.isTenant(s, i)) return this.isDot(s, this.afterPlaceholder(s, i)) ? true : undefined;
    const code = s.codes[i];
    if ((code === T.identifier || code === T.quotedIdentifier) && this.isDot(s, i + 1)) return false;
    return undefined;
  }

  /** Depth-0 word at any position from `from` equal to word. */
  private hasWord(s: Statement, from: number, word: string): number {
    for (let i = from; s.has(i); i++) if (s.depths[i] === 0 && isWordAt(s, this.text, i, word)) return i;
    return -1;
  }

  check(s: Statement, end: number): void {
    if (!s.has(0)) return;
    const at = s.starts[0] as number;
    const migration = this.options.policy === 'migration';
    const fail = (reason: string): void => this.refuse(at, end, migration ? reason.replace(/\b([Aa]|[Tt]he) snapshot\b/g, '$1 migration').replace(/\bprovisioning runs\b/, 'a rollout runs') : reason);
    const verb = this.word(s, 0);
    if (verb === '') {
      fail(s.codes[0] === T.punctuation && this.text.charCodeAt(at) === OPEN_PAREN ? 'a bare query: a snapshot only creates objects' : 'not a statement a snapshot holds');
      return;
    }
    if (this.options.policy === 'migration' && MIGRATION_VERBS.has(verb)) {
      this.checkMigrationVerb(s, verb, fail);
      return;
    }
    const refused = REFUSED_VERBS[verb];
    if (refused !== undefined) {
      // END of a SQL-standard body handled by the splitter; a stray END is transaction control.
      fail(verb === 'prepare' && this.word(s, 1) === 'transaction' ? TRANSACTION_CONTROL : refused);
      return;
    }
    switch (verb) {
      case 'set':
        this.checkSet(s, fail);
        return;
      case 'select':
        this.checkSelect(s, fail);
        return;
      case 'insert':
        if (this.word(s, 1) !== 'into' || this.qualifiedByTenant(s, 2) !== true) fail('INSERT outside the tenant: a snapshot inserts only into tables of the tenant schema (INSERT INTO placeholder.table)');
        return;
      case 'copy':
        this.checkCopy(s, fail);
        return;
      case 'refresh':
        if (this.word(s, 1) !== 'materialized' || this.qualifiedByTenant(s, s.has(4) && this.word(s, 3) === 'concurrently' ? 4 : 3) !== true) fail('REFRESH outside the tenant');
        return;
      case 'create':
        this.checkCreate(s, fail);
        return;
      case 'alter':
        this.checkAlter(s, fail);
        return;
      case 'comment':
      case 'security': {
        // COMMENT ON kind … / SECURITY LABEL [FOR provider] ON kind …
        const on = this.hasWord(s, 1, 'on');
        const wide = on === -1 ? undefined : WIDE_KINDS[this.word(s, on + 1)];
        const what = verb === 'comment' ? 'COMMENT' : 'SECURITY LABEL';
        const kind = this.word(s, on + 1);
        if (on === -1) fail('not a statement a snapshot holds');
        else if (wide !== undefined && !(kind === 'event' && this.word(s, on + 2) !== 'trigger')) fail(`${what} on an object outside any schema: ${wide}`);
        else if (kind === 'schema' && !this.isTenant(s, on + 2)) fail(`${what} on a schema other than the tenant`);
        else if (NAMED_KINDS.has(kind) || kind === 'column' || kind === 'index') {
          const n = kind === 'materialized' || kind === 'foreign' ? on + 3 : on + 2;
          if (this.qualifiedByTenant(s, n) === false) fail(`${what} on an object in another schema: a snapshot changes only the tenant's own objects`);
        }
        return;
      }
      case 'grant':
      case 'revoke':
        this.checkGrant(s, fail);
        return;
      default:
        fail(`${verb.toUpperCase()} is not a statement a snapshot holds (only statements that create the tenant's objects and insert its rows)`);
    }
  }

  /** A migration's DROP, data change, maintenance or LOCK: refused only when its target is explicitly another schema's. */
  private checkMigrationVerb(s: Statement, verb: string, fail: (reason: string) => void): void {
    const other = (n: number, what: string): void => {
      if (this.qualifiedByTenant(s, n) === false) fail(`${what} of an object in another schema: a migration changes only the tenant's own objects`);
    };
    const skip = (n: number, ...words: string[]): number => {
      let k = n;
      while (words.includes(this.word(s, k))) k++;
      return k;
    };
    switch (verb) {
      case 'drop': {
        const kind = this.word(s, 1);
        const wide = WIDE_KINDS[kind];
        if (wide !== undefined && !(kind === 'event' && this.word(s, 2) !== 'trigger')) fail(`DROP ${kind.toUpperCase()}: ${wide}`);
        else if (kind === 'schema' || kind === 'owned') fail(kind === 'schema' ? 'DROP SCHEMA: a migration changes a tenant, it never drops one (tenantry drop does)' : 'DROP OWNED is database-wide');
        else if (kind === 'index' || NAMED_KINDS.has(kind)) {
          let n = kind === 'materialized' || kind === 'foreign' ? 3 : 2;
          n = skip(n, 'concurrently');
          if (this.word(s, n) === 'if') n += 2;
          other(n, `DROP ${kind.toUpperCase()}`);
        } else if (kind === 'trigger' || kind === 'policy' || kind === 'rule') {
          const on = this.hasWord(s, 2, 'on');
          if (on !== -1) other(on + 1, `DROP ${kind.toUpperCase()}`);
        }
        return;
      }
      case 'update':
        other(skip(1, 'only'), 'UPDATE');
        return;
      case 'delete':
        other(skip(2, 'only'), 'DELETE');
        return;
      case 'insert':
        other(2, 'INSERT');
        return;
      case 'merge':
        other(skip(2, 'only'), 'MERGE');
        return;
      case 'truncate':
      case 'lock':
      case 'vacuum':
      case 'analyze':
      case 'analyse':
      case 'cluster': {
        // The tables listed (after the options): any one explicitly in another schema is refused.
        for (let i = 1; s.has(i); i++) if (s.depths[i] === 0 && this.qualifiedByTenant(s, i) === false) {
          fail(`${verb.toUpperCase()} of a table in another schema: a migration changes only the tenant's own objects`);
          return;
        }
        return;
      }
      case 'reindex': {
        const kind = this.word(s, 1);
        if (kind === 'database' || kind === 'system') fail(`REINDEX ${kind.toUpperCase()} is database-wide`);
        else if (kind === 'schema' && !this.isTenant(s, skip(2, 'concurrently'))) fail('REINDEX SCHEMA of a schema other than the tenant');
        else other(skip(2, 'concurrently'), 'REINDEX');
        return;
      }
      case 'set':
        this.checkMigrationSet(s, fail);
        return;
      default:
        // DO, SELECT, WITH, VALUES, TABLE, SHOW, EXPLAIN: code the migration's author wrote, run in the tenant's transaction.
        if (this.hasWord(s, 1, 'set_config') !== -1 && this.hasWord(s, 1, 'role') !== -1) fail('set_config of role changes who the rest of the migration runs as');
    }
  }

  /** A migration may SET ordinary settings (they are reset after its transaction), not who it runs as or the transaction. */
  private checkMigrationSet(s: Statement, fail: (reason: string) => void): void {
    let i = 1;
    const scope = this.word(s, 1);
    if (scope === 'session' || scope === 'local') i = 2;
    const name = this.word(s, i);
    if (name === 'role' || name === 'authorization' || name === 'session') fail('SET ROLE / SESSION AUTHORIZATION changes who the rest of the migration runs as');
    else if (name === 'transaction') fail(TRANSACTION_CONTROL);
  }

  private checkSet(s: Statement, fail: (reason: string) => void): void {
    let i = 1;
    const scope = this.word(s, 1);
    if (scope === 'session' || scope === 'local') i = 2;
    const name = this.word(s, i);
    if (name === 'role' || name === 'authorization' || (scope === 'session' && name === 'authorization') || name === 'constraints' || name === 'transaction') {
      fail(name === 'constraints' || name === 'transaction' ? TRANSACTION_CONTROL : `SET ${scope === 'session' && name === 'authorization' ? 'SESSION AUTHORIZATION' : 'ROLE'} changes who the rest of the snapshot runs as`);
      return;
    }
    // `SET name = value` exactly as the header declares it: what provisioning applies anyway.
    const declared = this.options.sessionSettings?.[name];
    const op = s.has(i + 1) ? this.text.slice(s.starts[i + 1] as number, s.ends[i + 1] as number).toLowerCase() : '';
    if (declared !== undefined && scope !== 'session' && (op === '=' || op === 'to') && s.has(i + 2)) {
      const value = this.text.slice(s.starts[i + 2] as number, s.ends[s.total() - 1] as number).trim();
      if (value === declared) return;
    }
    fail(SESSION_STATE);
  }

  private checkSelect(s: Statement, fail: (reason: string) => void): void {
    // SELECT [pg_catalog.]setval('seq', n[, true|false]): pg_dump's and the ledger's sequence positions.
    let i = 1;
    if (this.word(s, 1) === 'pg_catalog' && this.isDot(s, 2)) i = 3;
    const fn = this.word(s, i);
    if (fn === 'setval' && this.isSetvalCall(s, i + 1)) return;
    if (s.has(0) && this.hasWord(s, 1, 'set_config') !== -1) fail(SESSION_STATE);
    else fail("a top-level SELECT runs code and creates nothing: only SELECT pg_catalog.setval('placeholder.sequence', value[, is_called]) is accepted");
  }

  /** `( 'literal' , number [, true|false] )` and the end of the statement. */
  private isSetvalCall(s: Statement, i: number): boolean {
    const sym = (k: number, c: number): boolean => s.has(k) && s.codes[k] === T.punctuation && this.text.charCodeAt(s.starts[k] as number) === c;
    // The sequence: a literal naming a sequence of the tenant ('placeholder.seq', E'…' from the ledger).
    const literal = s.has(i + 1) ? s.codes[i + 1] : undefined;
    if (!sym(i, 40) || (literal !== T.string && literal !== T.escapeString) || !sym(i + 2, 44)) return false;
    const quote = (s.starts[i + 1] as number) + (literal === T.escapeString ? 2 : 1);
    if (!this.text.startsWith(this.options.placeholder, quote) || this.text.charCodeAt(quote + this.options.placeholder.length) !== DOT) return false;
    let k = i + 3;
    if (s.has(k) && s.codes[k] === T.operator && this.text.slice(s.starts[k] as number, s.ends[k] as number) === '-') k++;
    if (!s.has(k) || s.codes[k] !== T.number) return false;
    k++;
    if (sym(k, 44)) {
      const b = this.word(s, k + 1);
      if (b !== 'true' && b !== 'false') return false;
      k += 2;
    }
    return sym(k, 41) && k + 1 === s.total();
  }

  private checkCopy(s: Statement, fail: (reason: string) => void): void {
    if (this.qualifiedByTenant(s, 1) !== true) {
      fail('COPY outside the tenant: a snapshot copies data only into tables of the tenant schema');
      return;
    }
    const from = this.hasWord(s, 2, 'from');
    if (from === -1 || this.hasWord(s, 2, 'to') !== -1) {
      fail('COPY … TO writes data out of the database: a snapshot only loads rows with COPY … FROM stdin');
      return;
    }
    if (this.word(s, from + 1) !== 'stdin') fail('COPY … FROM a file or PROGRAM reads the server\'s files or runs a command: a snapshot only loads rows with COPY … FROM stdin');
  }

  private checkCreate(s: Statement, fail: (reason: string) => void): void {
    let i = 1;
    while (s.has(i) && CREATE_MODIFIERS.has(this.word(s, i))) i++;
    const kind = this.word(s, i);
    const wide = WIDE_KINDS[kind];
    if (wide !== undefined && !(kind === 'event' && this.word(s, i + 1) !== 'trigger') && !(kind === 'access' && this.word(s, i + 1) !== 'method')) {
      fail(`CREATE ${kind.toUpperCase()}: ${wide}`);
      return;
    }
    if (kind === 'foreign' && this.word(s, i + 1) === 'data') {
      fail('foreign-data wrappers are database-wide');
      return;
    }
    if (kind === 'schema') {
      let n = i + 1;
      if (this.word(s, n) === 'if') n += 3;
      if (this.word(s, n) === 'authorization' || !this.isTenant(s, n)) fail('CREATE SCHEMA of a schema other than the tenant: it would be created again for every tenant');
      return;
    }
    if (NAMED_KINDS.has(kind)) {
      let n = i + 1;
      if (kind === 'materialized' || kind === 'foreign') n++; // MATERIALIZED VIEW, FOREIGN TABLE
      if (this.word(s, n) === 'if') n += 3; // IF NOT EXISTS
      if (this.qualifiedByTenant(s, n) === false) fail(`CREATE ${kind.toUpperCase()} in another schema: a snapshot creates objects in the tenant schema only`);
    } else if (kind === 'index' || kind === 'trigger' || kind === 'policy') {
      // … ON [ONLY] table: an index, trigger or policy on another schema's table changes that table.
      let on = this.hasWord(s, i + 1, 'on');
      if (on !== -1 && this.word(s, on + 1) === 'only') on++;
      if (on !== -1 && this.qualifiedByTenant(s, on + 1) === false) fail(`CREATE ${kind.toUpperCase()} on a table in another schema: a snapshot changes only the tenant's own objects`);
    }
  }

  private checkAlter(s: Statement, fail: (reason: string) => void): void {
    const kind = this.word(s, 1);
    if (kind === 'default') {
      // ALTER DEFAULT PRIVILEGES [FOR ROLE r] IN SCHEMA tenant …: without IN SCHEMA it is database-wide.
      const inAt = this.hasWord(s, 2, 'in');
      if (inAt === -1 || this.word(s, inAt + 1) !== 'schema') fail('ALTER DEFAULT PRIVILEGES without IN SCHEMA is database-wide');
      else if (!this.isTenant(s, inAt + 2) || this.isComma(s, this.afterPlaceholder(s, inAt + 2))) fail('ALTER DEFAULT PRIVILEGES IN SCHEMA of a schema other than the tenant');
      return;
    }
    const wide = WIDE_KINDS[kind];
    if (wide !== undefined && !(kind === 'event' && this.word(s, 2) !== 'trigger')) {
      fail(`ALTER ${kind.toUpperCase()}: ${wide}`);
      return;
    }
    if (kind === 'foreign' && this.word(s, 2) === 'data') {
      fail('foreign-data wrappers are database-wide');
      return;
    }
    if (kind === 'schema' && !this.isTenant(s, 2)) {
      fail('ALTER SCHEMA of a schema other than the tenant');
      return;
    }
    if (NAMED_KINDS.has(kind) || kind === 'index') {
      let n = 2;
      if (kind === 'materialized' || kind === 'foreign') n++;
      if (this.word(s, n) === 'if') n += 2; // IF EXISTS
      if (this.word(s, n) === 'only') n++;
      if (this.word(s, n) === 'all' && this.word(s, n + 1) === 'in') fail(`ALTER ${kind.toUpperCase()} ALL IN TABLESPACE moves objects of the whole database`);
      else if (this.qualifiedByTenant(s, n) === false) fail(`ALTER ${kind.toUpperCase()} of an object in another schema: a snapshot changes only the tenant's own objects`);
    }
  }

  private checkGrant(s: Statement, fail: (reason: string) => void): void {
    const on = this.hasWord(s, 1, 'on');
    if (on === -1) {
      fail('GRANT/REVOKE of a role (membership) is cluster-wide');
      return;
    }
    let kind = this.word(s, on + 1);
    if (kind === 'foreign') kind = this.word(s, on + 2) === 'server' ? 'server' : this.word(s, on + 2) === 'data' ? 'server' : kind;
    const wide = WIDE_KINDS[kind];
    if (wide !== undefined) {
      fail(`GRANT/REVOKE on an object outside any schema: ${wide}`);
      return;
    }
    if (kind === 'schema' && !this.isTenant(s, on + 2)) fail('GRANT/REVOKE on a schema other than the tenant');
    if (kind === 'all') {
      const inAt = this.hasWord(s, on + 2, 'in');
      if (inAt !== -1 && !this.isTenant(s, inAt + 2)) fail('GRANT/REVOKE ON ALL … IN SCHEMA of a schema other than the tenant');
    }
  }
}
