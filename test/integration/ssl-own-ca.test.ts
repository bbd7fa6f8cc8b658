/**
 * An SSL server with its own CA and hostssl-only pg_hba.conf (cert
 * authentication for alice, scram for everyone else, ssl_ca_file set so the
 * server asks for client certificates), plus a server whose certificate has
 * expired. For each case: what the driver and Tenantry's psql do, what
 * diagnose names, and that provisioning through psql works when the profile
 * is valid.
 */
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { buildChildEnvironment } from '../../electron/services/connection/child-env.js';
import { connectDriverWithTransport } from '../../electron/services/connection/driver-config.js';
import { diagnoseConnection } from '../../electron/services/diagnostics/diagnose.js';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { createCertAuthority, type CertAuthority, type CertFiles } from './harness/certs.js';
import { PSQL, makeHome, provisionViaPsql, runCommand, userEnv, watchCommandLines } from './ssl-helpers.js';

describe('SSL server with its own CA, hostssl only', () => {
  let cluster: Cluster;
  let expiredCluster: Cluster;
  let dir: string;
  let home: string;
  let serverCa: CertAuthority;
  let clientCa: CertAuthority;
  let otherCa: CertAuthority;
  let alice: CertFiles;
  let aliceFromOtherCa: CertFiles;
  let bob: CertFiles;
  let watcher: ReturnType<typeof watchCommandLines>;

  const base = (over: Partial<ConnectionProfile> = {}): ConnectionProfile => ({
    host: '127.0.0.1', port: cluster.port, user: 'postgres', password: cluster.password, database: 'postgres', ...over,
  });
  const diagnose = (profile: ConnectionProfile) => diagnoseConnection(profile, { psqlPath: PSQL, userEnv: userEnv(home), home });

  async function psqlWithTenantryEnv(profile: ConnectionProfile) {
    const child = await buildChildEnvironment(profile, { libpqMajor: 15, baseEnv: userEnv(home) });
    try {
      return await runCommand(PSQL, ['-X', '-w', '-Atc', 'select 1'], child.env);
    } finally {
      await child.cleanup();
    }
  }

  beforeAll(async () => {
    watcher = watchCommandLines(['pw-', 'key secret']);
    dir = mkdtempSync(join(tmpdir(), 'tenantry-ssl-ca-'));
    chmodSync(dir, 0o755);
    home = makeHome(dir, 'home');
    [serverCa, clientCa, otherCa] = await Promise.all([
      createCertAuthority(dir, 'Tenantry Test Server CA'),
      createCertAuthority(dir, 'Tenantry Test Client CA'),
      createCertAuthority(dir, 'Some Other CA'),
    ]);
    const server = await serverCa.issueServerCert({ commonName: 'localhost', dnsNames: ['localhost'] });
    const expired = await serverCa.issueServerCert({ commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], expired: true, name: 'expired' });
    alice = await clientCa.issueClientCert({ commonName: 'alice' });
    bob = await clientCa.issueClientCert({ commonName: 'bob' });
    aliceFromOtherCa = await otherCa.issueClientCert({ commonName: 'alice' });
    const hba = ['hostssl all alice 127.0.0.1/32 cert', 'hostssl all all 127.0.0.1/32 scram-sha-256'];
    [cluster, expiredCluster] = await Promise.all([
      startCluster({ ssl: { ...server, caFile: clientCa.certFile }, hba }),
      startCluster({ ssl: expired, hba: ['hostssl all all 127.0.0.1/32 scram-sha-256'] }),
    ]);
    await cluster.query('create role alice login; grant create on database postgres to alice;');
  });
  afterAll(async () => {
    await Promise.all([cluster?.stop(), expiredCluster?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses plaintext: diagnose names SSL_REQUIRED_BY_SERVER and suggests require', async () => {
    const profile = base({ sslmode: 'disable' });
    await expect(connectDriverWithTransport(profile)).rejects.toThrow(/no encryption/);
    expect((await psqlWithTenantryEnv(profile)).stderr).toMatch(/no pg_hba\.conf entry .* no encryption/);
    const report = await diagnose(profile);
    expect(report.verdict.code).toBe('SSL_REQUIRED_BY_SERVER');
    expect(report.facts.policy?.plaintext?.failure).toBe('SSL_REQUIRED_BY_SERVER');
    expect(report.suggestion?.profile.sslmode).toBe('require');
    expect(report.suggestion?.verified).toBe(true);
  });

  it('allow: plaintext is refused, the driver and psql retry with TLS like libpq', async () => {
    const profile = base({ sslmode: 'allow' });
    const { client, transport } = await connectDriverWithTransport(profile);
    await client.end();
    expect(transport).toBe('tls');
    expect(await psqlWithTenantryEnv(profile)).toMatchObject({ ok: true, stdout: '1\n' });
    const report = await diagnose(profile);
    expect(report.verdict.code).toBe('OK');
    expect(report.facts.driver).toMatchObject({ ok: true, transport: 'tls' });
  });

  it('require without a root: TLS without verification works, diagnose shows the chain, provisioning works', async () => {
    const profile = base({ sslmode: 'require' });
    const { client, transport } = await connectDriverWithTransport(profile);
    await client.end();
    expect(transport).toBe('tls');
    const report = await diagnose(profile);
    expect(report.verdict.code).toBe('OK');
    const tls = report.facts.tls!;
    expect(tls.protocol).toMatch(/TLSv1\.[23]/);
    expect(tls.chain[0]).toMatchObject({ subject: 'CN=localhost', issuer: 'CN=Tenantry Test Server CA', subjectAltNames: ['DNS:localhost'], expired: false, isCa: false });
    expect(tls.chain[0]?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(tls.systemVerify?.ok).toBe(false);
    expect(tls.hostname?.ok).toBe(false);
    expect(report.facts.policy?.plaintext?.failure).toBe('SSL_REQUIRED_BY_SERVER');
    expect(report.facts.policy?.withoutClientCert?.ok).toBe(true);
    await provisionViaPsql(cluster, profile, 'ca_require', userEnv(home));
  });

  it('verify-full with the right root and the certificate\'s host name works', async () => {
    const profile = base({ host: 'localhost', sslmode: 'verify-full', sslrootcert: serverCa.certFile });
    const report = await diagnose(profile);
    expect(report.verdict.code).toBe('OK');
    expect(report.facts.tls?.rootVerify).toEqual({ ok: true });
    expect(report.facts.tls?.hostname).toEqual({ ok: true });
    expect(report.steps.find((s) => s.id === 'local-files')?.status).toBe('passed');
    await provisionViaPsql(cluster, profile, 'ca_verify_full', userEnv(home));
  });

  it('verify-full with the wrong root fails everywhere: SSL_SERVER_CERT_UNTRUSTED', async () => {
    const profile = base({ host: 'localhost', sslmode: 'verify-full', sslrootcert: otherCa.certFile });
    await expect(connectDriverWithTransport(profile)).rejects.toThrow(/self[- ]signed certificate in certificate chain|unable to verify/);
    expect((await psqlWithTenantryEnv(profile)).stderr).toMatch(/certificate verify failed/);
    const report = await diagnose(profile);
    expect(report.verdict.code).toBe('SSL_SERVER_CERT_UNTRUSTED');
    expect(report.verdict.tenantryConnects).toBe(false);
    expect(report.facts.tls?.rootVerify?.ok).toBe(false);
    expect(report.suggestion).toMatchObject({ insecure: true, verified: true, profile: { sslmode: 'require' } });
  });

  it('verify-full to a host name the certificate does not list fails: SSL_HOSTNAME_MISMATCH, verify-ca suggested', async () => {
    const profile = base({ host: '127.0.0.1', sslmode: 'verify-full', sslrootcert: serverCa.certFile });
    await expect(connectDriverWithTransport(profile)).rejects.toThrow(/Hostname\/IP does not match|not in the cert/);
    expect((await psqlWithTenantryEnv(profile)).stderr).toMatch(/does not match host name "127\.0\.0\.1"/);
    const report = await diagnose(profile);
    expect(report.verdict.code).toBe('SSL_HOSTNAME_MISMATCH');
    expect(report.facts.tls?.rootVerify).toEqual({ ok: true });
    expect(report.suggestion).toMatchObject({ verified: true, insecure: false, profile: { sslmode: 'verify-ca' } });
    expect(report.suggestion?.notes.join()).toContain('DNS:localhost');
    await provisionViaPsql(cluster, { ...report.suggestion!.profile, password: cluster.password }, 'ca_verify_ca', userEnv(home));
  });

  describe('cert authentication (user alice)', () => {
    const aliceProfile = (over: Partial<ConnectionProfile> = {}): ConnectionProfile => ({
      host: '127.0.0.1', port: cluster.port, user: 'alice', database: 'postgres', sslmode: 'require', ...over,
    });

    it('without a certificate: CLIENT_CERT_REQUIRED', async () => {
      const profile = aliceProfile();
      await expect(connectDriverWithTransport(profile)).rejects.toThrow(/requires a valid client certificate/);
      const report = await diagnose(profile);
      expect(report.verdict.code).toBe('CLIENT_CERT_REQUIRED');
      expect(report.facts.policy?.withoutClientCert?.failure).toBe('CLIENT_CERT_REQUIRED');
      expect(report.suggestion).toBeUndefined();
    });

    it('with a certificate from an unknown CA: SSL_CLIENT_CERT_UNKNOWN_CA', async () => {
      const profile = aliceProfile({ sslcert: aliceFromOtherCa.certFile, sslkey: aliceFromOtherCa.keyFile });
      await expect(connectDriverWithTransport(profile)).rejects.toThrow(/unknown ca/i);
      expect((await psqlWithTenantryEnv(profile)).stderr).toMatch(/tlsv1 alert unknown ca/);
      const report = await diagnose(profile);
      expect(report.verdict.code).toBe('SSL_CLIENT_CERT_UNKNOWN_CA');
      expect(report.facts.policy?.withProfileCert?.failure).toBe('SSL_CLIENT_CERT_UNKNOWN_CA');
      expect(report.facts.files.find((f) => f.role === 'sslkey')?.matchesCertificate).toBe(true);
    });

    it('with a certificate for another user (CN=bob): CLIENT_CERT_USER_MISMATCH, user bob suggested', async () => {
      const profile = aliceProfile({ sslcert: bob.certFile, sslkey: bob.keyFile });
      await expect(connectDriverWithTransport(profile)).rejects.toThrow(/certificate authentication failed for user "alice"/);
      const report = await diagnose(profile);
      expect(report.verdict.code).toBe('CLIENT_CERT_USER_MISMATCH');
      expect(report.suggestion?.profile.user).toBe('bob');
    });

    it('with a good certificate: OK, and provisioning through psql works', async () => {
      const profile = aliceProfile({ sslcert: alice.certFile, sslkey: alice.keyFile });
      const report = await diagnose(profile);
      expect(report.verdict.code).toBe('OK');
      expect(report.facts.driver?.ok).toBe(true);
      expect(report.facts.policy?.withoutClientCert?.failure).toBe('CLIENT_CERT_REQUIRED');
      expect(report.facts.policy?.withProfileCert?.ok).toBe(true);
      await provisionViaPsql(cluster, profile, 'alice_tenant', userEnv(home));
      const { rows } = await cluster.query("select nspowner::regrole::text as owner from pg_namespace where nspname = 'alice_tenant'");
      expect(rows[0]?.owner).toBe('alice');
    });

    it('with an encrypted key and sslpassword: the driver and Tenantry\'s psql both use it', async () => {
      const encrypted = join(dir, 'alice-encrypted.key');
      await runCommand('openssl', ['pkey', '-in', alice.keyFile, '-aes256', '-passout', 'env:KEY_PASSPHRASE', '-out', encrypted], { PATH: process.env.PATH ?? '', KEY_PASSPHRASE: 'key secret' });
      chmodSync(encrypted, 0o600);
      const profile = aliceProfile({ sslcert: alice.certFile, sslkey: encrypted, sslpassword: 'key secret' });
      const report = await diagnose(profile);
      expect(report.verdict.code).toBe('OK');
      expect(report.facts.files.find((f) => f.path === encrypted)).toMatchObject({ matchesCertificate: true });
      expect(JSON.stringify(report)).not.toContain('key secret');
      await provisionViaPsql(cluster, profile, 'alice_encrypted', userEnv(home));
      const wrong = await diagnose({ ...profile, sslpassword: 'nope' });
      expect(wrong.verdict.tenantryConnects).toBe(false);
      expect(wrong.facts.files.find((f) => f.path === encrypted)?.keyError).toMatch(/encrypted/);
    });

    it('with a key libpq refuses (0644): the driver connects, psql does not — KEY_PERMISSIONS', async () => {
      const loose = join(dir, 'alice-loose.key');
      copyFileSync(alice.keyFile, loose);
      chmodSync(loose, 0o644);
      const profile = aliceProfile({ sslcert: alice.certFile, sslkey: loose });
      const report = await diagnose(profile);
      expect(report.verdict.code).toBe('KEY_PERMISSIONS');
      expect(report.verdict.tenantryConnects).toBe(false);
      expect(report.facts.driver?.ok).toBe(true);
      expect(report.facts.psqlTenantry?.failure).toBe('KEY_PERMISSIONS');
      expect(report.facts.files.find((f) => f.path === loose)).toMatchObject({ permissionsOk: false, mode: '0644' });
    });

    it('with a key that is not the certificate\'s: KEY_CERT_MISMATCH', async () => {
      const profile = aliceProfile({ sslcert: alice.certFile, sslkey: bob.keyFile });
      const report = await diagnose(profile);
      expect(report.verdict.code).toBe('KEY_CERT_MISMATCH');
      expect(report.facts.files.find((f) => f.path === bob.keyFile)?.matchesCertificate).toBe(false);
      expect(report.steps.find((s) => s.id === 'local-files')?.status).toBe('failed');
    });
  });

  describe('expired server certificate', () => {
    const expiredProfile = (over: Partial<ConnectionProfile>): ConnectionProfile => ({
      host: 'localhost', port: expiredCluster.port, user: 'postgres', password: expiredCluster.password, database: 'postgres', ...over,
    });

    it('verify-full with the right root fails: SSL_CERT_EXPIRED', async () => {
      const profile = expiredProfile({ sslmode: 'verify-full', sslrootcert: serverCa.certFile });
      await expect(connectDriverWithTransport(profile)).rejects.toThrow(/certificate has expired/);
      const report = await diagnose(profile);
      expect(report.verdict.code).toBe('SSL_CERT_EXPIRED');
      expect(report.verdict.tenantryConnects).toBe(false);
      expect(report.facts.tls?.chain[0]).toMatchObject({ expired: true, validTo: '2021-01-01T00:00:00.000Z' });
      expect(report.suggestion).toMatchObject({ insecure: true, verified: true });
    });

    it('require connects (no verification) but diagnose still names SSL_CERT_EXPIRED; provisioning works', async () => {
      const profile = expiredProfile({ sslmode: 'require' });
      const report = await diagnose(profile);
      expect(report.verdict.code).toBe('SSL_CERT_EXPIRED');
      expect(report.verdict.tenantryConnects).toBe(true);
      expect(report.steps.find((s) => s.id === 'tls')?.status).toBe('warning');
      await provisionViaPsql(expiredCluster, profile, 'expired_require', userEnv(home));
    });
  });

  it('no process on the machine had a password or the key passphrase in its arguments meanwhile', () => {
    const { leaks, seen } = watcher.stop();
    expect(seen).toBeGreaterThan(10);
    expect(leaks.filter((l) => l.includes(cluster.password) || l.includes(expiredCluster.password) || l.includes('key secret'))).toEqual([]);
  });
});
