/**
 * Whether a migration step needs the tenant's schema on search_path (issue 15:
 * setting it costs a rollout ~5 % of the server's time: with the tenant on the
 * path, a CREATE OR REPLACE FUNCTION's compile checks the name's visibility,
 * which reads every same-named function of the fleet).
 *
 * Tenantry runs a migration with `search_path = <tenant>, public` (unqualified
 * names mean the tenant's objects). Without the tenant on it, the path is
 * `public` (the runner makes sure of that), so the only difference is the
 * tenant schema's objects. A step can run without it when, statement by
 * statement:
 *
 * - nothing is created under an unqualified name (an unqualified CREATE TABLE
 *   would land in public instead of the tenant): every creating statement names
 *   its object schema-qualified with the tenant, or creates what PostgreSQL
 *   always puts beside its table (an index, a trigger);
 * - the statement is DDL of a known shape that runs no code of the database's
 *   own beyond what it names (no DML: triggers; no ALTER TABLE that rewrites or
 *   re-validates a table: index expressions, constraints; no function call in an
 *   ALTER TABLE but `now()`: a volatile default rewrites the table; the tenant's
 *   own functions and types named only where they run nothing), and nothing
 *   that observes the path (current_schema, reg* output, SET … FROM CURRENT);
 * - a function body (PL/pgSQL only) runs later with the caller's settings; its
 *   validation at creation resolves the types of a DECLARE section, so a body
 *   with one keeps the path;
 * - every unqualified name left (`names`, and `operators`) names nothing in the
 *   tenant's schema: that is a fact of the database, checked by the runner
 *   before the run (rollout-path.ts), together with the code such names could
 *   run elsewhere.
 *
 * When in doubt the answer is 'needed'. Pure: the step as rendered for a probe
 * schema name, no catalog.
 */
import { lex, significantTokens, type Token } from '../sql/lexer.js';
import { splitStatements } from '../sql/split-statements.js';

/**
 * 'needed', or the unqualified names (and operators) the runner checks, and the names the step may create in the
 * tenant's schema (qualified names, indexes, constraints, new names of a rename): a later statement's unqualified name
 * that could be one of them, or derived from one (PostgreSQL names a serial's sequence `<table>_<column>_seq`), would
 * not be seen by a check made before the run (planSearchPath).
 */
export type SearchPathUse = { needed: true; reason: string } | { needed: false; names: string[]; operators: string[]; created: string[] };

/** Reserved keywords (PostgreSQL's category R): never an unqualified object name, so never resolved through the path. */
const RESERVED = new Set(
  ('all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date ' +
    'current_role current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign ' +
    'from grant group having in initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order ' +
    'placing primary references returning select session_user some symmetric system_user table then to trailing true union unique user ' +
    'using variadic when where window with').split(' '),
);

/** Words that observe or capture the path (their result would differ), or read names from text at run time. */
const PATH_WORDS = /^(?:current_schemas?|search_path|current|reg(?:class|type|proc|procedure|oper|operator|config|dictionary|namespace|role|collation)|to_reg\w*|pg_get_\w+|format_type|pg_describe_object|pg_identify_object\w*|\w+_is_visible)$/;

/** ALTER TABLE actions that rewrite or re-validate a table, or change what it is (they run the table's own code). */
const ALTER_TABLE_FORBIDDEN = new Set(
  'type using generated identity validate attach detach inherit logged unlogged access expression cluster enable disable replica tablespace of schema serial serial2 serial4 serial8 bigserial smallserial smallserial2'.split(' '),
);

/** Words an ALTER TABLE may follow with `(`: type modifiers, KEY (cols), SET/RESET (storage parameters), INCLUDE (cols) and now(). */
const ALTER_TABLE_CALLS = new Set('varchar varying numeric decimal char character bit timestamp time interval float key now set reset include'.split(' '));

const FUNCTION_OPTION_WORDS = new Set(
  'returns setof language immutable stable volatile leakproof strict called input security definer invoker parallel safe unsafe restricted cost rows window external'.split(' '),
);

