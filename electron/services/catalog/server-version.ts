/** Reads the server's version through an open connection. */
import type pg from 'pg';
import { parseServerVersionNum, type PgVersion } from '../../../core/binaries/pg-version.js';

/** The server's version (server_version_num, with server_version as text). */
export async function readServerVersion(client: pg.ClientBase): Promise<PgVersion> {
  const { rows } = await client.query<{ num: string; text: string }>(
    "select current_setting('server_version_num') as num, split_part(current_setting('server_version'), ' ', 1) as text",
  );
  const row = rows[0];
  return parseServerVersionNum(Number(row?.num ?? 0), row?.text);
}
