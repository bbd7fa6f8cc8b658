import { SqlScanner, T } from '../sql/scanner.js';
import { splitStatements } from '../sql/split-statements.js';
import { lineColumnAt } from '../sql/line-column.js';

/**
 * What the warm pool runs, decided once per snapshot from its body (placeholder
 * form). A spare is built from `build`; a claim renames the spare's schema to
 * the tenant's name and then runs `claim`, rendered for the tenant.
 *
 * ALTER SCHEMA … RENAME changes one pg_namespace row. Everything PostgreSQL
 * stores by OID follows by itself: column defaults (nextval('s.seq'::regclass)
 * is resolved to an OID when the default is created), views and rules, check
 * constraints, triggers' functions, policies, foreign keys, sequence ownership,
 * SQL-standard function bodies (BEGIN ATOMIC). What is stored as text does not
 * follow, and is rewritten at claim time:
 * - function and procedure bodies in strings, and their `SET search_path`
 *   (pg_proc.prosrc, pg_proc.proconfig) → CREATE OR REPLACE FUNCTION/PROCEDURE
 *   with the tenant-rendered definition (owner, grants and comment stay);
 * - trigger arguments (pg_trigger.tgargs) → CREATE OR REPLACE TRIGGER;
 * - string constants in views → CREATE OR REPLACE VIEW;
 * - comments (pg_description) → COMMENT ON again;
 * - text column defaults → ALTER TABLE … SET DEFAULT again;
 * - ALTER FUNCTION … SET search_path → run again.
 * Grants (GRANT, ALTER DEFAULT PRIVILEGES) are not run when building a spare,
 * so the application's roles get no access to it; they run at claim time.
 * Any other statement storing the name as text (a CHECK constraint with the
 * name in a string, a materialized view, data rows) makes the snapshot
 * unsuitable for the pool: `unsupported` lists why.
 */
export interface ClaimPlan {
  /** Ranges of the body (placeholder form) that build a spare: the body without grants and psql meta-commands. */
  build: BodyRange[];
  /** Statements of the body run after the rename, in the same transaction. */
  claim: ClaimStatement[];
  rewrites: ClaimRewrite[];
  /** Grant statements moved from build to claim. */
  deferredGrants: number;
  unsupported: { line: number; excerpt: string; reason: string }[];
}

export interface BodyRange {
  start: number;
  end: number;
}

export interface ClaimStatement extends BodyRange {
  /** Run as CREATE OR REPLACE … instead of CREATE …. */
  orReplace: boolean;
}

export interface ClaimRewrite {
  kind: 'function' | 'trigger' | 'view' | 'comment' | 'default' | 'function-setting';
  line: number;
  excerpt: string;
}

interface Analysis {
  /** Offset in the statement where the SQL starts (after leading comments). */
  headStart: number;
  /** First significant words, upper case. */
  words: string[];
  /** The placeholder occurs inside a string or dollar-quoted body, not cast to regclass. */
  inText: boolean;
  /** The placeholder occurs in a SET search_path clause. */
  inSetting: boolean;
}

const STRINGS = new Set<number>([T.string, T.escapeString, T.unicodeString, T.dollarString]);

function analyse(text: string, placeholder: string): Analysis {
  const hits: number[] = [];
  for (let i = text.indexOf(placeholder); i >= 0; i = text.indexOf(placeholder, i + placeholder.length)) hits.push(i);
  const scanner = new SqlScanner(text);
  const sig: { code: number; start: number; end: number }[] = [];
  for (let code = scanner.next(); code !== -1; code = scanner.next()) {
    if (code === T.whitespace || code === T.lineComment || code === T.blockComment) continue;
    sig.push({ code, start: scanner.start, end: scanner.end });
  }
  const word = (i: number): string => {
    const t = sig[i];
    return t && t.code === T.identifier ? text.slice(t.start, t.end).toUpperCase() : '';
  };
  let inText = false;
  let inSetting = false;
  let settingFrom = -1;
  for (let i = 0; i < sig.length; i++) {
    if (word(i) === 'SET' && text.slice(sig[i + 1]?.start ?? 0, sig[i + 1]?.end ?? 0).toLowerCase() === 'search_path') settingFrom = sig[i + 1]?.end ?? -1;
    const t = sig[i];
    if (!t || !hits.some((h) => h >= t.start && h < t.end)) continue;
    if (STRINGS.has(t.code)) {
      const cast = sig[i + 1] && text.slice(sig[i + 1]!.start, sig[i + 1]!.end) === '::';
      const castTo = cast ? text.slice(sig[i + 2]?.start ?? 0, sig[i + 2]?.end ?? 0).toLowerCase() : '';
      const castTo2 = castTo === 'pg_catalog' ? text.slice(sig[i + 4]?.start ?? 0, sig[i + 4]?.end ?? 0).toLowerCase() : castTo;
      if (castTo2 !== 'regclass') inText = true;
    }
  }
  if (settingFrom >= 0) {
    // The setting runs to the end of the statement's header (AS / LANGUAGE / next SET) — any placeholder hit after it counts.
    const asAt = sig.findIndex((t, i) => t.start > settingFrom && ['AS', 'LANGUAGE', 'SET', 'RETURN', 'BEGIN'].includes(word(i)));
    const until = asAt >= 0 ? (sig[asAt]?.start ?? text.length) : text.length;
    inSetting = hits.some((h) => h >= settingFrom && h < until);
  }
  const headStart = sig[0]?.start ?? 0;
  const words: string[] = [];
  for (let i = 0; i < sig.length && words.length < 8; i++) words.push(word(i) || text.slice(sig[i]!.start, sig[i]!.end));
  return { headStart, words, inText, inSetting };
}

