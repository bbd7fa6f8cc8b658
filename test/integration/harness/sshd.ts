/**
 * A real OpenSSH server for the tunnel tests: its own host key, its own
 * authorized_keys and config, on a free port on 127.0.0.1, logging in as the
 * current user (root here). `hasSshd()` is false where openssh-server is not
 * installed (.ci/run installs it).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findFreePort } from '../../../support/cluster.js';

const run = promisify(execFile);
export const SSHD = '/usr/sbin/sshd';

/** Whether an sshd binary is installed. */
export function hasSshd(): boolean {
  return existsSync(SSHD);
}

export interface KeyPair {
  keyFile: string;
  publicKey: string;
}

export interface Sshd {
  host: string;
  port: number;
  user: string;
  dir: string;
  /** The server's host key fingerprint as ssh-keygen prints it (SHA256:…). */
  hostKeyFingerprint: string;
  /** A new key pair (ed25519), with a passphrase when given; authorized unless `authorize` is false. */
  makeKey(name: string, options?: { passphrase?: string; authorize?: boolean }): Promise<KeyPair>;
  stop(): Promise<void>;
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`sshd did not listen on ${port}: ${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts sshd on a free port; `allowForwarding: false` makes it refuse every forward. */
export async function startSshd(options: { allowForwarding?: boolean } = {}): Promise<Sshd> {
  const dir = mkdtempSync(join(tmpdir(), 'tenantry-sshd-'));
  chmodSync(dir, 0o700);
  // sshd's privilege separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(dir, 'host_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  const fingerprint = (await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`])).stdout.split(' ')[1] ?? '';
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, '', { mode: 0o600 });
  const port = await findFreePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(config, [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKey}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${authorized}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    'StrictModes no',
    `AllowTcpForwarding ${options.allowForwarding === false ? 'no' : 'yes'}`,
    'LogLevel VERBOSE',
  ].join('\n') + '\n');
  let log = '';
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  await waitForPort(port, child, () => log);
  return {
    host: '127.0.0.1',
    port,
    user: userInfo().username,
    dir,
    hostKeyFingerprint: fingerprint,
    async makeKey(name, keyOptions = {}) {
      const keyFile = join(dir, name);
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', keyOptions.passphrase ?? '', '-f', keyFile]);
      const publicKey = readFileSync(`${keyFile}.pub`, 'utf8');
      if (keyOptions.authorize !== false) writeFileSync(authorized, readFileSync(authorized, 'utf8') + publicKey);
      return { keyFile, publicKey };
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
