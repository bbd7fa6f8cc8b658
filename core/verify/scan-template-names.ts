/**
 * Finds, in one piece of catalog text that PostgreSQL printed for a tenant
 * (pg_get_functiondef, pg_get_viewdef, pg_get_expr, pg_get_triggerdef …, read
 * with an empty search_path), the names that resolve to the template schema or
 * one of its objects. Independent of the snapshot engine's reference finder on
 * purpose: verify exists for the cases the engine got wrong, so it judges with
 * the lexer alone and its own rules:
 *
 * - code: `tmpl.obj` where obj is the template's own object is a failure;
 *   `tmpl.x` where x is no object of the template (a column of a table named
 *   like the schema, a setting) is a note;
 * - `'…'::regclass` and the other reg* literals resolve their text: naming the
 *   template is a failure;
 * - strings PostgreSQL executes or resolves (everything inside a function
 *   body, arguments of function calls such as crosstab's SQL text or trigger
 *   arguments, EXECUTE's operand) are lexed as SQL: naming a template object
 *   is a failure, and so is a string that is exactly the template's name
 *   (`format('%I.t', 'tmpl')`) unless it is only compared (`extname = 'tmpl'`);
 * - what cannot be resolved is a note: a string ending in `tmpl.` (a name built
 *   by concatenation), a dotted string whose second part is no template object;
 * - other strings are data (`'see tmpl.invoices docs'::text` as a default):
 *   a note, except a data string that is nothing but a template object's name
 *   (a name literal, `'tmpl.invoices'::text`), which is a failure.
 */
import { lex, significantTokens, type Token } from '../sql/lexer.js';
import { quoteIdentifierAlways } from '../sql/quote.js';
import { buildSchemaNameRegExp } from './schema-name-forms.js';
import { CONCAT_FUNCTIONS, SETTING_FUNCTIONS, SETTING_WORDS } from '../sql/setting-names.js';

export interface TemplateNames {
  /** The template schema's name as stored. */
  schema: string;
  /** Names of the template's own objects (relations, sequences, indexes, functions, types, collations …). */
  own: ReadonlySet<string>;
  /** Names in the template schema that belong to extensions (`public.citext`): shared on purpose. */
  shared: ReadonlySet<string>;
  /** The tenant's name: a search_path listing it before the template resolves to the tenant first. */
  tenant?: string;
}

export interface NameFinding {
  severity: 'failure' | 'note';
  /** What was found, e.g. `tmpl.invoices` or `'tmpl'`. */
  text: string;
  /** Why it counts, in a few words. */
  reason: string;
}

const REG_TYPES = new Set(['regclass', 'regproc', 'regprocedure', 'regtype', 'regnamespace', 'regoper', 'regoperator', 'regconfig', 'regdictionary', 'regcollation']);
const COMPARISON = new Set(['=', '<>', '!=', 'like', 'ilike', 'in', 'similar', '~', '~~', '!~~', '~~*']);
/** Strings nested in strings are lexed again up to this depth (EXECUTE of a string holding a string …). */
const MAX_DEPTH = 4;

/** code: catalog text PostgreSQL printed; body: a SQL or PL/pgSQL function body; executed: text in a string that runs; data: text in a string that is data. */
type Origin = 'code' | 'body' | 'executed' | 'data';

const isName = (t: Token | undefined): boolean => t !== undefined && (t.kind === 'identifier' || t.kind === 'quoted-identifier');
const isPunct = (t: Token | undefined, text: string): boolean => t !== undefined && t.kind === 'punctuation' && t.text === text;
const isStringToken = (t: Token | undefined): boolean => t !== undefined && (t.kind === 'string' || t.kind === 'dollar-string');
const wordOf = (t: Token | undefined): string => (t === undefined ? '' : t.kind === 'identifier' || t.kind === 'operator' ? (t.value ?? t.text).toLowerCase() : t.text);

function tryLex(text: string): Token[] | undefined {
  try {
    return significantTokens(lex(text));
  } catch {
    return undefined;
  }
}

/** Whether the string at `i` is only compared with something (`extname = 'tmpl'`, `x IN ('tmpl')`), not used as a name. */
function isCompared(tokens: readonly Token[], i: number): boolean {
  const prev = tokens[i - 1];
  const next = tokens[i + 1];
  if (COMPARISON.has(wordOf(prev)) || COMPARISON.has(wordOf(next))) return true;
  // An element of an IN (…) list.
  for (let j = i - 1; j >= 0; j--) {
    const t = tokens[j];
    if (t === undefined || isPunct(t, ';')) return false;
    if (isPunct(t, '(')) return wordOf(tokens[j - 1]) === 'in';
    if (!isPunct(t, ',') && !isStringToken(t)) return false;
  }
  return false;
}