/** Where a step's text can be judged: the probe schema's name written where the placeholder was. */
export function findSearchPathUse(sql: string, probe: string): SearchPathUse {
  const names = new Set<string>();
  const operators = new Set<string>();
  const created = new Set<string>();
  let statements;
  try {
    statements = splitStatements(sql);
  } catch {
    return { needed: true, reason: 'the text does not split into statements' };
  }
  for (const s of statements) {
    if (s.kind !== 'sql') return { needed: true, reason: 'a psql meta-command or COPY data' };
    let tokens: Token[];
    try {
      tokens = significantTokens(lex(s.text)).filter((t) => !(t.kind === 'punctuation' && t.text === ';'));
    } catch {
      return { needed: true, reason: 'a statement does not lex' };
    }
    if (tokens.length === 0) continue;
    const reason = judgeStatement(tokens, probe, names, operators, created);
    if (reason !== undefined) return { needed: true, reason: `${reason}: ${s.text.trim().slice(0, 80)}` };
  }
  return { needed: false, names: [...names].sort(), operators: [...operators].sort(), created: [...created].sort() };
}

const word = (t: Token | undefined): string | undefined => (t?.kind === 'identifier' ? t.value : undefined);
const isName = (t: Token | undefined): boolean => t?.kind === 'identifier' || t?.kind === 'quoted-identifier';
const isPunct = (t: Token | undefined, p: string): boolean => t?.kind === 'punctuation' && t.text === p;

