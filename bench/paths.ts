/**
 * Paths the benchmarks read, found from the repository root so that they hold both when the
 * benchmarks run from source (tsx) and from their compiled copy in dist/bench.
 */
import { join } from 'node:path';
import { repoRoot } from '../support/repo-root.js';

export { repoRoot };

/** ../shared/corpus next to the repository: real schema files from public projects. */
export const CORPUS_DIR = join(repoRoot(), '../shared/corpus');
