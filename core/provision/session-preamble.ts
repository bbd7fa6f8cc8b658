/**
 * The session settings a tenant's SQL runs under. The snapshot engine strips
 * pg_dump's preamble SETs from the body and keeps them in the header
 * (sessionSettings, e.g. check_function_bodies = false, search_path = '');
 * provisioning applies them with SET LOCAL, so they last exactly as long as the
 * tenant's transaction and never leak into a pooled connection.
 */
import { TenantryError } from '../errors.js';

/** Applied when a snapshot carries no settings of its own: what pg_dump's preamble sets for a schema dump. */
export const DEFAULT_SESSION_SETTINGS: Readonly<Record<string, string>> = {
  check_function_bodies: 'false',
  standard_conforming_strings: 'on',
  client_min_messages: 'warning',
  search_path: "''",
};

const NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;
const VALUE = /^(?:'(?:[^']|'')*'|[A-Za-z0-9_.+-]+)$/;

/** `SET LOCAL name = value;` lines for the settings (snapshot values as SQL text, e.g. `'UTF8'`, `off`). */
export function buildSessionPreamble(settings: Readonly<Record<string, string>> | undefined): string {
  const merged = { ...DEFAULT_SESSION_SETTINGS, ...(settings ?? {}) };
  const lines: string[] = [];
  for (const [name, value] of Object.entries(merged)) {
    if (!NAME.test(name) || !VALUE.test(value)) {
      throw new TenantryError('SNAPSHOT_INVALID', `The snapshot's session setting ${JSON.stringify(name)} = ${JSON.stringify(value)} is not a plain setting. Re-create the snapshot with \`tenantry snapshot\`.`);
    }
    lines.push(`SET LOCAL ${name} = ${value};`);
  }
  return lines.join('\n') + '\n';
}
