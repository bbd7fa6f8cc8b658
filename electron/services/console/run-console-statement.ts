/**
 * The SQL console: one statement on a fresh connection, in a transaction that is READ ONLY unless writes
 * were allowed, with a statement_timeout and (for a tenant) search_path set for that transaction only.
 * The statement is sent with the extended protocol, so the server refuses more than one statement (a
 * second statement could otherwise end the read-only transaction and run outside it). A read-only run
 * always rolls back; with writes allowed it commits when the statement succeeded. Rows stream in: the
 * first maxRows are kept as PostgreSQL's text (what psql shows), the rest are only counted. Cancel sends
 * pg_cancel_backend from a second connection, as psql does on Ctrl+C.
 */
import pg from 'pg';
import type { SqlConsoleRequest, SqlConsoleResult } from '../../../core/api/contract.js';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { TenantryError } from '../../../core/errors.js';
import { quoteIdentifierAlways } from '../../../core/sql/quote.js';
import { openClient } from '../connection/open-connection.js';
import { formatPgError, readPgError, sqlstateOf } from '../errors/pg-error.js';

/** Rows kept for the grid by default; more are counted, not kept. */
export const CONSOLE_MAX_ROWS = 1000;

/** Every value as the server's text: no Date, number or JSON parsing on the way to the grid. */
const TEXT_TYPES = { getTypeParser: () => (value: string) => value };

interface Streamed {
  command: string;
  rowCount: number | null;
  fields: { name: string; dataTypeID: number }[];
  rows: (string | null)[][];
  seen: number;
}

function streamStatement(client: pg.Client, sql: string, maxRows: number): Promise<Streamed> {
  return new Promise((resolve, reject) => {
    const rows: (string | null)[][] = [];
    let seen = 0;
    // queryMode 'extended' (pg 8.11+) is not in @types/pg; the rest is QueryArrayConfig.
    const config: pg.QueryArrayConfig & { queryMode: 'extended' } = { text: sql, rowMode: 'array', queryMode: 'extended', types: TEXT_TYPES };
    const query = new pg.Query(config);
    query.on('row', (row: (string | null)[]) => {
      seen++;
      if (rows.length < maxRows) rows.push(row);
    });
    query.on('error', reject);
    query.on('end', (result: pg.QueryResult) => resolve({ command: result.command ?? '', rowCount: result.rowCount, fields: result.fields ?? [], rows, seen }));
    client.query(query);
  });
}

async function cancelBackend(profile: ConnectionProfile, pid: number): Promise<void> {
  const canceller = await openClient(profile);
  try {
    await canceller.query('SELECT pg_catalog.pg_cancel_backend($1)', [pid]);
  } finally {
    await canceller.end().catch(() => undefined);
  }
}

function toConsoleError(error: unknown, request: SqlConsoleRequest, cancelled: boolean): TenantryError {
  if (error instanceof TenantryError) return error;
  const sqlstate = sqlstateOf(error);
  const detail = formatPgError(error);
  if (sqlstate === '57014') {
    return cancelled
      ? new TenantryError('CANCELLED', 'The statement was cancelled; nothing it did was kept.', { detail, cause: error })
      : new TenantryError('TIMEOUT', `The statement ran longer than the ${request.timeoutMs / 1000} s statement timeout and was stopped; nothing it did was kept. Raise the timeout or narrow the statement.`, { detail, cause: error });
  }
  if (sqlstate === '25006') {
    return new TenantryError('SQL_CONSOLE_READ_ONLY', 'The console is read-only, so the statement was refused: turn on "Allow writes" to run a statement that changes data.', { detail, cause: error });
  }
  if (sqlstate === '42601' && /multiple commands/.test(readPgError(error).message ?? '')) {
    return new TenantryError('SQL_CONSOLE_REFUSED', 'The console runs one statement at a time: remove the others (or run them one by one).', { detail, cause: error });
  }
  return new TenantryError('PG_QUERY_FAILED', `The statement failed: ${readPgError(error).message ?? String(error)}`, { detail, cause: error });
}

/** Runs one statement for the console and returns its rows (as text) or what it did. */
export async function runConsoleStatement(profile: ConnectionProfile, request: SqlConsoleRequest, options: { signal?: AbortSignal; maxRows?: number } = {}): Promise<SqlConsoleResult> {
  if (request.sql.trim() === '') throw new TenantryError('SQL_CONSOLE_REFUSED', 'Type a statement to run.');
  const started = performance.now();
  const client = await openClient({ ...profile, application_name: 'tenantry console' });
  let cancelled = false;
  const onAbort = () => {
    cancelled = true;
    const pid = (client as unknown as { processID?: number }).processID;
    if (pid !== undefined) void cancelBackend(profile, pid).catch(() => undefined);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await client.query(request.allowWrites ? 'BEGIN' : 'BEGIN READ ONLY');
    await client.query("SELECT pg_catalog.set_config('statement_timeout', $1, true)", [String(Math.round(request.timeoutMs))]);
    if (request.searchPath !== undefined) await client.query("SELECT pg_catalog.set_config('search_path', $1, true)", [quoteIdentifierAlways(request.searchPath)]);
    let streamed: Streamed;
    try {
      streamed = await streamStatement(client, request.sql, options.maxRows ?? CONSOLE_MAX_ROWS);
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw toConsoleError(error, request, cancelled || options.signal?.aborted === true);
    }
    const types = await readTypeNames(client, streamed.fields.map((f) => f.dataTypeID));
    await client.query(request.allowWrites ? 'COMMIT' : 'ROLLBACK');
    return {
      command: streamed.command,
      rowCount: streamed.rowCount,
      columns: streamed.fields.map((f) => ({ name: f.name, type: types.get(f.dataTypeID) ?? String(f.dataTypeID) })),
      rows: streamed.rows,
      truncated: streamed.seen > streamed.rows.length,
      committed: request.allowWrites,
      elapsedMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    throw toConsoleError(error, request, cancelled);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await client.end().catch(() => undefined);
  }
}

/** format_type names of the result's column types (int4 → integer), in the statement's transaction. */
async function readTypeNames(client: pg.Client, oids: number[]): Promise<Map<number, string>> {
  if (oids.length === 0) return new Map();
  const { rows } = await client.query<{ oid: number; name: string }>('SELECT oid::int AS oid, pg_catalog.format_type(oid, NULL) AS name FROM pg_catalog.pg_type WHERE oid = ANY($1::oid[])', [oids]);
  return new Map(rows.map((r) => [r.oid, r.name]));
}
