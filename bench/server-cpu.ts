/**
 * CPU time a server backend spent, read from Linux's /proc/PID/schedstat (the
 * first field: nanoseconds on a CPU). The benchmark clusters run on this
 * machine, so a connection's backend can be watched directly. Wall-clock
 * ratios on a machine shared with other work swing by tens of percent (a
 * runnable backend waits for a core); CPU time leaves the waiting out, and
 * with it the commit's fsync, which is why both are reported.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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

/*
 * CPU time of everything an operation runs on this machine (the catalog section): this process, the programs it
 * ran and waited for (pg_dump), and the cluster's backends, live (their utime + stime) or exited (in the
 * postmaster's cutime + cstime once it reaps them). Linux only: elsewhere undefined.
 */
let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Fields of /proc/PID/stat after the command name: [state, ppid, …]; index k here is field k + 3 of proc(5). */
function statFields(pid: number | 'self'): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime (own) and cutime + cstime (waited-for children) of a process, in ms (clock ticks). */
function processTimes(pid: number | 'self'): { own: number; children: number } {
  const f = statFields(pid);
  const ms = (k: number): number => (Number(f[k - 3]) * 1000) / clockTicks();
  return { own: ms(14) + ms(15), children: ms(16) + ms(17) };
}

/**
 * CPU milliseconds used so far outside this process's own threads: the children it waited for (pg_dump, psql) and the
 * cluster's processes. This process's own time is better read with process.cpuUsage() (microseconds, where /proc
 * counts 10 ms clock ticks) right around the work, leaving this read's own walk over /proc outside.
 */
export interface OtherCpu {
  children: number;
  server: number;
}

/** CPU used so far by this process's waited-for children and by the cluster whose data directory is given; undefined off Linux. */
export function readOtherCpu(dataDir: string): OtherCpu | undefined {
  try {
    const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const self = processTimes('self');
    const server = processTimes(postmaster);
    let live = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const f = statFields(Number(entry));
        if (Number(f[1]) === postmaster) live += (Number(f[11]) + Number(f[12])) * 1000 / clockTicks();
      } catch {
        // the process ended meanwhile: its time is in the postmaster's cutime now
      }
    }
    return { children: self.children, server: server.own + server.children + live };
  } catch {
    return undefined;
  }
}

/**
 * Waits until no client backend of `database` is left under the cluster's postmaster (nor any exited child not yet
 * reaped), so that a CPU read afterwards holds the backends' exit and nothing of theirs runs on into the next
 * measurement. A backend's process title names its database (`postgres: USER DATABASE HOST(PORT) STATE`); a process
 * that is exiting has none, a zombie is not reaped yet: both are waited for too.
 */
export async function waitForBackendsGone(dataDir: string, database: string, timeoutMs = 30_000): Promise<void> {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  const left = (): number => {
    let n = 0;
    let entries: string[];
    try {
      entries = readdirSync('/proc');
    } catch {
      return 0; // not Linux: nothing to wait for that this can see
    }
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const f = statFields(Number(entry));
        if (Number(f[1]) !== postmaster) continue;
        // An exiting process has no command line any more (its memory is gone) before it turns zombie.
        const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (f[0] === 'Z' || title === '' || title.includes(` ${database} `)) n++;
      } catch {
        // ended meanwhile
      }
    }
    return n;
  };
  const deadline = performance.now() + timeoutMs;
  while (left() > 0) {
    if (performance.now() > deadline) throw new Error(`backends of ${database} still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
