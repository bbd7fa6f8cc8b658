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
const CONFIG_NAME = '(^|_)(config|configs|configuration|configurations|settings?|options|preferences|feature_flags?|flags|features|parameters|params|app_info|constants|defaults)($|_)';
/** At most this many rows: a configuration table, not data. */
const MAX_ROWS = 20;

/** Tables of `schema` named like configuration holding 1 to MAX_ROWS rows, leaving out `ledgerTables`. */
export async function readConfigTableHints(client: pg.ClientBase, schema: string, ledgerTables: readonly string[]): Promise<{ table: string; rows: number }[]> {
  const candidates = await client.query<{ relname: string }>(
    `select c.relname from pg_catalog.pg_class c
      where c.relnamespace = (select oid from pg_catalog.pg_namespace where nspname = $1) and c.relkind in ('r', 'p')
        and c.relname ~* $2 and not (c.relname = any($3::text[]))
        and not exists (select 1 from pg_catalog.pg_depend e where e.classid = 'pg_catalog.pg_class'::regclass and e.objid = c.oid and e.deptype = 'e')
      order by 1 limit 50`,
    [schema, CONFIG_NAME, [...ledgerTables]],
  );
  const hints: { table: string; rows: number }[] = [];
  for (const { relname } of candidates.rows) {
    try {
      // Counting at most MAX_ROWS + 1 rows keeps a big table cheap.
      const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from (select 1 from ${quoteIdentifier(schema)}.${quoteIdentifier(relname)} limit ${MAX_ROWS + 1}) s`);
      const n = rows[0]?.n ?? 0;
      if (n >= 1 && n <= MAX_ROWS) hints.push({ table: relname, rows: n });
    } catch {
      // A table the role cannot read is no hint (outside a transaction, the failed query leaves the session usable).
      continue;
    }
  }
  return hints;
}
