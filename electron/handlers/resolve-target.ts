/**
 * Turns a request's ConnectionTarget (the sandbox, a saved connection or an
 * unsaved profile, optionally another database) into the full profile with
 * secrets and defaults, and a name to show. A connection with an SSH tunnel
 * comes back pointed at the tunnel's local end (opened, or reused), so every
 * operation on it goes through the bastion.
 */
import { SANDBOX_CONNECTION_ID, type ConnectionTarget } from '../../core/api/contract.js';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { TenantryError } from '../../core/errors.js';
import { applyDefaults } from '../services/connection/defaults.js';
import type { TunnelCache } from '../services/ssh/tunnel-cache.js';
import { throughTunnel, tunnelDestination } from '../services/ssh/tunnel-profile.js';
import type { ConnectionStore } from '../services/storage/connection-store.js';

export interface ResolveOptions {
  /** Leave `ssh` in the profile instead of opening the tunnel (the diagnostics open it step by step). */
  keepSsh?: boolean;
}

export type ResolveTarget = (target: ConnectionTarget, options?: ResolveOptions) => Promise<{ name: string; profile: ConnectionProfile }>;

/** An edited profile with the saved one's password, sslpassword and SSH passphrase where none was typed (the passphrase only for the same key file). */
function withStoredSecrets(edited: ConnectionProfile, saved: ConnectionProfile): ConnectionProfile {
  const profile: ConnectionProfile = { ...edited };
  if (profile.password === undefined && saved.password !== undefined) profile.password = saved.password;
  if (profile.sslpassword === undefined && saved.sslpassword !== undefined) profile.sslpassword = saved.sslpassword;
  const passphrase = saved.ssh?.passphrase;
  if (profile.ssh && profile.ssh.passphrase === undefined && passphrase !== undefined && profile.ssh.keyFile === saved.ssh?.keyFile) profile.ssh = { ...profile.ssh, passphrase };
  return profile;
}

/** Builds the resolver over the saved connections, the sandbox and the app's SSH tunnels. */
export function createTargetResolver(connections: ConnectionStore, sandboxProfile: () => Promise<ConnectionProfile>, tunnels?: TunnelCache): ResolveTarget {
  return async (target, options = {}) => {
    let resolved: { name: string; profile: ConnectionProfile };
    if (target.connectionId === SANDBOX_CONNECTION_ID) {
      resolved = { name: 'Local sandbox', profile: await sandboxProfile() };
    } else if (target.connectionId) {
      resolved = connections.resolve(target.connectionId);
      // The form's edits of a saved connection, tested before saving: its stored secrets fill what was not typed again.
      if (target.profile) resolved = { name: resolved.name, profile: withStoredSecrets(target.profile, resolved.profile) };
    } else if (target.profile) {
      resolved = { name: 'Unsaved connection', profile: { ...target.profile } };
    } else {
      throw new TenantryError('INVALID_REQUEST', 'Choose a connection first.');
    }
    if (target.database) resolved.profile.database = target.database;
    resolved.profile = applyDefaults(resolved.profile);
    const ssh = resolved.profile.ssh;
    if (ssh && !options.keepSsh) {
      if (!tunnels) throw new TenantryError('NOT_AVAILABLE', 'SSH tunnels are not available here.');
      const tunnel = await tunnels.open(ssh, tunnelDestination(resolved.profile));
      resolved.profile = throughTunnel(resolved.profile, tunnel);
    }
    return resolved;
  };
}
