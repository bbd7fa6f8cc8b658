/**
 * The process guards of web mode and the Electron main process, in a real
 * Node child: an error that escapes (an 'error' event nobody listens to, a
 * rejection nobody awaits) is logged and the process keeps running; at exit
 * the cleanup (stopping the sandbox) runs. Without the guards the child dies
 * at the first throw and never prints "still alive".
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const guards = join(root, 'electron/handlers/process-guards.ts');

describe('installProcessGuards', () => {
  it('logs escaped errors, keeps the process running and cleans up at exit', () => {
    const script = `
      const { EventEmitter } = await import('node:events');
      const { installProcessGuards } = await import(${JSON.stringify(guards)});
      installProcessGuards({ log: (line) => process.stderr.write(line), onExit: () => process.stdout.write('sandbox stopped\\n') });
      setTimeout(() => new EventEmitter().emit('error', new Error('Connection terminated unexpectedly')), 0);
      setTimeout(() => void Promise.reject(new Error('nobody awaited me')), 5);
      setTimeout(() => process.stdout.write('still alive\\n'), 30);
    `;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(child.status).toBe(0);
    expect(child.stdout).toBe('still alive\nsandbox stopped\n');
    expect(child.stderr).toContain('Connection terminated unexpectedly');
    expect(child.stderr).toContain('nobody awaited me');
    expect(child.stderr).toContain('keeps running');
  });
});
