/**
 * The session settings a tenant's SQL runs under. The snapshot engine strips
 * pg_dump's preamble SETs from the body and keeps them in the header
 * (sessionSettings, e.g. check_function_bodies = false, search_path = '');
 * provisioning applies them with SET LOCAL, so they last exactly as long as the
 * tenant's transaction and never leak into a pooled connection.
 *
 * standard_conforming_strings is always on, first, whatever the header says: the
 * renderer escapes a tenant name in '…' literals by doubling quotes only, which
 * is exact with it on; with it off (a template database set that way, so pg_dump
 * wrote `off`) a backslash in the name would end the literal and run the rest of
 * the name as SQL. A body written for `off` whose literals would read differently
 * is refused instead (core/snapshot/conforming-strings.ts).
 */
import { TenantryError } from '../errors.js';

/** Applied when a snapshot carries no settings of its own: what pg_dump's preamble sets for a schema dump. */
export const DEFAULT_SESSION_SETTINGS: Readonly<Record<string, string>> = {
  check_function_bodies: 'false',
  standard_conforming_strings: 'on',
  client_min_messages: 'warning',
  search_path: "''",
};

/**
 * The startup options of every connection Tenantry opens (node-postgres `options`, PGOPTIONS for psql and
 * pg_dump): standard_conforming_strings = on from the first byte, because a multi-statement simple query is
 * parsed whole before its first SET LOCAL runs, and pg_dump then writes literals for it on.
 */
export const CONNECTION_STARTUP_OPTIONS = '-c standard_conforming_strings=on';

const NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;
const VALUE = /^(?:'(?:[^']|'')*'|[A-Za-z0-9_.+-]+)$/;

export interface SessionPreambleOptions {
  /** 'local' (default): SET LOCAL, for inside the tenant's transaction; 'session': plain SET, for a psql script. */
  scope?: 'local' | 'session';
  /** Settings to leave out (render --session keeps the reader's search_path). */
  omit?: readonly string[];
}

/** `SET LOCAL name = value;` lines for the settings (snapshot values as SQL text, e.g. `'UTF8'`, `off`), standard_conforming_strings = on first. */
export function buildSessionPreamble(settings: Readonly<Record<string, string>> | undefined, options: SessionPreambleOptions = {}): string {
  // Written first, so that psql reads every later line with it on too.
  const merged: Record<string, string> = { standard_conforming_strings: 'on', ...DEFAULT_SESSION_SETTINGS, ...(settings ?? {}) };
  merged.standard_conforming_strings = 'on';
  for (const name of options.omit ?? []) delete merged[name];
  const set = options.scope === 'session' ? 'SET' : 'SET LOCAL';
  const lines: string[] = [];
  for (const [name, value] of Object.entries(merged)) {
    if (!NAME.test(name) || !VALUE.test(value)) {
      throw new TenantryError('SNAPSHOT_INVALID', `The snapshot's session setting ${JSON.stringify(name)} = ${JSON.stringify(value)} is not a plain setting. Re-create the snapshot with \`tenantry snapshot\`.`);
    }
    lines.push(`${set} ${name} = ${value};`);
  }
  return lines.join('\n') + '\n';
}
