/** Step 6 helpers: how plain psql is run "as the user", and how its result is explained. */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import type { DiagnosticFacts } from '../../../core/diagnostics/types.js';

/** sslpassword has no environment variable: a private 0600 service file carries it for plain psql. */
export async function writeSslPasswordService(sslpassword: string): Promise<{ service: string; file: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tenantry-diagnose-'));
  await chmod(dir, 0o700);
  const file = join(dir, 'pg_service.conf');
  await writeFile(file, `[tenantry-diagnose]\nsslpassword=${sslpassword.replace(/[\r\n]/g, '')}\n`, { mode: 0o600 });
  return { service: 'tenantry-diagnose', file, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** The profile as plain psql gets it: only what the settings say, and only what this libpq knows. */
export function plainPsqlProfile(profile: ConnectionProfile, major: number): ConnectionProfile {
  const copy: ConnectionProfile = { ...profile, connect_timeout: profile.connect_timeout ?? 10 };
  delete copy.password;
  delete copy.sslpassword;
  if (major < 16) delete copy.sslcertmode;
  if (major < 17) delete copy.sslnegotiation;
  if (major < 16 && copy.sslrootcert === 'system') delete copy.sslrootcert;
  return copy;
}

/** One sentence comparing plain psql with Tenantry's psql. */
export function explainPsqlDifference(facts: DiagnosticFacts): string {
  const user = facts.psqlUser;
  const ours = facts.psqlTenantry;
  if (!user) return '';
  if (user.ok && ours?.ok) return 'Plain psql connects too: your environment does not interfere.';
  if (user.ok) return 'Plain psql connects, but Tenantry\'s psql does not (see that step).';
  const hazard = facts.hazards.find((h) => h.severity === 'breaks' && h.code === user.failure) ?? facts.hazards.find((h) => h.severity === 'breaks');
  if (ours?.ok) {
    return `Plain psql fails where Tenantry's psql connects: ${hazard ? hazard.message : user.message ?? ''} Tenantry sets every PGSSL* variable itself and never reads ~/.postgresql.`;
  }
  return `Plain psql fails as well: ${user.message ?? ''}`;
}