/** Undefined when the statement is judged path-free (its names added), else why not. */
function judgeStatement(t: Token[], probe: string, names: Set<string>, operators: Set<string>, created: Set<string>): string | undefined {
  // Tokens of names qualified with the probe schema (the tenant), each chain's first token marked with its length.
  const qualified = new Uint8Array(t.length);
  const qualifiedStarts = new Set<number>();
  // Tokens that are not resolved through the path (the statement's own grammar, names of columns, constraints, indexes).
  const skip = new Uint8Array(t.length);
  for (let i = 0; i < t.length; i++) {
    const tok = t[i] as Token;
    if (isName(tok) && tok.value === probe) {
      if (!isPunct(t[i + 1], '.')) return 'the tenant schema named alone';
      qualifiedStarts.add(i);
      qualified[i] = 1;
      let j = i + 1;
      while (isPunct(t[j], '.') && (isName(t[j + 1]) || t[j + 1]?.kind === 'operator')) {
        qualified[j] = qualified[j + 1] = 1;
        created.add(t[j + 1]?.value ?? t[j + 1]?.text ?? '');
        j += 2;
      }
      i = j - 1;
    }
  }
  for (const tok of t) {
    const w = word(tok);
    if (w !== undefined && PATH_WORDS.test(w)) return `${w} depends on the path`;
    if (tok.kind === 'quoted-identifier' && tok.value !== probe && PATH_WORDS.test(tok.value ?? '')) return `${tok.text} depends on the path`;
  }
  const w0 = word(t[0]);
  const w1 = word(t[1]);
  let i = 0;
  let body = -1;
  const expectQualifiedAt = (k: number): boolean => qualifiedStarts.has(k);
  if (w0 === 'alter' && w1 === 'table') {
    i = 2;
    if (word(t[i]) === 'if' && word(t[i + 1]) === 'exists') i += 2;
    if (word(t[i]) === 'only') i++;
    if (!expectQualifiedAt(i)) return 'ALTER TABLE of a table not qualified with the tenant';
    const reason = judgeAlterTable(t, i, qualified, qualifiedStarts, skip);
    if (reason !== undefined) return reason;
  } else if (w0 === 'create' && (w1 === 'index' || (w1 === 'unique' && word(t[2]) === 'index'))) {
    i = w1 === 'unique' ? 3 : 2;
    if (word(t[i]) === 'concurrently') i++;
    if (word(t[i]) === 'if' && word(t[i + 1]) === 'not' && word(t[i + 2]) === 'exists') i += 3;
    // The index's name: PostgreSQL puts the index in its table's schema.
    if (word(t[i]) !== 'on') {
      created.add(t[i]?.value ?? '');
      skip[i++] = 1;
    }
    if (word(t[i]) !== 'on') return 'CREATE INDEX of an unexpected shape';
    i++;
    if (word(t[i]) === 'only') i++;
    if (!expectQualifiedAt(i)) return 'CREATE INDEX on a table not qualified with the tenant';
    const reason = onlyQualifiedAt(t, qualifiedStarts, [i]);
    if (reason !== undefined) return reason;
    skipPlainColumns(t, i, skip);
  } else if (w0 === 'create' && (w1 === 'function' || w1 === 'procedure' || (w1 === 'or' && word(t[2]) === 'replace' && (word(t[3]) === 'function' || word(t[3]) === 'procedure')))) {
    i = w1 === 'or' ? 4 : 2;
    if (!expectQualifiedAt(i)) return 'a function not qualified with the tenant';
    const found = judgeFunction(t, i, skip);
    if (typeof found === 'string') return found;
    body = found;
  } else if (w0 === 'create' && ['table', 'sequence', 'type', 'domain', 'view'].includes(w1 ?? '') || (w0 === 'create' && w1 === 'or' && word(t[2]) === 'replace' && word(t[3]) === 'view')) {
    i = w1 === 'or' ? 4 : 2;
    if (word(t[i]) === 'if' && word(t[i + 1]) === 'not' && word(t[i + 2]) === 'exists') i += 3;
    if (!expectQualifiedAt(i)) return `CREATE ${(w1 === 'or' ? 'view' : w1 ?? '').toUpperCase()} not qualified with the tenant`;
    if (w1 === 'table') {
      let depth = 0;
      for (const tok of t) {
        if (isPunct(tok, '(')) depth++;
        else if (isPunct(tok, ')')) depth--;
        else if (depth === 0 && ['as', 'of'].includes(word(tok) ?? '')) return 'CREATE TABLE … AS or OF (it runs a query or attaches a partition)';
      }
      skipColumnDefinitions(t, i, skip);
    }
  } else if (w0 === 'create' && (w1 === 'trigger' || (w1 === 'constraint' && word(t[2]) === 'trigger') || (w1 === 'or' && word(t[2]) === 'replace' && word(t[3]) === 'trigger'))) {
    i = w1 === 'trigger' ? 2 : w1 === 'constraint' ? 3 : 4;
    // The trigger's name: it belongs to its table.
    skip[i] = 1;
  } else if (w0 === 'comment' && w1 === 'on') {
    // The comment's text is not a name.
    const is = t.findIndex((tok) => word(tok) === 'is');
    if (is !== -1) skip.fill(1, is);
    i = 2;
  } else if (w0 === 'drop' && ['table', 'index', 'view', 'sequence', 'function', 'procedure', 'type', 'domain', 'trigger'].includes(w1 ?? '')) {
    // Drops run no code (event triggers are checked by the runner).
    i = 2;
  } else if (w0 === 'alter' && ['index', 'sequence', 'view', 'function', 'procedure', 'type', 'trigger'].includes(w1 ?? '')) {
    if (t.some((tok) => word(tok) === 'cascade')) return 'ALTER … CASCADE rewrites the tables that use it';
    i = 2;
  } else if (w0 === 'grant' || w0 === 'revoke') {
    // Privileges run no code.
    i = 1;
  } else {
    return 'a statement other than DDL of a known shape';
  }
  // Constraints (UNIQUE and PRIMARY KEY ones are indexes too) and the new names of renames.
  for (let k = 1; k < t.length; k++) if ((word(t[k - 1]) === 'constraint' || word(t[k - 1]) === 'to') && isName(t[k])) created.add(t[k]?.value ?? '');
  // The statement's leading words are its grammar.
  for (let k = 0; k < Math.min(i, t.length); k++) if (!qualified[k]) skip[k] = 1;
  collectNames(t, qualified, skip, body, names, operators);
  return undefined;
}

