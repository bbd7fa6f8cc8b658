/**
 * Helpers for the SSL and diagnose integration tests: provisioning through
 * Tenantry's psql path, plain psql runs "as the user", HOME directories with
 * libpq default-file hazards, and a watcher that records every process
 * command line on the machine while a test runs (to prove no password leaks).
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { createProvisioner } from '../../electron/services/provision/provisioner.js';
import type { Cluster } from '../../support/cluster.js';

const run = promisify(execFile);

/** psql from the PostgreSQL 15 packages (not Debian's wrapper script, which reads ~/.postgresqlrc). */
export const PSQL = '/usr/lib/postgresql/15/bin/psql';
export const NOBODY = { uid: 65534, gid: 65534 };

export interface RunResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

/** Every argument list the tests themselves start, to check for the password. */
export const startedArgv: string[][] = [];

/** Runs a command with exactly `env`; never throws for a non-zero exit. */
export async function runCommand(cmd: string, args: string[], env: Record<string, string>, asNobody = false): Promise<RunResult> {
  const [file, argv] = asNobody ? ['setpriv', [`--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, '--clear-groups', '--', cmd, ...args]] as const : [cmd, args] as const;
  startedArgv.push([file, ...argv]);
  try {
    const { stdout, stderr } = await run(file, [...argv], { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    return { ok: true, stdout, stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return { ok: false, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}

/** A plain user environment: PATH and HOME only, no PG* variables. */
export function userEnv(home: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LC_ALL: 'C' };
}

/**
 * "Plain psql as in the story": the user's environment (HOME with whatever
 * ~/.postgresql holds), the profile's own parameters as a conninfo argument,
 * the password in PGPASSWORD (never the command line).
 */
export async function runPlainPsql(conninfo: string, home: string, password: string, asNobody = false): Promise<RunResult> {
  return runCommand(PSQL, ['-X', '-w', '-A', '-t', '-c', 'select 1', conninfo], { ...userEnv(home), PGPASSWORD: password }, asNobody);
}

/** Provisions one tenant through Tenantry's psql path (createProvisioner via 'psql') and checks it exists. */
export async function provisionViaPsql(cluster: Cluster, profile: ConnectionProfile, tenant: string, baseEnv: Record<string, string>): Promise<void> {
  const provisioner = await createProvisioner(profile, { via: 'psql', concurrency: 1, env: baseEnv, pgBin: ['/usr/lib/postgresql/15/bin'] });
  try {
    await provisioner.provisionTenant({ render: (t) => `CREATE SCHEMA ${t};\nCREATE TABLE ${t}.items (id int PRIMARY KEY, name text);\n` }, tenant);
  } finally {
    await provisioner.close();
  }
  const { rows } = await cluster.query(`select to_regclass('${tenant}.items') is not null as created`, profile.database ?? 'postgres');
  if (rows[0]?.created !== true) throw new Error(`tenant ${tenant} was not created`);
}

/** Creates HOME/.postgresql with the given files copied in (name → source path, mode). */
export function makeHome(parent: string, name: string, files: { name: string; from: string; mode?: number }[] = []): string {
  const home = join(parent, name);
  mkdirSync(join(home, '.postgresql'), { recursive: true });
  chmodSync(home, 0o755);
  for (const f of files) {
    const dest = join(home, '.postgresql', f.name);
    copyFileSync(f.from, dest);
    chmodSync(dest, f.mode ?? 0o600);
  }
  return home;
}

/** Gives a directory tree to nobody (recursively, shallow enough for test homes). */
export function giveToNobody(path: string): void {
  chownSync(path, NOBODY.uid, NOBODY.gid);
  try {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const p = join(path, entry.name);
      if (entry.isDirectory()) giveToNobody(p);
      else chownSync(p, NOBODY.uid, NOBODY.gid);
    }
  } catch {
    // not a directory
  }
}

/**
 * Watches every process on the machine (via /proc) and records command lines
 * that contain `secret`, and how many command lines of `program` it saw
 * (proof that the watcher did see the children).
 */
export function watchCommandLines(secret: string | string[], program = 'psql'): { stop: () => { leaks: string[]; seen: number } } {
  const secrets = Array.isArray(secret) ? secret : [secret];
  const leaks = new Set<string>();
  const seenPids = new Set<string>();
  const scan = () => {
    let pids: string[];
    try {
      pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
    } catch {
      return;
    }
    for (const pid of pids) {
      let cmdline: string;
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        continue;
      }
      if (secrets.some((x) => cmdline.includes(x))) leaks.add(cmdline);
      if (cmdline.includes(program)) seenPids.add(pid + cmdline);
    }
  };
  const timer = setInterval(scan, 2);
  return {
    stop: () => {
      clearInterval(timer);
      scan();
      return { leaks: [...leaks], seen: seenPids.size };
    },
  };
}
