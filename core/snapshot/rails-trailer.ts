/**
 * Rails' `db:structure:dump` ends structure.sql with its migration ledger:
 *
 *   SET search_path TO "$user", public;
 *   INSERT INTO "schema_migrations" (version) VALUES ('20220525122759'), …;
 *
 * The SET would change the session's search_path and the INSERT names the
 * table unqualified, so containment refuses both. A DBA expects the ledger to
 * be carried into every tenant (the app must not re-run its migrations): the
 * SET is stripped and each ledger INSERT is qualified with the template schema,
 * which templating then replaces with the placeholder like every other name.
 * Only this exact shape at the end of the dump is rewritten; anything else
 * after the SET leaves the dump as it is (containment then says why).
 */
import { CARRIAGE_RETURN, NEWLINE, SPACE, TAB } from '../sql/char-codes.js';
import { quoteIdentifier, quoteIdentifierAlways } from '../sql/quote.js';
import { SqlScanner, T } from '../sql/scanner.js';
import { decodeTokenValue } from '../sql/token-value.js';

/** The ledger tables Rails writes in its trailer. */
export const RAILS_LEDGER_TABLES: readonly string[] = ['schema_migrations', 'ar_internal_metadata'];

export interface RailsTrailer {
  /** The dump with each ledger INSERT's table qualified by the template schema (no line added or removed). */
  sql: string;
  /** The SET search_path statement in sql, with the rest of its line: [start, end). */
  set: { start: number; end: number };
  /** Offsets in sql of the qualifiers added (each must stand in plain SQL for the rewrite to hold). */
  qualified: number[];
  /** Ledger tables the trailer inserts into, in order of first use. */
  tables: string[];
  /** Rows inserted (VALUES tuples). */
  rows: number;
}

interface Token {
  code: number;
  start: number;
  end: number;
}

/** The Rails ledger trailer of a dump of `schema`, rewritten (see the file comment); undefined when the dump has none. */
export function findRailsTrailer(sql: string, schema: string): RailsTrailer | undefined {
  const at = sql.lastIndexOf('search_path');
  if (at === -1) return undefined;
  const lineStart = sql.lastIndexOf('\n', at) + 1;
  let tokens: Token[];
  let set: ReturnType<typeof readSet>;
  try {
    // The SET's own tokens first: the last search_path of most dumps is no SET (pg_dump's set_config, a function's
    // SET clause), and every token object to the end of a dump (GitLab: 3 MB) cost more than the rest of templating.
    set = readSet(sql, significantTokens(sql, lineStart, true), schema);
    if (set === undefined) return undefined;
    tokens = significantTokens(sql, lineStart);
  } catch {
    return undefined; // an unterminated string or comment: no trailer of ours
  }
  const inserts: { name: Token; table: string }[] = [];
  let rows = 0;
  let i = set.next;
  while (i < tokens.length) {
    const insert = readInsert(sql, tokens, i);
    if (insert === undefined) return undefined;
    inserts.push({ name: tokens[i + 2] as Token, table: insert.table });
    rows += insert.rows;
    i = insert.next;
  }
  if (inserts.length === 0) return undefined;
  const tables = [...new Set(inserts.map((x) => x.table))];
  if (!tables.every((t) => createsTable(sql, schema, t))) return undefined;
  // Qualify from the end so earlier offsets stay valid; then shift the recorded offsets.
  const qualifier = `${quoteIdentifier(schema)}.`;
  let out = sql;
  for (let k = inserts.length - 1; k >= 0; k--) {
    const s = (inserts[k] as { name: Token }).name.start;
    out = out.slice(0, s) + qualifier + out.slice(s);
  }
  const qualified = inserts.map((x, k) => x.name.start + k * qualifier.length);
  return { sql: out, set: { start: set.start, end: lineEnd(sql, set.end) }, qualified, tables, rows };
}

