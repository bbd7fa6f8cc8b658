/**
 * The sandbox is reachable from a terminal: the psql commands the app copies (the sandbox card's and the
 * diagnostics' "Copy as psql command") work as pasted into a shell, with no password in them. Before, the
 * copied command had no way to authenticate (the password is random and in memory only) and psql failed
 * with "no password supplied".
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { describeSandboxTerminal } from '../../core/connection/sandbox-terminal.js';
import { toDiagnosticsResult } from '../../electron/handlers/diagnostics-adapter.js';
import { diagnoseConnection } from '../../electron/services/diagnostics/diagnose.js';
import { Sandbox, type SandboxInfo } from '../../electron/services/sandbox/sandbox.js';

const run = promisify(execFile);

/** Runs a copied command as a person pastes it into sh, with a query appended; stdin is not a terminal, so psql cannot prompt. */
async function runPasted(command: string): Promise<string> {
  const lines = command.split('\n').filter((l) => !l.startsWith('#'));
  const { stdout } = await run('sh', ['-c', `${lines.join('\n')} -X -A -t -c 'SELECT current_user' </dev/null`], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir() }, timeout: 60_000 });
  return stdout.trim();
}

describe('sandbox from a terminal', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-sandbox-terminal-'));
  chmodSync(dataDir, 0o755);
  const sandbox = new Sandbox({ dataDir });
  let info: SandboxInfo;
  afterAll(async () => {
    await sandbox.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const terminalOf = (i: SandboxInfo) => describeSandboxTerminal({ port: i.port, socketDir: i.baseDir, user: 'postgres', database: i.database, passfile: i.passfile, osUser: i.osUser });

  it('the copied TCP psql command works as pasted and carries no password; the passfile is 0600', async () => {
    info = await sandbox.start();
    const terminal = terminalOf(info);
    expect(terminal.psql).not.toContain(info.profile.password);
    expect(terminal.psql).toContain(`PGPASSFILE=${info.passfile}`);
    expect(statSync(info.passfile).mode & 0o777).toBe(0o600);
    await expect(runPasted(terminal.psql)).resolves.toBe('postgres');
    // The old copied command (no passfile): what the user saw.
    await expect(runPasted(terminal.psql.replace(/^PGPASSFILE=\S+ /, ''))).rejects.toThrow(/no password supplied/);
  });

  it('the socket command needs no password for the OS user running Tenantry', async () => {
    const terminal = terminalOf(info);
    expect(terminal.psqlSocket).toContain(info.baseDir);
    await expect(runPasted(terminal.psqlSocket)).resolves.toBe('postgres');
  });

  it("the diagnostics' Copy as psql command works as pasted for the sandbox", async () => {
    const report = await diagnoseConnection(info.profile, {});
    const result = toDiagnosticsResult(report, { passfile: info.passfile });
    const working = result.verdict.working;
    expect(working).toBeDefined();
    expect(working?.psql).not.toContain(info.profile.password);
    expect(working?.env).toContain(`export PGPASSFILE=${info.passfile}`);
    expect(working?.notes.join(' ')).toMatch(/psql reads it from/);
    await expect(runPasted(working?.psql ?? '')).resolves.toBe('postgres');
  });

  it('stopping deletes the passfile; a restart keeps the port while it is free and writes the new password', async () => {
    const { port, passfile } = info;
    await sandbox.stop();
    expect(existsSync(passfile)).toBe(false);
    const again = await sandbox.start();
    expect(again.port).toBe(port);
    await expect(runPasted(terminalOf(again).psql)).resolves.toBe('postgres');
    info = again;
  });
});