function pushRange(ranges: BodyRange[], start: number, end: number): void {
  const last = ranges.at(-1);
  if (last && last.end === start) last.end = end;
  else ranges.push({ start, end });
}

/**
 * Decides how spares are built and claimed for a snapshot body (placeholder
 * form). `storedAsText(offset)`, when given, is the snapshot's own verdict on
 * the placeholder occurrence at that body offset; a statement is rewritten
 * when either it or the syntax here says the name is kept as text.
 */
export function planClaim(body: string, placeholder: string, options: { storedAsText?: (offset: number) => boolean } = {}): ClaimPlan {
  const build: BodyRange[] = [];
  const claim: ClaimStatement[] = [];
  const rewrites: ClaimRewrite[] = [];
  const unsupported: ClaimPlan['unsupported'] = [];
  let deferredGrants = 0;
  for (const statement of splitStatements(body)) {
    if (statement.kind === 'meta') continue;
    if (statement.kind === 'copy-data') {
      pushRange(build, statement.start, statement.end);
      continue;
    }
    const a = analyse(statement.text, placeholder);
    const headStart = statement.start + a.headStart;
    const sql = statement.text.slice(a.headStart);
    const [w0, w1, w2, w3] = a.words;
    const excerpt = sql.slice(0, 120).replace(/\s+/g, ' ');
    const line = (): number => lineColumnAt(body, headStart).line;
    if (w0 === 'GRANT' || (w0 === 'ALTER' && w1 === 'DEFAULT' && w2 === 'PRIVILEGES')) {
      claim.push({ start: headStart, end: statement.end, orReplace: false });
      deferredGrants++;
      continue;
    }
    pushRange(build, statement.start, statement.end);
    let asText = a.inText || a.inSetting;
    if (!asText && options.storedAsText) {
      // From the statement's first word: leading SQL comments are not stored anywhere.
      for (let i = statement.text.indexOf(placeholder, a.headStart); i >= 0 && !asText; i = statement.text.indexOf(placeholder, i + placeholder.length)) asText = options.storedAsText(statement.start + i);
    }
    if (!asText) continue;
    const creates = w0 === 'CREATE';
    const kind = creates ? (w1 === 'OR' && w2 === 'REPLACE' ? w3 : w1) : undefined;
    const orReplace = creates && w1 !== 'OR';
    const rewrite = (k: ClaimRewrite['kind'], replace: boolean): void => {
      claim.push({ start: headStart, end: statement.end, orReplace: replace });
      rewrites.push({ kind: k, line: line(), excerpt });
    };
    if (creates && (kind === 'FUNCTION' || kind === 'PROCEDURE')) rewrite('function', orReplace);
    else if (creates && kind === 'TRIGGER') rewrite('trigger', orReplace);
    else if (creates && (kind === 'VIEW' || kind === 'RECURSIVE')) rewrite('view', orReplace);
    else if (w0 === 'COMMENT') rewrite('comment', false);
    else if (w0 === 'ALTER' && w1 === 'TABLE' && /\bSET\s+DEFAULT\b/i.test(sql) && !/\bADD\b/i.test(sql)) rewrite('default', false);
    else if (w0 === 'ALTER' && (w1 === 'FUNCTION' || w1 === 'PROCEDURE' || w1 === 'ROUTINE') && a.inSetting && !a.inText) rewrite('function-setting', false);
    else if (w0 === 'SELECT' && /^SELECT\s+pg_catalog\.setval\s*\(/i.test(sql)) continue; // setval('s.seq'::regclass, …) sets a value the spare already has.
    else unsupported.push({ line: line(), excerpt, reason: 'stores the schema name as text and cannot be rewritten in place' });
  }
  return { build, claim, rewrites, deferredGrants, unsupported };
}

/**
 * Renders pieces of a body: every placeholder occurrence inside them becomes
 * `nameAt(offset)` (offset in the body), and claim statements marked orReplace
 * start with CREATE OR REPLACE. Pieces are joined with newlines.
 */
export function renderPieces(body: string, placeholder: string, pieces: readonly (BodyRange & { orReplace?: boolean })[], nameAt: (offset: number) => string): string {
  const out: string[] = [];
  for (const piece of pieces) {
    const parts: string[] = [];
    let last = piece.start;
    for (let at = body.indexOf(placeholder, piece.start); at !== -1 && at + placeholder.length <= piece.end; at = body.indexOf(placeholder, at + placeholder.length)) {
      parts.push(body.slice(last, at), nameAt(at));
      last = at + placeholder.length;
    }
    parts.push(body.slice(last, piece.end));
    const text = parts.join('');
    out.push(piece.orReplace ? text.replace(/^CREATE\b/i, 'CREATE OR REPLACE') : text);
  }
  return out.join('\n');
}