/** Tokens of sql[from…] other than white space and comments (firstStatement: up to its first `;`); refuses meta-commands and COPY data. */
function significantTokens(sql: string, from: number, firstStatement = false): Token[] {
  const out: Token[] = [];
  const scanner = new SqlScanner(sql, from);
  for (let code = scanner.next(); code !== -1; code = scanner.next()) {
    if (code === T.whitespace || code === T.lineComment || code === T.blockComment) continue;
    if (code === T.metaCommand || code === T.copyData) throw new Error('not a trailer');
    const token = { code, start: scanner.start, end: scanner.end };
    out.push(token);
    if (firstStatement && isChar(sql, token, ';')) break;
  }
  return out;
}

function isWord(sql: string, t: Token | undefined, word: string): boolean {
  return t !== undefined && t.code === T.identifier && t.end - t.start === word.length && sql.slice(t.start, t.end).toLowerCase() === word;
}

function isChar(sql: string, t: Token | undefined, c: string): boolean {
  return t !== undefined && (t.code === T.punctuation || t.code === T.operator) && t.end - t.start === 1 && sql[t.start] === c;
}

/** `SET [SESSION] search_path {TO|=} a, b, …;` naming the schema: its extent and the index of the token after it. */
function readSet(sql: string, tokens: Token[], schema: string): { start: number; end: number; next: number } | undefined {
  let i = 0;
  if (!isWord(sql, tokens[i], 'set')) return undefined;
  i++;
  if (isWord(sql, tokens[i], 'session')) i++;
  if (!isWord(sql, tokens[i], 'search_path')) return undefined;
  i++;
  if (!isWord(sql, tokens[i], 'to') && !isChar(sql, tokens[i], '=')) return undefined;
  i++;
  const names: string[] = [];
  for (;;) {
    const t = tokens[i];
    if (t === undefined || (t.code !== T.identifier && t.code !== T.quotedIdentifier && t.code !== T.string)) return undefined;
    names.push(decodeTokenValue(t.code, sql.slice(t.start, t.end)) ?? '');
    i++;
    if (isChar(sql, tokens[i], ',')) i++;
    else break;
  }
  if (!isChar(sql, tokens[i], ';') || !names.includes(schema)) return undefined;
  return { start: (tokens[0] as Token).start, end: (tokens[i] as Token).end, next: i + 1 };
}

/** `INSERT INTO ledger_table (…) VALUES (…), …;` with the table unqualified: its table, rows and the next index. */
function readInsert(sql: string, tokens: Token[], i: number): { table: string; rows: number; next: number } | undefined {
  if (!isWord(sql, tokens[i], 'insert') || !isWord(sql, tokens[i + 1], 'into')) return undefined;
  const name = tokens[i + 2];
  if (name === undefined || (name.code !== T.identifier && name.code !== T.quotedIdentifier) || isChar(sql, tokens[i + 3], '.')) return undefined;
  const table = decodeTokenValue(name.code, sql.slice(name.start, name.end)) ?? '';
  if (!RAILS_LEDGER_TABLES.includes(table)) return undefined;
  let depth = 0;
  let rows = 0;
  let values = false;
  for (let k = i + 3; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (isChar(sql, t, '(')) {
      if (depth === 0 && values) rows++;
      depth++;
    } else if (isChar(sql, t, ')')) depth--;
    else if (depth === 0 && isWord(sql, t, 'values')) values = true;
    else if (depth === 0 && isChar(sql, t, ';')) return values && rows > 0 ? { table, rows, next: k + 1 } : undefined;
  }
  return undefined;
}

/** Whether the dump creates schema.table (pg_dump and Rails both write CREATE TABLE schema.table (). */
function createsTable(sql: string, schema: string, table: string): boolean {
  for (const s of new Set([quoteIdentifier(schema), quoteIdentifierAlways(schema)])) {
    for (const t of new Set([quoteIdentifier(table), quoteIdentifierAlways(table)])) {
      if (sql.includes(`CREATE TABLE ${s}.${t} (`)) return true;
    }
  }
  return false;
}

/** end, or past the rest of its line when that is only white space (so the stripped line disappears whole). */
function lineEnd(sql: string, end: number): number {
  let e = end;
  while (e < sql.length && (sql.charCodeAt(e) === SPACE || sql.charCodeAt(e) === TAB || sql.charCodeAt(e) === CARRIAGE_RETURN)) e++;
  return sql.charCodeAt(e) === NEWLINE ? e + 1 : end;
}
