/**
 * Runs pg_dump or psql as a child: an argument array (never a shell), the
 * environment built from the connection settings (never a password on the
 * command line), stderr streamed line by line, a timeout and an AbortSignal.
 * Failures become TenantryErrors carrying the stderr tail.
 */
import { execa, type ResultPromise } from 'execa';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { TenantryError, type ErrorCode } from '../../../core/errors.js';
import { buildChildEnv } from '../connection/open-connection.js';

export interface ClientToolRun {
  binary: string;
  /** Major version of the binary (its libpq), for the child environment. */
  libpqMajor: number;
  args: string[];
  profile: ConnectionProfile;
  /** Text written to the child's stdin; stdin is closed otherwise. */
  input?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  onStderrLine?: (line: string) => void;
  /** Error code for a non-zero exit. */
  failureCode: ErrorCode;
  failureMessage: string;
  baseEnv?: NodeJS.ProcessEnv;
}

const STDERR_TAIL_LINES = 20;

/** Runs the tool and resolves to its stdout; throws TenantryError on failure, cancel or timeout. */
export async function runClientTool(run: ClientToolRun): Promise<{ stdout: string; stderr: string }> {
  const { env, cleanup } = await buildChildEnv(run.profile, Math.floor(run.libpqMajor), run.baseEnv);
  const stderrLines: string[] = [];
  let partial = '';
  const flush = (line: string) => {
    stderrLines.push(line);
    if (stderrLines.length > 200) stderrLines.shift();
    run.onStderrLine?.(line);
  };
  try {
    const child: ResultPromise = execa(run.binary, run.args, {
      env: { ...env, LC_MESSAGES: 'C' },
      extendEnv: false,
      ...(run.input !== undefined ? { input: run.input } : { stdin: 'ignore' as const }),
      ...(run.signal ? { cancelSignal: run.signal } : {}),
      ...(run.timeoutMs ? { timeout: run.timeoutMs } : {}),
      maxBuffer: 1024 * 1024 * 1024,
      stripFinalNewline: false,
      buffer: { stdout: true, stderr: false },
      // SIGINT makes psql and pg_dump send the server a cancel request before exiting (SIGTERM would
      // leave the backend running its statement, locks held, until it next talks to the client).
      killSignal: 'SIGINT',
      forceKillAfterDelay: 3000,
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) flush(line);
    });
    const result = await child;
    if (partial) flush(partial);
    return { stdout: String(result.stdout), stderr: stderrLines.join('\n') };
  } catch (error) {
    if (partial) flush(partial);
    const tail = stderrLines.slice(-STDERR_TAIL_LINES).join('\n');
    const e = error as { isCanceled?: boolean; timedOut?: boolean; exitCode?: number; code?: string; shortMessage?: string };
    if (e.isCanceled) throw new TenantryError('CANCELLED', `${run.failureMessage}: cancelled.`, { cause: error });
    if (e.timedOut) {
      throw new TenantryError('TIMEOUT', `${run.failureMessage}: no result after ${Math.round((run.timeoutMs ?? 0) / 1000)} s, so it was stopped.`, { detail: tail, cause: error });
    }
    if (e.code === 'ENOENT' || e.code === 'EACCES') {
      throw new TenantryError(run.failureCode, `${run.failureMessage}: ${run.binary} could not be started (${e.code}).`, { cause: error });
    }
    throw new TenantryError(run.failureCode, `${run.failureMessage} (exit status ${e.exitCode ?? 'unknown'}).`, { detail: tail || e.shortMessage, cause: error });
  } finally {
    await cleanup();
  }
}
