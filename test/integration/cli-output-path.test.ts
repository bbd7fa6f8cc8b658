/**
 * `tenantry snapshot -o /missing/dir/x.sql` dumped the whole schema and then
 * died with "unexpected error (a bug)" and a stack trace. Output paths are now
 * checked before any work, and write failures are explained.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../electron/cli/main.js';
import { CORPUS_DIR, hasCorpus } from './harness/corpus.js';

const dir = mkdtempSync(join(tmpdir(), 'tenantry-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await main(argv, { stdout: () => undefined, stderr: (t) => void (stderr += t), env: { PATH: process.env.PATH ?? '' }, cwd: dir });
  return { code, stderr };
}

describe('output paths', () => {
  it('snapshot: a missing folder is reported before connecting (the server here does not even exist)', async () => {
    const run = await cli('snapshot', '--schema', 'public', '-o', 'no/such/dir/x.sql', '--url', 'postgresql://u:p@127.0.0.1:1/db?connect_timeout=2');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Cannot write ${join(dir, 'no/such/dir/x.sql')}: the folder ${join(dir, 'no/such/dir')} does not exist.`);
    expect(run.stderr).toContain('[FILE_WRITE_FAILED]');
    expect(run.stderr).not.toContain('a bug');
  });

  it('dump: an output path that is a folder', async () => {
    const run = await cli('dump', '--schema', 'public', '-o', '.', '--url', 'postgresql://u:p@127.0.0.1:1/db?connect_timeout=2');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('it is a folder');
  });

  it.skipIf(!hasCorpus())('template (offline): a report path in a missing folder', async () => {
    const run = await cli('template', join(CORPUS_DIR, 'pagila.sql'), '--schema', 'public', '-o', 'ok.snap.sql', '--report', 'missing/report.json');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('[FILE_WRITE_FAILED]');
    expect(run.stderr).not.toContain('a bug');
  });
});
