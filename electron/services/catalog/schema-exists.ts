/** Whether a schema of exactly this name exists in the profile's database (one short connection). */
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { connectDriver } from '../connection/driver-config.js';

/** True or false as the catalog says; undefined when the database cannot be asked (the create itself will say why). */
export async function schemaExists(profile: ConnectionProfile, name: string): Promise<boolean | undefined> {
  let client;
  try {
    client = await connectDriver(profile);
    const r = await client.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1) AS found', [name]);
    return r.rows[0]?.found === true;
  } catch {
    return undefined;
  } finally {
    await client?.end().catch(() => undefined);
  }
}
