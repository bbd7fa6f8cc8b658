/**
 * Through a real sshd on 127.0.0.1 to a server whose certificate names only
 * "localhost" (no IP address): verify-full checks the certificate against the
 * server's name while the driver, pg_dump and psql connect to the tunnel's
 * 127.0.0.1 end (libpq hostaddr; node-postgres checkServerIdentity). Then the
 * app: a saved connection with an SSH tunnel (passphrase kept like the
 * password), the first-use host key, and every operation through the tunnel;
 * the diagnostics' SSH steps; and --ssh on `verify --all`, `connection --server`
 * and `diagnose` in the CLI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import type { DiagnosticStep } from '../../core/diagnostics/types.js';
import { isTenantryError } from '../../core/errors.js';
import { main } from '../../electron/cli/main.js';
import { createBackend, type Backend } from '../../electron/handlers/create-handlers.js';
import { connectDriver } from '../../electron/services/connection/driver-config.js';
import { diagnoseWithSsh } from '../../electron/services/diagnostics/diagnose-with-ssh.js';
import { dumpSchema } from '../../electron/services/dump/dump-schema.js';
import { memoryKnownHosts } from '../../electron/services/ssh/known-hosts.js';
import { openSshTunnel, type SshTunnel } from '../../electron/services/ssh/ssh-tunnel.js';
import { throughTunnel } from '../../electron/services/ssh/tunnel-profile.js';
import { createMemorySecretStore } from '../../electron/services/storage/secrets.js';
import { findFreePort, startCluster, type Cluster } from '../../support/cluster.js';
import { createCertAuthority, type CertAuthority } from './harness/certs.js';
import { hasSshd, startSshd, type KeyPair, type Sshd } from './harness/sshd.js';
import { PSQL, provisionViaPsql, userEnv } from './ssl-helpers.js';

if (!hasSshd()) console.log('ssh-verify-full tests skipped: /usr/sbin/sshd is not installed (apt-get install openssh-server).');

describe.skipIf(!hasSshd())('verify-full and the app through a real SSH tunnel', () => {
  let cluster: Cluster;
  let sshd: Sshd;
  let ca: CertAuthority;
  let otherCa: CertAuthority;
  let key: KeyPair;
  let lockedKey: KeyPair;
  let dir: string;
  let backend: Backend;
  const tunnels: SshTunnel[] = [];

  const trusted = () => memoryKnownHosts({ [`[127.0.0.1]:${sshd.port}`]: sshd.hostKeyFingerprint });
  const ssh = (over: Partial<NonNullable<ConnectionProfile['ssh']>> = {}) => ({ host: '127.0.0.1', port: sshd.port, user: sshd.user, keyFile: key.keyFile, ...over });
  /** The database as the bastion sees it: by the name its certificate carries. */
  const db = (over: Partial<ConnectionProfile> = {}): ConnectionProfile => ({
    host: 'localhost', port: cluster.port, user: 'postgres', password: cluster.password, database: 'postgres', sslmode: 'verify-full', sslrootcert: ca.certFile, ...over,
  });

  async function cli(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { PATH: process.env.PATH ?? '', HOME: dir, TENANTRY_DATA_DIR: join(dir, 'cli-data'), ...env }, cwd: dir });
    return { code, stdout, stderr };
  }
  const url = () => `postgresql://postgres:${cluster.password}@localhost:${cluster.port}/postgres?sslmode=verify-full&sslrootcert=${encodeURIComponent(ca.certFile)}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tenantry-ssh-vf-'));
    [ca, otherCa] = await Promise.all([createCertAuthority(dir, 'Tunnel Test CA'), createCertAuthority(dir, 'Other CA')]);
    // The certificate names localhost only: a check against 127.0.0.1 (where the tunnel ends) would fail.
    const server = await ca.issueServerCert({ commonName: 'localhost', dnsNames: ['localhost'] });
    [cluster, sshd] = await Promise.all([startCluster({ ssl: server, hba: ['hostssl all all 127.0.0.1/32 scram-sha-256', 'hostssl all all ::1/128 scram-sha-256'] }), startSshd()]);
    key = await sshd.makeKey('id_plain');
    lockedKey = await sshd.makeKey('id_locked', { passphrase: 'tunnel phrase' });
    await cluster.query('create schema vf_template; create table vf_template.items (id int primary key);');
    backend = createBackend({ mode: 'web', version: 't', dataDir: join(dir, 'app-data'), secrets: createMemorySecretStore(), emit: () => undefined });
  }, 120_000);
  afterAll(async () => {
    for (const t of tunnels) await t.close();
    await backend?.shutdown();
    await Promise.all([cluster?.stop(), sshd?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('verify-full through the tunnel: the driver, pg_dump and psql check the certificate against the server name, not 127.0.0.1', async () => {
    const tunnel = await openSshTunnel(ssh(), { host: 'localhost', port: cluster.port }, { knownHosts: trusted() });
    tunnels.push(tunnel);
    const profile = throughTunnel(db(), tunnel);
    expect(profile).toMatchObject({ host: 'localhost', hostaddr: '127.0.0.1', port: tunnel.localPort });
    const client = await connectDriver(profile);
    try {
      const { rows } = await client.query<{ ssl: boolean; port: number }>('select ssl, inet_server_port() as port from pg_stat_ssl where pid = pg_backend_pid()');
      expect(rows[0]).toEqual({ ssl: true, port: cluster.port });
    } finally {
      await client.end();
    }
    const dump = await dumpSchema(profile, { schema: 'vf_template', pgBin: ['/usr/lib/postgresql/15/bin'] });
    expect(dump.sql).toContain('CREATE TABLE vf_template.items');
    await provisionViaPsql(cluster, profile, 'vf_tenant', userEnv(dir));
    // Connecting to 127.0.0.1 by that name (what the tunnel did before hostaddr) is refused: the certificate does not name it.
    await expect(connectDriver({ ...profile, host: '127.0.0.1', hostaddr: undefined })).rejects.toThrow(/127\.0\.0\.1|altnames|Hostname/i);
  });

  it('the name is still checked: a certificate from another CA, or for another name, is refused through the tunnel', async () => {
    const tunnel = await openSshTunnel(ssh(), { host: 'localhost', port: cluster.port }, { knownHosts: trusted() });
    tunnels.push(tunnel);
    await expect(connectDriver(throughTunnel(db({ sslrootcert: otherCa.certFile }), tunnel))).rejects.toThrow();
    // The bastion forwards to localhost; the profile claims another name, which the certificate does not carry.
    const renamed = { ...throughTunnel(db(), tunnel), host: 'db.example.test' };
    await expect(connectDriver(renamed)).rejects.toThrow(/db\.example\.test/);
  });

  it('the app: a saved connection with an SSH tunnel keeps the passphrase like the password, asks to trust the host key once, then every operation goes through it', async () => {
    const saved = await backend.handlers['connections:save']({ name: 'Behind bastion', profile: { ...db(), ssh: ssh({ keyFile: lockedKey.keyFile, passphrase: 'tunnel phrase' }) } });
    expect(saved.profile.ssh).toEqual({ host: '127.0.0.1', port: sshd.port, user: sshd.user, keyFile: lockedKey.keyFile });
    expect(saved.hasSshPassphrase).toBe(true);
    const listed = (await backend.handlers['connections:list']({})).find((c) => c.id === saved.id);
    expect(JSON.stringify(listed)).not.toContain('tunnel phrase');

    const first = await backend.handlers['connections:test']({ connectionId: saved.id }).then(() => undefined, (e: unknown) => e);
    expect(isTenantryError(first) && first.code).toBe('SSH_HOST_KEY_UNKNOWN');
    expect(isTenantryError(first) && first.detail).toBe(sshd.hostKeyFingerprint);
    await expect(backend.handlers['connections:trust-host-key']({ host: '127.0.0.1', port: sshd.port, fingerprint: `SHA256:${'B'.repeat(43)}` })).resolves.toBeDefined();
    // A different key once one is trusted is refused, never replaced.
    await expect(backend.handlers['connections:trust-host-key']({ host: '127.0.0.1', port: sshd.port, fingerprint: sshd.hostKeyFingerprint })).rejects.toMatchObject({ code: 'SSH_HOST_KEY_MISMATCH' });
    const mismatch = await backend.handlers['connections:test']({ connectionId: saved.id }).then(() => undefined, (e: unknown) => e);
    expect(isTenantryError(mismatch) && mismatch.code).toBe('SSH_HOST_KEY_MISMATCH');

    // A fresh backend over another data folder: trust the real key, then test, list schemas and dump.
    await backend.shutdown();
    backend = createBackend({ mode: 'web', version: 't', dataDir: join(dir, 'app-data-2'), secrets: createMemorySecretStore(), emit: () => undefined });
    const again = await backend.handlers['connections:save']({ name: 'Behind bastion', profile: { ...db(), ssh: ssh({ keyFile: lockedKey.keyFile, passphrase: 'tunnel phrase' }) } });
    await backend.handlers['connections:trust-host-key']({ host: '127.0.0.1', port: sshd.port, fingerprint: sshd.hostKeyFingerprint });
    const info = await backend.handlers['connections:test']({ connectionId: again.id });
    expect(info.ssl).toBe(true);
    const schemas = await backend.handlers['schemas:list']({ connectionId: again.id });
    expect(schemas.map((s) => s.name)).toContain('vf_template');
    // Saved again without a passphrase: the stored one is kept (like the password).
    await backend.handlers['connections:save']({ id: again.id, name: 'Behind bastion', profile: { ...db(), password: undefined, ssh: ssh({ keyFile: lockedKey.keyFile }) } });
    await expect(backend.handlers['connections:test']({ connectionId: again.id })).resolves.toMatchObject({ ssl: true });
    // Switched to the agent: the passphrase of the old key file is dropped.
    const agent = await backend.handlers['connections:save']({ id: again.id, name: 'Behind bastion', profile: { ...db(), ssh: ssh({ keyFile: undefined, useAgent: true }) } });
    expect(agent.hasSshPassphrase).toBe(false);
  });

  it('diagnostics: four SSH steps with a verdict each, then the database steps through the tunnel', async () => {
    const steps = (report: { steps: DiagnosticStep[] }) => Object.fromEntries(report.steps.map((s) => [s.id, s.status]));
    const base = { psqlPath: PSQL, userEnv: userEnv(dir), home: dir };
    const unknown = await diagnoseWithSsh({ ...db(), ssh: ssh() }, { ...base, knownHosts: memoryKnownHosts() });
    expect(steps(unknown)).toMatchObject({ 'ssh-reachable': 'passed', 'ssh-host-key': 'failed', 'ssh-auth': 'skipped', 'ssh-forward': 'skipped', tcp: 'skipped', driver: 'skipped' });
    expect(unknown.verdict).toMatchObject({ code: 'SSH_HOST_KEY_UNKNOWN', tenantryConnects: false });
    expect(unknown.facts.ssh?.fingerprint).toBe(sshd.hostKeyFingerprint);
    expect(unknown.steps.find((s) => s.id === 'ssh-reachable')?.evidence[0]?.value).toMatch(/^SSH-2\.0-OpenSSH/);

    const ok = await diagnoseWithSsh({ ...db(), ssh: ssh() }, { ...base, knownHosts: trusted() });
    expect(steps(ok)).toMatchObject({ 'ssh-reachable': 'passed', 'ssh-host-key': 'passed', 'ssh-auth': 'passed', 'ssh-forward': 'passed', tcp: 'passed', tls: 'passed', driver: 'passed', 'psql-tenantry': 'passed' });
    expect(ok.verdict.code).toBe('OK');
    expect(ok.profile.port).toBe(cluster.port);

    const stranger = await sshd.makeKey('id_stranger', { authorize: false });
    const refused = await diagnoseWithSsh({ ...db(), ssh: ssh({ keyFile: stranger.keyFile }) }, { ...base, knownHosts: trusted() });
    expect(steps(refused)).toMatchObject({ 'ssh-reachable': 'passed', 'ssh-host-key': 'passed', 'ssh-auth': 'failed', 'ssh-forward': 'skipped' });
    expect(refused.verdict.code).toBe('SSH_AUTH_FAILED');

    const closed = await findFreePort();
    const noDb = await diagnoseWithSsh({ ...db({ port: closed }), ssh: ssh() }, { ...base, knownHosts: trusted() });
    expect(steps(noDb)).toMatchObject({ 'ssh-auth': 'passed', 'ssh-forward': 'failed' });
    expect(noDb.verdict.code).toBe('SSH_FORWARD_FAILED');

    const nobody = await diagnoseWithSsh({ ...db(), ssh: ssh({ port: closed }) }, { ...base, knownHosts: trusted() });
    expect(steps(nobody)).toMatchObject({ 'ssh-reachable': 'failed', 'ssh-host-key': 'skipped' });
    expect(nobody.verdict.code).toBe('SSH_UNREACHABLE');
  }, 120_000);

  it('CLI: --ssh on diagnose (SSH steps), connection --server, verify --all and placement', async () => {
    const sshArgs = ['--ssh', `${sshd.user}@127.0.0.1:${sshd.port}`, '--ssh-key', key.keyFile];
    const first = await cli(['diagnose', '--url', url(), '--psql', PSQL, ...sshArgs]);
    expect(first.code).toBe(3);
    expect(first.stdout).toContain('[FAIL] SSH host key');
    expect(first.stdout).toContain(`--ssh-trust-host-key ${sshd.hostKeyFingerprint}`);
    const diagnosed = await cli(['diagnose', '--url', url(), '--psql', PSQL, ...sshArgs, '--ssh-trust-host-key', sshd.hostKeyFingerprint]);
    expect(diagnosed.code, diagnosed.stdout).toBe(0);
    for (const title of ['SSH server reachable', 'SSH host key', 'SSH authentication', 'SSH forward to the database']) expect(diagnosed.stdout).toContain(`[ok  ] ${title}`);

    const server = await cli(['connection', '--server', '--url', url(), ...sshArgs]);
    expect(server.code, server.stderr).toBe(0);
    expect(server.stderr).toMatch(/SSH tunnel: .* → localhost:\d+ on 127\.0\.0\.1:\d+/);
    expect(server.stdout).toContain('Server: PostgreSQL 15');
    // The settings shown are the ones given, not the tunnel's local end.
    expect(server.stdout).toContain(`@localhost:${cluster.port}/postgres`);
    const withoutServer = await cli(['connection', '--url', url(), ...sshArgs]);
    expect(withoutServer.code).toBe(2);

    const all = await cli(['verify', '--all', '--template', 'vf_template', '--url', url(), ...sshArgs]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toMatch(/SSH tunnel: /);
    expect(all.stdout).toContain('Verified 0 of 0');

    // placement reads the coordinator through the tunnel (this server has no Citus: it says so after connecting).
    const placement = await cli(['placement', '--url', url(), ...sshArgs]);
    expect(placement.stderr).toMatch(/SSH tunnel: /);
  }, 120_000);
});
