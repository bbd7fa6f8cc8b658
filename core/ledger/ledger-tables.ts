/**
 * Migration ledgers: the tables in which frameworks record which migrations
 * ran. Their rows are carried into every tenant so the application does not
 * re-run its migrations on a new schema (peers.md bug 5).
 */

/** Ledger table names of common frameworks, exactly as they create them (some are mixed case). */
export const KNOWN_LEDGER_TABLES: readonly string[] = [
  'schema_migrations', // Rails, Ecto, golang-migrate, dbmate
  'ar_internal_metadata', // Rails
  'django_migrations',
  'knex_migrations',
  'knex_migrations_lock',
  'flyway_schema_history',
  '_prisma_migrations',
  '__EFMigrationsHistory',
  'goose_db_version',
  'SequelizeMeta',
];

/**
 * The ledger tables to carry: the known names present in the schema plus every
 * user-chosen name; returns the user-chosen names that do not exist separately.
 */
export function selectLedgerTables(tablesInSchema: readonly string[], userChosen: readonly string[] = []): { tables: string[]; missing: string[] } {
  const present = new Set(tablesInSchema);
  const tables: string[] = [];
  for (const name of [...KNOWN_LEDGER_TABLES, ...userChosen]) {
    if (present.has(name) && !tables.includes(name)) tables.push(name);
  }
  const missing = userChosen.filter((name) => !present.has(name));
  return { tables, missing };
}
