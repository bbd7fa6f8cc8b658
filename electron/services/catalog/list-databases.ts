/**
 * Lists the databases a connection could switch to: those that allow
 * connections and are not templates. The size is read only where the role
 * may connect (pg_database_size refuses otherwise).
 */
import type { DatabaseSummary } from '../../../core/api/contract.js';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { openClient } from '../connection/open-connection.js';

const DATABASES_SQL = `select datname as name, pg_catalog.pg_get_userbyid(datdba) as owner,
        case when has_database_privilege(datname, 'CONNECT') then pg_catalog.pg_database_size(datname) else 0 end::bigint as size
   from pg_catalog.pg_database where datallowconn and not datistemplate order by datname`;

/** The databases of the profile's server, by name. */
export async function listDatabases(profile: ConnectionProfile): Promise<DatabaseSummary[]> {
  const client = await openClient(profile);
  try {
    const r = await client.query<{ name: string; owner: string; size: string }>(DATABASES_SQL);
    return r.rows.map((row) => ({ name: row.name, owner: row.owner, sizeBytes: Number(row.size) }));
  } finally {
    await client.end();
  }
}
