/**
 * Who blocks a tenant. When lock_timeout fires the server only says
 * "canceling statement due to lock timeout"; by then the wait is over and
 * pg_blocking_pids() has nothing to say. So while a tenant runs, a monitor
 * connection looks (every third of the timeout, so any wait that reaches the
 * timeout is seen at least twice) at the locks the tenant's backend waits for
 * and at the sessions that block it, and the error names them.
 */
import type pg from 'pg';

export interface LockBlocker {
  pid: number;
  user: string;
  application: string;
  state: string;
  query: string;
  /** The lock waited for, e.g. `relation public.items (ShareRowExclusiveLock)` or `advisory lock`. */
  lock: string;
}

/** Which backend to watch: the driver's pid, or the psql session by its unique application_name. */
export type WatchTarget = { pid: number } | { applicationName: string };

export interface LockWatchHandle {
  /** Stops polling; returns the blockers seen last (empty when the tenant never waited during a poll). */
  stop(): LockBlocker[];
}

const BLOCKERS_SQL = `
select w.locktype, w.mode, coalesce(w.relation::pg_catalog.regclass::text, '') as relation,
       b.pid, coalesce(b.usename::text, '') as usename, coalesce(b.application_name, '') as application,
       coalesce(b.state, '') as state, pg_catalog.left(coalesce(b.query, ''), 200) as query
  from pg_catalog.pg_locks w
  cross join lateral pg_catalog.unnest(pg_catalog.pg_blocking_pids(w.pid)) as bp(pid)
  join pg_catalog.pg_stat_activity b on b.pid = bp.pid
 where not w.granted and w.pid in (select a.pid from pg_catalog.pg_stat_activity a where a.pid = $1 or a.application_name = $2)`;

interface BlockerRow {
  locktype: string;
  mode: string;
  relation: string;
  pid: number;
  usename: string;
  application: string;
  state: string;
  query: string;
}

/** Polls for the target's blockers on `monitor` until stopped. */
export function watchLockWaits(monitor: () => Promise<pg.ClientBase>, target: WatchTarget, periodMs: number): LockWatchHandle {
  let seen: LockBlocker[] = [];
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const poll = async () => {
    try {
      const client = await monitor();
      if (stopped) return;
      const { rows } = await client.query<BlockerRow>(BLOCKERS_SQL, 'pid' in target ? [target.pid, null] : [null, target.applicationName]);
      if (rows.length > 0) {
        seen = rows.map((r) => ({
          pid: Number(r.pid),
          user: r.usename,
          application: r.application,
          state: r.state,
          query: r.query,
          lock: r.locktype === 'relation' && r.relation ? `${r.mode} on table ${r.relation}` : `${r.mode} ${r.locktype} lock`,
        }));
      }
    } catch {
      // The monitor is best effort: the tenant's own error still says it timed out.
    }
    if (!stopped) timer = setTimeout(() => void poll(), periodMs);
  };
  timer = setTimeout(() => void poll(), periodMs);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      return seen;
    },
  };
}

/** One sentence naming the blockers, for the LOCK_TIMEOUT error. */
export function describeBlockers(blockers: readonly LockBlocker[]): string {
  if (blockers.length === 0) return 'The blocking session was not caught in the act; look for it in pg_locks and pg_stat_activity (pg_blocking_pids).';
  const unique = [...new Map(blockers.map((b) => [b.pid, b])).values()];
  const who = unique
    .map((b) => `pid ${b.pid} (user ${b.user || '?'}${b.application ? `, application ${b.application}` : ''}, ${b.state || 'state unknown'}${b.query ? `, last query: ${b.query.replace(/\s+/g, ' ').trim()}` : ''})`)
    .join('; ');
  return `It waited for ${blockers[0]?.lock ?? 'a lock'}, held by ${who}. End that transaction (or SELECT pg_terminate_backend(${unique[0]?.pid ?? 'pid'})), or allow a longer wait with --lock-timeout.`;
}
