/**
 * Builds one complete profile from what libpq would read, with libpq's
 * precedence: explicit parameters (URI or key=value) > the service named by
 * `service=` or PGSERVICE > PG* environment variables > defaults. (libpq
 * applies the service file before the environment: conninfo_add_defaults in
 * fe-connect.c.) The password comes from .pgpass when none is given, and only
 * when the file is 0600 or stricter.
 */
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseConnectionString } from '../../../core/connection/connection-string.js';
import { readEnvironmentProfile } from '../../../core/connection/environment.js';
import { findPgpassPassword } from '../../../core/connection/pgpass.js';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { findServiceInFile } from '../../../core/connection/service-file.js';
import { TenantryError } from '../../../core/errors.js';
import { applyDefaults } from './defaults.js';

export interface ResolveProfileOptions {
  /** A libpq URI or key=value string. */
  url?: string;
  /** The environment to read PG* variables from; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The home directory for ~/.pg_service.conf and ~/.pgpass; default $HOME. */
  home?: string;
  /** Told about files libpq would ignore (for example a .pgpass with group access). */
  onWarning?: (message: string) => void;
}

/** libpq's compiled-in PGSYSCONFDIR on Debian and Ubuntu. */
const DEFAULT_SYSCONFDIR = '/etc/postgresql-common';

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new TenantryError('CONNECTION_PARAMETER_INVALID', `The file ${path} cannot be read: ${(error as Error).message}.`, { cause: error });
  }
}

async function lookUpService(name: string, env: NodeJS.ProcessEnv, home: string): Promise<ConnectionProfile> {
  const userFile = env.PGSERVICEFILE || join(home, '.pg_service.conf');
  const systemFile = join(env.PGSYSCONFDIR || DEFAULT_SYSCONFDIR, 'pg_service.conf');
  for (const file of [userFile, systemFile]) {
    const text = await readIfExists(file);
    if (text === undefined) continue;
    const found = findServiceInFile(text, name, file);
    if (found) return found;
  }
  throw new TenantryError(
    'CONNECTION_PARAMETER_INVALID',
    `The service "${name}" is not defined in ${userFile} or ${systemFile}.`,
    { detail: 'Define it in ~/.pg_service.conf (or the file PGSERVICEFILE names), or remove service= / PGSERVICE.' },
  );
}

async function readPgpass(path: string, onWarning?: (message: string) => void): Promise<string | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return undefined;
  }
  if (!info.isFile()) return undefined;
  if (process.platform !== 'win32' && (info.mode & 0o077) !== 0) {
    onWarning?.(`The password file ${path} has group or world access and is ignored, as libpq does; run chmod 0600 ${path}.`);
    return undefined;
  }
  return readIfExists(path);
}

function merge(...layers: ConnectionProfile[]): ConnectionProfile {
  const result: ConnectionProfile = {};
  for (const layer of layers.reverse()) Object.assign(result, layer);
  return result;
}

/** Resolves a complete profile the way libpq would, from a URL, the environment, service files, .pgpass and defaults. */
export async function resolveProfile(options: ResolveProfileOptions = {}): Promise<ConnectionProfile> {
  const env = options.env ?? process.env;
  const home = options.home ?? env.HOME ?? homedir();
  const explicit = options.url !== undefined ? parseConnectionString(options.url) : {};
  const fromEnv = readEnvironmentProfile(env);
  const serviceName = explicit.service ?? fromEnv.service;
  const fromService = serviceName !== undefined ? await lookUpService(serviceName, env, home) : {};
  const merged = applyDefaults(merge(explicit, fromService, fromEnv));
  if (merged.password === undefined) {
    const passfile = merged.passfile ?? join(home, '.pgpass');
    const text = await readPgpass(passfile, options.onWarning);
    if (text !== undefined) {
      const password = findPgpassPassword(text, {
        host: merged.host ?? '',
        port: merged.port ?? 5432,
        database: merged.database ?? '',
        user: merged.user ?? '',
      });
      if (password !== undefined) merged.password = password;
    }
  }
  delete merged.service;
  delete merged.passfile;
  return merged;
}
