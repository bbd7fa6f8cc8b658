/**
 * A tenant's SQL as Tenantry runs it on a Citus coordinator. Distributed: the
 * identity columns move into their CREATE TABLE (identity-rewrite.ts) and the
 * SQL runs with citus.enable_schema_based_sharding on, so its CREATE SCHEMA
 * makes a distributed schema and every table in it a single-shard table
 * colocated with the others, and with citus.enable_unsafe_triggers on, which
 * Citus needs to create a trigger on a distributed table (the trigger runs on
 * the worker holding the tenant). Local: sharding off, whatever the cluster's
 * default, so the tenant stays on the coordinator. Both settings are SET LOCAL
 * (this transaction only), and switched off again right after the tenant's
 * SQL so that nothing Tenantry writes afterwards in the same transaction
 * becomes distributed.
 */
import { moveIdentityIntoCreateTable } from './identity-rewrite.js';

export type CitusPlacement = 'distributed' | 'local';

const SHARDING = 'citus.enable_schema_based_sharding';
const TRIGGERS = 'citus.enable_unsafe_triggers';

/** The SQL to run for one tenant on a Citus coordinator; line numbers stay those of `sql` (the prefix shares line 1). */
export function buildCitusTenantSql(sql: string, placement: CitusPlacement): string {
  const body = placement === 'distributed' ? moveIdentityIntoCreateTable(sql).sql : sql;
  const head = placement === 'distributed' ? `SET LOCAL ${SHARDING} = on; SET LOCAL ${TRIGGERS} = on; ` : `SET LOCAL ${SHARDING} = off; `;
  // `;` on its own line: the reset starts a statement of its own even after a body without a final `;`.
  const tail = `\n;\nSET LOCAL ${SHARDING} = off;${placement === 'distributed' ? ` SET LOCAL ${TRIGGERS} = off;` : ''}\n`;
  return `${head}${body}${tail}`;
}
