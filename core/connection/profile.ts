/**
 * One connection profile with libpq meanings. Every consumer (node-postgres,
 * psql, pg_dump, the diagnostics) gets an explicit translation of it; nobody
 * reads PG* variables or ~/.postgresql behind its back.
 */
import type { SshSettings } from './ssh-settings.js';

export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
export type SslCertMode = 'disable' | 'allow' | 'require';
export type SslNegotiation = 'postgres' | 'direct';

export interface ConnectionProfile {
  /** Host name, IP address, or a Unix socket directory (starts with '/'). */
  host?: string;
  port?: number;
  database?: string;
  user?: string;
  password?: string;
  sslmode?: SslMode;
  /** A file path, or 'system' for the OS trust store (libpq 16+). */
  sslrootcert?: string;
  sslcert?: string;
  sslkey?: string;
  sslpassword?: string;
  sslcrl?: string;
  sslcertmode?: SslCertMode;
  sslnegotiation?: SslNegotiation;
  sslminprotocolversion?: string;
  /** Seconds, as libpq takes it. */
  connect_timeout?: number;
  application_name?: string;
  /**
   * A pg_service.conf service name. resolveProfile() expands it and removes it;
   * consumers of a resolved profile ignore it.
   */
  service?: string;
  /** A .pgpass file to look the password up in. resolveProfile() consumes it. */
  passfile?: string;
  /**
   * Reach the server through an SSH tunnel: `host` and `port` are then as the
   * bastion sees them. Whoever opens the tunnel removes this and sets
   * `hostaddr` and `port` to its local end; consumers never see it.
   */
  ssh?: SshSettings;
  /**
   * The address to connect to while `host` still names the server, as libpq's
   * hostaddr: set only by an SSH tunnel (127.0.0.1), so verify-full checks the
   * certificate against the real host name. Never parsed from a URI.
   */
  hostaddr?: string;
}

/** Every profile field that holds a libpq parameter, in the order libpq documents them. */
export const PROFILE_KEYS = [
  'host', 'port', 'database', 'user', 'password', 'passfile', 'service',
  'sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'sslpassword', 'sslcrl',
  'sslcertmode', 'sslnegotiation', 'sslminprotocolversion', 'connect_timeout', 'application_name',
] as const satisfies readonly (keyof ConnectionProfile)[];

export type ProfileKey = (typeof PROFILE_KEYS)[number];
