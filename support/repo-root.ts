/**
 * The repository root, found from a file's folder: the nearest folder at or
 * above it that holds package.json. Holds both from source (tests, tsx) and
 * from the benchmarks' compiled copy in dist/bench.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The nearest folder at or above `from` that holds package.json. */
export function repoRoot(from = import.meta.dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`No package.json above ${from}: run this from the Tenantry repository.`);
  }
}
