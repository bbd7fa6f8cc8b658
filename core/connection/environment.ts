/**
 * The PG* environment variables libpq reads, as a partial profile. Pure: the
 * caller passes the environment in.
 */
import { TenantryError } from '../errors.js';
import { PARAMETERS, setConnectionParameter } from './parameters.js';
import type { ConnectionProfile } from './profile.js';

/** Reads the PG* variables libpq would use into a partial profile (validated; empty counts as unset). */
export function readEnvironmentProfile(env: Readonly<Record<string, string | undefined>>): ConnectionProfile {
  const profile: ConnectionProfile = {};
  for (const spec of PARAMETERS) {
    if (spec.env === undefined) continue;
    const value = env[spec.env];
    if (value === undefined || value === '') continue;
    try {
      setConnectionParameter(profile, spec.keyword, value);
    } catch (error) {
      // Name the variable, not the keyword: that is what the user has to fix.
      if (error instanceof TenantryError) {
        throw new TenantryError(error.code, `${error.userMessage} It comes from the environment variable ${spec.env}.`, { cause: error });
      }
      throw error;
    }
  }
  return profile;
}

