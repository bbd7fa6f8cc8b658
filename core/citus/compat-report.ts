/**
 * What Citus refuses in a distributed schema, found in a tenant's SQL before
 * anything runs. The rules follow Citus 12/13's own checks
 * (commands/schema_based_sharding.c: foreign tables, inheritance, partitions
 * across schemas, foreign keys leaving the schema except to reference tables;
 * commands/table.c ErrorIfUnsupportedAlterTableStmt: the ALTER TABLE
 * subcommands it propagates; commands/trigger.c: triggers on distributed
 * tables only with citus.enable_unsafe_triggers) and what trying the corpus
 * and real-world schemas on a real cluster showed.
 *
 * Input is SQL rendered for one tenant name: pg_dump qualifies every name, so
 * "another schema" is any qualifier other than the tenant's.
 */
import { lex, significantTokens, type Token } from '../sql/lexer.js';
import { LineCursor } from '../sql/line-column.js';
import { readQualifiedName } from '../sql/read-qualified-name.js';
import { splitStatements } from '../sql/split-statements.js';
import { moveIdentityIntoCreateTable } from './identity-rewrite.js';

export type CitusFindingKind =
  | 'identity-alter'
  | 'alter-table-form'
  | 'foreign-key-elsewhere'
  | 'inheritance'
  | 'foreign-table'
  | 'partition-elsewhere'
  | 'trigger';

/** What Tenantry does about a finding. */
export type CitusHandling =
  /** Tenantry rewrites the statement into a form Citus accepts, with the same result. */
  | 'rewritten'
  /** Tenantry sets a Citus setting for the tenant's transaction only. */
  | 'setting'
  /** Accepted because the referenced table is a Citus reference table on this cluster. */
  | 'accepted'
  /** Citus would refuse it: distributed provisioning stops before any tenant (--local keeps tenants on the coordinator). */
  | 'refused';

export interface CitusFinding {
  kind: CitusFindingKind;
  /** 1-based line of the statement in the SQL. */
  line: number;
  /** The statement's first line, shortened. */
  statement: string;
  /** What Citus says (its error text, or why it would refuse). */
  citus: string;
  handling: CitusHandling;
  /** What Tenantry does, in one sentence. */
  tenantry: string;
}

export interface CitusCompatOptions {
  /** The tenant schema the SQL was rendered for. */
  tenantSchema: string;
  /** Tables (`schema.table`, unquoted parts) known to be Citus reference tables on the target; unknown offline. */
  referenceTables?: ReadonlySet<string>;
  /** How findings write the tenant schema's name (a snapshot's placeholder where the SQL was rendered for a probe name); default the name. */
  shownAs?: string;
}

const LOCAL_HINT = 'Distributed provisioning stops before any tenant; provision with --local to keep tenants on the coordinator, or change the template.';

function isWord(t: Token | undefined, ...words: string[]): boolean {
  return t?.kind === 'identifier' && words.includes(t.value ?? '');
}

function schemaOf(parts: readonly string[]): string | undefined {
  return parts.length >= 2 ? parts[parts.length - 2] : undefined;
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

/** Subcommands of one ALTER TABLE, split at top-level commas (each a token list). */
function splitSubcommands(tokens: readonly Token[], from: number): Token[][] {
  const out: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    if ((t.text === ',' && depth === 0) || (t.text === ';' && depth === 0)) {
      if (current.length) out.push(current);
      current = [];
      continue;
    }
    current.push(t);
  }
  if (current.length) out.push(current);
  return out;
}

