/**
 * The statements of a dump that cannot run once per tenant, found on the
 * RegionMap fast path: psql meta-commands (\restrict, \connect …), pg_dump's
 * session preamble, database- and cluster-wide objects (extensions, roles,
 * databases, …), every DROP (pg_dump --clean) and, optionally, OWNER TO. Each is stripped from the snapshot
 * and reported; what they imply (extensions to install, session settings to
 * apply) is returned so provisioning can act on it.
 */
import { T, isIdentifierPart } from '../sql/scanner.js';
import { equalsFolded } from '../sql/equals-folded.js';
import {
  CARRIAGE_RETURN, DOUBLE_QUOTE, LOWER_A, LOWER_B, LOWER_C, LOWER_D, LOWER_E, LOWER_G, LOWER_L, LOWER_O, LOWER_P, LOWER_R, LOWER_S, LOWER_T,
  NEWLINE, NON_ASCII, SEMICOLON, SPACE, TAB, UNDERSCORE, isAsciiSpace, isDigit, isLowerLetter,
} from '../sql/char-codes.js';
import type { RegionMap } from '../sql/region-map.js';
import { forEachStatement } from '../sql/split-statements.js';
import { W, isSymbol, isWord, newNearToken, nextToken, type NearToken } from '../sql/backward.js';

export interface StrippedStatement {
  start: number;
  /** End of the statement including its `;` and the rest of its line. */
  end: number;
  /** 1-based line of start (filled by the caller). */
  line: number;
  text: string;
  reason: string;
}

export interface StripAnalysis {
  stripped: StrippedStatement[];
  /** Extensions the dump installs (CREATE EXTENSION): the database needs them once, not per tenant. */
  extensions: { name: string; schema?: string }[];
  /** Session settings from the stripped preamble (SET name = value), for provisioning to apply. */
  sessionSettings: Record<string, string>;
  /** CREATE SCHEMA statements for schemas other than the template: they would run for every tenant. */
  otherSchemas: string[];
  /** Roles named in OWNER TO (kept or stripped): they must exist in the cluster. */
  roles: string[];
  /** Whether the dump has CREATE SCHEMA for the template (pg_dump leaves it out for public). */
  createsSchema: boolean;
}

/** Settings pg_dump puts in its preamble (and before tables): provisioning sets its own session state. */
export const SESSION_SETTINGS: ReadonlySet<string> = new Set([
  'statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout', 'transaction_timeout', 'client_encoding',
  'standard_conforming_strings', 'check_function_bodies', 'xmloption', 'client_min_messages', 'row_security',
  'default_with_oids', 'default_table_access_method', 'default_tablespace', 'escape_string_warning', 'synchronous_commit',
]);

/** CREATE/ALTER/DROP targets that live outside the schema (database- or cluster-wide). */
const WIDE_OBJECTS: Record<string, string> = {
  role: 'roles are cluster-wide',
  user: 'roles are cluster-wide',
  group: 'roles are cluster-wide',
  database: 'databases are cluster-wide',
  tablespace: 'tablespaces are cluster-wide',
  publication: 'publications are database-wide',
  subscription: 'subscriptions are database-wide',
  event: 'event triggers are database-wide',
  server: 'foreign servers are database-wide',
  language: 'languages are database-wide',
  system: 'ALTER SYSTEM is cluster-wide',
};

export interface StripOptions {
  schema: string;
  stripOwner: boolean;
  /** When given, receives the start of every statement that begins with COPY (see mapRegions' copy option). */
  copyStatements?: number[];
}

/** Finds the top-level statements to strip (see the file comment), statement by statement as forEachStatement cuts them. */
export function findStrippableStatements(map: RegionMap, options: StripOptions): StripAnalysis {
  const analysis: StripAnalysis = { stripped: [], extensions: [], sessionSettings: {}, otherSchemas: [], roles: [], createsSchema: false };
  const u = newNearToken();
  const state: StripState = { dummyViews: [] };
  forEachStatement(map, {
    region(code, start, end) {
      if (code === T.metaCommand) addMetaCommand(analysis, map.text, start, end);
    },
    statement(from, end, terminated) {
      if (terminated) classify(analysis, map, from, end, options, u, state);
    },
  });
  return analysis;
}

