/**
 * The floor: the tenant's SQL as one simple query in one transaction on an
 * already-open connection, with no Tenantry code in the path. Nothing that
 * executes the same statements can be faster without changing what runs.
 */
import type pg from 'pg';

/** Runs rendered tenant SQL as `BEGIN; …; COMMIT;` in one simple query on an open client. */
export async function runFloor(client: pg.Client, sql: string): Promise<void> {
  await client.query(`BEGIN;\n${sql}\n;COMMIT;`);
}
