/**
 * Keeps a pooled connection exactly as clean as it was: a pg_dump script sets
 * session-level settings (search_path, client_min_messages, …) that would
 * outlive the transaction and leak into the next user of the connection.
 * Before the tenant's SQL we note which settings the session had set; before
 * COMMIT we put every changed one back (set_config to its old value, or RESET).
 */
import type pg from 'pg';

export type SessionSettings = Map<string, string>;

/** The settings this session has set itself (source 'session'), with their values. */
export async function readSessionSettings(client: pg.ClientBase): Promise<SessionSettings> {
  const { rows } = await client.query<{ name: string; setting: string }>("select name, setting from pg_catalog.pg_settings where source = 'session'");
  return new Map(rows.map((r) => [r.name, r.setting]));
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Restores the settings noted in `before`, inside the current transaction so that COMMIT keeps the restore. */
export async function restoreSessionSettings(client: pg.ClientBase, before: SessionSettings): Promise<string[]> {
  const after = await readSessionSettings(client);
  const restored: string[] = [];
  for (const [name, value] of after) {
    const old = before.get(name);
    if (old === value) continue;
    if (old === undefined) {
      // Names come from pg_settings; quoting keeps dotted custom names (app.x) intact.
      await client.query(`RESET ${name.split('.').map(quoteIdent).join('.')}`);
    } else {
      await client.query('select pg_catalog.set_config($1, $2, false)', [name, old]);
    }
    restored.push(name);
  }
  for (const [name, old] of before) {
    if (after.has(name)) continue;
    await client.query('select pg_catalog.set_config($1, $2, false)', [name, old]);
    restored.push(name);
  }
  return restored;
}