function addMetaCommand(analysis: StripAnalysis, text: string, start: number, end: number): void {
  const command = text.slice(start, Math.min(end, start + 200));
  const word = /^\\[a-z!?]*/i.exec(command)?.[0] ?? '\\';
  add(analysis, text, start, end, `psql meta-command ${word}: a driver cannot run it${word === '\\restrict' || word === '\\unrestrict' ? ' (pg_dump 17.6+ / 16.10+ / 15.14+ security guard)' : ''}`);
}

function add(analysis: StripAnalysis, text: string, start: number, end: number, reason: string): void {
  // Take the rest of the line too when it is only white space and the statement starts its line, so whole lines
  // disappear; otherwise the line break stays, so the text before and after cannot run together into new tokens.
  let e = end;
  let b = start;
  while (b > 0 && (text.charCodeAt(b - 1) === SPACE || text.charCodeAt(b - 1) === TAB)) b--;
  if (b === 0 || text.charCodeAt(b - 1) === NEWLINE) {
    while (e < text.length && (text.charCodeAt(e) === SPACE || text.charCodeAt(e) === TAB || text.charCodeAt(e) === CARRIAGE_RETURN)) e++;
    if (text.charCodeAt(e) === NEWLINE) e++;
    else e = end;
  }
  const shown = text.slice(start, end);
  analysis.stripped.push({ start, end: e, line: 0, text: shown.length > 300 ? `${shown.slice(0, 300)}…` : shown, reason });
}

/**
 * The verb (a word classify looks at, or 'copy') that text[start…] begins with as a whole word, else ''. l: the first
 * character folded to lower case. One candidate from the first letters, then one comparison; no allocation.
 */
function verbAt(text: string, start: number, l: number): string {
  let verb = '';
  // Only statements starting with these letters can be stripped or recorded.
  switch (l) {
    case LOWER_C: { // c: create, comment, commit, copy
      const c1 = text.charCodeAt(start + 1) | 32;
      if (c1 === LOWER_R) verb = 'create';
      else if (c1 === LOWER_O) {
        const c2 = text.charCodeAt(start + 2) | 32;
        verb = c2 === LOWER_P ? 'copy' : (text.charCodeAt(start + 4) | 32) === LOWER_E ? 'comment' : 'commit';
      }
      break;
    }
    case LOWER_A: // a
      verb = (text.charCodeAt(start + 1) | 32) === LOWER_L ? 'alter' : 'abort';
      break;
    case LOWER_S: { // s
      const c1 = text.charCodeAt(start + 1) | 32;
      verb = c1 === LOWER_T ? 'start' : (text.charCodeAt(start + 2) | 32) === LOWER_T ? 'set' : 'select';
      break;
    }
    case LOWER_E: // e
      verb = 'end';
      break;
    case LOWER_D: // d: drop (do, delete, … are not stripped)
      if ((text.charCodeAt(start + 1) | 32) !== LOWER_R) return '';
      verb = 'drop';
      break;
    case LOWER_B: // b
      verb = 'begin';
      break;
    case LOWER_G: // g
      verb = 'grant';
      break;
    case LOWER_R: // r
      verb = (text.charCodeAt(start + 1) | 32) === LOWER_O ? 'rollback' : 'revoke';
      break;
    default:
      return '';
  }
  return equalsFolded(text, start, verb) && !isIdentifierPart(text.charCodeAt(start + verb.length)) ? verb : '';
}

/** Object-kind words classify acts on after CREATE/ALTER/DROP. */
const OBJECT_WORDS = [...Object.keys(WIDE_OBJECTS), 'foreign', 'schema', 'default'];

/** The object-kind word at start when it is one classify acts on, else '' (no allocation: most are TABLE, INDEX, …). */
function objectWord(text: string, start: number, length: number): string {
  const words = OBJECT_WORDS_BY_LENGTH[length];
  if (words !== undefined) for (const word of words) if (equalsFolded(text, start, word)) return word;
  return '';
}

const OBJECT_WORDS_BY_LENGTH = byLength(OBJECT_WORDS);

function byLength(words: string[]): (string[] | undefined)[] {
  const out: (string[] | undefined)[] = [];
  for (const word of words) (out[word.length] ??= []).push(word);
  return out;
}

