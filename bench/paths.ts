/**
 * Paths the benchmarks read, found from the repository root so that they hold both when the
 * benchmarks run from source (tsx) and from their compiled copy in dist/bench.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder at or above this file's that holds package.json. */
export function repoRoot(from = import.meta.dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`No package.json above ${from}: run the benchmarks from the Tenantry repository.`);
  }
}

/** ../shared/corpus next to the repository: real schema files from public projects. */
export const CORPUS_DIR = join(repoRoot(), '../shared/corpus');
