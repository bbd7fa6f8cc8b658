/**
 * `tenantry diagnose` end to end through the CLI entry (main): profile from
 * --url or PG* variables, human and JSON output, exit statuses; plus the
 * non-SSL verdicts: unreachable, wrong password, Unix socket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnosticReport, DiagnosticStep } from '../../core/diagnostics/types.js';
import { main } from '../../electron/cli/main.js';
import { diagnoseConnection } from '../../electron/services/diagnostics/diagnose.js';
import { findFreePort, startCluster, type Cluster } from '../../support/cluster.js';
import { PSQL, makeHome, userEnv } from './ssl-helpers.js';

async function cli(argv: string[], env: NodeJS.ProcessEnv): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd: process.cwd() });
  return { status, stdout, stderr };
}

describe('tenantry diagnose', () => {
  let cluster: Cluster;
  let dir: string;
  let home: string;
  beforeAll(async () => {
    cluster = await startCluster();
    dir = mkdtempSync(join(tmpdir(), 'tenantry-diag-cli-'));
    home = makeHome(dir, 'home');
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the profile from PG* variables and prints the steps and the verdict', async () => {
    const env = { ...userEnv(home), PGHOST: '127.0.0.1', PGPORT: String(cluster.port), PGUSER: 'postgres', PGDATABASE: 'postgres', PGPASSWORD: cluster.password };
    const { status, stdout, stderr } = await cli(['diagnose', '--psql', PSQL], env);
    expect(status).toBe(0);
    expect(stdout).toMatch(/\[ok {2}\] Name resolution and TCP connect/);
    expect(stdout).toMatch(/\[WARN\] SSLRequest: does the server speak TLS\?[^\n]*\n\s+The server answered N/);
    expect(stdout).toMatch(/\[skip\] TLS handshake/);
    expect(stdout).toMatch(/\[ok {2}\] psql with Tenantry's environment/);
    expect(stdout).toMatch(/Verdict: OK — The connection works/);
    expect(stdout).toContain(`postgresql://postgres@127.0.0.1:${cluster.port}/postgres?sslmode=prefer`);
    expect(stderr).toMatch(/… Name resolution and TCP connect/);
    expect(stdout + stderr).not.toContain(cluster.password);
  });

  it('--json gives the same as data; --url wins over the environment; a failure to connect exits 3', async () => {
    const env = { ...userEnv(home), PGHOST: 'nowhere.invalid', PGPASSWORD: cluster.password };
    const { status, stdout } = await cli(['diagnose', '--json', '--psql', PSQL, '--url', `postgresql://postgres@127.0.0.1:${cluster.port}/postgres?sslmode=require`], env);
    expect(status).toBe(3);
    const report = JSON.parse(stdout) as DiagnosticReport;
    expect(report.verdict.code).toBe('SSL_NOT_SUPPORTED_BY_SERVER');
    expect(report.profile).toMatchObject({ host: '127.0.0.1', sslmode: 'require' });
    expect(report.profile.password).toBeUndefined();
    expect(report.steps.map((s) => s.id)).toEqual(['tcp', 'ssl-request', 'tls', 'server-policy', 'driver', 'psql-tenantry', 'psql-user', 'local-files', 'home-files']);
    expect(stdout).not.toContain(cluster.password);
  });

  it('tenantry connection shows the resolved settings in each format, never the password', async () => {
    const env = { ...userEnv(home), PGHOST: 'db.example.com', PGUSER: 'app', PGPASSWORD: 'hidden-pw', PGSSLMODE: 'require' };
    const uri = await cli(['connection', '--url', 'dbname=shop port=6543'], env);
    expect(uri.status).toBe(0);
    expect(uri.stdout).toBe('postgresql://app@db.example.com:6543/shop?sslmode=require\n');
    expect(uri.stderr).toMatch(/encrypts but does not verify.*A password is set \(not shown\)/);
    const kv = await cli(['connection', '--format', 'keyvalue'], env);
    expect(kv.stdout).toBe('host=db.example.com port=5432 dbname=app user=app sslmode=require\n');
    const envOut = await cli(['connection', '--format', 'env', '--libpq', '15'], env);
    expect(envOut.stdout).toContain("export PGSSLCERT=/dev/null/absent");
    const service = await cli(['connection', '--format', 'service'], env);
    expect(service.stdout).toBe('[tenantry]\nhost=db.example.com\nport=5432\ndbname=app\nuser=app\nsslmode=require\n');
    const json = await cli(['connection', '--format', 'json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ hasPassword: true, ssl: { verifyChain: false, first: 'tls' } });
    for (const out of [uri, kv, envOut, service, json]) expect(out.stdout + out.stderr).not.toContain('hidden-pw');
    expect(await cli(['connection', '--format', 'yaml'], env)).toMatchObject({ status: 2 });
  });

  it('usage errors exit 2 and name the option', async () => {
    expect(await cli(['diagnose', '--bogus'], {})).toMatchObject({ status: 2, stderr: expect.stringMatching(/unknown option --bogus/) });
    expect(await cli(['diagnose', '--url'], {})).toMatchObject({ status: 2, stderr: expect.stringMatching(/--url needs a value/) });
    expect(await cli(['diagnose', '--url', 'postgresql://h/d?sslmode=sometimes'], {})).toMatchObject({ status: 1, stderr: expect.stringMatching(/"sslmode".*CONNECTION_PARAMETER_INVALID/s) });
  });

  it('names SERVER_UNREACHABLE for a closed port and skips what needs the server', async () => {
    const port = await findFreePort();
    const steps: DiagnosticStep[] = [];
    const report = await diagnoseConnection({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', sslmode: 'prefer' }, { psqlPath: PSQL, userEnv: userEnv(home), home, onStep: (s) => steps.push(s) });
    expect(report.verdict.code).toBe('SERVER_UNREACHABLE');
    expect(report.facts.tcp?.error).toMatch(/ECONNREFUSED/);
    expect(report.steps.filter((s) => s.status === 'skipped').map((s) => s.id)).toEqual(expect.arrayContaining(['ssl-request', 'tls', 'driver', 'psql-tenantry', 'psql-user']));
    expect(steps[0]).toMatchObject({ id: 'tcp', status: 'running' });
    expect(steps[1]).toMatchObject({ id: 'tcp', status: 'failed' });
    expect(report.suggestion).toBeUndefined();
  });

  it('stops with CANCELLED when the signal aborts between steps', async () => {
    const controller = new AbortController();
    const seen: string[] = [];
    const run = diagnoseConnection({ host: '127.0.0.1', port: cluster.port, user: 'postgres', password: cluster.password, database: 'postgres' }, {
      psqlPath: PSQL, userEnv: userEnv(home), home, signal: controller.signal,
      onStep: (s) => {
        seen.push(`${s.id}:${s.status}`);
        if (s.id === 'ssl-request' && s.status !== 'running') controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(seen).not.toContain('driver:running');
  });

  it('names AUTH_FAILED for a wrong password', async () => {
    const report = await diagnoseConnection({ host: '127.0.0.1', port: cluster.port, user: 'postgres', password: 'wrong-password', database: 'postgres' }, { psqlPath: PSQL, userEnv: userEnv(home), home });
    expect(report.verdict.code).toBe('AUTH_FAILED');
    expect(report.verdict.explanation).toMatch(/password authentication failed/);
    expect(JSON.stringify(report)).not.toContain('wrong-password');
  });

  it('over a Unix socket: no SSL steps, driver and psql connect', async () => {
    const socketDir = dirname(cluster.dataDir);
    const report = await diagnoseConnection({ host: socketDir, port: cluster.port, user: 'postgres', database: 'postgres', sslmode: 'require' }, { psqlPath: PSQL, userEnv: userEnv(home), home });
    expect(report.verdict.code).toBe('OK');
    expect(report.facts.socket).toBe(true);
    expect(report.steps.find((s) => s.id === 'ssl-request')).toMatchObject({ status: 'skipped', summary: expect.stringMatching(/Unix-domain socket/) });
    expect(report.facts.driver).toMatchObject({ ok: true, transport: 'plaintext' });
  });
});
