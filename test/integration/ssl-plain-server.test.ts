/**
 * A server with ssl=off: sslmode=require fails everywhere and diagnose says
 * the server does not offer SSL; prefer (and allow, disable) connect in
 * plaintext through the driver and through Tenantry's psql.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { buildChildEnvironment } from '../../electron/services/connection/child-env.js';
import { connectDriverWithTransport } from '../../electron/services/connection/driver-config.js';
import { resolveProfile } from '../../electron/services/connection/resolve-profile.js';
import { diagnoseConnection } from '../../electron/services/diagnostics/diagnose.js';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { createCertAuthority } from './harness/certs.js';
import { PSQL, makeHome, provisionViaPsql, runCommand, userEnv } from './ssl-helpers.js';

describe('server with ssl=off', () => {
  let cluster: Cluster;
  let dir: string;
  let home: string;
  const profile = (sslmode: ConnectionProfile['sslmode']): ConnectionProfile => ({
    host: '127.0.0.1', port: cluster.port, user: 'postgres', password: cluster.password, database: 'postgres', ...(sslmode ? { sslmode } : {}),
  });

  beforeAll(async () => {
    cluster = await startCluster();
    dir = mkdtempSync(join(tmpdir(), 'tenantry-ssl-off-'));
    home = makeHome(dir, 'home');
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sslmode=require: the driver and psql refuse, diagnose names SSL_NOT_SUPPORTED_BY_SERVER and suggests prefer', async () => {
    await expect(connectDriverWithTransport(profile('require'))).rejects.toThrow(/does not support SSL/);
    const child = await buildChildEnvironment(profile('require'), { libpqMajor: 15, baseEnv: userEnv(home) });
    try {
      const psql = await runCommand(PSQL, ['-X', '-w', '-Atc', 'select 1'], child.env);
      expect(psql.ok).toBe(false);
      expect(psql.stderr).toMatch(/server does not support SSL, but SSL was required/);
    } finally {
      await child.cleanup();
    }

    const steps: string[] = [];
    const report = await diagnoseConnection(profile('require'), { psqlPath: PSQL, userEnv: userEnv(home), home, onStep: (s) => steps.push(`${s.id}:${s.status}`) });
    expect(report.verdict.code).toBe('SSL_NOT_SUPPORTED_BY_SERVER');
    expect(report.verdict.tenantryConnects).toBe(false);
    expect(report.facts.sslRequest?.answer).toBe('N');
    expect(steps).toContain('ssl-request:running');
    expect(steps).toContain('driver:failed');
    expect(report.steps.find((s) => s.id === 'tls')?.status).toBe('skipped');
    expect(report.suggestion?.profile.sslmode).toBe('prefer');
    expect(report.suggestion?.verified).toBe(true);
    expect(report.suggestion?.insecure).toBe(true);
    expect(report.suggestion?.copyable.uri).toBe(`postgresql://postgres@127.0.0.1:${cluster.port}/postgres?sslmode=prefer`);
    expect(JSON.stringify(report)).not.toContain(cluster.password);

    // The suggested settings provision through psql.
    await provisionViaPsql(cluster, { ...report.suggestion!.profile, password: cluster.password }, 'off_suggested', userEnv(home));
  });

  it.each(['prefer', 'allow', 'disable'] as const)('sslmode=%s connects in plaintext (driver, psql, provisioning) and diagnose says OK', async (sslmode) => {
    const { client, transport } = await connectDriverWithTransport(profile(sslmode));
    const { rows } = await client.query('select ssl from pg_stat_ssl where pid = pg_backend_pid()');
    await client.end();
    expect(transport).toBe('plaintext');
    expect(rows[0]?.ssl).toBe(false);

    const report = await diagnoseConnection(profile(sslmode), { psqlPath: PSQL, userEnv: userEnv(home), home });
    expect(report.verdict.code).toBe('OK');
    expect(report.steps.find((s) => s.id === 'psql-tenantry')?.status).toBe('passed');
    expect(report.steps.find((s) => s.id === 'psql-user')?.status).toBe('passed');
    await provisionViaPsql(cluster, profile(sslmode), `off_${sslmode}`, userEnv(home));
  });

  it('resolves a profile from PG* variables with the password from a 0600 .pgpass, and connects with it', async () => {
    const pgpassHome = join(dir, 'pgpass-home');
    makeHome(dir, 'pgpass-home');
    const { writeFileSync, chmodSync } = await import('node:fs');
    writeFileSync(join(pgpassHome, '.pgpass'), `127.0.0.1:${cluster.port}:*:postgres:${cluster.password}\n`, { mode: 0o600 });
    const env = { PGHOST: '127.0.0.1', PGPORT: String(cluster.port), PGUSER: 'postgres', PGDATABASE: 'postgres' };
    const resolved = await resolveProfile({ env, home: pgpassHome });
    expect(resolved).toEqual({ host: '127.0.0.1', port: cluster.port, user: 'postgres', database: 'postgres', password: cluster.password, sslmode: 'prefer' });
    const { client } = await connectDriverWithTransport(resolved);
    await client.end();

    chmodSync(join(pgpassHome, '.pgpass'), 0o644);
    const warnings: string[] = [];
    const ignored = await resolveProfile({ env, home: pgpassHome, onWarning: (m) => warnings.push(m) });
    expect(ignored.password).toBeUndefined();
    expect(warnings.join()).toMatch(/group or world access/);
    await expect(connectDriverWithTransport(ignored)).rejects.toThrow(/settings have none/);
  });
});

describe('server with ssl=on but only hostnossl lines', () => {
  let cluster: Cluster;
  let dir: string;
  let home: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tenantry-nossl-'));
    home = makeHome(dir, 'home');
    const ca = await createCertAuthority(dir, 'CA');
    const server = await ca.issueServerCert({ commonName: 'localhost', dnsNames: ['localhost'] });
    cluster = await startCluster({ ssl: server, hba: ['hostnossl all all 127.0.0.1/32 scram-sha-256'] });
  });
  afterAll(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const profile = (sslmode: ConnectionProfile['sslmode']): ConnectionProfile => ({ host: '127.0.0.1', port: cluster.port, user: 'postgres', password: cluster.password, database: 'postgres', sslmode });

  it('prefer: the TLS login is rejected, and like libpq the driver retries in plaintext', async () => {
    const { client, transport } = await connectDriverWithTransport(profile('prefer'));
    await client.end();
    expect(transport).toBe('plaintext');
    const report = await diagnoseConnection(profile('prefer'), { psqlPath: PSQL, userEnv: userEnv(home), home });
    expect(report.verdict.code).toBe('OK');
    expect(report.facts.policy?.withoutClientCert?.failure).toBe('CONNECTION_REJECTED');
    await provisionViaPsql(cluster, profile('prefer'), 'nossl_prefer', userEnv(home));
  });

  it('require: rejected by pg_hba.conf, and the error says so', async () => {
    const failed = connectDriverWithTransport(profile('require'));
    await expect(failed).rejects.toThrow(/no pg_hba\.conf entry .*SSL encryption/);
    const report = await diagnoseConnection(profile('require'), { psqlPath: PSQL, userEnv: userEnv(home), home });
    expect(report.verdict.code).toBe('CONNECTION_REJECTED');
    expect(report.facts.policy?.plaintext?.ok).toBe(true);
    expect(report.suggestion).toMatchObject({ insecure: true, verified: true, profile: { sslmode: 'prefer' } });
  });
});
