/**
 * libpq connection strings in both spellings: URIs
 * (`postgresql://user:pw@host:5432/db?sslmode=require`) and `key=value`
 * strings (`host=db port=5432 sslmode='verify-full'`). Parsing validates every
 * parameter through the shared parameter table.
 */
import { TenantryError } from '../errors.js';
import { PARAMETERS, setConnectionParameter } from './parameters.js';
import type { ConnectionProfile } from './profile.js';

const URI_PREFIX = /^postgres(?:ql)?:\/\//i;

/** Parses a libpq URI or key=value string into a profile (only the parameters it names). */
export function parseConnectionString(text: string): ConnectionProfile {
  const trimmed = text.trim();
  if (URI_PREFIX.test(trimmed)) return parseUri(trimmed);
  if (trimmed === '' || trimmed.includes('=')) return parseKeyValue(trimmed);
  // Not echoed: a mistyped string may well hold a password.
  throw new TenantryError(
    'CONNECTION_PARAMETER_INVALID',
    'The connection string is neither a postgresql:// URI nor key=value pairs.',
    { detail: 'Examples: postgresql://alice@db.example.com:5432/app?sslmode=verify-full or host=db.example.com dbname=app' },
  );
}

function malformed(message: string): TenantryError {
  return new TenantryError('CONNECTION_PARAMETER_INVALID', message);
}

function decode(part: string, what: string): string {
  try {
    const value = decodeURIComponent(part);
    if (value.includes('\0')) throw new Error('NUL');
    return value;
  } catch {
    const shown = what === 'password' ? '' : `: "${part}"`;
    throw malformed(`The ${what} in the connection URI has an invalid percent-encoding${shown}. Write % as %25.`);
  }
}

function parseUri(uri: string): ConnectionProfile {
  const profile: ConnectionProfile = {};
  let rest = uri.replace(URI_PREFIX, '');
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let path: string | undefined;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    path = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
  }
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = userinfo.indexOf(':');
    const user = decode(colon >= 0 ? userinfo.slice(0, colon) : userinfo, 'user name');
    if (user !== '') profile.user = user;
    if (colon >= 0) {
      const password = decode(userinfo.slice(colon + 1), 'password');
      if (password !== '') profile.password = password;
    }
  }
  parseHostPort(rest, profile);
  if (path !== undefined && path !== '') profile.database = decode(path, 'database name');
  if (query !== '') {
    for (const pair of query.split('&')) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      if (eq < 0) throw malformed(`The URI query parameter "${pair}" has no value; write it as ${pair}=value.`);
      const keyword = decode(pair.slice(0, eq), 'parameter name');
      const value = decode(pair.slice(eq + 1), keyword === 'password' || keyword === 'sslpassword' ? 'password' : `value of "${keyword}"`);
      // libpq accepts the JDBC spelling ssl=true as sslmode=require.
      if (keyword === 'ssl') {
        if (value !== 'true') throw malformed(`The URI parameter "ssl" accepts only "true" (use sslmode=… instead).`);
        profile.sslmode = 'require';
        continue;
      }
      setConnectionParameter(profile, keyword, value);
    }
  }
  return profile;
}

function parseHostPort(netloc: string, profile: ConnectionProfile): void {
  if (netloc === '') return;
  let host: string;
  let port: string | undefined;
  if (netloc.startsWith('[')) {
    const close = netloc.indexOf(']');
    if (close < 0) throw malformed(`The IPv6 address in the connection URI is missing its closing "]": "${netloc}".`);
    host = netloc.slice(1, close);
    const after = netloc.slice(close + 1);
    if (after.startsWith(',')) throw multipleHosts(netloc);
    if (after !== '' && !after.startsWith(':')) throw malformed(`Unexpected text "${after}" after the IPv6 address in the connection URI.`);
    if (after.startsWith(':')) port = after.slice(1);
  } else {
    if (netloc.includes(',')) throw multipleHosts(netloc);
    const colon = netloc.lastIndexOf(':');
    host = colon >= 0 ? netloc.slice(0, colon) : netloc;
    if (colon >= 0) port = netloc.slice(colon + 1);
  }
  if (port?.includes(',')) throw multipleHosts(netloc);
  const decodedHost = decode(host, 'host');
  if (decodedHost !== '') setConnectionParameter(profile, 'host', decodedHost);
  if (port !== undefined && port !== '') setConnectionParameter(profile, 'port', port);
}

