import type { SnapshotObjectCounts } from '../provision/lock-estimate.js';

/** The statement without leading whitespace and comments, upper-cased for keyword tests. */
function headOf(statement: string): string {
  let s = statement;
  for (;;) {
    const trimmed = s.replace(/^\s+/, '');
    if (trimmed.startsWith('--')) {
      const nl = trimmed.indexOf('\n');
      s = nl < 0 ? '' : trimmed.slice(nl + 1);
    } else if (trimmed.startsWith('/*')) {
      const end = trimmed.indexOf('*/');
      s = end < 0 ? '' : trimmed.slice(end + 2);
    } else {
      return trimmed.slice(0, 400).toUpperCase().replace(/\s+/g, ' ');
    }
  }
}

const ZERO: SnapshotObjectCounts = { tables: 0, indexes: 0, sequences: 0, views: 0, materializedViews: 0, routinesAndTypes: 0, foreignKeys: 0, statements: 0 };

/** Counts what a snapshot's statements create, for the lock estimate (statements as split by splitStatements). */
export function countSnapshotObjects(statements: readonly string[]): SnapshotObjectCounts {
  const counts = { ...ZERO };
  for (const statement of statements) {
    const head = headOf(statement);
    if (head === '') continue;
    counts.statements++;
    if (/^CREATE (UNLOGGED |TEMP |TEMPORARY |FOREIGN )?TABLE /.test(head)) counts.tables++;
    else if (/^CREATE (UNIQUE )?INDEX /.test(head)) counts.indexes++;
    else if (/^CREATE SEQUENCE /.test(head)) counts.sequences++;
    else if (/^CREATE MATERIALIZED VIEW /.test(head)) counts.materializedViews++;
    else if (/^CREATE (OR REPLACE )?(RECURSIVE )?VIEW /.test(head)) counts.views++;
    else if (/^CREATE (OR REPLACE )?(TYPE|DOMAIN|FUNCTION|PROCEDURE|AGGREGATE|OPERATOR|COLLATION|TEXT SEARCH|CONVERSION) /.test(head)) counts.routinesAndTypes++;
    else if (/^ALTER TABLE /.test(head)) {
      if (/ ADD CONSTRAINT (?:"[^"]*"|\S+) (PRIMARY KEY|UNIQUE|EXCLUDE)\b/.test(head)) counts.indexes++;
      else if (/ ADD CONSTRAINT (?:"[^"]*"|\S+) FOREIGN KEY\b/.test(head)) counts.foreignKeys++;
      else if (/ ADD GENERATED .* AS IDENTITY\b/.test(head)) counts.sequences++;
    }
  }
  return counts;
}
