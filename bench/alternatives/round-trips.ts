/**
 * One round trip per statement: BEGIN, every statement as its own query on an
 * open connection, COMMIT. What an ORM or a hand-written loop over a schema
 * file typically does.
 */
import type pg from 'pg';

/** Runs the statements one query each inside one transaction. */
export async function runRoundTrips(client: pg.Client, statements: readonly string[]): Promise<void> {
  await client.query('BEGIN');
  try {
    for (const statement of statements) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
