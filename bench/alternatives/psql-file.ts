/**
 * The classic approach: write the tenant's SQL to a temporary file and run
 * `psql -X -q -v ON_ERROR_STOP=1 --single-transaction -f FILE`, a new process
 * and a new connection per tenant, plain TCP or TLS (sslmode=require).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchTarget } from './target.js';

const run = promisify(execFile);

/** Runs one tenant's SQL through psql -f with a 0600 temporary file. */
export async function runPsqlFile(target: BenchTarget, sql: string, options: { tls: boolean; psql?: string }): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tenantry-bench-'));
  const file = join(dir, 'tenant.sql');
  try {
    await writeFile(file, sql, { mode: 0o600 });
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, PGHOST: target.host, PGPORT: String(target.port), PGUSER: target.user, PGPASSWORD: target.password, PGDATABASE: target.database, PGSSLMODE: options.tls ? 'require' : 'disable' };
    await run(options.psql ?? 'psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-f', file], { env, maxBuffer: 64 * 1024 * 1024 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
