/**
 * Every name a migration's text could refer to: each word (as written and
 * lower-cased, the way an unquoted name folds) and each double-quoted name,
 * wherever it stands (code, strings, bodies, comments). Planning reads the
 * template's catalog facts for these names only: the reference finder asks
 * the facts about names it meets in the text, so a superset is exact, and
 * reading a few names is quick where reading a whole schema scans pg_class.
 */
const WORD = /[\p{L}_][\p{L}\p{N}_$]*/gu;
const QUOTED = /"((?:[^"]|"")+)"/g;

/** The names in `texts` (and `extra`), each once. A name over 63 bytes is cast to `name` by the query, truncated as PostgreSQL truncates identifiers. */
export function findNamesInSql(texts: readonly string[], extra: readonly string[] = []): string[] {
  const names = new Set<string>(extra);
  for (const text of texts) {
    for (const m of text.matchAll(WORD)) {
      names.add(m[0]);
      names.add(m[0].toLowerCase());
    }
    for (const m of text.matchAll(QUOTED)) names.add((m[1] as string).replace(/""/g, '"'));
  }
  return [...names];
}
