/**
 * Runs SQL on a Citus coordinator one statement per query. Citus propagates
 * DDL to the workers with the text of the query that ran it; for a
 * multi-statement query that text holds every statement, and the worker
 * refuses it ("cannot insert multiple commands into a prepared statement").
 * psql already sends one statement at a time; the driver path sends the
 * snapshot this way when the target runs Citus.
 */
import type pg from 'pg';
import { TenantryError } from '../../../core/errors.js';
import { splitStatements } from '../../../core/sql/split-statements.js';

/** Runs each top-level statement of `sql` as its own query; returns their results in order. An error's position is moved onto `sql`. */
export async function runStatementsOneByOne(client: Pick<pg.ClientBase, 'query'>, sql: string): Promise<pg.QueryResult[]> {
  const results: pg.QueryResult[] = [];
  for (const statement of splitStatements(sql)) {
    if (statement.kind !== 'sql') {
      throw new TenantryError('PROVISION_FAILED', 'The snapshot holds COPY … FROM stdin data or a psql meta-command, which the driver cannot send one statement at a time on a Citus coordinator. Provision with --via psql.', {
        detail: statement.text.slice(0, 200),
      });
    }
    try {
      results.push(await client.query(statement.text));
    } catch (error) {
      const e = error as { position?: string };
      if (e.position !== undefined) e.position = String(Number(e.position) + Array.from(sql.slice(0, statement.start)).length);
      throw error;
    }
  }
  return results;
}