/** The words of an ALTER TABLE subcommand Citus does not propagate (null when it does), e.g. "CLUSTER ON". */
function unsupportedAlterForm(sub: readonly Token[]): string | null {
  const w = (i: number) => (sub[i]?.kind === 'identifier' ? sub[i]!.value : undefined);
  switch (w(0)) {
    case 'add':
    case 'drop':
    case 'validate':
    case 'attach':
    case 'detach':
    case 'owner':
    case 'replica':
    case 'force':
    case 'no':
      if (w(0) === 'no' && w(1) === 'inherit') return 'NO INHERIT';
      if (w(0) === 'drop' && (w(1) === 'identity' || (w(2) === 'drop' && w(3) === 'identity') || (w(1) === 'column' && w(3) === 'drop' && w(4) === 'identity'))) return 'DROP IDENTITY';
      return null;
    case 'enable':
    case 'disable':
      if (w(1) === 'rule') return `${w(0)!.toUpperCase()} RULE`;
      return null;
    case 'reset':
      return null;
    case 'set':
      if (sub[1]?.text === '(' || w(1) === 'logged' || w(1) === 'unlogged') return null;
      return `SET ${(w(1) ?? '').toUpperCase()}${w(1) === 'without' ? ` ${(w(2) ?? '').toUpperCase()}` : ''}`.trim();
    case 'alter': {
      // ALTER [COLUMN] c …
      const at = w(1) === 'column' ? 3 : 2;
      if (w(1) === 'constraint') return 'ALTER CONSTRAINT';
      const verb = w(at);
      const next = w(at + 1);
      if (verb === 'type') return null;
      if (verb === 'set' && (next === 'data' || next === 'default' || next === 'not' || next === 'compression')) return null;
      if (verb === 'drop' && (next === 'default' || next === 'not')) return null;
      if (verb === 'add' && next === 'generated') return 'ADD GENERATED AS IDENTITY';
      if (verb === 'set' && sub[at + 1]?.text === '(') return 'ALTER COLUMN SET (attribute options)';
      return `ALTER COLUMN ${(verb ?? '').toUpperCase()} ${(next ?? '').toUpperCase()}`.trim();
    }
    case 'cluster':
      return 'CLUSTER ON';
    case 'inherit':
      return 'INHERIT';
    case 'of':
      return 'OF type';
    case 'not':
      return 'NOT OF';
    default:
      return (w(0) ?? sub[0]?.text ?? '').toUpperCase();
  }
}

