/**
 * Which migration statements cannot run inside a transaction block, and the
 * rules Tenantry applies to them. Everything else runs in one transaction per
 * tenant. A statement that cannot is run on its own, as its own recorded step:
 *
 * - It must be the only statement of its migration file (version), so that the
 *   version is applied when that one statement has run. Put the rest of the
 *   change in a file before or after it.
 * - It must be safe to run again, because a crash between the statement and the
 *   record of it (which cannot share a transaction) runs it again on resume:
 *   CREATE INDEX CONCURRENTLY needs IF NOT EXISTS and a name (an index that a
 *   failed or cancelled build left INVALID is dropped, concurrently, before the
 *   build is tried again), DROP INDEX CONCURRENTLY needs IF EXISTS, ALTER TYPE …
 *   ADD VALUE (PostgreSQL before 12) needs IF NOT EXISTS. VACUUM and REINDEX …
 *   CONCURRENTLY may run again as they are.
 * - lock_timeout applies as usual; statement_timeout does not (a concurrent
 *   build of a large index may take long).
 *
 * On PostgreSQL 12 and later ALTER TYPE … ADD VALUE runs in the transaction, but
 * the new value cannot be used before that transaction commits (SQLSTATE 55P04),
 * so the version that adds it commits on its own before the next version runs.
 */

export type StatementKind =
  | { kind: 'transactional'; commitAfter?: boolean }
  | { kind: 'alone'; what: string; rule: string; problem?: string; dropInvalidIndex?: string };

/** The first words of a statement (comments and white space skipped), lower-cased, up to `n`. */
export function firstWords(sql: string, n = 12): string[] {
  const words: string[] = [];
  const re = /\s+|--[^\n]*|\/\*[\s\S]*?\*\/|("(?:[^"]|"")*")|([A-Za-z_][A-Za-z0-9_$]*)|(\S)/gy;
  for (let m = re.exec(sql); m !== null && words.length < n; m = re.exec(sql)) {
    if (m[1] !== undefined) words.push(m[1]);
    else if (m[2] !== undefined) words.push(m[2].toLowerCase());
    else if (m[3] !== undefined) words.push(m[3]);
  }
  return words;
}

/** What kind of statement `sql` is for a rollout on a server of major version `serverMajor`. */
export function classifyStatement(sql: string, serverMajor: number): StatementKind {
  const w = firstWords(sql);
  const at = (i: number): string => w[i] ?? '';
  const has = (word: string): boolean => w.includes(word);
  if (at(0) === 'create' && (at(1) === 'index' || (at(1) === 'unique' && at(2) === 'index')) && has('concurrently')) {
    const rule = 'CREATE INDEX CONCURRENTLY cannot run in a transaction: it runs alone, and needs IF NOT EXISTS and an index name so that a resumed rollout can run it again';
    const c = w.indexOf('concurrently');
    const ifNotExists = at(c + 1) === 'if' && at(c + 2) === 'not' && at(c + 3) === 'exists';
    const name = ifNotExists ? at(c + 4) : at(c + 1);
    if (!ifNotExists || name === '' || name === 'on') return { kind: 'alone', what: 'CREATE INDEX CONCURRENTLY', rule, problem: 'write CREATE INDEX CONCURRENTLY IF NOT EXISTS name ON …' };
    return { kind: 'alone', what: 'CREATE INDEX CONCURRENTLY', rule, dropInvalidIndex: name };
  }
  if (at(0) === 'drop' && at(1) === 'index' && at(2) === 'concurrently') {
    const rule = 'DROP INDEX CONCURRENTLY cannot run in a transaction: it runs alone, and needs IF EXISTS so that a resumed rollout can run it again';
    return at(3) === 'if' && at(4) === 'exists' ? { kind: 'alone', what: 'DROP INDEX CONCURRENTLY', rule } : { kind: 'alone', what: 'DROP INDEX CONCURRENTLY', rule, problem: 'write DROP INDEX CONCURRENTLY IF EXISTS …' };
  }
  if (at(0) === 'reindex' && has('concurrently')) return { kind: 'alone', what: 'REINDEX CONCURRENTLY', rule: 'REINDEX CONCURRENTLY cannot run in a transaction: it runs alone' };
  if (at(0) === 'vacuum') return { kind: 'alone', what: 'VACUUM', rule: 'VACUUM cannot run in a transaction: it runs alone' };
  if (at(0) === 'alter' && at(1) === 'type' && has('add') && has('value')) {
    if (serverMajor >= 12) return { kind: 'transactional', commitAfter: true };
    const rule = 'ALTER TYPE … ADD VALUE cannot run in a transaction before PostgreSQL 12: it runs alone, and needs IF NOT EXISTS so that a resumed rollout can run it again';
    const v = w.indexOf('value');
    return at(v + 1) === 'if' && at(v + 2) === 'not' && at(v + 3) === 'exists' ? { kind: 'alone', what: 'ALTER TYPE … ADD VALUE', rule } : { kind: 'alone', what: 'ALTER TYPE … ADD VALUE', rule, problem: 'write ADD VALUE IF NOT EXISTS …' };
  }
  return { kind: 'transactional' };
}
