/** Reads whether a database runs Citus, and as which node (see core/citus/citus-facts.ts). */
import type pg from 'pg';
import type { CitusFacts } from '../../../core/citus/citus-facts.js';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** Citus facts of the database `db` is connected to; plain PostgreSQL gives { installed: false }. */
export async function detectCitus(db: Queryable): Promise<CitusFacts> {
  const { rows } = await db.query<{ installed: string | null; available: boolean }>(
    `select (select extversion from pg_catalog.pg_extension where extname = 'citus') as installed,
            exists (select 1 from pg_catalog.pg_available_extensions where name = 'citus') as available`,
  );
  const version = rows[0]?.installed ?? null;
  if (version === null) return { installed: false, available: Boolean(rows[0]?.available) };
  // pg_dist_local_group and pg_dist_node exist once the extension is created; groupid 0 is the coordinator.
  const node = await db.query<{ groupid: number; sharding: string | null; workers: number }>(
    `select (select groupid from pg_catalog.pg_dist_local_group) as groupid,
            pg_catalog.current_setting('citus.enable_schema_based_sharding', true) as sharding,
            (select count(*)::int from pg_catalog.pg_dist_node where noderole = 'primary' and isactive and groupid <> 0) as workers`,
  );
  const row = node.rows[0];
  return {
    installed: true,
    available: true,
    version,
    role: row?.groupid === 0 ? 'coordinator' : 'worker',
    schemaBasedSharding: row?.sharding === 'on',
    workers: row?.workers ?? 0,
  };
}