/** Whether the token at `i` is an argument of a function call or the operand of EXECUTE: text PostgreSQL will run or resolve. */
function isExecutedPosition(tokens: readonly Token[], i: number): boolean {
  if (wordOf(tokens[i - 1]) === 'execute') return true;
  let depth = 0;
  for (let j = i - 1; j >= 0; j--) {
    const t = tokens[j];
    if (isPunct(t, ')')) depth++;
    else if (isPunct(t, '(')) {
      if (depth === 0) return isName(tokens[j - 1]) && !['in', 'values', 'array', 'check', 'using'].includes(wordOf(tokens[j - 1]));
      depth--;
    }
  }
  return false;
}

const MESSAGE = 'message text (RAISE or ASSERT): shown to a person, never run or resolved';

/**
 * Whether the string at `i` of a PL/pgSQL body is message text: the format string, a parameter or a USING option
 * (MESSAGE, DETAIL, HINT …) of RAISE, or the message after ASSERT's condition — not inside a call's parentheses,
 * whose arguments may run (`RAISE NOTICE '%', f('tmpl.t')`).
 */
function isMessage(tokens: readonly Token[], i: number): boolean {
  let depth = 0;
  let comma = false;
  for (let j = i - 1; j >= 0; j--) {
    const t = tokens[j];
    if (isPunct(t, ';')) return false;
    if (isPunct(t, ')')) depth++;
    else if (isPunct(t, '(')) {
      if (depth === 0) return false;
      depth--;
    } else if (depth === 0 && isPunct(t, ',')) comma = true;
    else if (depth === 0 && t?.kind === 'identifier') {
      const word = wordOf(t);
      if (word === 'raise') return true;
      if (word === 'assert') return comma;
    }
  }
  return false;
}

/** The reg* type a string is cast to (`'x'::regclass`), if any. */
function regCastOf(tokens: readonly Token[], i: number): string | undefined {
  if (!isPunct(tokens[i + 1], '::')) return undefined;
  const type = tokens[i + 2];
  if (!isName(type)) return undefined;
  // pg_catalog.regclass
  const name = isPunct(tokens[i + 3], '.') && isName(tokens[i + 4]) ? (tokens[i + 4]?.value ?? '') : (type?.value ?? '');
  return REG_TYPES.has(name) ? name : undefined;
}

class Scan {
  readonly findings: NameFinding[] = [];
  constructor(private readonly names: TemplateNames) {}

  add(severity: NameFinding['severity'], text: string, reason: string): void {
    if (!this.findings.some((f) => f.severity === severity && f.text === text && f.reason === reason)) this.findings.push({ severity, text, reason });
  }

