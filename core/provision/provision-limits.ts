/**
 * Limits every tenant's transaction runs under, whatever the snapshot's
 * header carries. pg_dump's preamble sets lock_timeout = 0 (wait forever), so
 * a tenant stuck behind another session's lock would otherwise commit minutes
 * after its client gave up; client_connection_check_interval (PostgreSQL 14+)
 * lets the server notice a vanished client during a long statement and roll
 * back instead of finishing the work for nobody.
 */

/** How long a tenant waits for a lock by default (the CLI's --lock-timeout). */
export const DEFAULT_LOCK_TIMEOUT_MS = 5000;

/** How often the server checks that the client is still connected during a statement. */
export const CLIENT_CHECK_INTERVAL_MS = 2000;

/** `SET LOCAL` lines applied after the snapshot's session settings (so they win); lockTimeoutMs 0 waits without limit. */
export function buildProvisionLimitsSql(options: { lockTimeoutMs: number; serverMajor: number }): string {
  const lockTimeout = Math.max(0, Math.round(options.lockTimeoutMs));
  const lines = [`SET LOCAL lock_timeout = '${lockTimeout}ms';`];
  if (options.serverMajor >= 14) lines.push(`SET LOCAL client_connection_check_interval = '${CLIENT_CHECK_INTERVAL_MS}ms';`);
  return lines.join('\n') + '\n';
}
