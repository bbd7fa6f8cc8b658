/**
 * Dumps the definition of one schema with the right pg_dump:
 * `pg_dump --schema-only --schema="name" --strict-names`.
 */
import type pg from 'pg';
import type { BinaryInfo } from '../../../core/api/contract.js';
import type { PgVersion } from '../../../core/binaries/pg-version.js';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { toExactNamePattern } from '../../../core/dump/schema-pattern.js';
import { TenantryError, isTenantryError } from '../../../core/errors.js';
import { resolveClientBinary, type BinarySearchOptions } from '../binaries/find-client-binaries.js';
import { openClient } from '../connection/open-connection.js';
import { readServerVersion } from '../catalog/server-version.js';
import { runClientTool } from '../binaries/run-client-tool.js';
import { explainPermissionError } from '../errors/permission-hint.js';

export interface DumpSchemaOptions extends BinarySearchOptions {
  schema: string;
  noOwner?: boolean;
  noPrivileges?: boolean;
  signal?: AbortSignal;
  /** Default 10 minutes. */
  timeoutMs?: number;
  onStderrLine?: (line: string) => void;
}

export interface SchemaDump {
  schema: string;
  database: string;
  sql: string;
  pgDump: BinaryInfo;
  serverVersion: string;
  bytes: number;
  elapsedMs: number;
}

/** The pg_dump arguments for a schema-only dump of exactly one schema. */
export function buildDumpArgs(options: Pick<DumpSchemaOptions, 'schema' | 'noOwner' | 'noPrivileges'>): string[] {
  const args = ['--schema-only', `--schema=${toExactNamePattern(options.schema)}`, '--strict-names', '--no-password'];
  if (options.noOwner) args.push('--no-owner');
  if (options.noPrivileges) args.push('--no-privileges');
  return args;
}

/**
 * Fails with SCHEMA_NOT_FOUND unless the schema exists; returns the server version. Through `client` when given (the
 * caller's open connection: each new connection costs the server a backend start and cold catalog caches), else
 * through a connection of its own.
 */
export async function checkSchemaExists(profile: ConnectionProfile, schema: string, client?: pg.ClientBase): Promise<PgVersion> {
  if (client) return checkSchemaExistsWith(client, profile, schema);
  const own = await openClient(profile);
  try {
    return await checkSchemaExistsWith(own, profile, schema);
  } finally {
    await own.end();
  }
}

async function checkSchemaExistsWith(client: pg.ClientBase, profile: ConnectionProfile, schema: string): Promise<PgVersion> {
  const { rowCount } = await client.query('select 1 from pg_catalog.pg_namespace where nspname = $1', [schema]);
  if (!rowCount) {
    throw new TenantryError('SCHEMA_NOT_FOUND', `Schema "${schema}" does not exist in database ${profile.database ?? '(default)'}. Names are case-sensitive; run \`tenantry schemas\` to list them.`);
  }
  return readServerVersion(client);
}

/** Runs pg_dump for one schema and returns its SQL and which pg_dump made it; `client`: an open connection for the existence check. */
export async function dumpSchema(profile: ConnectionProfile, options: DumpSchemaOptions, client?: pg.ClientBase): Promise<SchemaDump> {
  const started = performance.now();
  const server = await checkSchemaExists(profile, options.schema, client);
  const pgDump = await resolveClientBinary('pg_dump', server, options);
  const { stdout } = await runClientTool({
    binary: pgDump.path,
    libpqMajor: pgDump.version.major,
    args: buildDumpArgs(options),
    profile,
    ...(options.signal ? { signal: options.signal } : {}),
    timeoutMs: options.timeoutMs ?? 600_000,
    ...(options.onStderrLine ? { onStderrLine: options.onStderrLine } : {}),
    failureCode: 'PG_DUMP_FAILED',
    failureMessage: `pg_dump ${pgDump.version.text} (${pgDump.path}) failed to dump schema "${options.schema}"`,
    ...(options.env ? { baseEnv: options.env } : {}),
  }).catch((error: unknown) => {
    throw withPermissionHint(error, profile);
  });
  return {
    schema: options.schema,
    database: profile.database ?? '',
    sql: stdout,
    pgDump: { path: pgDump.path, version: pgDump.version.text },
    serverVersion: server.text,
    bytes: Buffer.byteLength(stdout),
    elapsedMs: Math.round(performance.now() - started),
  };
}

/** A pg_dump failure caused by missing privileges, with the role and the GRANT named in the message. */
function withPermissionHint(error: unknown, profile: ConnectionProfile): unknown {
  if (!isTenantryError(error) || error.code !== 'PG_DUMP_FAILED') return error;
  const hint = explainPermissionError(error.detail ?? '', { role: profile.user, database: profile.database });
  if (!hint) return error;
  return new TenantryError(error.code, `${error.userMessage} ${hint}`, { ...(error.detail !== undefined ? { detail: error.detail } : {}), cause: error });
}
