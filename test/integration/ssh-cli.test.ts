/**
 * The built CLI through an SSH tunnel (a real sshd on 127.0.0.1): --ssh with
 * --ssh-key, the first-use host key prompt and --ssh-trust-host-key, the
 * passphrase from TENANTRY_SSH_PASSPHRASE, and schemas (driver) and dump
 * (pg_dump) through the forwarded port; the process ends when the command does.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { hasSshd, startSshd, type KeyPair, type Sshd } from './harness/sshd.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin/tenantry.js');
const built = existsSync(join(root, 'dist/electron/cli/index.js'));
if (!built) console.warn('ssh-cli: dist/ is absent; run `npm run build` to test the built CLI.');
if (!hasSshd()) console.log('ssh-cli tests skipped: /usr/sbin/sshd is not installed (apt-get install openssh-server).');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe.skipIf(!built || !hasSshd())('tenantry --ssh: commands through a real SSH tunnel', () => {
  let cluster: Cluster;
  let sshd: Sshd;
  let key: KeyPair;
  let lockedKey: KeyPair;
  let dir: string;

  function runCli(argv: string[], env: Record<string, string> = {}): Promise<Run> {
    return new Promise((resolve) => {
      // A tunnel left open would keep the process alive: the timeout turns that into a failure.
      execFile(process.execPath, [bin, ...argv], { cwd: dir, timeout: 60_000, env: { PATH: process.env.PATH ?? '', HOME: dir, TENANTRY_DATA_DIR: join(dir, 'data'), ...env } }, (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  }
  const url = () => `postgresql://postgres:${cluster.password}@127.0.0.1:${cluster.port}/postgres?sslmode=disable`;
  const ssh = () => `${sshd.user}@127.0.0.1:${sshd.port}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tenantry-ssh-cli-'));
    chmodSync(dir, 0o755);
    [cluster, sshd] = await Promise.all([startCluster(), startSshd()]);
    key = await sshd.makeKey('id_plain');
    lockedKey = await sshd.makeKey('id_locked', { passphrase: 'open sesame' });
    await cluster.query('create schema via_bastion; create table via_bastion.items (id int primary key);');
  });
  afterAll(async () => {
    await Promise.all([cluster?.stop(), sshd?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('first use: exit 3, the fingerprint and the option that trusts it', async () => {
    const run = await runCli(['schemas', '--json', '--url', url(), '--ssh', ssh(), '--ssh-key', key.keyFile]);
    expect(run.code).toBe(3);
    const doc = JSON.parse(run.stdout) as { error: { code: string; message: string } };
    expect(doc.error.code).toBe('SSH_HOST_KEY_UNKNOWN');
    expect(doc.error.message).toContain(`run the command again with --ssh-trust-host-key ${sshd.hostKeyFingerprint}`);
  });

  it('trusted once, schemas (the driver) and dump (pg_dump) go through the tunnel; the key is remembered', async () => {
    const first = await runCli(['schemas', '--json', '--url', url(), '--ssh', ssh(), '--ssh-key', key.keyFile, '--ssh-trust-host-key', sshd.hostKeyFingerprint]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('via_bastion');
    expect(first.stderr).toMatch(new RegExp(`SSH tunnel: ${sshd.user}@127\\.0\\.0\\.1:${sshd.port} → 127\\.0\\.0\\.1:${cluster.port} on 127\\.0\\.0\\.1:\\d+`));
    const dump = await runCli(['dump', '--schema', 'via_bastion', '--url', url(), '--ssh', ssh(), '--ssh-key', key.keyFile, '--pg-bin', '/usr/lib/postgresql/15/bin']);
    expect(dump.code, dump.stderr).toBe(0);
    expect(dump.stdout).toContain('CREATE TABLE via_bastion.items');
  });

  it('a key with a passphrase: named when it is missing, used from TENANTRY_SSH_PASSPHRASE', async () => {
    const missing = await runCli(['schemas', '--url', url(), '--ssh', ssh(), '--ssh-key', lockedKey.keyFile]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('is encrypted, and no passphrase was given');
    expect(missing.stderr).toContain('[SSH_KEY_UNREADABLE]');
    const run = await runCli(['schemas', '--url', url(), '--ssh', ssh(), '--ssh-key', lockedKey.keyFile], { TENANTRY_SSH_PASSPHRASE: 'open sesame' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('via_bastion');
  });

  it('usage errors: --ssh without a way to log in, a malformed address', async () => {
    const noKey = await runCli(['schemas', '--url', url(), '--ssh', ssh()]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('--ssh needs --ssh-key FILE or --ssh-agent');
    const bad = await runCli(['schemas', '--url', url(), '--ssh', 'bastion-without-user', '--ssh-key', key.keyFile]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not an SSH address');
  });
});
