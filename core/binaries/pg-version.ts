/**
 * PostgreSQL version numbers as the client tools print them and as the server
 * reports them (server_version_num). Majors before 10 have two parts (9.6).
 */
export interface PgVersion {
  /** As printed, e.g. "15.18", "9.6.24", "18beta1". */
  text: string;
  /** 15 for 15.18, 9.6 for 9.6.24: comparable with < and >=. */
  major: number;
}

/** Reads the version from `pg_dump --version` / `psql --version` output ("pg_dump (PostgreSQL) 15.18 (Debian …)"). */
export function parseToolVersion(output: string): PgVersion | undefined {
  const match = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?(?:\.(\d+))?([A-Za-z]+\d*)?/.exec(output);
  if (!match) return undefined;
  const first = Number(match[1]);
  const second = match[2] === undefined ? undefined : Number(match[2]);
  const text = output.slice(match.index, match.index + match[0].length).replace(/^\(PostgreSQL\)\s+/, '');
  const major = first < 10 && second !== undefined ? Number(`${first}.${second}`) : first;
  return { text, major };
}

/** Turns server_version_num (150018, 90624) into a version: major 15 / 9.6. */
export function parseServerVersionNum(num: number, text?: string): PgVersion {
  if (num >= 100000) {
    const major = Math.floor(num / 10000);
    return { text: text ?? `${major}.${num % 10000}`, major };
  }
  const first = Math.floor(num / 10000);
  const second = Math.floor(num / 100) % 100;
  return { text: text ?? `${first}.${second}.${num % 100}`, major: Number(`${first}.${second}`) };
}
