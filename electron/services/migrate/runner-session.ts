/**
 * The connection a process running a rollout keeps open for the whole run.
 * Its application_name (runnerApplicationName) is how status tells a running
 * rollout from one whose process died: the server drops the session with the
 * process, so a rollout left 'running' with no such session was interrupted.
 * It writes the rollout's state ('running', then 'finished' or 'stopped') and,
 * in batches every few hundred milliseconds, the 'running' mark of the tenants
 * in flight and the 'done' mark (attempts, duration) of those whose migration
 * committed: a write per tenant, on this connection or in the tenant's own
 * transaction, would cost the run a round trip or a statement each. The record
 * committed with each tenant is what makes it done (rollout-sql.ts
 * buildEffectiveStatusSql); the mark a killed process never wrote is written
 * when the rollout is run again (buildReconcileDoneSql). The lock watches poll
 * on this connection too, one query after another.
 */
import { hostname } from 'node:os';
import type pg from 'pg';
import { buildMarkDoneSql, buildMarkRunningSql, buildReconcileDoneSql, ROLLOUT_TENANTS_TABLE, ROLLOUTS_TABLE, runnerApplicationName } from '../../../core/migrate/rollout-sql.js';
import { quoteLiteral } from '../../../core/sql/quote.js';

export interface RunnerSession {
  /** The connection, its queries queued one after another (node-postgres deprecates overlapping queries). */
  client: pg.ClientBase;
  /** A tenant's transaction starts / ended (any outcome; `doneMs` when it is done, its duration). */
  started(tenant: string): void;
  ended(tenant: string, doneMs?: number): void;
  /** Writes the marks still due and the end state, puts tenants left 'running' by this process back to 'pending', closes the connection. */
  close(state: 'finished' | 'stopped'): Promise<void>;
}

const FLUSH_MS = 250;
/**
 * The server's sessions as the closing queries read them: pg_stat_activity's own function rather than the view, which
 * joins pg_database and pg_authid for columns these queries never read (application_name and pid are the function's,
 * shown for every role's sessions). With the view the two queries took 2.8-3.7 ms of the runner's backend at the end
 * of a run of 200 tenants, with the function ~1.3 ms (issue 15, bookkeeping <= 5 %; backend CPU from schedstat).
 */
const OTHER_SESSIONS = 'pg_catalog.pg_stat_get_activity(NULL)';
const MARK_RUNNING = 'tenantry_rollout_mark_running';
const MARK_RUNNING_SQL = buildMarkRunningSql();
const MARK_DONE = 'tenantry_rollout_mark_done';
const MARK_DONE_SQL = buildMarkDoneSql();

/**
 * Opens the runner session of rollout `id` (whose last version is `lastVersion`), marks the rollout running and writes
 * the 'done' marks a killed run left unwritten; `neverRan`: the rollout was 'recorded' when read (no process had
 * started it), so no run left any, and that write is left out.
 */
export async function openRunnerSession(pool: pg.Pool, id: string, lastVersion: string, neverRan = false): Promise<RunnerSession> {
  const raw = await pool.connect();
  const client = serialized(raw);
  const runner = `${hostname()} pid ${process.pid}`;
  try {
    await client.query(`SET application_name = ${quoteLiteral(runnerApplicationName(id))}`);
    await Promise.all([
      client.query(`UPDATE ${ROLLOUTS_TABLE} SET state = 'running', runner = $2, state_at = pg_catalog.clock_timestamp() WHERE id = $1`, [id, runner]),
      neverRan ? undefined : client.query(buildReconcileDoneSql(), [id, lastVersion]),
    ]);
  } catch (error) {
    raw.release(true);
    throw error;
  }
  const inFlight = new Set<string>();
  const marked = new Set<string>();
  let done = new Map<string, number>();
  let flushing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    const due = [...inFlight].filter((t) => !marked.has(t));
    for (const t of due) marked.add(t);
    // The marks are a display: a failed write leaves the tenant 'pending' or 'running', which readers and the next run correct from the record.
    // Named: parsed and planned once per connection, not at every flush (issue 15, bookkeeping <= 5 %).
    if (due.length > 0) flushing = flushing.then(() => client.query({ name: MARK_RUNNING, text: MARK_RUNNING_SQL, values: [id, due] }).then(() => undefined, () => undefined));
    if (done.size > 0) {
      const finished = done;
      done = new Map();
      flushing = flushing.then(() => client.query({ name: MARK_DONE, text: MARK_DONE_SQL, values: [id, [...finished.keys()], [...finished.values()].map(Math.round)] }).then(() => undefined, () => undefined));
    }
    return flushing;
  };
  const timer = setInterval(() => void flush(), FLUSH_MS);
  timer.unref();
  return {
    client,
    started: (tenant) => void inFlight.add(tenant),
    ended: (tenant, doneMs) => {
      inFlight.delete(tenant);
      // A retried tenant is 'pending' again after its failure is recorded: the next attempt marks it anew.
      marked.delete(tenant);
      if (doneMs !== undefined) done.set(tenant, doneMs);
    },
    async close(state) {
      clearInterval(timer);
      await flush();
      try {
        await client.query(
          `UPDATE ${ROLLOUT_TENANTS_TABLE} SET status = 'pending', updated_at = pg_catalog.clock_timestamp() WHERE rollout_id = $1 AND status = 'running'
              AND NOT EXISTS (SELECT 1 FROM ${OTHER_SESSIONS} a WHERE a.application_name = $2 AND a.pid <> pg_catalog.pg_backend_pid())`,
          [id, runnerApplicationName(id)],
        );
      } catch {
        // The server is gone: the rows stay 'running' and status reports the rollout interrupted, which it is.
      }
      try {
        // Another process running the same rollout keeps it 'running' until it ends too.
        await client.query(
          `UPDATE ${ROLLOUTS_TABLE} SET state = CASE WHEN EXISTS (SELECT 1 FROM ${OTHER_SESSIONS} a WHERE a.application_name = $3 AND a.pid <> pg_catalog.pg_backend_pid()) THEN 'running' ELSE $2 END,
                  state_at = pg_catalog.clock_timestamp() WHERE id = $1`,
          [id, state, runnerApplicationName(id)],
        );
      } catch {
        // As above.
      }
      // The connection goes back to the pool under its own name again; one that failed is closed.
      await client.query('RESET application_name').then(() => raw.release(), (error: Error) => raw.release(error));
    },
  };
}

/** The client with its queries queued one after another. */
function serialized(client: pg.PoolClient): pg.ClientBase {
  let chain: Promise<unknown> = Promise.resolve();
  const query = (text: string | pg.QueryConfig, values?: unknown[]): Promise<pg.QueryResult> => {
    const next = chain.then(() => (typeof text === 'string' ? client.query(text, values) : client.query(text)));
    chain = next.catch(() => undefined);
    return next;
  };
  // Only query is used by the lock watch and the runner; the rest is the client's own.
  return Object.assign(Object.create(client) as pg.ClientBase, { query });
}
