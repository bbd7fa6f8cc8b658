/**
 * A profile with `ssh` settings turned into one that goes through the tunnel:
 * the driver, pg_dump and psql connect to the tunnel's local end (hostaddr
 * 127.0.0.1 and its port) while `host` keeps naming the server, so
 * verify-full checks the certificate against the real host name.
 */
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { TenantryError } from '../../../core/errors.js';
import type { SshTunnel } from './ssh-tunnel.js';

/** Where the bastion forwards to: the profile's host and port as the bastion sees them. */
export function tunnelDestination(profile: ConnectionProfile): { host: string; port: number } {
  const host = profile.host;
  if (!host || host.startsWith('/') || host.includes(',')) {
    throw new TenantryError('CONNECTION_PARAMETER_INVALID', 'An SSH tunnel needs the database host as the bastion sees it (for example db.internal, or localhost when PostgreSQL runs on the bastion), not a socket directory or a list of hosts.');
  }
  return { host, port: profile.port ?? 5432 };
}

/** The profile pointed at the tunnel's local end; the ssh settings are removed. */
export function throughTunnel(profile: ConnectionProfile, tunnel: Pick<SshTunnel, 'localPort'>): ConnectionProfile {
  const { ssh: _ssh, ...rest } = profile;
  return { ...rest, hostaddr: '127.0.0.1', port: tunnel.localPort };
}