/** `BEGIN;`, `COMMIT TRANSACTION`, `END WORK`: the word after the verb ends the statement or is TRANSACTION/WORK. */
function endsTransactionWord(map: RegionMap, second: NearToken, end: number): boolean {
  return second.start >= end - 1 || isSymbol(map, second, ';') || isWord(map, second, 'transaction') || isWord(map, second, 'work');
}

const TRANSACTION_CONTROL = 'transaction control: provisioning runs each tenant in its own transaction';
/** Why every DROP is stripped (exported for the baselines of the differential tests). */
export const DROP_REASON = 'DROP (pg_dump --clean): a snapshot creates a new tenant and drops nothing, least of all objects outside it';

/** Words by first letter, as flat arrays: the words starting with letter l are [offsets[l - LOWER_A], offsets[l - LOWER_A + 1]). */
interface Listed {
  offsets: Int32Array;
  lengths: Int32Array;
  /** Each word's last letter. */
  lasts: Int32Array;
}

function listed(words: string[]): Listed {
  const sorted = [...words].sort();
  const out: Listed = { offsets: new Int32Array(27), lengths: new Int32Array(sorted.length), lasts: new Int32Array(sorted.length) };
  sorted.forEach((word, i) => {
    out.lengths[i] = word.length;
    out.lasts[i] = word.charCodeAt(word.length - 1);
  });
  for (let l = 0; l <= 26; l++) out.offsets[l] = sorted.filter((word) => word.charCodeAt(0) - LOWER_A < l).length;
  return out;
}

/** The words after CREATE that classify acts on (OR REPLACE, function bodies, extensions, wide objects, schemas). */
const AFTER_CREATE = listed(['or', 'function', 'procedure', 'extension', ...OBJECT_WORDS]);
/** The words after ALTER that classify acts on before its OWNER TO check. */
const AFTER_ALTER = listed(['extension', ...OBJECT_WORDS]);

/**
 * A necessary condition for the word starting at s (an ASCII letter, l folded) to be one of the listed words that
 * start with l, ignoring ASCII case: the listed word's last letter there and no identifier character after it.
 */
function mayBeListed(text: string, s: number, l: number, to: number, words: Listed): boolean {
  const last = words.offsets[l - LOWER_A + 1] as number;
  for (let i = words.offsets[l - LOWER_A] as number; i < last; i++) {
    const e = s + (words.lengths[i] as number);
    if ((text.charCodeAt(e - 1) | 32) === words.lasts[i] && (e >= to || !isIdentifierPart(text.charCodeAt(e)))) return true;
  }
  return false;
}

const OWNER_TO = /\bOWNER\s+TO\s+("(?:[^"]|"")+"|[^\s;]+)\s*;$/i;
const ON_WORD = /\bON\b/i;

interface StripState {
  /** pg_dump --clean's placeholder views (CREATE OR REPLACE VIEW v AS SELECT NULL::t AS c, …), stripped at their DROP VIEW. */
  dummyViews: { name: string; start: number; end: number }[];
}

