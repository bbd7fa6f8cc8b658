/**
 * The one formatter of a PostgreSQL error for a TenantryError's `detail`:
 * "SQLSTATE: message", then where in the SQL (when the caller can place the
 * server's position), detail, hint and context lines. Services translate the
 * SQLSTATE to a code and userMessage with their own table
 * (connection/connection-errors.ts, provision/provision-errors.ts,
 * pool/pool-errors.ts); this only writes the evidence down.
 */

/** The fields node-postgres copies from the server's ErrorResponse (DatabaseError). */
export interface PgErrorFields {
  code?: string;
  message?: string;
  position?: string;
  detail?: string;
  hint?: string;
  where?: string;
}

/** The server's fields of `error`, whatever it is (missing ones stay undefined). */
export function readPgError(error: unknown): PgErrorFields {
  if (typeof error !== 'object' || error === null) return { message: String(error) };
  const e = error as Record<string, unknown>;
  const pick = (key: keyof PgErrorFields): Partial<PgErrorFields> => (typeof e[key] === 'string' ? { [key]: e[key] } : {});
  return { ...pick('code'), ...pick('message'), ...pick('position'), ...pick('detail'), ...pick('hint'), ...pick('where') };
}

/** The SQLSTATE of a server error; undefined for anything else (a Node error's ECONNRESET is no SQLSTATE). */
export function sqlstateOf(error: unknown): string | undefined {
  const code = readPgError(error).code;
  return code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The detail text of a failure: "42601: syntax error at or near …", then `at` (a place in the SQL), detail, hint and where. */
export function formatPgError(error: unknown, at?: string): string {
  const e = readPgError(error);
  const message = e.message ?? String(error);
  const sqlstate = sqlstateOf(error);
  const lines = [sqlstate ? `${sqlstate}: ${message}` : message];
  if (at) lines.push(at);
  if (e.detail) lines.push(`detail: ${e.detail}`);
  if (e.hint) lines.push(`hint: ${e.hint}`);
  if (e.where) lines.push(`where: ${e.where}`);
  return lines.join('\n');
}
