/**
 * Citus refuses `ALTER TABLE … ALTER COLUMN c ADD GENERATED … AS IDENTITY` on a
 * table of a distributed schema ("alter table command is currently
 * unsupported": AT_AddIdentity is not among the subcommands it propagates),
 * and that is how pg_dump writes every identity column. The same column
 * declared in CREATE TABLE is accepted, and gives the same catalog: the
 * column's attidentity and its sequence (name and options come along in the
 * SEQUENCE NAME … clause). This moves each such ALTER into its CREATE TABLE.
 */
import { lex, significantTokens, type Token } from '../sql/lexer.js';
import { LineCursor } from '../sql/line-column.js';
import { readQualifiedName } from '../sql/read-qualified-name.js';
import { splitStatements } from '../sql/split-statements.js';

/** One identity column moved from its ALTER TABLE into the column definition of its CREATE TABLE. */
export interface IdentityMove {
  table: string;
  column: string;
  /** 1-based line of the ALTER TABLE statement in the input. */
  line: number;
}

/** An identity ALTER TABLE left in place (its CREATE TABLE was not found in the same text, or is not a plain column list). */
export interface IdentityKept {
  table: string;
  column: string;
  line: number;
}

export interface IdentityRewrite {
  sql: string;
  moved: IdentityMove[];
  kept: IdentityKept[];
}

function isWord(t: Token | undefined, word: string): boolean {
  return t?.kind === 'identifier' && t.value === word;
}

interface IdentityAlter {
  table: string;
  column: string;
  /** The identity clause, `GENERATED … AS IDENTITY [(…)]`, as written. */
  clause: string;
  /** Offset of ALTER in the statement text (after leading comments). */
  offset: number;
}

/** Reads `ALTER TABLE [ONLY] t ALTER [COLUMN] c ADD GENERATED {ALWAYS|BY DEFAULT} AS IDENTITY [(…)]` (nothing else). */
function readIdentityAlter(text: string): IdentityAlter | undefined {
  if (!/\bidentity\b/i.test(text)) return undefined;
  const tokens = significantTokens(lex(text));
  if (!isWord(tokens[0], 'alter') || !isWord(tokens[1], 'table')) return undefined;
  let i = 2;
  if (isWord(tokens[i], 'only')) i++;
  const table = readQualifiedName(tokens, i);
  if (!table) return undefined;
  i = table.next;
  if (!isWord(tokens[i], 'alter')) return undefined;
  i++;
  if (isWord(tokens[i], 'column')) i++;
  const column = tokens[i];
  if (!column || (column.kind !== 'identifier' && column.kind !== 'quoted-identifier')) return undefined;
  i++;
  if (!isWord(tokens[i], 'add') || !isWord(tokens[i + 1], 'generated')) return undefined;
  const clauseStart = tokens[i + 1]!.start;
  // The clause runs to the statement's `;` (or its end): nothing but the identity options may follow.
  let end = text.length;
  let depth = 0;
  for (let k = i + 2; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind === 'punctuation' && t.text === '(') depth++;
    else if (t.kind === 'punctuation' && t.text === ')') depth--;
    else if (t.kind === 'punctuation' && t.text === ';' && depth === 0) {
      end = t.start;
      if (k !== tokens.length - 1) return undefined;
      break;
    } else if (t.kind === 'punctuation' && t.text === ',' && depth === 0) return undefined; // a second subcommand
  }
  return { table: table.parts.join('.'), column: column.value ?? column.text, clause: text.slice(clauseStart, end).trim(), offset: tokens[0]!.start };
}

interface CreateTable {
  table: string;
  /** Offset in the statement text where each column definition ends (before its `,` or `)`), by column name. */
  columnEnds: Map<string, number>;
}

