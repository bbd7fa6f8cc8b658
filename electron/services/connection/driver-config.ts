/**
 * Translates a profile (libpq meanings) into node-postgres configuration with
 * an explicit `ssl` object for tls.connect. Nothing is left for pg to read from
 * PG* variables or a connection string: pg-connection-string would turn
 * `require` into verify-full, and pg never looks at ~/.postgresql anyway.
 */
import { CONNECTION_STARTUP_OPTIONS } from '../../../core/provision/session-preamble.js';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { checkServerIdentity, type ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { describeSslPolicy, type SslPolicy, type Transport } from '../../../core/connection/ssl-policy.js';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { TenantryError } from '../../../core/errors.js';
import { applyDefaults } from './defaults.js';

function readProfileFile(parameter: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TenantryError(
      'FILE_NOT_FOUND',
      `The file given as ${parameter} (${path}) cannot be read${code === 'ENOENT' ? ': it does not exist' : code === 'EACCES' ? ': permission denied' : ''}. Fix the path in the connection settings.`,
      { cause: error, ...(code ? { detail: code } : {}) },
    );
  }
}

/** Checks the combinations libpq refuses or that Tenantry cannot mean the same way for every consumer. */
export function checkProfileSsl(profile: ConnectionProfile, policy: SslPolicy = describeSslPolicy(profile)): void {
  if (policy.verifyChain && !policy.systemRoot && !profile.sslrootcert) {
    throw new TenantryError(
      'CONNECTION_PARAMETER_INVALID',
      `sslmode=${policy.sslmode} needs a root certificate to verify the server, and sslrootcert is not set. Set sslrootcert to the CA file (for example ~/.postgresql/root.crt), or use sslmode=require.`,
    );
  }
  if (profile.sslcert && !profile.sslkey && profile.sslcertmode !== 'disable') {
    throw new TenantryError('CONNECTION_PARAMETER_INVALID', 'sslcert is set but sslkey is not. Set sslkey to the client certificate\'s private key file.');
  }
  if (profile.sslcertmode === 'require' && !profile.sslcert) {
    throw new TenantryError('CONNECTION_PARAMETER_INVALID', 'sslcertmode=require needs a client certificate, and sslcert is not set.');
  }
  if (profile.sslnegotiation === 'direct' && (policy.sslmode === 'disable' || policy.sslmode === 'allow' || policy.sslmode === 'prefer')) {
    throw new TenantryError('CONNECTION_PARAMETER_INVALID', `sslnegotiation=direct needs sslmode=require, verify-ca or verify-full, not ${policy.sslmode}.`);
  }
}

/** The tls.connect options a profile means (libpq semantics), reading ca/cert/key/crl from the profile's paths. */
export function toTlsOptions(profile: ConnectionProfile, policy: SslPolicy = describeSslPolicy(profile)): ConnectionOptions {
  const tls: ConnectionOptions = {
    rejectUnauthorized: policy.verifyChain,
    minVersion: (profile.sslminprotocolversion as ConnectionOptions['minVersion']) ?? 'TLSv1.2',
  };
  // With sslrootcert=system Node's default CA store is the system store.
  if (policy.verifyChain && !policy.systemRoot && profile.sslrootcert) tls.ca = readProfileFile('sslrootcert', profile.sslrootcert);
  // verify-ca: the chain is checked, the name is not.
  if (!policy.verifyHost) tls.checkServerIdentity = () => undefined;
  else if (profile.hostaddr !== undefined && profile.host) {
    // Connected to hostaddr (an SSH tunnel's 127.0.0.1): the certificate must still name the server, as with libpq.
    const name = profile.host;
    tls.checkServerIdentity = (_connected, cert) => checkServerIdentity(name, cert);
  }
  // SNI names the real server too (pg sets servername only for a host that is not an address).
  if (profile.hostaddr !== undefined && profile.host && isIP(profile.host) === 0) tls.servername = profile.host;
  if (profile.sslcert && profile.sslkey && profile.sslcertmode !== 'disable') {
    tls.cert = readProfileFile('sslcert', profile.sslcert);
    tls.key = readProfileFile('sslkey', profile.sslkey);
    if (profile.sslpassword !== undefined) tls.passphrase = profile.sslpassword;
  }
  // libpq only consults the CRL when it verifies the chain.
  if (profile.sslcrl && policy.verifyChain) tls.crl = readProfileFile('sslcrl', profile.sslcrl);
  if (profile.sslnegotiation === 'direct') tls.ALPNProtocols = ['postgresql'];
  return tls;
}

function missingPassword(): never {
  throw new TenantryError(
    'PG_AUTH_FAILED',
    'The server asks for a password, and the connection settings have none. Add the password to the connection settings or to ~/.pgpass.',
  );
}

