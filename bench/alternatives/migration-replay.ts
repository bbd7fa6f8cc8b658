/**
 * Migration replay: every statement as its own migration, the way a migration
 * tool brings up a new tenant: BEGIN, the statement, an INSERT into the ledger,
 * COMMIT, per statement. The ledger is one shared table (public.bench_migrations).
 */
import type pg from 'pg';

export const LEDGER_SQL = 'CREATE TABLE IF NOT EXISTS public.bench_migrations (tenant text NOT NULL, version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (tenant, version))';

/** Replays the statements as migrations for `tenant`. */
export async function runMigrationReplay(client: pg.Client, tenant: string, statements: readonly string[]): Promise<void> {
  for (let i = 0; i < statements.length; i++) {
    await client.query('BEGIN');
    try {
      await client.query(statements[i]!);
      await client.query('INSERT INTO public.bench_migrations (tenant, version) VALUES ($1, $2)', [tenant, i + 1]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
}