function multipleHosts(netloc: string): TenantryError {
  return malformed(`The connection URI names several hosts ("${netloc}"). Tenantry connects to one server; keep only the primary's host and port.`);
}

function parseKeyValue(text: string): ConnectionProfile {
  const profile: ConnectionProfile = {};
  let i = 0;
  const n = text.length;
  const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);
  while (i < n) {
    while (i < n && isSpace(text[i])) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && text[i] !== '=' && !isSpace(text[i])) i++;
    const keyword = text.slice(start, i);
    while (i < n && isSpace(text[i])) i++;
    if (text[i] !== '=') throw malformed(`The connection parameter "${keyword}" is missing "=" and a value.`);
    i++;
    while (i < n && isSpace(text[i])) i++;
    let value = '';
    if (text[i] === "'") {
      i++;
      let closed = false;
      while (i < n) {
        const c = text[i];
        if (c === '\\' && i + 1 < n) {
          value += text[i + 1];
          i += 2;
        } else if (c === "'") {
          closed = true;
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (!closed) throw malformed(`The quoted value of the connection parameter "${keyword}" has no closing quote.`);
    } else {
      while (i < n && !isSpace(text[i])) {
        if (text[i] === '\\' && i + 1 < n) {
          value += text[i + 1];
          i += 2;
        } else {
          value += text[i];
          i++;
        }
      }
    }
    setConnectionParameter(profile, keyword, value);
  }
  return profile;
}

const SECRET_KEYS = new Set(['password', 'sslpassword']);

function profileValue(profile: ConnectionProfile, key: keyof ConnectionProfile): string | undefined {
  const value = profile[key];
  return value === undefined ? undefined : String(value);
}

/** Formats a profile as a libpq URI; the password (and sslpassword) only when asked. */
export function formatConnectionUri(profile: ConnectionProfile, options: { includePassword?: boolean } = {}): string {
  const enc = encodeURIComponent;
  let uri = 'postgresql://';
  if (profile.user !== undefined || (options.includePassword && profile.password !== undefined)) {
    uri += enc(profile.user ?? '');
    if (options.includePassword && profile.password !== undefined) uri += ':' + enc(profile.password);
    uri += '@';
  }
  const params: string[] = [];
  const host = profile.host;
  if (host !== undefined) {
    // A socket directory cannot be written in the authority part: libpq takes it as ?host=.
    if (host.startsWith('/')) params.push('host=' + enc(host));
    else uri += host.includes(':') ? `[${host}]` : enc(host);
  }
  if (profile.port !== undefined) uri += ':' + String(profile.port);
  if (profile.database !== undefined) uri += '/' + enc(profile.database);
  for (const spec of PARAMETERS) {
    if (['host', 'port', 'database', 'user', 'password'].includes(spec.key)) continue;
    if (SECRET_KEYS.has(spec.key) && !options.includePassword) continue;
    const value = profileValue(profile, spec.key);
    if (value !== undefined) params.push(`${spec.keyword}=${enc(value)}`);
  }
  return params.length > 0 ? `${uri}?${params.join('&')}` : uri;
}

/** Quotes a value for a libpq key=value string when it needs it. */
export function quoteKeyValue(value: string): string {
  if (value !== '' && !/[\s'\\]/.test(value)) return value;
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Formats a profile as a libpq key=value string; the password (and sslpassword) only when asked. */
export function formatKeyValue(profile: ConnectionProfile, options: { includePassword?: boolean } = {}): string {
  const parts: string[] = [];
  for (const spec of PARAMETERS) {
    if (SECRET_KEYS.has(spec.key) && !options.includePassword) continue;
    const value = profileValue(profile, spec.key);
    if (value !== undefined) parts.push(`${spec.keyword}=${quoteKeyValue(value)}`);
  }
  return parts.join(' ');
}
