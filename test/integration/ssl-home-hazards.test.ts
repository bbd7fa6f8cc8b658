/**
 * The story: an app connects with sslmode=require, but plain psql run with
 * the user's HOME fails because of what ~/.postgresql holds. For each hazard:
 * plain psql fails as in the story, Tenantry's psql path succeeds (diagnose's
 * own psql step and a real provisioning), and diagnose names the hazard.
 * Throughout, a watcher reads every process command line on the machine and
 * the test collects every report and log line: the password appears in none.
 */
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatConnectionUri, formatKeyValue } from '../../core/connection/connection-string.js';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import type { DiagnosticReport } from '../../core/diagnostics/types.js';
import { buildChildEnvironment } from '../../electron/services/connection/child-env.js';
import { diagnoseConnection } from '../../electron/services/diagnostics/diagnose.js';
import { formatReport } from '../../electron/cli/commands/diagnose.js';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { createCertAuthority, type CertAuthority } from './harness/certs.js';
import { NOBODY, PSQL, giveToNobody, makeHome, provisionViaPsql, runCommand, runPlainPsql, startedArgv, userEnv, watchCommandLines } from './ssl-helpers.js';

describe('hazards in the user\'s ~/.postgresql', () => {
  let cluster: Cluster;
  let dir: string;
  let serverCa: CertAuthority;
  let clientCa: CertAuthority;
  let otherCa: CertAuthority;
  let watcher: ReturnType<typeof watchCommandLines>;
  const captured: string[] = [];

  const profile = (): ConnectionProfile => ({ host: '127.0.0.1', port: cluster.port, user: 'postgres', password: cluster.password, database: 'postgres', sslmode: 'require' });
  const conninfo = () => formatKeyValue(profile());

  async function diagnoseAs(home: string): Promise<DiagnosticReport> {
    const report = await diagnoseConnection(profile(), { psqlPath: PSQL, userEnv: userEnv(home), home, onStep: (s) => captured.push(JSON.stringify(s)) });
    captured.push(JSON.stringify(report), formatReport(report));
    return report;
  }

  function expectStory(report: DiagnosticReport, code: string, plainMessage: RegExp): void {
    expect(report.verdict.code).toBe(code);
    expect(report.verdict.tenantryConnects).toBe(true);
    expect(report.steps.find((s) => s.id === 'driver')?.status).toBe('passed');
    expect(report.steps.find((s) => s.id === 'psql-tenantry')?.status).toBe('passed');
    expect(report.steps.find((s) => s.id === 'psql-user')?.status).toBe('failed');
    expect(report.facts.psqlUser?.message).toMatch(plainMessage);
    expect(report.steps.find((s) => s.id === 'psql-user')?.summary).toMatch(/Plain psql fails where Tenantry's psql connects/);
    expect(report.facts.hazards.some((h) => h.code === code && h.severity === 'breaks')).toBe(true);
    expect(report.steps.find((s) => s.id === 'home-files')?.status).toBe('failed');
  }

  beforeAll(async () => {
    watcher = watchCommandLines(`pw-`);
    dir = mkdtempSync(join(tmpdir(), 'tenantry-ssl-home-'));
    chmodSync(dir, 0o755);
    [serverCa, clientCa, otherCa] = await Promise.all([
      createCertAuthority(dir, 'Server CA'),
      createCertAuthority(dir, 'Client CA'),
      createCertAuthority(dir, 'Stale CA'),
    ]);
    const server = await serverCa.issueServerCert({ commonName: 'db.internal', dnsNames: ['db.internal'] });
    // ssl_ca_file makes the server ask for client certificates (like the PgBouncer of the story).
    cluster = await startCluster({ ssl: { ...server, caFile: clientCa.certFile }, hba: ['hostssl all all 127.0.0.1/32 scram-sha-256'] });
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a stale ~/.postgresql/postgresql.crt from an unknown CA: "tlsv1 alert unknown ca" for plain psql only', async () => {
    const stale = await otherCa.issueClientCert({ commonName: 'postgres', name: 'stale' });
    const home = makeHome(dir, 'stale', [{ name: 'postgresql.crt', from: stale.certFile }, { name: 'postgresql.key', from: stale.keyFile }]);
    const plain = await runPlainPsql(conninfo(), home, cluster.password);
    expect(plain.ok).toBe(false);
    expect(plain.stderr).toMatch(/SSL error: tlsv1 alert unknown ca/);
    const report = await diagnoseAs(home);
    expectStory(report, 'SSL_CLIENT_CERT_UNKNOWN_CA', /tlsv1 alert unknown ca/);
    expect(report.facts.policy?.withDefaultCert?.failure).toBe('SSL_CLIENT_CERT_UNKNOWN_CA');
    expect(report.facts.policy?.withoutClientCert?.ok).toBe(true);
    // The copyable settings switch the default files off (libpq 15: absent paths).
    expect(report.suggestion?.copyable.env).toMatchObject({ PGSSLMODE: 'require', PGSSLCERT: '/dev/null/absent', PGSSLKEY: '/dev/null/absent' });
    expect(report.suggestion?.copyable.psqlCommand).not.toContain(cluster.password);
    const pasted = await runCommand(PSQL, ['-X', '-w', '-Atc', 'select 1'], { ...userEnv(home), ...report.suggestion!.copyable.env, PGPASSWORD: cluster.password });
    expect(pasted).toMatchObject({ ok: true, stdout: '1\n' });
    await provisionViaPsql(cluster, profile(), 'stale_home', userEnv(home));
  });

  it('an untraversable ~/.postgresql (as a non-root user): "Permission denied" for plain psql only', async () => {
    const home = makeHome(dir, 'locked');
    giveToNobody(home);
    // The directory belongs to root with 0700: nobody cannot even stat() files in it.
    chownSync(join(home, '.postgresql'), 0, 0);
    chmodSync(join(home, '.postgresql'), 0o700);
    const plain = await runPlainPsql(conninfo(), home, cluster.password, true);
    expect(plain.ok).toBe(false);
    expect(plain.stderr).toMatch(/could not open certificate file ".*\.postgresql\/postgresql\.crt": Permission denied/);

    // The CLI itself runs as nobody with that HOME; the password comes from PGPASSWORD, never argv.
    const url = formatConnectionUri(profile());
    expect(url).not.toContain(cluster.password);
    const cli = await runCommand(process.execPath, ['--import', 'tsx', join(process.cwd(), 'electron/cli/index.ts'), 'diagnose', '--url', url, '--json', '--psql', PSQL],
      { ...userEnv(home), PGPASSWORD: cluster.password }, true);
    captured.push(cli.stdout, cli.stderr);
    expect(cli.stderr).toBe('');
    expect(cli.ok).toBe(true);
    const report = JSON.parse(cli.stdout) as DiagnosticReport;
    expectStory(report, 'SSL_DEFAULT_CERT_UNREADABLE', /Permission denied/);
    expect(report.facts.files.find((f) => f.source === 'default' && f.role === 'sslcert')?.error).toBe('EACCES');

    // Provisioning through psql with Tenantry's environment, as nobody with that HOME.
    const child = await buildChildEnvironment(profile(), { libpqMajor: 15, baseEnv: userEnv(home) });
    try {
      giveToNobody(dirname(child.env.PGSYSCONFDIR ?? ''));
      const created = await runCommand(PSQL, ['-X', '-w', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-c', 'create schema locked_home; create table locked_home.items (id int)'], child.env, true);
      expect(created).toMatchObject({ ok: true });
    } finally {
      await child.cleanup();
    }
    const { rows } = await cluster.query("select to_regclass('locked_home.items') is not null as created");
    expect(rows[0]?.created).toBe(true);
    expect(NOBODY.uid).toBe(65534);
  });

  it('a private key with mode 0644 next to ~/.postgresql/postgresql.crt: plain psql refuses it, Tenantry never reads it', async () => {
    const cert = await clientCa.issueClientCert({ commonName: 'postgres', name: 'loose' });
    const home = makeHome(dir, 'loose-key', [{ name: 'postgresql.crt', from: cert.certFile }, { name: 'postgresql.key', from: cert.keyFile, mode: 0o644 }]);
    const plain = await runPlainPsql(conninfo(), home, cluster.password);
    expect(plain.stderr).toMatch(/private key file ".*postgresql\.key" has group or world access/);
    const report = await diagnoseAs(home);
    expectStory(report, 'KEY_PERMISSIONS', /group or world access/);
    expect(report.facts.files.find((f) => f.source === 'default' && f.role === 'sslkey')).toMatchObject({ mode: '0644', permissionsOk: false, matchesCertificate: true });
    await provisionViaPsql(cluster, profile(), 'loose_key_home', userEnv(home));
  });

  it('a wrong ~/.postgresql/root.crt turns require into verify-ca for plain psql: "certificate verify failed"', async () => {
    const home = makeHome(dir, 'wrong-root', [{ name: 'root.crt', from: otherCa.certFile, mode: 0o644 }]);
    const plain = await runPlainPsql(conninfo(), home, cluster.password);
    expect(plain.stderr).toMatch(/certificate verify failed/);
    const report = await diagnoseAs(home);
    expectStory(report, 'SSL_SERVER_CERT_UNTRUSTED', /certificate verify failed/);
    expect(report.facts.tls?.defaultRootVerify?.ok).toBe(false);
    expect(report.verdict.explanation).toMatch(/root\.crt exists, so plain psql with sslmode=require verifies the server chain/);
    await provisionViaPsql(cluster, profile(), 'wrong_root_home', userEnv(home));
  });

  it('a clean HOME: plain psql and Tenantry agree, verdict OK', async () => {
    const home = makeHome(dir, 'clean');
    const report = await diagnoseAs(home);
    expect(report.verdict.code).toBe('OK');
    expect(report.steps.find((s) => s.id === 'psql-user')?.summary).toMatch(/Plain psql connects too/);
  });

  it('the password appeared in no process argument list and in no captured report or log line', () => {
    const { leaks, seen } = watcher.stop();
    expect(seen).toBeGreaterThan(5);
    expect(leaks.filter((l) => l.includes(cluster.password))).toEqual([]);
    expect(startedArgv.length).toBeGreaterThan(5);
    for (const argv of startedArgv) expect(argv.join(' ')).not.toContain(cluster.password);
    expect(captured.length).toBeGreaterThan(20);
    for (const line of captured) expect(line).not.toContain(cluster.password);
  });
});