const DUMMY_VIEW = /^CREATE\s+OR\s+REPLACE\s+VIEW\s+((?:"(?:[^"]|"")+"|[^\s"(]+)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[^\s"(]+))?)\s+AS\s+SELECT\s+NULL::(?:(?!\bFROM\b)[^;])*;$/i;
const DROP_VIEW = /^DROP\s+VIEW\s+(?:IF\s+EXISTS\s+)?((?:"(?:[^"]|"")+"|[^\s"(;]+)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[^\s"(;]+))?)/i;

/** Looks at the statement text[from, end) (end just past its `;`). */
function classify(analysis: StripAnalysis, map: RegionMap, from: number, end: number, options: StripOptions, u: NearToken, state: StripState): void {
  const text = map.text;
  // The first word, decided from its first letter before anything else: most statements (DROP, INSERT, …) stop here.
  let start = from;
  let c = text.charCodeAt(start);
  while (start < end && isAsciiSpace(c)) c = text.charCodeAt(++start);
  // c | 32 is a lower-case ASCII letter only when c is an ASCII letter.
  const l = c | 32;
  if (l === LOWER_C || l === LOWER_A) {
    // CREATE TABLE/INDEX/… and ALTER TABLE/SEQUENCE/… (most statements): when the verb, one space and a word follow
    // each other, a word that is none of those acted on settles CREATE, and ALTER but for its OWNER TO, in a few reads.
    // Of the words starting with `cr` only CREATE matters, of those with `al` only ALTER.
    const create = l === LOWER_C;
    if ((text.charCodeAt(start + 1) | 32) === (create ? 114 : 108)) {
      const p = start + (create ? 6 : 5); // just past the verb if it is one
      const l2 = text.charCodeAt(p + 1) | 32;
      if (text.charCodeAt(p) === SPACE && isLowerLetter(l2) && !mayBeListed(text, p + 1, l2, map.to, create ? AFTER_CREATE : AFTER_ALTER)) {
        if (!create && (text.charCodeAt(start + 2) | 32) === LOWER_T && (text.charCodeAt(start + 3) | 32) === LOWER_E && (text.charCodeAt(start + 4) | 32) === LOWER_R) {
          ownerTo(analysis, map, start, end, '', 0, options, u);
        }
        return;
      }
    }
  }
  const verb = verbAt(text, start, l);
  if (verb === '') return; // DROP, INSERT, …
  if (verb === 'copy') {
    options.copyStatements?.push(start);
    return;
  }
  const firstEnd = start + verb.length;
  const second = nextToken(map, firstEnd, u);
  classifyFurther(analysis, map, verb, start, end, second, options, u, state);
}

/** classify for the statements whose first two words leave it open. */
function classifyFurther(analysis: StripAnalysis, map: RegionMap, verb: string, start: number, end: number, second: NearToken, options: StripOptions, u: NearToken, state: StripState): void {
  const text = map.text;
  if (verb === 'drop') {
    // pg_dump --clean: DROP EXTENSION, DROP SCHEMA, … would run for every tenant, on objects the tenant does not own.
    // Before DROP VIEW of a view in a rule cycle it writes a placeholder view (CREATE OR REPLACE VIEW v AS SELECT
    // NULL::t AS c, …); kept, it would make the CREATE VIEW v further on fail with "already exists".
    if (isWord(map, second, 'view') && state.dummyViews.length > 0) {
      const name = DROP_VIEW.exec(text.slice(start, end))?.[1]?.replace(/\s+/g, '');
      const k = state.dummyViews.findIndex((v) => v.name === name);
      const dummy = state.dummyViews[k];
      if (dummy !== undefined) {
        state.dummyViews.splice(k, 1);
        const before = analysis.stripped.length;
        add(analysis, text, dummy.start, dummy.end, "pg_dump --clean's placeholder for a view in a rule cycle, written before its DROP VIEW: the view itself is created further on");
        const entry = analysis.stripped.splice(before, 1)[0] as StrippedStatement;
        const at = analysis.stripped.findIndex((x) => x.start > entry.start);
        analysis.stripped.splice(at === -1 ? analysis.stripped.length : at, 0, entry);
      }
    }
    add(analysis, text, start, end, DROP_REASON);
    return;
  }
  if (verb === 'end') {
    // The END of a BEGIN ATOMIC function body is inside CREATE FUNCTION (forEachStatement keeps the body whole).
    if (endsTransactionWord(map, second, end)) add(analysis, text, start, end, TRANSACTION_CONTROL);
    return;
  }
  if (verb === 'begin' || verb === 'commit' || verb === 'rollback' || verb === 'abort') {
    if (endsTransactionWord(map, second, end) || isWord(map, second, 'isolation') || isWord(map, second, 'read')) add(analysis, text, start, end, TRANSACTION_CONTROL);
    return;
  }
  if (verb === 'start') {
    if (isWord(map, second, 'transaction')) add(analysis, text, start, end, TRANSACTION_CONTROL);
    return;
  }
  if (verb === 'set') {
    let name = second;
    if (isWord(map, name, 'session') || isWord(map, name, 'local')) name = nextToken(map, name.end, u);
    const setting = name.kind === W.word ? text.slice(name.start, name.end).toLowerCase() : '';
    if (SESSION_SETTINGS.has(setting)) {
      const value = text.slice(name.end, end - 1).replace(/^\s*(?:=|to)\s*/i, '').trim();
      analysis.sessionSettings[setting] = value;
      add(analysis, text, start, end, `session setting ${setting} (pg_dump preamble): provisioning sets its own session state`);
    }
    return;
  }
  if (verb === 'select') {
    // SELECT pg_catalog.set_config('search_path', '', false);
    const body = text.slice(second.start, end);
    if (/^(?:pg_catalog\s*\.\s*)?set_config\s*\(\s*'search_path'\s*,\s*''\s*,\s*false\s*\)\s*;$/i.test(body)) {
      analysis.sessionSettings.search_path = "''";
      add(analysis, text, start, end, 'empties search_path (pg_dump preamble): provisioning sets its own search_path');
    }
    return;
  }
  if (verb === 'create' || verb === 'alter' || verb === 'drop' || verb === 'comment') {
    let kind = second;
    if (verb === 'create' && isWord(map, kind, 'or')) {
      kind = nextToken(map, nextToken(map, kind.end, u).end, u); // OR REPLACE
    }
    if (verb === 'comment') {
      if (!isWord(map, kind, 'on')) return;
      const target = nextToken(map, kind.end, u);
      if (isWord(map, target, 'extension')) add(analysis, text, start, end, 'comment on an extension: extensions are per database');
      else if (options.schema === 'public' && isWord(map, target, 'schema') && nameOf(map, nextToken(map, target.end, u)) === options.schema && /\bIS\s+'standard public schema'\s*;$/i.test(text.slice(start, end))) {
        add(analysis, text, start, end, "PostgreSQL's stock comment on the public schema: it does not describe a tenant");
      }
      else if (isWord(map, target, 'database') || isWord(map, target, 'role') || isWord(map, target, 'tablespace')) add(analysis, text, start, end, 'comment on a cluster-wide object');
      return;
    }
    if (isWord(map, kind, 'extension')) {
      if (verb === 'create') {
        const m = /^CREATE\s+EXTENSION\s+(?:IF\s+NOT\s+EXISTS\s+)?("(?:[^"]|"")+"|[^\s;]+)(?:\s+WITH)?(?:\s+SCHEMA\s+("(?:[^"]|"")+"|[^\s;]+))?/i.exec(text.slice(start, end));
        if (m) analysis.extensions.push(m[2] === undefined ? { name: unquote(m[1] ?? '') } : { name: unquote(m[1] ?? ''), schema: unquote(m[2]) });
      }
      add(analysis, text, start, end, 'extensions are per database: install them once, not per tenant');
      return;
    }
    if (verb === 'create' && isWord(map, kind, 'view')) {
      const name = DUMMY_VIEW.exec(text.slice(start, end))?.[1];
      if (name !== undefined) state.dummyViews.push({ name: name.replace(/\s+/g, ''), start, end });
      return;
    }
    const word = kind.kind === W.word ? objectWord(text, kind.start, kind.end - kind.start) : '';
    if (word === 'foreign' || word === 'user') {
      const next = nextToken(map, kind.end, u);
      if (isWord(map, next, 'data') || isWord(map, next, 'mapping')) {
        add(analysis, text, start, end, 'foreign-data wrappers and user mappings are database-wide');
        return;
      }
    }
    const wide = word === '' ? undefined : WIDE_OBJECTS[word];
    if (wide !== undefined && !(word === 'event' && !isWord(map, nextToken(map, kind.end, u), 'trigger'))) {
      add(analysis, text, start, end, wide);
      return;
    }
    if (word === 'schema' && verb === 'create') {
      let name = nextToken(map, kind.end, u);
      if (isWord(map, name, 'if')) name = nextToken(map, nextToken(map, nextToken(map, name.end, u).end, u).end, u);
      const schemaName = nameOf(map, name);
      if (schemaName === options.schema) analysis.createsSchema = true;
      else if (schemaName !== undefined) analysis.otherSchemas.push(schemaName);
      return;
    }
    if (verb === 'alter') {
      if (word === 'default') {
        // ALTER DEFAULT PRIVILEGES without IN SCHEMA applies to the whole database.
        if (!/\bIN\s+SCHEMA\b/i.test(text.slice(start, end))) add(analysis, text, start, end, 'ALTER DEFAULT PRIVILEGES without IN SCHEMA is database-wide');
        return;
      }
      ownerTo(analysis, map, start, end, word, kind.end, options, u);
    }
    return;
  }
  if (verb === 'grant' || verb === 'revoke') {
    // GRANT role TO role (no ON): role membership is cluster-wide.
    if (!ON_WORD.test(text.slice(start, end))) add(analysis, text, start, end, 'role membership is cluster-wide');
  }
}

