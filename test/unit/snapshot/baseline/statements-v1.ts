/**
 * The statements of a dump that cannot run once per tenant, found on the
 * RegionMap fast path: psql meta-commands (\restrict, \connect …), pg_dump's
 * session preamble, database- and cluster-wide objects (extensions, roles,
 * databases, …) and, optionally, OWNER TO. Each is stripped from the snapshot
 * and reported; what they imply (extensions to install, session settings to
 * apply) is returned so provisioning can act on it.
 */
import { T, isIdentifierPart } from '../../../../core/sql/scanner.js';
import { equalsFolded } from '../../../../core/sql/equals-folded.js';
import { DROP_REASON } from '../../../../core/snapshot/statements.js';
import type { RegionMap } from '../../../../core/sql/region-map.js';
import { W, isSymbol, isWord, newNearToken, nextToken, type NearToken } from '../../../../core/sql/backward.js';

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
const SESSION_SETTINGS = new Set([
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
}

/** Finds the top-level statements to strip (see the file comment). */
export function findStrippableStatements(map: RegionMap, options: StripOptions): StripAnalysis {
  const analysis: StripAnalysis = { stripped: [], extensions: [], sessionSettings: {}, otherSchemas: [], roles: [], createsSchema: false };
  const text = map.text;
  const t = newNearToken();
  const u = newNearToken();
  let ri = 0;
  const state = { inAtomic: false };
  let statementStart = map.from;
  // Where the statement's first token may start: after the comments that lead it (pg_dump's headers).
  let lead = map.from;
  let semi = text.indexOf(';', map.from);
  for (;;) {
    // The next statement boundary: a `;` in code, or a meta-command / COPY data region.
    while (ri < map.count && (semi === -1 || (map.starts[ri] as number) < semi)) {
      const code = map.codes[ri] as number;
      const start = map.starts[ri] as number;
      const end = map.ends[ri] as number;
      ri++;
      if ((code === T.lineComment || code === T.blockComment || code === T.metaCommand) && onlySpace(text, lead, start)) lead = end;
      if (code === T.metaCommand) {
        const command = text.slice(start, Math.min(end, start + 200));
        const word = /^\\[a-z!?]*/i.exec(command)?.[0] ?? '\\';
        add(analysis, text, start, end, `psql meta-command ${word}: a driver cannot run it${word === '\\restrict' || word === '\\unrestrict' ? ' (pg_dump 17.6+ / 16.10+ / 15.14+ security guard)' : ''}`);
      } else if (code === T.copyData) statementStart = lead = end;
      if (semi !== -1 && semi < end) semi = text.indexOf(';', end);
    }
    if (semi === -1) break;
    classify(analysis, map, Math.max(statementStart, lead), semi + 1, options, t, u, state);
    statementStart = lead = semi + 1;
    semi = text.indexOf(';', semi + 1);
  }
  return analysis;
}

function onlySpace(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && (c < 9 || c > 13)) return false;
  }
  return true;
}

/** The first word of a statement that starts (after white space) at p, without a region lookup; undefined when it is not a plain word. */
function firstWord(text: string, p: number, end: number, out: NearToken): NearToken | undefined {
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c !== 32 && (c < 9 || c > 13)) break;
    p++;
  }
  const c = text.charCodeAt(p);
  if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return undefined;
  const n = text.charCodeAt(p + 1);
  if (n === 39 || n === 38) return undefined; // E'…', U&'…'
  let q = p + 1;
  while (q < end && isIdentifierPart(text.charCodeAt(q))) q++;
  out.kind = W.word;
  out.start = p;
  out.end = q;
  return out;
}

function add(analysis: StripAnalysis, text: string, start: number, end: number, reason: string): void {
  // Take the rest of the line too when it is only white space and the statement starts its line, so whole lines
  // disappear; otherwise the line break stays, so the text before and after cannot run together into new tokens.
  let e = end;
  let b = start;
  while (b > 0 && (text.charCodeAt(b - 1) === 32 || text.charCodeAt(b - 1) === 9)) b--;
  if (b === 0 || text.charCodeAt(b - 1) === 10) {
    while (e < text.length && (text.charCodeAt(e) === 32 || text.charCodeAt(e) === 9 || text.charCodeAt(e) === 13)) e++;
    if (text.charCodeAt(e) === 10) e++;
    else e = end;
  }
  const shown = text.slice(start, end);
  analysis.stripped.push({ start, end: e, line: 0, text: shown.length > 300 ? `${shown.slice(0, 300)}…` : shown, reason });
}

/** Looks at the statement text[from, end) (end just past its `;`). */
const VERBS = ['set', 'end', 'drop', 'alter', 'begin', 'grant', 'start', 'abort', 'select', 'create', 'commit', 'revoke', 'comment', 'rollback'];

