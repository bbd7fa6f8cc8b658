/**
 * `tenantry snapshot` shows what it is doing on a terminal (pg_dump, the catalog, finding references), on
 * one line redrawn in place and cleared before the report; piped or redirected, no progress is written.
 * Before, a large schema's snapshot printed nothing until it was done.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../electron/cli/command.js';
import { main } from '../../electron/cli/main.js';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { TEMPLATE_DDL } from './migrate/fleet.js';

const CLEAR_LINE = '\r\u001b[K';

describe('tenantry snapshot progress', () => {
  let cluster: Cluster;
  let dir: string;
  let db: string;

  const snapshot = async (terminal: boolean, out: string): Promise<{ code: number; stderr: string }> => {
    let stderr = '';
    const io: CliIo = { stdout: () => undefined, stderr: (t) => void (stderr += t), env: { PATH: process.env.PATH ?? '', HOME: dir }, cwd: dir, stderrIsTerminal: terminal, terminalColumns: 120 };
    const code = await main(['snapshot', '--schema', 'tpl', '-o', out, '--url', cluster.url(db)], io);
    return { code, stderr };
  };

  beforeAll(async () => {
    cluster = await startCluster();
    dir = mkdtempSync(join(tmpdir(), 'tenantry-snapshot-progress-'));
    db = await cluster.createDatabase('progress');
    await cluster.query(TEMPLATE_DDL('tpl'), db);
  });
  afterAll(async () => {
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('on a terminal: a status line per stage, cleared before the report', async () => {
    const { code, stderr } = await snapshot(true, 'a.sql');
    expect(code, stderr).toBe(0);
    const stages = ['Checking schema tpl…', 'Dumping tpl with pg_dump…', 'Reading the catalog (dump: ', 'Finding references to tpl in '];
    let at = 0;
    for (const stage of stages) {
      const found = stderr.indexOf(`${CLEAR_LINE}${stage}`, at);
      expect(found, `${stage} after offset ${at} in ${JSON.stringify(stderr.slice(0, 600))}`).toBeGreaterThanOrEqual(at);
      at = found;
    }
    // The line is cleared, then the report starts on a clean line.
    const report = stderr.lastIndexOf(CLEAR_LINE) + CLEAR_LINE.length;
    expect(stderr.slice(report)).toMatch(/^Wrote snapshot of schema "tpl"/);
    expect(stderr.slice(report)).not.toContain('\r');
  });

  it('piped: no progress at all, only the report', async () => {
    const { code, stderr } = await snapshot(false, 'b.sql');
    expect(code, stderr).toBe(0);
    expect(stderr).not.toContain('\r');
    expect(stderr).not.toContain('Dumping tpl with pg_dump');
  });
});
