/**
 * Turns the rows of a ledger table into SQL that recreates them: INSERTs
 * qualified with the template schema (the snapshot engine then templates the
 * schema name like every other reference) and setval for the table's own
 * sequences, so the next migration row does not collide with a carried one.
 * Values travel as text literals that PostgreSQL converts with the column's
 * input function: exact for every type.
 */
import { quoteIdentifier, quoteLiteral } from '../sql/quote.js';

export interface LedgerColumn {
  name: string;
  /** Identity GENERATED ALWAYS: the INSERT needs OVERRIDING SYSTEM VALUE. */
  identityAlways?: boolean;
}

export interface LedgerTableData {
  schema: string;
  table: string;
  /** Columns in order; generated columns left out. */
  columns: LedgerColumn[];
  /** Each row's values as text (NULL as null), in column order. */
  rows: (string | null)[][];
  /** Sequences owned by the table's columns with their last value (is_called true). */
  sequences?: { name: string; lastValue: string | null; isCalled: boolean }[];
}

/** The SQL that recreates a ledger table's rows and sequence positions. */
export function buildLedgerInserts(data: LedgerTableData): string {
  const target = `${quoteIdentifier(data.schema)}.${quoteIdentifier(data.table)}`;
  const columns = data.columns.map((c) => quoteIdentifier(c.name)).join(', ');
  const overriding = data.columns.some((c) => c.identityAlways) ? ' OVERRIDING SYSTEM VALUE' : '';
  const lines = [`-- Ledger rows of ${data.table} (${data.rows.length}), carried so migrations are not re-run`];
  for (const row of data.rows) {
    const values = row.map((v) => (v === null ? 'NULL' : quoteLiteral(v))).join(', ');
    lines.push(`INSERT INTO ${target} (${columns})${overriding} VALUES (${values});`);
  }
  for (const seq of data.sequences ?? []) {
    if (seq.lastValue === null) continue;
    const regclass = quoteLiteral(`${quoteIdentifier(data.schema)}.${quoteIdentifier(seq.name)}`);
    lines.push(`SELECT pg_catalog.setval(${regclass}, ${seq.lastValue}, ${seq.isCalled});`);
  }
  return lines.join('\n') + '\n';
}
