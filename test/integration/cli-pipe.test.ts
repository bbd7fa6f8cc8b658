/**
 * `tenantry render SNAP --tenant t | head` used to die with an unhandled
 * EPIPE and a Node stack trace once head closed the pipe.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR, hasCorpus } from './harness/corpus.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const tsx = join(root, 'node_modules/tsx/dist/esm/index.mjs');
const entry = join(root, 'electron/cli/index.ts');
const dir = mkdtempSync(join(tmpdir(), 'tenantry-pipe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasCorpus())('the CLI in a pipeline', () => {
  it('stops quietly when the reader closes the pipe early', async () => {
    const snap = join(dir, 'lago.snap.sql');
    await run(process.execPath, ['--import', tsx, entry, 'template', join(CORPUS_DIR, 'lago.sql'), '--schema', 'public', '-o', snap], { maxBuffer: 64 << 20 });
    const script = `set -o pipefail; "${process.execPath}" --import "${tsx}" "${entry}" render "${snap}" --tenant acme | head -c 100 >/dev/null`;
    const result = await run('bash', ['-c', script]).then(
      (r) => ({ code: 0, stderr: r.stderr }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(result.stderr).not.toContain('EPIPE');
    expect(result.stderr).not.toContain('Unhandled');
    expect(result.code).toBe(0);
  }, 60_000);
});
