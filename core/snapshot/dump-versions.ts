/** The versions pg_dump writes into the head of a plain dump. */

/** Reads `-- Dumped from database version X` and `-- Dumped by pg_dump version Y` from the first lines of a dump. */
export function detectDumpVersions(sql: string): { pgDumpVersion?: string; serverVersion?: string } {
  const head = sql.slice(0, 2000);
  const server = /^-- Dumped from database version (\S+)/m.exec(head)?.[1];
  const pgDump = /^-- Dumped by pg_dump version (\S+)/m.exec(head)?.[1];
  return { ...(pgDump !== undefined ? { pgDumpVersion: pgDump } : {}), ...(server !== undefined ? { serverVersion: server } : {}) };
}
