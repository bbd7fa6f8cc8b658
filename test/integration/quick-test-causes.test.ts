/**
 * The quick "Test connection" (connections:test → readServerInfo) names the
 * same cause as the full diagnosis, against real clusters with real
 * certificates: no client certificate is not "check the password", a
 * certificate from an unknown CA is not "check that the server runs", a name
 * that does not resolve says so, and an HTTP service on the port is "not a
 * PostgreSQL server". The diagnosis's policy step never says "accepts
 * plaintext" about a plaintext login that failed, and the CLI's report says
 * "no change of client settings alone" only where that is true.
 */
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { isTenantryError, type TenantryError } from '../../core/errors.js';
import { formatReport } from '../../electron/cli/commands/diagnose.js';
import { readServerInfo } from '../../electron/services/catalog/read-server-info.js';
import { diagnoseConnection } from '../../electron/services/diagnostics/diagnose.js';
import { findFreePort, startCluster, type Cluster } from '../../support/cluster.js';
import { createCertAuthority, type CertFiles } from './harness/certs.js';
import { PSQL, makeHome, userEnv } from './ssl-helpers.js';

async function quickTestError(profile: ConnectionProfile): Promise<TenantryError> {
  try {
    await readServerInfo(profile);
  } catch (error) {
    if (isTenantryError(error)) return error;
    throw error;
  }
  throw new Error('the quick test connected');
}