/** Reads `CREATE [UNLOGGED] TABLE t (col …, …)`; undefined for anything else (PARTITION OF, OF type, AS …). */
function readCreateTable(text: string): CreateTable | undefined {
  if (!/\bcreate\s+(?:unlogged\s+)?table\b/i.test(text)) return undefined;
  const tokens = significantTokens(lex(text));
  if (!isWord(tokens[0], 'create')) return undefined;
  let i = 1;
  if (isWord(tokens[i], 'unlogged')) i++;
  if (!isWord(tokens[i], 'table')) return undefined;
  i++;
  if (isWord(tokens[i], 'if')) i += 3;
  const table = readQualifiedName(tokens, i);
  if (!table) return undefined;
  i = table.next;
  if (tokens[i]?.text !== '(') return undefined;
  const columnEnds = new Map<string, number>();
  let depth = 0;
  let current: string | undefined;
  let atElementStart = true;
  for (let k = i; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind === 'punctuation' && t.text === '(') {
      depth++;
      if (depth === 1) {
        atElementStart = true;
        continue;
      }
    } else if (t.kind === 'punctuation' && t.text === ')') {
      depth--;
      if (depth === 0) {
        if (current !== undefined) columnEnds.set(current, tokens[k - 1]!.end);
        break;
      }
    } else if (t.kind === 'punctuation' && t.text === ',' && depth === 1) {
      if (current !== undefined) columnEnds.set(current, tokens[k - 1]!.end);
      current = undefined;
      atElementStart = true;
      continue;
    }
    if (atElementStart && depth === 1) {
      atElementStart = false;
      const isConstraint = t.kind === 'identifier' && ['constraint', 'check', 'unique', 'primary', 'foreign', 'exclude', 'like'].includes(t.value ?? '');
      current = isConstraint || (t.kind !== 'identifier' && t.kind !== 'quoted-identifier') ? undefined : (t.value ?? t.text);
    }
  }
  return { table: table.parts.join('.'), columnEnds };
}

/** Quick test: whether the SQL can hold an identity ALTER at all (most snapshots have none). */
export function mayAddIdentity(sql: string): boolean {
  return /add\s+generated/i.test(sql);
}

/**
 * Moves every `ALTER TABLE t ALTER COLUMN c ADD GENERATED … AS IDENTITY (…)` into
 * the definition of column c in `CREATE TABLE t (…)` earlier in the same SQL, and
 * drops the ALTER. Statements that do not match exactly are left as they are.
 */
export function moveIdentityIntoCreateTable(sql: string): IdentityRewrite {
  if (!mayAddIdentity(sql)) return { sql, moved: [], kept: [] };
  const statements = splitStatements(sql).filter((s) => s.kind === 'sql');
  const creates = new Map<string, { start: number; create: CreateTable }>();
  /** Insertions into CREATE TABLE texts and removals of ALTERs, as [offset, deleteUntil, insert]. */
  const edits: [number, number, string][] = [];
  const moved: IdentityMove[] = [];
  const kept: IdentityKept[] = [];
  const lines = new LineCursor(sql);
  for (const s of statements) {
    const create = readCreateTable(s.text);
    if (create) {
      creates.set(create.table, { start: s.start, create });
      continue;
    }
    const alter = readIdentityAlter(s.text);
    if (!alter) continue;
    const line = lines.moveTo(s.start + alter.offset);
    const target = creates.get(alter.table);
    const columnEnd = target?.create.columnEnds.get(alter.column);
    if (!target || columnEnd === undefined) {
      kept.push({ table: alter.table, column: alter.column, line });
      continue;
    }
    // One line: the column definition keeps its line, so line numbers of later statements move by the ALTER's lines only.
    edits.push([target.start + columnEnd, target.start + columnEnd, ` ${alter.clause.replace(/\s*\n\s*/g, ' ')}`]);
    edits.push([s.start, s.end, '']);
    moved.push({ table: alter.table, column: alter.column, line });
  }
  if (edits.length === 0) return { sql, moved, kept };
  edits.sort((a, b) => a[0] - b[0]);
  let out = '';
  let last = 0;
  for (const [from, to, insert] of edits) {
    out += sql.slice(last, from) + insert;
    last = to;
  }
  out += sql.slice(last);
  return { sql: out, moved, kept };
}
