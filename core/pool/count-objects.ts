import type { SnapshotObjectCounts } from '../provision/lock-estimate.js';
import { mapRegions } from '../sql/region-map.js';
import { forEachStatement, statementWords } from '../sql/split-statements.js';

const ZERO: SnapshotObjectCounts = { tables: 0, indexes: 0, sequences: 0, views: 0, materializedViews: 0, routinesAndTypes: 0, foreignKeys: 0, statements: 0 };

const TABLE_PREFIXES = new Set(['unlogged', 'temp', 'temporary', 'foreign']);
const ROUTINES_AND_TYPES = new Set(['type', 'domain', 'function', 'procedure', 'aggregate', 'operator', 'collation', 'conversion']);
/** Tokens read from each statement: enough for `ALTER TABLE ONLY s.t ALTER COLUMN c ADD GENERATED ALWAYS AS IDENTITY`. */
const HEAD_TOKENS = 40;

/**
 * Counts what the SQL statements of a snapshot body create, for the lock estimate (meta-commands and COPY data
 * aside); given several texts (a rollout's versions, statements), each is split on its own.
 */
export function countSnapshotObjects(sql: string | readonly string[]): SnapshotObjectCounts {
  const counts = { ...ZERO };
  for (const text of typeof sql === 'string' ? [sql] : sql) {
    const map = mapRegions(text);
    forEachStatement(map, {
      region() {},
      statement(from, end) {
        countStatement(counts, statementWords(map, from, end, HEAD_TOKENS));
      },
    });
  }
  return counts;
}

function countStatement(counts: SnapshotObjectCounts, w: string[]): void {
  if (w.length === 0) return;
  counts.statements++;
  if (w[0] === 'create') {
    const replace = w[1] === 'or' && w[2] === 'replace';
    const kind = w[replace ? 3 : 1] ?? '';
    if (!replace && (w[1] === 'table' || (TABLE_PREFIXES.has(w[1] ?? '') && w[2] === 'table'))) counts.tables++;
    else if (!replace && (w[1] === 'index' || (w[1] === 'unique' && w[2] === 'index'))) counts.indexes++;
    else if (!replace && w[1] === 'sequence') counts.sequences++;
    else if (!replace && w[1] === 'materialized' && w[2] === 'view') counts.materializedViews++;
    else if (kind === 'view' || (kind === 'recursive' && w[replace ? 4 : 2] === 'view')) counts.views++;
    else if (ROUTINES_AND_TYPES.has(kind) || (kind === 'text' && w[replace ? 4 : 2] === 'search')) counts.routinesAndTypes++;
    return;
  }
  if (w[0] !== 'alter' || w[1] !== 'table') return;
  // Of the subcommands, a key constraint counts first, then a foreign key, then an identity column.
  let key = false;
  let foreign = false;
  let identity = false;
  for (let i = 2; i < w.length; i++) {
    if (w[i] !== 'add') continue;
    if (w[i + 1] === 'constraint') {
      const what = w[i + 3];
      if ((what === 'primary' && w[i + 4] === 'key') || what === 'unique' || what === 'exclude') key = true;
      else if (what === 'foreign' && w[i + 4] === 'key') foreign = true;
    } else if (w[i + 1] === 'generated') {
      for (let j = i + 2; j + 1 < w.length && !identity; j++) identity = w[j] === 'as' && w[j + 1] === 'identity';
    }
  }
  if (key) counts.indexes++;
  else if (foreign) counts.foreignKeys++;
  else if (identity) counts.sequences++;
}
