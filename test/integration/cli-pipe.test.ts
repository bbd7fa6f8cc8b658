/**
 * `tenantry render SNAP --tenant t | head` used to die with an unhandled
 * EPIPE and a Node stack trace once head closed the pipe.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
    // pagila: large enough to fill the pipe; Rails dumps (lago) end in a SET search_path + INSERT block that containment refuses offline.
    const snap = join(dir, 'pagila.snap.sql');
    // Three copies, so the rendered SQL (~150 KB) is well over a pipe's 64 KiB buffer and the writer meets the closed pipe.
    const dump = join(dir, 'pagila-x3.sql');
    writeFileSync(dump, readFileSync(join(CORPUS_DIR, 'pagila.sql'), 'utf8').repeat(3));
    await run(process.execPath, ['--import', tsx, entry, 'template', dump, '--schema', 'public', '-o', snap], { maxBuffer: 64 << 20 });
    expect(statSync(snap).size).toBeGreaterThan(128 * 1024);
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