/** ALTER … OWNER TO role: the role is recorded (and the statement stripped with stripOwner). word: the object kind after ALTER, ending at kindEnd. */
function ownerTo(analysis: StripAnalysis, map: RegionMap, start: number, end: number, word: string, kindEnd: number, options: StripOptions, u: NearToken): void {
  const text = map.text;
  let role = ownerRole(text, start, end);
  if (role === undefined) {
    const owner = OWNER_TO.exec(text.slice(start, end));
    role = owner === null ? null : unquote(owner[1] ?? '');
  }
  if (role !== null) {
    if (word === 'schema' && role === 'pg_database_owner' && nameOf(map, nextToken(map, kindEnd, u)) === options.schema) {
      // The public schema's stock owner: a tenant schema belongs to the role that provisions it.
      add(analysis, text, start, end, 'the public schema\'s stock owner pg_database_owner: a tenant belongs to the role that provisions it');
      return;
    }
    if (!analysis.roles.includes(role)) analysis.roles.push(role);
    if (options.stripOwner) add(analysis, text, start, end, 'OWNER TO (stripped with --no-owner): objects belong to the provisioning role');
  }
}

/**
 * OWNER_TO read backwards from the `;` of text[start, end) without a regex or a slice: the role (folded like unquote)
 * when the statement ends in `OWNER TO role;`, null when it plainly does not (most ALTER statements: the last word
 * is not preceded by TO), undefined when the regex must decide (a quoted role, text outside ASCII, where \s and
 * quoting go beyond this reading). The last word runs back to white space or `;` as [^\s;]+ does.
 */
