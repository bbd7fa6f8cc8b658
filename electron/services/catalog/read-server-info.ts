/**
 * What `connections:test` reports: the server version, who we are connected
 * as, to which database, and whether the session is encrypted (pg_stat_ssl,
 * readable by every role for its own backend), and Citus when the database runs it.
 */
import type { ServerInfo } from '../../../core/api/contract.js';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { connectDriver } from '../connection/driver-config.js';
import { explainConnectFailure } from '../connection/explain-connect-failure.js';
import { detectCitus } from '../citus/detect-citus.js';

const SERVER_INFO_SQL = `select current_setting('server_version') as v, current_user as u, current_database() as d,
        (select ssl from pg_catalog.pg_stat_ssl where pid = pg_backend_pid()) as ssl,
        (select version || ' ' || cipher from pg_catalog.pg_stat_ssl where pid = pg_backend_pid() and ssl) as detail`;

/** Connects with the profile and reads what the server says about the session. */
export async function readServerInfo(profile: ConnectionProfile): Promise<ServerInfo> {
  const started = performance.now();
  let client;
  try {
    client = await connectDriver(profile);
  } catch (error) {
    // The cause as the diagnostics would name it (probing when the error alone says nothing).
    throw await explainConnectFailure(error, profile);
  }
  try {
    const r = await client.query<{ v: string; u: string; d: string; ssl: boolean | null; detail: string | null }>(SERVER_INFO_SQL);
    const row = r.rows[0];
    const citus = await detectCitus(client);
    return {
      serverVersion: row?.v ?? '',
      user: row?.u ?? '',
      database: row?.d ?? '',
      ssl: Boolean(row?.ssl),
      ...(row?.detail ? { sslDetail: row.detail } : {}),
      elapsedMs: Math.round(performance.now() - started),
      ...(citus.installed ? { citus } : {}),
    };
  } finally {
    await client.end();
  }
}
