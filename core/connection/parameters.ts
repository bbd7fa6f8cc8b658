/**
 * The libpq connection parameters Tenantry understands, with their keyword
 * (as written in `key=value` strings and URI query parameters), their PG*
 * environment variable and their validation. One table serves the URI and
 * key=value parsers, the environment reader and the service-file reader.
 */
import { TenantryError } from '../errors.js';
import type { ConnectionProfile, ProfileKey, SslCertMode, SslMode, SslNegotiation } from './profile.js';

export interface ParameterSpec {
  /** The libpq keyword (`dbname`, not `database`). */
  keyword: string;
  key: ProfileKey;
  /** The environment variable libpq reads, if any. */
  env?: string;
  /** Lowest libpq major version that knows the parameter. */
  sinceLibpq?: number;
}

export const PARAMETERS: readonly ParameterSpec[] = [
  { keyword: 'host', key: 'host', env: 'PGHOST' },
  { keyword: 'port', key: 'port', env: 'PGPORT' },
  { keyword: 'dbname', key: 'database', env: 'PGDATABASE' },
  { keyword: 'user', key: 'user', env: 'PGUSER' },
  { keyword: 'password', key: 'password', env: 'PGPASSWORD' },
  { keyword: 'passfile', key: 'passfile', env: 'PGPASSFILE' },
  { keyword: 'service', key: 'service', env: 'PGSERVICE' },
  { keyword: 'sslmode', key: 'sslmode', env: 'PGSSLMODE' },
  { keyword: 'sslrootcert', key: 'sslrootcert', env: 'PGSSLROOTCERT' },
  { keyword: 'sslcert', key: 'sslcert', env: 'PGSSLCERT' },
  { keyword: 'sslkey', key: 'sslkey', env: 'PGSSLKEY' },
  // libpq has no environment variable for sslpassword.
  { keyword: 'sslpassword', key: 'sslpassword' },
  { keyword: 'sslcrl', key: 'sslcrl', env: 'PGSSLCRL' },
  { keyword: 'sslcertmode', key: 'sslcertmode', env: 'PGSSLCERTMODE', sinceLibpq: 16 },
  { keyword: 'sslnegotiation', key: 'sslnegotiation', env: 'PGSSLNEGOTIATION', sinceLibpq: 17 },
  { keyword: 'ssl_min_protocol_version', key: 'sslminprotocolversion', env: 'PGSSLMINPROTOCOLVERSION' },
  { keyword: 'connect_timeout', key: 'connect_timeout', env: 'PGCONNECT_TIMEOUT' },
  { keyword: 'application_name', key: 'application_name', env: 'PGAPPNAME' },
];

/**
 * Keywords libpq knows but Tenantry does not translate yet. Refused with a
 * message saying so, rather than silently dropped: dropping `gssencmode` or
 * `target_session_attrs` would change what the connection means.
 */
const LIBPQ_ONLY = new Set([
  'hostaddr', 'options', 'keepalives', 'keepalives_idle', 'keepalives_interval', 'keepalives_count',
  'tcp_user_timeout', 'channel_binding', 'require_auth', 'gssencmode', 'gsslib', 'gssdelegation',
  'krbsrvname', 'sslsni', 'sslcompression', 'sslcrldir', 'sslkeylogfile', 'ssl_max_protocol_version',
  'requirepeer', 'target_session_attrs', 'load_balance_hosts', 'replication', 'client_encoding',
  'fallback_application_name', 'requiressl', 'min_protocol_version', 'max_protocol_version',
]);

const ALIASES: Record<string, string> = {
  database: 'dbname',
  sslminprotocolversion: 'ssl_min_protocol_version',
};

const SSLMODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];
const SSLCERTMODES = ['disable', 'allow', 'require'];
const SSLNEGOTIATIONS = ['postgres', 'direct'];
const TLS_VERSIONS = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** The spec for a keyword (or a known alias such as `database`); undefined when unknown. */
export function findParameter(keyword: string): ParameterSpec | undefined {
  const name = ALIASES[keyword] ?? keyword;
  return PARAMETERS.find((p) => p.keyword === name);
}

function invalid(keyword: string, value: string, expected: string): TenantryError {
  return new TenantryError(
    'CONNECTION_PARAMETER_INVALID',
    `The connection parameter "${keyword}" has the invalid value "${value}"; expected ${expected}.`,
  );
}

function parseInteger(keyword: string, value: string, min: number, max: number): number {
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed)) throw invalid(keyword, value, `a whole number from ${min} to ${max}`);
  const n = Number(trimmed);
  if (n < min || n > max) throw invalid(keyword, value, `a whole number from ${min} to ${max}`);
  return n;
}

function oneOf<T extends string>(keyword: string, value: string, allowed: readonly string[]): T {
  if (!allowed.includes(value)) throw invalid(keyword, value, `one of ${allowed.join(', ')}`);
  return value as T;
}

/**
 * Validates one `keyword=value` and stores it in the profile (mutates and
 * returns it). Unknown keywords → CONNECTION_PARAMETER_UNKNOWN, bad values →
 * CONNECTION_PARAMETER_INVALID, both naming the parameter.
 */
export function setConnectionParameter(profile: ConnectionProfile, keyword: string, value: string): ConnectionProfile {
  const spec = findParameter(keyword);
  if (!spec) {
    if (LIBPQ_ONLY.has(keyword)) {
      throw new TenantryError(
        'CONNECTION_PARAMETER_UNKNOWN',
        `The libpq connection parameter "${keyword}" is not supported by Tenantry. Remove it from the connection settings.`,
      );
    }
    throw new TenantryError(
      'CONNECTION_PARAMETER_UNKNOWN',
      `"${keyword}" is not a connection parameter. Check its spelling (for example sslmode, sslrootcert, dbname).`,
    );
  }
  const k = spec.keyword;
  // libpq treats an empty value as "not set": the default (or the next source) applies.
  if (value === '') {
    delete profile[spec.key];
    return profile;
  }
  switch (spec.key) {
    case 'port':
      // libpq allows a comma-separated list matching several hosts; Tenantry takes one server.
      if (value.includes(',')) throw invalid(k, value, 'a single port (several hosts are not supported)');
      profile.port = parseInteger(k, value, 1, 65535);
      break;
    case 'connect_timeout':
      profile.connect_timeout = parseInteger(k, value, 0, 2147483647);
      break;
    case 'sslmode':
      profile.sslmode = oneOf<SslMode>(k, value, SSLMODES);
      break;
    case 'sslcertmode':
      profile.sslcertmode = oneOf<SslCertMode>(k, value, SSLCERTMODES);
      break;
    case 'sslnegotiation':
      profile.sslnegotiation = oneOf<SslNegotiation>(k, value, SSLNEGOTIATIONS);
      break;
    case 'sslminprotocolversion':
      profile.sslminprotocolversion = oneOf(k, value, TLS_VERSIONS);
      break;
    case 'host':
      if (value.includes(',')) throw invalid(k, value, 'a single host (several hosts are not supported)');
      profile.host = value;
      break;
    default:
      profile[spec.key] = value;
  }
  return profile;
}
