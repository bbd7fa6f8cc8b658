/**
 * Keeps a pooled connection exactly as clean as it was: a pg_dump script sets
 * session-level settings (search_path, client_min_messages, …) that would
 * outlive the transaction and leak into the next user of the connection.
 * Before the tenant's SQL we note which settings the session had set; before
 * COMMIT we put every changed one back (set_config to its old value, or RESET).
 */
import type pg from 'pg';
import { quoteIdentifier, quoteLiteral } from '../../../core/sql/quote.js';

export type SessionSettings = Map<string, string>;

/** The settings this session has set itself (source 'session'), with their values. */
export async function readSessionSettings(client: pg.ClientBase): Promise<SessionSettings> {
  const { rows } = await client.query<{ name: string; setting: string }>("select name, setting from pg_catalog.pg_settings where source = 'session'");
  return new Map(rows.map((r) => [r.name, r.setting]));
}

/**
 * Restores the settings noted in `before`, inside the current transaction so
 * that COMMIT keeps the restore: one round trip whatever the number. Settings
 * changed with SET LOCAL show as 'session' here too; RESET puts them back to
 * what the session had before (their reset value).
 */
export async function restoreSessionSettings(client: pg.ClientBase, before: SessionSettings): Promise<string[]> {
  const after = await readSessionSettings(client);
  const statements: string[] = [];
  const restored: string[] = [];
  for (const [name, value] of after) {
    const old = before.get(name);
    if (old === value) continue;
    // Names come from pg_settings; quoting keeps dotted custom names (app.x) intact.
    statements.push(old === undefined ? `RESET ${name.split('.').map(quoteIdentifier).join('.')}` : `SELECT pg_catalog.set_config(${quoteLiteral(name)}, ${quoteLiteral(old)}, false)`);
    restored.push(name);
  }
  for (const [name, old] of before) {
    if (after.has(name)) continue;
    statements.push(`SELECT pg_catalog.set_config(${quoteLiteral(name)}, ${quoteLiteral(old)}, false)`);
    restored.push(name);
  }
  if (statements.length > 0) await client.query(statements.join(';\n'));
  return restored;
}
