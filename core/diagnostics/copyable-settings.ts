/**
 * Settings ready to copy: a URI, a key=value string, environment variables
 * and a psql command. Never a password. The environment also neutralises
 * libpq's ~/.postgresql default files the way Tenantry does, so pasting it
 * reproduces Tenantry's connection rather than the user's defaults.
 */
import { formatConnectionUri, formatKeyValue } from '../connection/connection-string.js';
import { PARAMETERS } from '../connection/parameters.js';
import type { ConnectionProfile } from '../connection/profile.js';
import type { CopyableSettings } from './types.js';

/** A path that cannot exist on Unix: stat() fails with ENOTDIR, which libpq treats like "no such file". */
export const ABSENT_FILE = '/dev/null/absent';

/** The default file each variable would otherwise let libpq read. */
const DEFAULT_FILES: Record<string, string> = { PGSSLROOTCERT: 'root.crt', PGSSLCRL: 'root.crl', PGSSLCERT: 'postgresql.crt', PGSSLKEY: 'postgresql.key' };

/** A shell comment saying why a variable is set to ABSENT_FILE (none when no variable is). */
function explainAbsentFile(env: Record<string, string>): string[] {
  const files = Object.entries(env).filter(([k, v]) => v === ABSENT_FILE && DEFAULT_FILES[k]).map(([k]) => DEFAULT_FILES[k] ?? k);
  if (files.length === 0) return [];
  return [`# ${ABSENT_FILE} is a path that cannot exist: it stops libpq reading its default ${files.map((f) => `~/.postgresql/${f}`).join(', ')} as Tenantry does, so a stale file there cannot break this connection.`];
}

/** Quotes a word for a POSIX shell. */
export function quoteShell(value: string): string {
  return /^[A-Za-z0-9_\-./:=@%+,]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Formats a profile as copyable settings for a client whose libpq has major version `libpqMajor` (default 16). */
export function formatCopyableSettings(profile: ConnectionProfile, options: { libpqMajor?: number } = {}): CopyableSettings {
  const major = options.libpqMajor ?? 16;
  const clean: ConnectionProfile = { ...profile };
  delete clean.password;
  delete clean.sslpassword;
  delete clean.passfile;
  delete clean.service;
  const env: Record<string, string> = {};
  for (const spec of PARAMETERS) {
    const value = clean[spec.key];
    if (spec.env === undefined || value === undefined) continue;
    env[spec.env] = String(value);
  }
  // The default-file traps, neutralised as in Tenantry's own child environment.
  if (clean.sslrootcert === undefined) env.PGSSLROOTCERT = ABSENT_FILE;
  if (clean.sslcrl === undefined) env.PGSSLCRL = ABSENT_FILE;
  if (clean.sslcert === undefined || clean.sslcertmode === 'disable') {
    if (major >= 16) env.PGSSLCERTMODE = 'disable';
    else delete env.PGSSLCERTMODE;
    env.PGSSLCERT = ABSENT_FILE;
    env.PGSSLKEY = ABSENT_FILE;
  }
  const comment = explainAbsentFile(env);
  const envText = [...comment, ...Object.entries(env).map(([k, v]) => `export ${k}=${quoteShell(v)}`)].join('\n');
  const trapVars = Object.entries(env).filter(([k, v]) => v === ABSENT_FILE || k === 'PGSSLCERTMODE');
  const uriProfile: ConnectionProfile = { ...clean };
  if (major < 16) delete uriProfile.sslcertmode;
  const uri = formatConnectionUri(uriProfile);
  const psqlCommand = [...comment, [...trapVars.map(([k, v]) => `${k}=${quoteShell(v)}`), 'psql', quoteShell(uri)].join(' ')].join('\n');
  return { uri, keyValue: formatKeyValue(uriProfile), env, envText, psqlCommand };
}