/** The statement's first word when it is one classify looks at, else '' (no allocation). */
function verbOf(text: string, start: number, length: number): string {
  const verbs = VERBS_BY_LENGTH[length];
  if (verbs !== undefined) for (const verb of verbs) if (equalsFolded(text, start, verb)) return verb;
  return '';
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

const VERBS_BY_LENGTH = byLength(VERBS);

const TRANSACTION_CONTROL = 'transaction control: provisioning runs each tenant in its own transaction';

function classify(analysis: StripAnalysis, map: RegionMap, from: number, end: number, options: StripOptions, t: NearToken, u: NearToken, state: { inAtomic: boolean }): void {
  const text = map.text;
  const first = firstWord(text, from, end, t);
  if (first === undefined) return;
  const start = first.start;
  const c = text.charCodeAt(start) | 32;
  // Only statements starting with these letters can be stripped: s(et/elect/tart), c(reate/omment/ommit), a(lter/bort),
  // g(rant), r(evoke/ollback), b(egin), e(nd).
  if (c !== 115 && c !== 99 && c !== 97 && c !== 103 && c !== 114 && c !== 98 && c !== 101 && c !== 100) return;
  const verb = verbOf(text, start, first.end - start);
  if (verb === '') return;
  const second = nextToken(map, first.end, u);
  if (verb === 'drop') {
    add(analysis, text, start, end, DROP_REASON);
    return;
  }
  if (verb === 'end') {
    // The END of a BEGIN ATOMIC function body (SQL-standard bodies) is part of CREATE FUNCTION: keep it.
    if (state.inAtomic) state.inAtomic = false;
    else if (endsTransactionWord(map, second, end)) add(analysis, text, start, end, TRANSACTION_CONTROL);
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
    if (verb === 'create' && (isWord(map, kind, 'function') || isWord(map, kind, 'procedure')) && /\bBEGIN\s+ATOMIC\b/i.test(text.slice(start, end))) {
      // Statements up to the matching END belong to the function body.
      state.inAtomic = !/\bEND\s*;$/i.test(text.slice(start, end));
      return;
    }
    if (verb === 'comment') {
      if (!isWord(map, kind, 'on')) return;
      const target = nextToken(map, kind.end, u);
      if (isWord(map, target, 'extension')) add(analysis, text, start, end, 'comment on an extension: extensions are per database');
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
      const owner = mayEndWithOwnerTo(text, start, end) ? /\bOWNER\s+TO\s+("(?:[^"]|"")+"|[^\s;]+)\s*;$/i.exec(text.slice(start, end)) : null;
      if (owner) {
        const role = unquote(owner[1] ?? '');
        if (!analysis.roles.includes(role)) analysis.roles.push(role);
        if (options.stripOwner) add(analysis, text, start, end, 'OWNER TO (stripped with --no-owner): objects belong to the provisioning role');
      }
    }
    return;
  }
  if (verb === 'grant' || verb === 'revoke') {
    // GRANT role TO role (no ON): role membership is cluster-wide.
    const body = text.slice(start, end);
    if (!/\bON\b/i.test(body)) add(analysis, text, start, end, 'role membership is cluster-wide');
  }
}

/**
 * A cheap necessary condition for the OWNER TO pattern at the end of text[start, end) (end just past `;`):
 * false only when the text plainly does not end in `TO role;` (most ALTER statements), so the regex runs
 * on the few that may. Anything unusual (a quoted role, non-ASCII text) is left to the regex.
 */
function mayEndWithOwnerTo(text: string, start: number, end: number): boolean {
  let q = end - 1; // the `;`
  while (q > start && isAsciiSpace(text.charCodeAt(q - 1))) q--;
  const last = text.charCodeAt(q - 1);
  if (last === 34 || last >= 128) return true;
  let a = q;
  for (; a > start; a--) {
    const c = text.charCodeAt(a - 1);
    if (c >= 128) return true;
    if (c === 59 || isAsciiSpace(c)) break;
  }
  if (a === q || a === start || !isAsciiSpace(text.charCodeAt(a - 1))) return false;
  let b = a - 1;
  while (b > start && isAsciiSpace(text.charCodeAt(b - 1))) b--;
  if (b > start && text.charCodeAt(b - 1) >= 128) return true;
  return b - 2 >= start && (text.charCodeAt(b - 1) | 32) === 111 && (text.charCodeAt(b - 2) | 32) === 116;
}

function isAsciiSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function nameOf(map: RegionMap, t: NearToken): string | undefined {
  if (t.kind === W.word) return map.text.slice(t.start, t.end).toLowerCase();
  if (t.kind === W.region && t.code === T.quotedIdentifier) return map.text.slice(t.start + 1, t.end - 1).replace(/""/g, '"');
  return undefined;
}

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase();
}