/** ALTER TABLE: actions that rewrite or validate a table refused, the names of columns and constraints skipped. */
function judgeAlterTable(t: Token[], head: number, qualified: Uint8Array, qualifiedStarts: Set<number>, skip: Uint8Array): string | undefined {
  const allowed = [head];
  for (let k = head; k < t.length; k++) {
    const w = word(t[k]);
    if (w !== undefined && !qualified[k] && ALTER_TABLE_FORBIDDEN.has(w)) return `ALTER TABLE … ${w.toUpperCase()} may rewrite or re-check the table`;
    if (w === 'references') allowed.push(k + 1);
    if (isPunct(t[k + 1], '(') && !qualified[k] && word(t[k - 1]) !== 'references' && (t[k]?.kind === 'quoted-identifier' || (w !== undefined && !RESERVED.has(w) && !ALTER_TABLE_CALLS.has(w)))) {
      return `ALTER TABLE calling ${t[k]?.text ?? ''}() (a volatile default rewrites the table)`;
    }
  }
  const reason = onlyQualifiedAt(t, qualifiedStarts, allowed);
  if (reason !== undefined) return reason;
  // Column and constraint names after the words that introduce them (the first action follows the table's name).
  let first = head;
  while (qualified[first]) first++;
  for (let k = first; k < t.length; k++) {
    const w = word(t[k]);
    const atAction = k === first || isPunct(t[k - 1], ',');
    let n = -1;
    if (atAction && w === 'add') {
      n = k + 1;
      if (word(t[n]) === 'column') n++;
      if (word(t[n]) === 'if' && word(t[n + 1]) === 'not' && word(t[n + 2]) === 'exists') n += 3;
      if (['constraint', 'primary', 'unique', 'foreign', 'check', 'exclude'].includes(word(t[n]) ?? '')) n = -1;
    } else if (atAction && (w === 'drop' || w === 'alter' || w === 'rename')) {
      n = k + 1;
      if (word(t[n]) === 'column' || word(t[n]) === 'constraint') n++;
      if (word(t[n]) === 'if' && word(t[n + 1]) === 'exists') n += 2;
      if (w === 'rename' && word(t[n]) === 'to') n = -1;
    } else if (w === 'constraint' || (w === 'to' && word(t[first]) === 'rename')) {
      n = k + 1;
    }
    if (n !== -1 && isName(t[n]) && !qualified[n]) skip[n] = 1;
  }
  return undefined;
}

/** Names qualified with the tenant only at the positions given (where they run no code: the table altered or referenced). */
function onlyQualifiedAt(t: Token[], qualifiedStarts: Set<number>, allowed: number[]): string | undefined {
  for (const k of qualifiedStarts) if (!allowed.includes(k)) return `${t.slice(k, k + 3).map((x) => x.text).join('')} of the tenant may run its code`;
  return undefined;
}

/** CREATE INDEX: the plain columns of its list (a single name, maybe ASC/DESC/NULLS …) are not resolved through the path. */
function skipPlainColumns(t: Token[], table: number, skip: Uint8Array): void {
  let k = table;
  while (k < t.length && !isPunct(t[k], '(')) k++;
  let depth = 0;
  let elementStart = k + 1;
  for (; k < t.length; k++) {
    if (isPunct(t[k], '(')) depth++;
    else if (isPunct(t[k], ')') || (depth === 1 && isPunct(t[k], ','))) {
      if (depth === 1 && isName(t[elementStart])) {
        const rest = t.slice(elementStart + 1, k).map(word);
        if (rest.every((w) => w === 'asc' || w === 'desc' || w === 'nulls' || w === 'first' || w === 'last')) skip[elementStart] = 1;
      }
      elementStart = k + 1;
      if (isPunct(t[k], ')') && --depth === 0) return;
    }
  }
}

/** CREATE TABLE: each column's name (the first word of an element that is not a table constraint). */
function skipColumnDefinitions(t: Token[], table: number, skip: Uint8Array): void {
  let k = table;
  while (k < t.length && !isPunct(t[k], '(')) k++;
  let depth = 0;
  for (; k < t.length; k++) {
    if (isPunct(t[k], '(')) {
      if (++depth === 1 && isName(t[k + 1]) && !['constraint', 'primary', 'unique', 'foreign', 'check', 'exclude', 'like'].includes(word(t[k + 1]) ?? '')) skip[k + 1] = 1;
    } else if (isPunct(t[k], ')')) {
      if (--depth === 0) return;
    } else if (depth === 1 && isPunct(t[k], ',') && isName(t[k + 1]) && !['constraint', 'primary', 'unique', 'foreign', 'check', 'exclude', 'like'].includes(word(t[k + 1]) ?? '')) {
      skip[k + 1] = 1;
    } else if (word(t[k]) === 'constraint') {
      skip[k + 1] = 1;
    }
  }
}

