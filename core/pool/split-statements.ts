import { SqlScanner, T } from '../sql/scanner.js';
import { equalsFolded } from '../sql/equals-folded.js';
import { SEMICOLON } from '../sql/char-codes.js';

export interface SqlStatement {
  /** Offsets in the input: from just after the previous statement to just after this one's `;`. */
  start: number;
  end: number;
  text: string;
  /** `sql` for an SQL statement, `meta` for a psql meta-command line, `copy-data` for COPY data. */
  kind: 'sql' | 'meta' | 'copy-data';
}

/**
 * Splits SQL (a dump or a snapshot body) into top-level statements at `;`
 * outside strings, identifiers, comments and dollar-quoted bodies. Leading
 * comments and whitespace belong to the statement that follows; trailing
 * whitespace and comments after the last `;` are dropped.
 */
export function splitStatements(sql: string): SqlStatement[] {
  const out: SqlStatement[] = [];
  const scanner = new SqlScanner(sql);
  let start = 0;
  let significant = false;
  // psql's rule (psqlscan.l) for SQL-standard bodies: BEGIN or CASE after the first word opens a block that END closes, and `;` inside a block does not end the statement.
  let words = 0;
  let depth = 0;
  for (let code = scanner.next(); code !== -1; code = scanner.next()) {
    if (code === T.metaCommand || code === T.copyData) {
      if (significant) out.push({ start, end: scanner.start, text: sql.slice(start, scanner.start), kind: 'sql' });
      out.push({ start: scanner.start, end: scanner.end, text: sql.slice(scanner.start, scanner.end), kind: code === T.metaCommand ? 'meta' : 'copy-data' });
      start = scanner.end;
      significant = false;
      words = 0;
      depth = 0;
    } else if (code === T.punctuation && sql.charCodeAt(scanner.start) === SEMICOLON /* ; */ && depth === 0) {
      out.push({ start, end: scanner.end, text: sql.slice(start, scanner.end), kind: 'sql' });
      start = scanner.end;
      significant = false;
      words = 0;
    } else if (code !== T.whitespace && code !== T.lineComment && code !== T.blockComment) {
      significant = true;
      if (code === T.identifier) {
        words++;
        const length = scanner.end - scanner.start;
        if ((length === 5 && equalsFolded(sql, scanner.start, 'begin')) || (length === 4 && equalsFolded(sql, scanner.start, 'case'))) {
          if (words > 1) depth++;
        } else if (depth > 0 && length === 3 && equalsFolded(sql, scanner.start, 'end')) depth--;
      }
    }
  }
  if (significant) out.push({ start, end: sql.length, text: sql.slice(start), kind: 'sql' });
  return out;
}
