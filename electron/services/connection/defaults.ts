/**
 * libpq's compiled-in defaults, as seen from this machine: the socket
 * directory (Debian: /var/run/postgresql), port 5432, the OS user name.
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { ConnectionProfile } from '../../../core/connection/profile.js';

/** The host libpq uses when none is given: the default socket directory when it exists, else localhost. */
export function defaultHost(): string {
  if (process.platform === 'win32') return 'localhost';
  for (const dir of ['/var/run/postgresql', '/run/postgresql']) if (existsSync(dir)) return dir;
  return existsSync('/tmp/.s.PGSQL.5432') ? '/tmp' : 'localhost';
}

/** The OS user name, which libpq uses as the default role name. */
export function defaultUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'postgres';
  }
}

/** Fills host, port, user, database and sslmode with libpq's defaults where the profile has none. */
export function applyDefaults(profile: ConnectionProfile): ConnectionProfile {
  const user = profile.user ?? defaultUser();
  return {
    ...profile,
    host: profile.host ?? defaultHost(),
    port: profile.port ?? 5432,
    user,
    database: profile.database ?? user,
    sslmode: profile.sslmode ?? 'prefer',
  };
}
