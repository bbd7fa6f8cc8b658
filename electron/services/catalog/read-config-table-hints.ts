/**
 * Small tables of the template that look like configuration (basejump's
 * one-row `config`, a `settings` or `feature_flags` table): a tenant made from
 * a schema-only snapshot gets them empty, and some apps refuse to run without
 * their rows. Listed in the snapshot report next to the ledgers, so the user
 * can carry them with --ledger knowingly; never carried on a guess.
 */
import type pg from 'pg';
import { quoteIdentifier } from '../../../core/sql/quote.js';

/** Names that say "configuration". */
export const CONFIG_NAME = '(^|_)(config|configs|configuration|configurations|settings?|options|preferences|feature_flags?|flags|features|parameters|params|app_info|constants|defaults)($|_)';
/** At most this many rows: a configuration table, not data. */
const MAX_ROWS = 20;

// The schema's tables are reached through pg_depend's reference index (every table depends on its schema), never by
// scanning pg_class, which grows with every tenant in the database; `offset 0` keeps each lookup a lookup.
export const CONFIG_CANDIDATES_SQL = `
select c.relname from pg_catalog.pg_depend d
 cross join lateral (select c.oid, c.relname from pg_catalog.pg_class c
                      where c.oid = d.objid and c.relnamespace = d.refobjid and c.relkind in ('r', 'p') offset 0) c
 where d.refclassid = 'pg_catalog.pg_namespace'::regclass and d.refobjid = (select oid from pg_catalog.pg_namespace where nspname = $1)
   and d.classid = 'pg_catalog.pg_class'::regclass
   and c.relname ~* $2 and not (c.relname = any($3::text[]))
   and not exists (select 1 from pg_catalog.pg_depend e where e.classid = 'pg_catalog.pg_class'::regclass and e.objid = c.oid and e.deptype = 'e')
 order by 1 limit 50`;

/** Counting at most MAX_ROWS + 1 rows keeps a big table cheap. */
function countSql(schema: string, table: string): string {
  return `select count(*)::int as n from (select 1 from ${quoteIdentifier(schema)}.${quoteIdentifier(table)} limit ${MAX_ROWS + 1}) s`;
}

/** Tables of `schema` named like configuration holding 1 to MAX_ROWS rows, leaving out `ledgerTables`. */
export async function readConfigTableHints(client: pg.ClientBase, schema: string, ledgerTables: readonly string[]): Promise<{ table: string; rows: number }[]> {
  const candidates = (await client.query<{ relname: string }>(CONFIG_CANDIDATES_SQL, [schema, CONFIG_NAME, [...ledgerTables]])).rows.map((r) => r.relname);
  if (candidates.length === 0) return [];
  let counts: (number | undefined)[];
  try {
    // All the counts in one statement (GitLab has 50 candidates: one round trip and one plan each cost more than the counting).
    const { rows } = await client.query<{ n: number }>(candidates.map((table, i) => `select ${i} as i, (${countSql(schema, table)}) as n`).join('\nunion all ') + '\norder by i');
    counts = rows.map((r) => r.n);
  } catch {
    // A table the role cannot read fails the whole statement: count one by one, and such a table is no hint
    // (outside a transaction, a failed query leaves the session usable).
    counts = [];
    for (const table of candidates) counts.push(await client.query<{ n: number }>(countSql(schema, table)).then((r) => r.rows[0]?.n, () => undefined));
  }
  const hints: { table: string; rows: number }[] = [];
  candidates.forEach((table, i) => {
    const n = counts[i] ?? 0;
    if (n >= 1 && n <= MAX_ROWS) hints.push({ table, rows: n });
  });
  return hints;
}