describe('quick connection test: the diagnostics\' causes', () => {
  let certCluster: Cluster;
  let plainCluster: Cluster;
  let http: Server;
  let httpPort: number;
  let dir: string;
  let home: string;
  let aliceFromOtherCa: CertFiles;

  const diagnose = (profile: ConnectionProfile) => diagnoseConnection(profile, { psqlPath: PSQL, userEnv: userEnv(home), home, timeoutMs: 5000 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tenantry-quick-test-'));
    chmodSync(dir, 0o755);
    home = makeHome(dir, 'home');
    const [serverCa, clientCa, otherCa] = await Promise.all([
      createCertAuthority(dir, 'Quick Test Server CA'),
      createCertAuthority(dir, 'Quick Test Client CA'),
      createCertAuthority(dir, 'Quick Test Unknown CA'),
    ]);
    const server = await serverCa.issueServerCert({ commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
    aliceFromOtherCa = await otherCa.issueClientCert({ commonName: 'alice' });
    [certCluster, plainCluster] = await Promise.all([
      startCluster({ ssl: { ...server, caFile: clientCa.certFile }, hba: ['hostssl all alice 127.0.0.1/32 cert', 'hostssl all all 127.0.0.1/32 scram-sha-256'] }),
      startCluster({ ssl: server, hba: ['host all all 127.0.0.1/32 scram-sha-256'] }),
    ]);
    await certCluster.query('create role alice login');
    http = createServer((_req, res) => res.end('not postgres'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    httpPort = (http.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await Promise.all([certCluster?.stop(), plainCluster?.stop()]);
    await new Promise((resolve) => http?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('no client certificate where cert authentication is required: CLIENT_CERT_REQUIRED, not a password problem', async () => {
    const profile: ConnectionProfile = { host: '127.0.0.1', port: certCluster.port, user: 'alice', database: 'postgres', sslmode: 'require' };
    const error = await quickTestError(profile);
    expect(error.code).toBe('CLIENT_CERT_REQUIRED');
    expect(error.userMessage).toMatch(/the server requires a client certificate\. pg_hba\.conf requires a client certificate/);
    expect(error.userMessage).not.toMatch(/password|Authentication failed/i);
    expect(error.detail).toMatch(/requires a valid client certificate/);
    expect((await diagnose(profile)).verdict.code).toBe('CLIENT_CERT_REQUIRED');
  });

  it('a client certificate from an unknown CA: SSL_CLIENT_CERT_UNKNOWN_CA, not "check that the server runs"', async () => {
    const profile: ConnectionProfile = { host: '127.0.0.1', port: certCluster.port, user: 'alice', database: 'postgres', sslmode: 'require', sslcert: aliceFromOtherCa.certFile, sslkey: aliceFromOtherCa.keyFile };
    const error = await quickTestError(profile);
    expect(error.code).toBe('SSL_CLIENT_CERT_UNKNOWN_CA');
    expect(error.userMessage).toMatch(/rejects the client certificate \(unknown CA\)/);
    expect(error.userMessage).not.toMatch(/server runs/);
    expect((await diagnose(profile)).verdict.code).toBe('SSL_CLIENT_CERT_UNKNOWN_CA');
  });

  it('a host name that does not resolve: "does not resolve", in the quick test and the diagnosis', async () => {
    const profile: ConnectionProfile = { host: 'no-such-host.invalid', port: 5432, user: 'postgres', database: 'postgres', password: 'x', sslmode: 'disable' };
    const error = await quickTestError(profile);
    expect(error.code).toBe('PG_CONNECTION_FAILED');
    expect(error.userMessage).toContain('the host name does not resolve. The name "no-such-host.invalid" does not resolve');
    expect(error.userMessage).not.toMatch(/Nothing answered/);
    const report = await diagnose(profile);
    expect(report.verdict).toMatchObject({ code: 'HOST_NOT_FOUND', title: 'The host name does not resolve' });
    expect(formatReport(report)).toContain('Check the host name: it does not resolve');
  });

  it('an HTTP server on the port: "not a PostgreSQL server", in the quick test and in the verdict', async () => {
    for (const sslmode of ['disable', 'prefer'] as const) {
      const profile: ConnectionProfile = { host: '127.0.0.1', port: httpPort, user: 'postgres', database: 'postgres', password: 'x', sslmode };
      const error = await quickTestError(profile);
      expect(error.userMessage, sslmode).toContain('the service on this port is not a PostgreSQL server');
    }
    const report = await diagnose({ host: '127.0.0.1', port: httpPort, user: 'postgres', database: 'postgres', password: 'x', sslmode: 'prefer' });
    expect(report.verdict.code).toBe('NOT_POSTGRES');
    expect(report.steps.find((s) => s.id === 'ssl-request')?.summary).toContain('HTTP/1.1 400 Bad Request');
    const text = formatReport(report);
    expect(text).toContain('Verdict: NOT_POSTGRES — The service on this port is not a PostgreSQL server');
    expect(text).toContain('Check the port');
    expect(text).not.toContain('No change of client settings alone');
  });

  it('a closed port is still "cannot be reached", and a wrong password is still PG_AUTH_FAILED', async () => {
    const closed = await findFreePort();
    const unreachable = await quickTestError({ host: '127.0.0.1', port: closed, user: 'postgres', database: 'postgres', password: 'x', sslmode: 'disable' });
    expect(unreachable.code).toBe('PG_CONNECTION_FAILED');
    expect(unreachable.userMessage).toMatch(new RegExp(`^Could not connect to postgres@127\\.0\\.0\\.1:${closed}/postgres: the server cannot be reached`));
    const wrong = await quickTestError({ host: '127.0.0.1', port: plainCluster.port, user: 'postgres', database: 'postgres', password: 'wrong', sslmode: 'disable' });
    expect(wrong.code).toBe('PG_AUTH_FAILED');
    expect(wrong.userMessage).toMatch(/^Authentication failed for postgres@127\.0\.0\.1/);
  });

  it('a wrong password: the policy step never claims "accepts plaintext" beside a failed plaintext login, and the CLI does not say "no change of client settings"', async () => {
    const report = await diagnose({ host: '127.0.0.1', port: plainCluster.port, user: 'postgres', database: 'postgres', password: 'wrong', sslmode: 'prefer' });
    expect(report.verdict.code).toBe('AUTH_FAILED');
    const policy = report.steps.find((s) => s.id === 'server-policy');
    const plaintext = policy?.evidence.find((e) => e.label === 'plaintext');
    expect(plaintext?.value).toMatch(/^failed: password authentication failed/);
    expect(policy?.summary).not.toContain('accepts plaintext');
    expect(policy?.summary).toContain('cannot be judged on plaintext: that login failed with AUTH_FAILED');
    const text = formatReport(report);
    expect(text).toContain('Check the user name and the password');
    expect(text).not.toContain('No change of client settings alone');
  });

  it('a server that accepts plaintext says so with the plaintext login accepted', async () => {
    const report = await diagnose({ host: '127.0.0.1', port: plainCluster.port, user: 'postgres', database: 'postgres', password: plainCluster.password, sslmode: 'prefer' });
    const policy = report.steps.find((s) => s.id === 'server-policy');
    expect(policy?.summary).toContain('accepts plaintext');
    expect(policy?.evidence.find((e) => e.label === 'plaintext')?.value).toBe('accepted');
  });
});
