/**
 * .pgpass lookup with libpq's rules: `host:port:database:user:password`
 * lines, `*` matches anything, `\` escapes `:` and `\`, the first match wins.
 */

export interface PgpassTarget {
  host: string;
  port: number;
  database: string;
  user: string;
}

function splitFields(line: string): string[] {
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '\\' && i + 1 < line.length) {
      current += line[i + 1];
      i++;
    } else if (c === ':' && fields.length < 4) {
      fields.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  fields.push(current);
  return fields;
}

/**
 * The password a .pgpass file gives for a target, or undefined. As in libpq,
 * a Unix socket directory (or no host) matches the host field `localhost`.
 */
export function findPgpassPassword(text: string, target: PgpassTarget): string | undefined {
  const host = target.host === '' || target.host.startsWith('/') ? 'localhost' : target.host;
  const wanted = [host, String(target.port), target.database, target.user];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\r$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const fields = splitFields(line);
    if (fields.length < 5) continue;
    const matches = wanted.every((value, i) => fields[i] === '*' || fields[i] === value);
    if (matches) {
      const password = fields[4];
      return password === '' ? undefined : password;
    }
  }
  return undefined;
}

function escapeField(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
}

/** A .pgpass line for a target (`*` for unset fields), escaping `:` and `\`. */
export function formatPgpassLine(target: Partial<PgpassTarget>, password: string): string {
  const host = target.host === undefined ? '*' : target.host.startsWith('/') ? 'localhost' : target.host;
  const fields = [host, target.port === undefined ? '*' : String(target.port), target.database ?? '*', target.user ?? '*'];
  return `${fields.map((f) => (f === '*' ? f : escapeField(f))).join(':')}:${escapeField(password)}\n`;
}
