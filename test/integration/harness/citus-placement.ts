/** Where a tenant schema is on a Citus coordinator, for the placement tests. */
import { expect } from 'vitest';
import type { Cluster } from '../../../support/cluster.js';

/**
 * 'distributed' (a Citus distributed schema, its table on a worker) or 'local' (on the coordinator); asserts that the
 * schema's single table is a Citus table exactly when the schema is distributed.
 */
export async function schemaPlacement(coordinator: Cluster, database: string, schema: string): Promise<'distributed' | 'local'> {
  const { rows } = await coordinator.query(
    `SELECT EXISTS (SELECT 1 FROM pg_dist_schema WHERE schemaid = '${schema}'::regnamespace) AS distributed,
            (SELECT count(*)::int FROM pg_dist_partition p JOIN pg_class c ON c.oid = p.logicalrelid WHERE c.relnamespace = '${schema}'::regnamespace) AS tables`,
    database,
  );
  const row = rows[0] as { distributed: boolean; tables: number };
  expect(row.tables, `${schema}: its table is a Citus table exactly when the schema is distributed`).toBe(row.distributed ? 1 : 0);
  return row.distributed ? 'distributed' : 'local';
}
