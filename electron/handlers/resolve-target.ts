/**
 * Turns a request's ConnectionTarget (the sandbox, a saved connection or an
 * unsaved profile, optionally another database) into the full profile with
 * secrets and defaults, and a name to show.
 */
import { SANDBOX_CONNECTION_ID, type ConnectionTarget } from '../../core/api/contract.js';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { TenantryError } from '../../core/errors.js';
import { applyDefaults } from '../services/connection/defaults.js';
import type { ConnectionStore } from '../services/storage/connection-store.js';

export type ResolveTarget = (target: ConnectionTarget) => Promise<{ name: string; profile: ConnectionProfile }>;

/** Builds the resolver over the saved connections and the sandbox. */
export function createTargetResolver(connections: ConnectionStore, sandboxProfile: () => Promise<ConnectionProfile>): ResolveTarget {
  return async (target) => {
    let resolved: { name: string; profile: ConnectionProfile };
    if (target.connectionId === SANDBOX_CONNECTION_ID) {
      resolved = { name: 'Local sandbox', profile: await sandboxProfile() };
    } else if (target.connectionId) {
      resolved = connections.resolve(target.connectionId);
    } else if (target.profile) {
      resolved = { name: 'Unsaved connection', profile: { ...target.profile } };
    } else {
      throw new TenantryError('INVALID_REQUEST', 'Choose a connection first.');
    }
    if (target.database) resolved.profile.database = target.database;
    resolved.profile = applyDefaults(resolved.profile);
    return resolved;
  };
}
