/**
 * A suite that loads large schemas into one cluster and runs the CLI in process against it (the real-world
 * reference tests, the Rails trailer test): the cluster (with room for the locks of thousands of objects),
 * a private folder as HOME and cwd, and `cli(...argv)` that returns the exit status and what was printed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { CliIo } from '../../../electron/cli/command.js';
import { main } from '../../../electron/cli/main.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliCluster {
  readonly cluster: Cluster;
  readonly dir: string;
  cli(...argv: string[]): Promise<CliRun>;
}

/** Registers the suite's beforeAll/afterAll; the fields are usable from the suite's own hooks and tests on. */
export function useCliCluster(dirPrefix: string): CliCluster {
  let cluster: Cluster | undefined;
  let dir = '';
  beforeAll(async () => {
    cluster = await startCluster({ conf: { max_locks_per_transaction: 256 } });
    dir = mkdtempSync(join(tmpdir(), dirPrefix));
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    get cluster(): Cluster {
      if (!cluster) throw new Error('the cluster is used before beforeAll started it');
      return cluster;
    },
    get dir() {
      return dir;
    },
    async cli(...argv) {
      let stdout = '';
      let stderr = '';
      const io: CliIo = { stdout: (x) => void (stdout += x), stderr: (x) => void (stderr += x), env: { PATH: process.env.PATH ?? '', HOME: dir }, cwd: dir };
      const code = await main(argv, io);
      return { code, stdout, stderr };
    },
  };
}