  /** Scans SQL text whose tokens stand in `origin` position; strings inside are judged by where they stand. */
  sql(text: string, origin: Origin, depth: number): void {
    const tokens = tryLex(text);
    if (tokens === undefined) {
      this.plain(text, origin === 'data' ? 'data' : 'executed');
      return;
    }
    const schema = this.names.schema;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] as Token;
      if (isName(t) && t.value === schema && isPunct(tokens[i + 1], '.') && SETTING_WORDS.has(wordOf(tokens[i - 1]))) {
        // `SET [LOCAL] tmpl.x = …`, `SHOW tmpl.x`, `RESET tmpl.x`: a setting name, never a reference.
        this.add('note', `${t.text}.${tokens[i + 2]?.text ?? ''}`, SETTING);
        i += 2;
      } else if (isName(t) && t.value === schema && isPunct(tokens[i + 1], '.')) {
        this.qualified(t.text, tokens[i + 2], origin);
        i += 2;
      } else if (isName(t) && t.value === schema && wordOf(tokens[i - 1]) === 'schema') {
        this.add(origin === 'data' ? 'note' : 'failure', `SCHEMA ${t.text}`, 'names the template schema');
      } else if (wordOf(t) === 'search_path' || (isStringToken(t) && t.value === 'search_path' && isPunct(tokens[i + 1], ','))) {
        i = this.searchPath(tokens, i, origin);
      } else if (t.kind === 'dollar-string' && origin === 'code' && isFunctionBody(tokens, i)) {
        this.body(t.value ?? '', languageOf(tokens), depth + 1);
      } else if (isStringToken(t)) {
        this.literal(tokens, i, origin, depth);
      }
    }
  }

  /** `tmpl.` followed by `next`. */
  private qualified(qualifier: string, next: Token | undefined, origin: Origin): void {
    if (!isName(next)) {
      if (origin === 'executed' || origin === 'data') {
        this.add('note', `${qualifier}.${next?.text ?? ''}`, next === undefined ? 'a name built by concatenation: cannot be resolved' : 'not a name: cannot be resolved');
      }
      return;
    }
    const name = next?.value ?? '';
    const text = `${qualifier}.${next?.text ?? ""}`;
    if (this.names.own.has(name)) {
      if (origin === 'data') this.add('note', text, 'names a template object inside data');
      else this.add('failure', text, origin === 'executed' ? 'SQL text that runs against the template' : 'refers to the template');
    } else if (!this.names.shared.has(name)) {
      this.add('note', text, NOT_AN_OBJECT);
    }
  }

  /**
   * `search_path = a, b` / `SET search_path TO 'a', 'b'` / `set_config('search_path', 'a, b', …)`: a failure when
   * the template comes before the tenant (or the tenant is absent). Returns the index of the last token read.
   */
  private searchPath(tokens: readonly Token[], i: number, origin: Origin): number {
    const values: string[] = [];
    let j = i + 1;
    if (isStringToken(tokens[i])) {
      j = i + 2;
      const value = tokens[j];
      if (isStringToken(value)) values.push(...splitSearchPath(value?.value ?? ''));
    } else {
      if (!['to', '='].includes(wordOf(tokens[j]))) return i;
      for (j++; j < tokens.length; j++) {
        const v = tokens[j] as Token;
        // `SET search_path TO 'Acme Corp', 'public'`: each literal is one schema name, exactly.
        if (isStringToken(v)) values.push(v.value ?? '');
        else if (isName(v)) values.push(v.value ?? '');
        else break;
        if (!isPunct(tokens[j + 1], ',')) break;
        j++;
      }
    }
    const at = values.indexOf(this.names.schema);
    const tenantAt = this.names.tenant === undefined ? -1 : values.indexOf(this.names.tenant);
    if (at >= 0 && (tenantAt < 0 || at < tenantAt)) {
      this.add(origin === 'data' ? 'note' : 'failure', `search_path ${values.join(', ')}`, `sets a search_path naming the template schema "${this.names.schema}"`);
    }
    return Math.min(j, tokens.length - 1);
  }

  private literal(tokens: readonly Token[], i: number, origin: Origin, depth: number): void {
    const t = tokens[i] as Token;
    const value = t.value ?? '';
    if (!value.toLowerCase().includes(this.names.schema.toLowerCase())) return;
    if (isSettingName(tokens, i)) {
      this.add('note', t.text, SETTING);
      return;
    }
    const reg = regCastOf(tokens, i);
    if (reg !== undefined) {
      const inner = tryLex(value) ?? [];
      const first = inner[0];
      if (isName(first) && first?.value === this.names.schema && (isPunct(inner[1], '.') || reg === 'regnamespace')) {
        this.add('failure', `${t.text}::${reg}`, 'resolves to the template');
      }
      return;
    }
    if (origin === 'body' && isMessage(tokens, i)) {
      this.add('note', t.text.length > 80 ? `${t.text.slice(0, 77)}…` : t.text, MESSAGE);
      return;
    }
    const executed = origin === 'body' || origin === 'executed' || (origin === 'code' && isExecutedPosition(tokens, i));
    if (value === this.names.schema || value === quoteIdentifierAlways(this.names.schema)) {
      const call = origin === 'code' ? undefined : enclosingCall(tokens, i);
      if (!executed || isCompared(tokens, i)) this.add('note', t.text, "the template schema's name as data");
      else if (call !== undefined && !CONCAT_FUNCTIONS.has(call) && !SCHEMA_NAME_FUNCTIONS.has(call) && !isConcatenated(tokens, i)) {
        this.add('note', t.text, `the template schema's name passed to ${call}(): a name or data (an extension's name?), cannot be resolved — review it`);
      } else this.add('failure', t.text, "the template schema's name, used as a name");
      return;
    }
    if (!executed && isNameLiteral(value, this.names)) {
      this.add('failure', t.text, 'a literal naming a template object');
      return;
    }
    if (depth >= MAX_DEPTH) this.plain(value, executed ? 'executed' : 'data');
    else this.sql(value, executed ? 'executed' : 'data', depth + 1);
  }

  /** A function body: SQL and PL/pgSQL are lexed (every string in them may run); other languages are searched as text. */
  private body(body: string, language: string, depth: number): void {
    if (language === 'sql' || language === 'plpgsql') this.sql(body, 'body', depth);
    else this.plain(body, 'executed');
  }

  /** Text that does not lex as SQL: qualified names found textually. */
  private plain(text: string, origin: 'executed' | 'data'): void {
    const re = buildSchemaNameRegExp(this.names.schema, { qualifierOnly: true });
    for (const match of text.matchAll(re)) {
      const rest = text.slice((match.index ?? 0) + match[0].length + 1);
      const ident = /^(?:"((?:[^"]|"")*)"|([A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*))/.exec(rest);
      if (ident === null) {
        this.add('note', `${match[0]}.`, 'a name built by concatenation: cannot be resolved');
        continue;
      }
      const name = ident[1] !== undefined ? ident[1].replace(/""/g, '"') : (ident[2] ?? '').toLowerCase();
      const shown = `${match[0]}.${ident[0]}`;
      if (this.names.own.has(name)) this.add(origin === 'data' ? 'note' : 'failure', shown, origin === 'data' ? 'names a template object inside data' : 'refers to the template');
      else if (!this.names.shared.has(name)) this.add('note', shown, NOT_AN_OBJECT);
    }
  }
}

