/**
 * SSH tunnels through a real OpenSSH server on 127.0.0.1 (its own host key and
 * authorized_keys, started by the test): the first-use host key prompt, a
 * changed host key refused, key files with and without a passphrase, the agent,
 * each failure named by its stage, and the driver, pg_dump and psql all
 * working through the local forwarded port.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import type { SshSettings } from '../../core/connection/ssh-settings.js';
import { isTenantryError, type TenantryError } from '../../core/errors.js';
import { connectDriver } from '../../electron/services/connection/driver-config.js';
import { dumpSchema } from '../../electron/services/dump/dump-schema.js';
import { memoryKnownHosts, openKnownHosts } from '../../electron/services/ssh/known-hosts.js';
import { openSshTunnel, type SshTunnel, type SshTunnelOptions } from '../../electron/services/ssh/ssh-tunnel.js';
import { findFreePort, startCluster, type Cluster } from '../../support/cluster.js';
import { hasSshd, startSshd, type KeyPair, type Sshd } from './harness/sshd.js';
import { provisionViaPsql, userEnv } from './ssl-helpers.js';

const run = promisify(execFile);

async function tunnelError(settings: SshSettings, dest: { host: string; port: number }, options: SshTunnelOptions): Promise<TenantryError> {
  try {
    const tunnel = await openSshTunnel(settings, dest, options);
    await tunnel.close();
  } catch (error) {
    if (isTenantryError(error)) return error;
    throw error;
  }
  throw new Error('the tunnel opened');
}

if (!hasSshd()) console.log('ssh-tunnel tests skipped: /usr/sbin/sshd is not installed (apt-get install openssh-server).');

describe.skipIf(!hasSshd())('SSH tunnel through a real sshd', () => {
  let cluster: Cluster;
  let sshd: Sshd;
  let noForwarding: Sshd;
  let key: KeyPair;
  let lockedKey: KeyPair;
  let strangerKey: KeyPair;
  let noForwardingKey: KeyPair;
  let dir: string;
  const tunnels: SshTunnel[] = [];

  const db = () => ({ host: '127.0.0.1', port: cluster.port });
  const settings = (over: Partial<SshSettings> = {}): SshSettings => ({ host: sshd.host, port: sshd.port, user: sshd.user, keyFile: key.keyFile, ...over });
  const trusted = () => memoryKnownHosts({ [`[127.0.0.1]:${sshd.port}`]: sshd.hostKeyFingerprint });
  const through = (tunnel: SshTunnel, over: Partial<ConnectionProfile> = {}): ConnectionProfile => ({
    host: '127.0.0.1', port: tunnel.localPort, user: 'postgres', password: cluster.password, database: 'postgres', sslmode: 'disable', ...over,
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tenantry-ssh-'));
    [cluster, sshd, noForwarding] = await Promise.all([startCluster(), startSshd(), startSshd({ allowForwarding: false })]);
    key = await sshd.makeKey('id_plain');
    lockedKey = await sshd.makeKey('id_locked', { passphrase: 'correct horse' });
    strangerKey = await sshd.makeKey('id_stranger', { authorize: false });
    noForwardingKey = await noForwarding.makeKey('id_plain');
    await cluster.query('create schema tunnel_template; create table tunnel_template.items (id int primary key, name text);');
  });
  afterAll(async () => {
    for (const t of tunnels) await t.close();
    await Promise.all([cluster?.stop(), sshd?.stop(), noForwarding?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('first use: the host key is not trusted yet, and the error carries its fingerprint; once confirmed it is remembered', async () => {
    const file = join(dir, 'known_hosts.json');
    const knownHosts = openKnownHosts(file);
    const unknown = await tunnelError(settings(), db(), { knownHosts });
    expect(unknown.code).toBe('SSH_HOST_KEY_UNKNOWN');
    expect(unknown.detail).toBe(sshd.hostKeyFingerprint);
    expect(unknown.userMessage).toContain(`Its host key fingerprint is ${sshd.hostKeyFingerprint}`);
    // A fingerprint other than the server's is not trusted.
    expect((await tunnelError(settings(), db(), { knownHosts, trustHostKey: 'SHA256:somethingelse' })).code).toBe('SSH_HOST_KEY_UNKNOWN');
    const tunnel = await openSshTunnel(settings(), db(), { knownHosts, trustHostKey: sshd.hostKeyFingerprint });
    tunnels.push(tunnel);
    expect(tunnel.hostKeyFingerprint).toBe(sshd.hostKeyFingerprint);
    expect(openKnownHosts(file).lookup(`[127.0.0.1]:${sshd.port}`)).toBe(sshd.hostKeyFingerprint);
    // The next time, no confirmation is needed.
    const again = await openSshTunnel(settings(), db(), { knownHosts: openKnownHosts(file) });
    await again.close();
  });

  it('a host key different from the trusted one is refused, naming both', async () => {
    const knownHosts = memoryKnownHosts({ [`[127.0.0.1]:${sshd.port}`]: 'SHA256:AAAAthekeytrustedbefore' });
    const error = await tunnelError(settings(), db(), { knownHosts, trustHostKey: sshd.hostKeyFingerprint });
    expect(error.code).toBe('SSH_HOST_KEY_MISMATCH');
    expect(error.userMessage).toContain('SHA256:AAAAthekeytrustedbefore');
    expect(error.userMessage).toContain(sshd.hostKeyFingerprint);
    expect(knownHosts.lookup(`[127.0.0.1]:${sshd.port}`)).toBe('SHA256:AAAAthekeytrustedbefore');
  });

  it('the driver, pg_dump and psql all connect through the local forwarded port', async () => {
    const tunnel = await openSshTunnel(settings(), db(), { knownHosts: trusted() });
    tunnels.push(tunnel);
    expect(tunnel.localPort).not.toBe(cluster.port);
    const client = await connectDriver(through(tunnel));
    try {
      const { rows } = await client.query<{ port: number }>('select inet_server_port() as port');
      expect(rows[0]?.port).toBe(cluster.port);
    } finally {
      await client.end();
    }
    const dump = await dumpSchema(through(tunnel), { schema: 'tunnel_template', pgBin: ['/usr/lib/postgresql/15/bin'] });
    expect(dump.sql).toContain('CREATE TABLE tunnel_template.items');
    await provisionViaPsql(cluster, through(tunnel), 'tunnel_tenant', userEnv(dir));
    await tunnel.close();
    expect(tunnel.isClosed()).toBe(true);
    await expect(connectDriver(through(tunnel))).rejects.toThrow();
  });

  it('a key with a passphrase: refused without it, named as such; works with it', async () => {
    const without = await tunnelError(settings({ keyFile: lockedKey.keyFile }), db(), { knownHosts: trusted() });
    expect(without.code).toBe('SSH_KEY_UNREADABLE');
    expect(without.userMessage).toMatch(/is encrypted, and no passphrase was given/);
    const wrong = await tunnelError(settings({ keyFile: lockedKey.keyFile, passphrase: 'wrong' }), db(), { knownHosts: trusted() });
    expect(wrong.userMessage).toMatch(/the passphrase given does not decrypt it/);
    const tunnel = await openSshTunnel(settings({ keyFile: lockedKey.keyFile, passphrase: 'correct horse' }), db(), { knownHosts: trusted() });
    await tunnel.close();
  });

  it('the SSH agent: logs in with the key the agent holds', async () => {
    const socket = join(dir, 'agent.sock');
    const started = await run('ssh-agent', ['-a', socket, '-s']);
    const pid = /SSH_AGENT_PID=(\d+)/.exec(started.stdout)?.[1];
    try {
      await run('ssh-add', [key.keyFile], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
      const tunnel = await openSshTunnel(settings({ keyFile: undefined, useAgent: true }), db(), { knownHosts: trusted(), env: { SSH_AUTH_SOCK: socket } });
      await tunnel.close();
      const noAgent = await tunnelError(settings({ keyFile: undefined, useAgent: true }), db(), { knownHosts: trusted(), env: {} });
      expect(noAgent.code).toBe('SSH_AUTH_FAILED');
      expect(noAgent.userMessage).toContain('No SSH agent is running');
    } finally {
      if (pid) process.kill(Number(pid));
    }
  });

  it('each failure is named by its stage: unreachable, authentication, forward', async () => {
    const closed = await findFreePort();
    const unreachable = await tunnelError(settings({ port: closed }), db(), { knownHosts: trusted() });
    expect(unreachable.code).toBe('SSH_UNREACHABLE');
    expect(unreachable.userMessage).toContain(`Nothing accepts SSH connections at ${sshd.user}@127.0.0.1:${closed}`);
    const unresolved = await tunnelError(settings({ host: 'no-such-bastion.invalid' }), db(), { knownHosts: trusted() });
    expect(unresolved.userMessage).toContain('does not resolve');
    const stranger = await tunnelError(settings({ keyFile: strangerKey.keyFile }), db(), { knownHosts: trusted() });
    expect(stranger.code).toBe('SSH_AUTH_FAILED');
    expect(stranger.userMessage).toContain(`refused the login as ${sshd.user}`);
    const noDb = await tunnelError(settings(), { host: '127.0.0.1', port: closed }, { knownHosts: trusted() });
    expect(noDb.code).toBe('SSH_FORWARD_FAILED');
    expect(noDb.userMessage).toContain(`cannot open a connection to 127.0.0.1:${closed}`);
    const forbidden = await tunnelError(settings({ port: noForwarding.port, keyFile: noForwardingKey.keyFile }), db(), { knownHosts: memoryKnownHosts({ [`[127.0.0.1]:${noForwarding.port}`]: noForwarding.hostKeyFingerprint }) });
    expect(forbidden.code).toBe('SSH_FORWARD_FAILED');
    expect(forbidden.userMessage).toContain('AllowTcpForwarding');
    const missingKey = await tunnelError(settings({ keyFile: join(dir, 'nope') }), db(), { knownHosts: trusted() });
    expect(missingKey).toMatchObject({ code: 'SSH_KEY_UNREADABLE' });
    expect(missingKey.userMessage).toContain('it does not exist');
  });
});