/**
 * CREATE FUNCTION/PROCEDURE: PL/pgSQL only, the body one string or dollar-quoted string after AS and no DECLARE in it
 * (validation resolves a DECLARE section's types through the path); no default argument values (bound at creation
 * through the path, like everything else of the signature, but evaluated later: kept out to stay simple). Returns the
 * body's token index or why not.
 */
function judgeFunction(t: Token[], name: number, skip: Uint8Array): number | string {
  let language: string | undefined;
  let body = -1;
  let depth = 0;
  let afterArgs = false;
  for (let k = name; k < t.length; k++) {
    const tok = t[k] as Token;
    const w = word(tok);
    if (isPunct(tok, '(')) depth++;
    else if (isPunct(tok, ')') && --depth === 0 && !afterArgs) afterArgs = true;
    if (depth > 0 && !afterArgs && (w === 'default' || (tok.kind === 'operator' && tok.text === '='))) return 'a function argument with a default value';
    if (!afterArgs || depth > 0) continue;
    if (w === 'language') {
      const next = t[k + 1];
      language = next?.kind === 'identifier' || next?.kind === 'string' || next?.kind === 'quoted-identifier' ? next.value?.toLowerCase() : undefined;
      skip[k] = skip[k + 1] = 1;
    } else if (w === 'as') {
      body = k + 1;
      const b = t[body];
      if (b === undefined || (b.kind !== 'dollar-string' && b.kind !== 'string') || (t[body + 1] !== undefined && isPunct(t[body + 1], ','))) return 'a function body other than one quoted text';
    } else if (w === 'begin' || w === 'return') {
      return 'an SQL-standard function body (bound at creation)';
    } else if (w === 'set') {
      // SET param = value / TO value: the parameter's name and value are not names (FROM CURRENT was refused above).
      for (let j = k + 1; j < t.length && !FUNCTION_OPTION_WORDS.has(word(t[j]) ?? '') && word(t[j]) !== 'as' && word(t[j]) !== 'set'; j++) skip[j] = 1;
    } else if (w !== undefined && FUNCTION_OPTION_WORDS.has(w)) {
      skip[k] = 1;
    }
  }
  if (language !== 'plpgsql') return `a function in ${language ?? 'an unnamed language'} (validation may resolve names)`;
  if (body === -1) return 'a function without a body';
  if (/\bdeclare\b/i.test(t[body]?.value ?? '')) return 'a function body with DECLARE (its types are resolved when it is created)';
  return body;
}

const NAME_IN_TEXT = /"((?:[^"]|"")+)"|([\p{L}_][\p{L}\p{N}_$]*)/gu;

/** The unqualified names and operators left: every name token not skipped, and every word of a string (it may be cast to a name). */
function collectNames(t: Token[], qualified: Uint8Array, skip: Uint8Array, body: number, names: Set<string>, operators: Set<string>): void {
  for (let k = 0; k < t.length; k++) {
    const tok = t[k] as Token;
    if (qualified[k] || skip[k] || k === body) continue;
    // What follows a dot is qualified by what comes before it (a schema or a relation, itself resolved).
    if (isPunct(t[k - 1], '.')) continue;
    if (tok.kind === 'identifier') {
      if (!RESERVED.has(tok.value ?? '')) names.add(tok.value ?? '');
    } else if (tok.kind === 'quoted-identifier') {
      names.add(tok.value ?? '');
    } else if (tok.kind === 'operator') {
      operators.add(tok.text);
    } else if (tok.kind === 'string' || tok.kind === 'dollar-string') {
      for (const m of (tok.value ?? '').matchAll(NAME_IN_TEXT)) {
        if (m[1] !== undefined) names.add(m[1].replace(/""/g, '"'));
        else if (m[2] !== undefined) {
          names.add(m[2]);
          names.add(m[2].toLowerCase());
        }
      }
    }
  }
}
