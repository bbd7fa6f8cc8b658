/** Runs psql for a diagnosis: argument array, explicit environment, timeout, cancellation. */
import { execFile } from 'node:child_process';

export interface PsqlRun {
  ok: boolean;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Set when psql could not be started at all. */
  spawnError?: string;
}

/** Runs `psqlPath args` with exactly `env`; never throws for a failing psql. */
export function runPsql(psqlPath: string, args: string[], env: Record<string, string>, options: { timeoutMs: number; signal?: AbortSignal }): Promise<PsqlRun> {
  return new Promise((resolve) => {
    const child = execFile(psqlPath, args, { env, timeout: options.timeoutMs, signal: options.signal, maxBuffer: 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      if (!error) return resolve({ ok: true, exitCode: 0, stdout, stderr });
      const e = error as NodeJS.ErrnoException & { code?: string | number };
      if (typeof e.code === 'string' && (e.code === 'ENOENT' || e.code === 'EACCES')) {
        return resolve({ ok: false, exitCode: null, stdout, stderr, spawnError: `${psqlPath} cannot be run (${e.code}).` });
      }
      resolve({ ok: false, exitCode: typeof e.code === 'number' ? e.code : null, stdout, stderr: stderr || e.message });
    });
    // No stdin: a prompt (password, PEM pass phrase) must fail at once instead of waiting.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end();
  });
}
