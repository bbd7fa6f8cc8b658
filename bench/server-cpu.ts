/**
 * CPU time a server backend spent, read from Linux's /proc/PID/schedstat (the
 * first field: nanoseconds on a CPU). The benchmark clusters run on this
 * machine, so a connection's backend can be watched directly. Wall-clock
 * ratios on a machine shared with other work swing by tens of percent (a
 * runnable backend waits for a core); CPU time leaves the waiting out, and
 * with it the commit's fsync, which is why both are reported.
 */
import { readFileSync } from 'node:fs';
import type pg from 'pg';

/** Milliseconds of CPU the process `pid` has used, or undefined where /proc cannot tell (not Linux, another machine). */
export function readProcessCpuMs(pid: number): number | undefined {
  try {
    const ns = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
    return Number.isFinite(ns) ? ns / 1e6 : undefined;
  } catch {
    return undefined;
  }
}

/** The backend process id of a connection. */
export async function backendPid(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_catalog.pg_backend_pid() AS pid');
  return rows[0]!.pid;
}

/** Wall-clock and backend CPU milliseconds of `fn`, whose work runs in backend `pid`. */
export async function timeBackend(pid: number, fn: () => Promise<unknown>): Promise<{ wall: number; cpu?: number }> {
  const cpuBefore = readProcessCpuMs(pid);
  const started = performance.now();
  await fn();
  const wall = performance.now() - started;
  const cpuAfter = readProcessCpuMs(pid);
  return cpuBefore === undefined || cpuAfter === undefined ? { wall } : { wall, cpu: cpuAfter - cpuBefore };
}