/** Findings for one statement (significant tokens), appended to `out`. */
function inspectStatement(tokens: readonly Token[], text: string, line: number, options: CitusCompatOptions, identityMovable: boolean, out: CitusFinding[]): void {
  const tenant = options.tenantSchema;
  // Named before the statement is shortened, so a shortened statement never ends in part of the rendered name.
  const shown = (s: string) => (options.shownAs === undefined ? s : s.split(tenant).join(options.shownAs));
  const statement = firstLine(shown(text.slice(tokens[0]?.start ?? 0)));
  const add = (kind: CitusFindingKind, citus: string, handling: CitusHandling, tenantry: string) => out.push({ kind, line, statement, citus: shown(citus), handling, tenantry: shown(tenantry) });
  const fkTargets = () => {
    for (let i = 0; i < tokens.length; i++) {
      if (!isWord(tokens[i], 'references')) continue;
      const name = readQualifiedName(tokens, i + 1);
      const schema = name && schemaOf(name.parts);
      if (!name || schema === undefined || schema === tenant) continue;
      const target = name.parts.slice(-2).join('.');
      if (options.referenceTables?.has(target)) {
        add('foreign-key-elsewhere', `foreign key to ${target}, a reference table`, 'accepted', `Kept: ${target} is a Citus reference table on this cluster.`);
      } else {
        add(
          'foreign-key-elsewhere',
          `foreign keys from distributed schemas can only point to the same distributed schema or reference tables in regular schemas; referenced table "${name.parts[name.parts.length - 1]}" must be a distributed table or a reference table`,
          'refused',
          `${options.referenceTables ? `${target} is not a reference table on this cluster` : `Needs ${target} to be a Citus reference table (SELECT create_reference_table('${target}'))`}. ${LOCAL_HINT}`,
        );
      }
    }
  };
  if (isWord(tokens[0], 'create')) {
    let i = 1;
    if (isWord(tokens[i], 'foreign') && isWord(tokens[i + 1], 'table')) {
      add('foreign-table', 'cannot create a foreign table in a distributed schema', 'refused', LOCAL_HINT);
      return;
    }
    if (isWord(tokens[i], 'unlogged')) i++;
    if (isWord(tokens[i], 'or') || isWord(tokens[i], 'constraint')) {
      // CREATE [OR REPLACE] [CONSTRAINT] TRIGGER
      while (i < tokens.length && !isWord(tokens[i], 'trigger') && !isWord(tokens[i], 'function', 'view', 'procedure', 'rule', 'aggregate')) i++;
    }
    if (isWord(tokens[i], 'trigger')) {
      add('trigger', 'triggers are not supported on distributed tables (unless citus.enable_unsafe_triggers is on)', 'setting', 'Tenantry sets citus.enable_unsafe_triggers for the tenant\'s transaction; the trigger runs on the worker that holds the tenant, next to its rows (a bigint sequence default it evaluates there counts from that worker\'s range, groupid << 48, not from 1).');
      return;
    }
    if (!isWord(tokens[i], 'table')) return;
    const name = readQualifiedName(tokens, i + 1);
    if (!name) return;
    for (let k = name.next; k < tokens.length; k++) {
      if (isWord(tokens[k], 'inherits') && tokens[k + 1]?.text === '(') {
        add('inheritance', 'tables in a distributed schema cannot inherit or be inherited', 'refused', LOCAL_HINT);
        break;
      }
    }
    if (isWord(tokens[name.next], 'partition') && isWord(tokens[name.next + 1], 'of')) {
      const parent = readQualifiedName(tokens, name.next + 2);
      if (parent && schemaOf(parent.parts) !== schemaOf(name.parts)) {
        add('partition-elsewhere', 'partitioning within a distributed schema is not supported when the parent and the child are in different schemas', 'refused', LOCAL_HINT);
      }
    }
    fkTargets();
    return;
  }
  if (!isWord(tokens[0], 'alter') || !isWord(tokens[1], 'table')) return;
  let i = 2;
  if (isWord(tokens[i], 'if') && isWord(tokens[i + 1], 'exists')) i += 2;
  if (isWord(tokens[i], 'only')) i++;
  const name = readQualifiedName(tokens, i);
  if (!name || schemaOf(name.parts) !== tenant) return;
  // RENAME and SET SCHEMA are statements of their own kind in PostgreSQL (not AlterTableStmt subcommands).
  if (isWord(tokens[name.next], 'rename') || (isWord(tokens[name.next], 'set') && isWord(tokens[name.next + 1], 'schema'))) return;
  for (const sub of splitSubcommands(tokens, name.next)) {
    const form = unsupportedAlterForm(sub);
    if (form === 'ADD GENERATED AS IDENTITY') {
      if (identityMovable) add('identity-alter', 'alter table command is currently unsupported (ADD GENERATED … AS IDENTITY)', 'rewritten', 'Tenantry declares the identity column in its CREATE TABLE instead (same column, same sequence name and options); verify compares the result with the template.');
      else add('identity-alter', 'alter table command is currently unsupported (ADD GENERATED … AS IDENTITY)', 'refused', `Its CREATE TABLE is not a plain column list Tenantry can move the identity into. ${LOCAL_HINT}`);
    } else if (form === 'INHERIT' || form === 'NO INHERIT') {
      add('inheritance', 'tables in a distributed schema cannot inherit or be inherited', 'refused', LOCAL_HINT);
    } else if (form !== null) {
      add('alter-table-form', `alter table command is currently unsupported (${form})`, 'refused', LOCAL_HINT);
    }
    if (isWord(sub[0], 'attach') && isWord(sub[1], 'partition')) {
      const child = readQualifiedName(sub, 2);
      if (child && schemaOf(child.parts) !== tenant) add('partition-elsewhere', 'partitioning within a distributed schema is not supported when the parent and the child are in different schemas', 'refused', LOCAL_HINT);
    }
  }
  fkTargets();
}

/** Every statement of `sql` Citus refuses (or accepts only with Tenantry's help) in a distributed schema, in order. */
export function findCitusFindings(sql: string, options: CitusCompatOptions): CitusFinding[] {
  const out: CitusFinding[] = [];
  const movable = new Set(moveIdentityIntoCreateTable(sql).moved.map((m) => m.line));
  const lines = new LineCursor(sql);
  for (const s of splitStatements(sql)) {
    if (s.kind !== 'sql') continue;
    if (!/^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*(?:create|alter)\b/i.test(s.text)) continue;
    const tokens = significantTokens(lex(s.text));
    const first = tokens[0];
    if (!first) continue;
    const line = lines.moveTo(s.start + first.start);
    inspectStatement(tokens, s.text, line, options, movable.has(line), out);
  }
  return out;
}

/** Whether any finding stops distributed provisioning. */
export function hasRefusals(findings: readonly CitusFinding[]): boolean {
  return findings.some((f) => f.handling === 'refused');
}

/** Plain-text lines for a report: `line N: statement — Citus: … — Tenantry: …`. */
export function formatCitusFindings(findings: readonly CitusFinding[]): string[] {
  if (findings.length === 0) return ['Citus: nothing in this snapshot is refused in a distributed schema.'];
  return findings.map((f) => `line ${f.line}: ${f.statement}\n    Citus: ${f.citus}\n    Tenantry: ${f.handling} — ${f.tenantry}`);
}