/** The node-postgres config for one transport (the first attempt unless `transport` says otherwise). */
export function toDriverConfig(profile: ConnectionProfile, transport?: Transport): pg.ClientConfig {
  const full = applyDefaults(profile);
  const policy = describeSslPolicy(full);
  checkProfileSsl(full, policy);
  const use = transport ?? policy.first;
  const password = full.password;
  const config: pg.ClientConfig = {
    // hostaddr (an SSH tunnel's local end) is where to connect; host stays the name certificates are checked against.
    host: full.hostaddr ?? full.host,
    port: full.port,
    user: full.user,
    database: full.database,
    // A function, so pg never falls back to PGPASSWORD or its own .pgpass lookup.
    password: () => (password !== undefined ? password : missingPassword()),
    ssl: use === 'tls' ? toTlsOptions(full, policy) : false,
    fallback_application_name: 'tenantry',
    // Also keeps node-postgres from taking PGOPTIONS from the environment.
    options: CONNECTION_STARTUP_OPTIONS,
  };
  if (full.application_name !== undefined) config.application_name = full.application_name;
  if (full.connect_timeout !== undefined && full.connect_timeout > 0) {
    // libpq treats 1 as 2 seconds (a minimum); keep the same floor.
    config.connectionTimeoutMillis = Math.max(2, full.connect_timeout) * 1000;
  }
  if (use === 'tls' && full.sslnegotiation === 'direct') config.sslnegotiation = 'direct';
  return config;
}

/** An error from a connection attempt, with the retry's error when libpq-style fallback also failed. */
export type DriverConnectError = Error & { fallbackError?: unknown; transport?: Transport };

/**
 * Disposes of a client whose connect() failed. Awaiting end() is not an
 * option: after a TLS alert (e.g. "unknown ca") pg's end() never settles.
 */
export function discardFailedClient(client: pg.Client): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy?: () => void } } }).connection?.stream;
  stream?.destroy?.();
  client.end().catch(() => undefined);
}

/**
 * pg emits 'error' on a client whose connection ends unexpectedly (a backend
 * terminated, a server stopped), even when a query in flight already received
 * that error; an 'error' event without a listener ends the process. The query
 * or the next use of the client reports the failure, so the event itself is
 * only absorbed. Every client and pool Tenantry opens goes through here.
 */
export function absorbConnectionErrors<T extends pg.Client | pg.Pool>(target: T): T {
  if (target instanceof pg.Pool) {
    // Idle clients: pg-pool re-emits their errors on the pool. Checked-out clients: pg-pool removes its own
    // listener while a client is lent, so each client gets ours once, when the pool creates it.
    target.on('error', () => undefined);
    target.on('connect', (client) => absorbConnectionErrors(client));
  } else {
    target.on('error', () => undefined);
  }
  return target;
}

async function attempt(config: pg.ClientConfig): Promise<pg.Client> {
  const client = absorbConnectionErrors(new pg.Client(config));
  try {
    await client.connect();
    return client;
  } catch (error) {
    discardFailedClient(client);
    throw error;
  }
}

/** Whether pg reports that the server answered N to the SSLRequest. */
export function isServerWithoutSsl(error: unknown): boolean {
  return error instanceof Error && /does not support SSL/i.test(error.message);
}

/**
 * Connects a pg.Client with libpq's retry rules: `prefer` tries TLS and
 * retries in plaintext when TLS fails (the server answers N, the handshake
 * fails or the server rejects the TLS connection); `allow` tries plaintext and
 * retries with TLS when the server rejects it. Returns the connected client
 * and which transport worked.
 */
export async function connectDriverWithTransport(profile: ConnectionProfile): Promise<{ client: pg.Client; transport: Transport; config: pg.ClientConfig }> {
  const policy = describeSslPolicy(applyDefaults(profile));
  const firstConfig = toDriverConfig(profile, policy.first);
  try {
    return { client: await attempt(firstConfig), transport: policy.first, config: firstConfig };
  } catch (firstError) {
    if (!policy.fallback || firstError instanceof TenantryError) throw firstError;
    const fallbackConfig = toDriverConfig(profile, policy.fallback);
    try {
      return { client: await attempt(fallbackConfig), transport: policy.fallback, config: fallbackConfig };
    } catch (fallbackError) {
      // "server does not support SSL" says nothing useful; report the plaintext attempt instead.
      if (isServerWithoutSsl(firstError)) throw fallbackError;
      const error = firstError as DriverConnectError;
      if (error instanceof Error) {
        error.fallbackError = fallbackError;
        error.transport = policy.first;
      }
      throw error;
    }
  }
}

/** Connects a pg.Client for a profile, applying the prefer/allow fallback. Close it with end(). */
export async function connectDriver(profile: ConnectionProfile): Promise<pg.Client> {
  return (await connectDriverWithTransport(profile)).client;
}

/**
 * For pools, which cannot retry per connection: connects once with the
 * fallback rules and returns the config that worked (prefer against a server
 * without SSL → ssl: false).
 */
export async function chooseDriverConfig(profile: ConnectionProfile): Promise<pg.ClientConfig> {
  const { client, config } = await connectDriverWithTransport(profile);
  await client.end();
  return config;
}