function ownerRole(text: string, start: number, end: number): string | null | undefined {
  let q = end - 1; // the `;`
  let c = text.charCodeAt(q - 1);
  while (q > start && isAsciiSpace(c)) c = text.charCodeAt(--q - 1);
  if (c === DOUBLE_QUOTE || c >= NON_ASCII) return undefined;
  let a = q;
  while (a > start) {
    c = text.charCodeAt(a - 1);
    if (c > SPACE && c !== SEMICOLON && c < NON_ASCII) {
      a--;
      continue;
    }
    if (c >= NON_ASCII) return undefined;
    if (c === SEMICOLON || isAsciiSpace(c)) break;
    a--; // another control character: part of the word
  }
  if (a === q || a === start || !isAsciiSpace(text.charCodeAt(a - 1))) return null;
  // TO, white space before it, then OWNER at a word boundary.
  let b = a - 1;
  while (b > start && isAsciiSpace(text.charCodeAt(b - 1))) b--;
  c = text.charCodeAt(b - 1);
  if (b > start && c >= NON_ASCII) return undefined;
  if (b - 3 < start || (c | 32) !== LOWER_O || (text.charCodeAt(b - 2) | 32) !== LOWER_T) return null;
  let o = b - 2;
  c = text.charCodeAt(o - 1);
  if (c >= NON_ASCII) return undefined;
  if (!isAsciiSpace(c)) return null;
  while (o > start && isAsciiSpace(text.charCodeAt(o - 1))) o--;
  c = text.charCodeAt(o - 1);
  if (o > start && c >= NON_ASCII) return undefined;
  if (o - 5 < start || !equalsFolded(text, o - 5, 'owner')) return null;
  if (o - 5 > start && isWordCharacter(text.charCodeAt(o - 6))) return null;
  const role = text.slice(a, q);
  return role.charCodeAt(0) === DOUBLE_QUOTE ? undefined : role.toLowerCase();
}

/** A regex word character (\w without the u flag). */
function isWordCharacter(c: number): boolean {
  const l = c | 32;
  return isLowerLetter(l) || isDigit(c) || c === UNDERSCORE;
}

function nameOf(map: RegionMap, t: NearToken): string | undefined {
  if (t.kind === W.word) return map.text.slice(t.start, t.end).toLowerCase();
  if (t.kind === W.region && t.code === T.quotedIdentifier) return map.text.slice(t.start + 1, t.end - 1).replace(/""/g, '"');
  return undefined;
}

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase();
}