const SETTING = 'a setting name (current_setting, set_config, SET/SHOW/RESET), never a reference';

/** Functions whose argument is a schema name (besides those that build names, CONCAT_FUNCTIONS). */
const SCHEMA_NAME_FUNCTIONS = new Set(['to_regnamespace', 'has_schema_privilege']);

/** Whether the string at `i` is the first argument of current_setting/set_config, other than `search_path`. */
function isSettingName(tokens: readonly Token[], i: number): boolean {
  if (!isPunct(tokens[i - 1], '(') || !SETTING_FUNCTIONS.has(wordOf(tokens[i - 2]))) return false;
  return (tokens[i]?.value ?? '').toLowerCase() !== 'search_path';
}

/** The function whose call's parentheses hold the token at `i` directly (lower-case), if any. */
function enclosingCall(tokens: readonly Token[], i: number): string | undefined {
  let depth = 0;
  for (let j = i - 1; j >= 0; j--) {
    const t = tokens[j];
    if (isPunct(t, ';')) return undefined;
    if (isPunct(t, ')')) depth++;
    else if (isPunct(t, '(')) {
      if (depth === 0) return isName(tokens[j - 1]) ? wordOf(tokens[j - 1]).replace(/^"|"$/g, '') : undefined;
      depth--;
    }
  }
  return undefined;
}

/** Whether the token at `i` is an operand of `||`: part of a name or SQL text built by concatenation. */
function isConcatenated(tokens: readonly Token[], i: number): boolean {
  return wordOf(tokens[i - 1]) === '||' || wordOf(tokens[i + 1]) === '||';
}

const NOT_AN_OBJECT = 'no object of the template (a setting name, or a column of a table named like the schema?)';

/** The schema names of a search_path value: `a, "B c", public` → a, B c, public. */
function splitSearchPath(value: string): string[] {
  return value.split(',').map((part) => {
    const p = part.trim();
    return p.startsWith('"') && p.endsWith('"') && p.length >= 2 ? p.slice(1, -1).replace(/""/g, '"') : p.toLowerCase();
  });
}

/** Whether a string is nothing but a (possibly quoted, possibly called) name of a template object: `tmpl.invoices`, `"tmpl".f()`. */
function isNameLiteral(value: string, names: TemplateNames): boolean {
  const tokens = tryLex(value);
  if (tokens === undefined || tokens.length < 3) return false;
  const [a, dot, b] = tokens;
  if (!isName(a) || a?.value !== names.schema || !isPunct(dot, '.') || !isName(b) || !names.own.has(b?.value ?? '')) return false;
  return tokens.length === 3 || (isPunct(tokens[3], '(') && isPunct(tokens[tokens.length - 1], ')'));
}

/** Whether the dollar string at `i` is the body after `AS` of CREATE FUNCTION/PROCEDURE. */
function isFunctionBody(tokens: readonly Token[], i: number): boolean {
  return wordOf(tokens[i - 1]) === 'as' && tokens.slice(0, 6).some((t) => wordOf(t) === 'function' || wordOf(t) === 'procedure');
}

function languageOf(tokens: readonly Token[]): string {
  for (let i = 0; i < tokens.length - 1; i++) if (wordOf(tokens[i]) === 'language') return wordOf(tokens[i + 1]).replace(/^"|"$/g, '');
  return '';
}

/** The names in `text` that resolve to the template (failures) or might and cannot be resolved (notes). */
export function scanTemplateNames(text: string, names: TemplateNames): NameFinding[] {
  const scan = new Scan(names);
  scan.sql(text, 'code', 0);
  return scan.findings;
}
