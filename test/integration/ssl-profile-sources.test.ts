/**
 * Where a profile comes from (URI, service files, PG* variables, .pgpass, in
 * libpq's precedence) and the child environment built from it: real files,
 * no server needed.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantryError } from '../../core/errors.js';
import { buildChildEnvironment } from '../../electron/services/connection/child-env.js';
import { toDriverConfig } from '../../electron/services/connection/driver-config.js';
import { readClientMajor, readLibpqMajor } from '../../electron/services/connection/libpq-version.js';
import { resolveProfile } from '../../electron/services/connection/resolve-profile.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tenantry-sources-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveProfile', () => {
  it('explicit > service > environment > defaults, as libpq applies them', async () => {
    const serviceFile = join(dir, 'services.conf');
    writeFileSync(serviceFile, '[prod]\nhost=db.prod\nport=6432\nsslmode=verify-full\nsslrootcert=/etc/prod-ca.pem\n');
    const env = { PGSERVICEFILE: serviceFile, PGHOST: 'from-env', PGUSER: 'envuser', PGSSLMODE: 'disable', PGAPPNAME: 'envapp' };
    const profile = await resolveProfile({ url: 'service=prod dbname=app port=7000', env, home: join(dir, 'nohome') });
    expect(profile).toEqual({
      host: 'db.prod', port: 7000, database: 'app', user: 'envuser', sslmode: 'verify-full', sslrootcert: '/etc/prod-ca.pem', application_name: 'envapp',
    });
  });

  it('PGSERVICE, ~/.pg_service.conf, then PGSYSCONFDIR/pg_service.conf', async () => {
    const home = join(dir, 'home-svc');
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, '.pg_service.conf'), '[mine]\nhost=mine.example\n');
    const sysconf = join(dir, 'sysconf');
    mkdirSync(sysconf, { recursive: true });
    writeFileSync(join(sysconf, 'pg_service.conf'), '[shared]\nhost=shared.example\n');
    expect((await resolveProfile({ env: { PGSERVICE: 'mine', PGSYSCONFDIR: sysconf }, home })).host).toBe('mine.example');
    expect((await resolveProfile({ env: { PGSERVICE: 'shared', PGSYSCONFDIR: sysconf }, home })).host).toBe('shared.example');
    const missing = resolveProfile({ env: { PGSERVICE: 'nope', PGSYSCONFDIR: sysconf }, home });
    await expect(missing).rejects.toThrow(/service "nope" is not defined/);
  });

  it('takes the password from passfile= / PGPASSFILE / ~/.pgpass only when 0600, and never overrides an explicit one', async () => {
    const passfile = join(dir, 'pass');
    writeFileSync(passfile, 'db:5432:app:alice:from\\:file\n', { mode: 0o600 });
    expect((await resolveProfile({ url: `postgresql://alice@db/app?passfile=${encodeURIComponent(passfile)}`, env: {}, home: dir })).password).toBe('from:file');
    expect((await resolveProfile({ url: 'postgresql://alice@db/app', env: { PGPASSFILE: passfile }, home: dir })).password).toBe('from:file');
    expect((await resolveProfile({ url: 'postgresql://alice:given@db/app', env: { PGPASSFILE: passfile }, home: dir })).password).toBe('given');
    writeFileSync(join(dir, '.pgpass'), '*:*:*:*:homepw\n', { mode: 0o640 });
    expect((await resolveProfile({ url: 'postgresql://alice@db/app', env: {}, home: dir })).password).toBeUndefined();
  });

  it('names the bad parameter and where it came from', async () => {
    await expect(resolveProfile({ env: { PGPORT: 'abc' }, home: dir })).rejects.toThrow(/"port".*PGPORT/);
    await expect(resolveProfile({ url: 'host=x sslmod=require', env: {}, home: dir })).rejects.toMatchObject({ code: 'CONNECTION_PARAMETER_UNKNOWN' });
  });
});

describe('toDriverConfig', () => {
  const ca = () => {
    const file = join(dir, 'ca.pem');
    writeFileSync(file, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    return file;
  };
  it('translates each sslmode to an explicit tls.connect object with libpq meanings', () => {
    const base = { host: 'db', port: 5432, user: 'u', database: 'd' };
    expect(toDriverConfig({ ...base, sslmode: 'disable' }).ssl).toBe(false);
    expect(toDriverConfig({ ...base, sslmode: 'allow' }).ssl).toBe(false);
    expect(toDriverConfig({ ...base, sslmode: 'prefer' }).ssl).toMatchObject({ rejectUnauthorized: false });
    const require = toDriverConfig({ ...base, sslmode: 'require' }).ssl as { rejectUnauthorized: boolean; checkServerIdentity: () => unknown; ca?: unknown };
    expect(require.rejectUnauthorized).toBe(false);
    expect(require.ca).toBeUndefined();
    const requireWithRoot = toDriverConfig({ ...base, sslmode: 'require', sslrootcert: ca() }).ssl as { rejectUnauthorized: boolean; checkServerIdentity?: () => unknown; ca?: Buffer };
    expect(requireWithRoot.rejectUnauthorized).toBe(true);
    expect(requireWithRoot.checkServerIdentity?.()).toBeUndefined();
    expect(requireWithRoot.ca?.toString()).toContain('BEGIN CERTIFICATE');
    const verifyFull = toDriverConfig({ ...base, sslmode: 'verify-full', sslrootcert: ca() }).ssl as { rejectUnauthorized: boolean; checkServerIdentity?: unknown };
    expect(verifyFull.rejectUnauthorized).toBe(true);
    expect(verifyFull.checkServerIdentity).toBeUndefined();
    const config = toDriverConfig({ ...base, sslmode: 'require' });
    expect(config.connectionString).toBeUndefined();
    expect(typeof config.password).toBe('function');
  });
  it('refuses what libpq would refuse, naming the parameter', () => {
    expect(() => toDriverConfig({ host: 'db', sslmode: 'verify-ca' })).toThrow(/needs a root certificate.*sslrootcert/);
    expect(() => toDriverConfig({ host: 'db', sslmode: 'require', sslrootcert: join(dir, 'missing.pem') })).toThrow(/sslrootcert .*does not exist/);
    expect(() => toDriverConfig({ host: 'db', sslmode: 'require', sslcert: '/c' })).toThrow(/sslkey/);
    expect(() => toDriverConfig({ host: 'db', sslmode: 'prefer', sslnegotiation: 'direct' })).toThrow(/sslnegotiation=direct needs/);
  });
});

describe('buildChildEnvironment', () => {
  const profile = { host: 'db.example.com', port: 5433, user: 'app', database: 'appdb', password: 'p:w\\d', sslmode: 'require' as const };
  it('drops every PG* variable of the parent and sets each one on purpose', async () => {
    const child = await buildChildEnvironment(profile, { libpqMajor: 15, baseEnv: { PATH: '/bin', HOME: '/home/x', PGPASSWORD: 'leak', PGSSLCERT: '/home/x/.postgresql/stale.crt', PGSERVICE: 'x', PGOPTIONS: '-c x=y' } });
    try {
      const env = child.env;
      expect(env.PATH).toBe('/bin');
      expect(env.HOME).toBe('/home/x');
      // The profile's password, in the child's environment only (no passfile a killed process could leave behind).
      expect(env.PGPASSWORD).toBe('p:w\\d');
      expect(env.PGSERVICE).toBeUndefined();
      // The parent's PGOPTIONS ('-c x=y') is dropped; only Tenantry's own startup options are set.
      expect(env.PGOPTIONS).toBe('-c standard_conforming_strings=on');
      expect(env).toMatchObject({ PGHOST: 'db.example.com', PGPORT: '5433', PGUSER: 'app', PGDATABASE: 'appdb', PGSSLMODE: 'require', PGGSSENCMODE: 'disable', PGAPPNAME: 'tenantry' });
      const privateDir = dirname(env.PGSYSCONFDIR ?? '');
      expect(statSync(privateDir).mode & 0o777).toBe(0o700);
      expect(readdirSync(privateDir)).toEqual([]);
      for (const name of ['PGPASSFILE', 'PGSSLCERT', 'PGSSLKEY', 'PGSSLROOTCERT', 'PGSSLCRL', 'PGSERVICEFILE'] as const) {
        expect(env[name]?.startsWith(privateDir)).toBe(true);
        expect(existsSync(env[name] ?? '')).toBe(false);
      }
      expect(env.PGSSLCERTMODE).toBeUndefined();
      expect(Object.entries(env).filter(([k]) => k !== 'PGPASSWORD').map(([, v]) => v).join('\n')).not.toContain('p:w');
      await child.cleanup();
      expect(existsSync(privateDir)).toBe(false);
    } finally {
      await child.cleanup();
    }
  });
  it('uses sslcertmode=disable on libpq 16+, and the profile\'s own files when it names them', async () => {
    const c16 = await buildChildEnvironment(profile, { libpqMajor: 16, baseEnv: {} });
    expect(c16.env.PGSSLCERTMODE).toBe('disable');
    await c16.cleanup();
    const own = await buildChildEnvironment({ ...profile, sslcert: '/etc/c.crt', sslkey: '/etc/c.key', sslrootcert: '/etc/ca.pem', sslpassword: 'keypw' }, { libpqMajor: 15, baseEnv: {} });
    try {
      expect(own.env).toMatchObject({ PGSSLCERT: '/etc/c.crt', PGSSLKEY: '/etc/c.key', PGSSLROOTCERT: '/etc/ca.pem', PGSERVICE: 'tenantry' });
      // sslpassword has no variable: it travels in a private 0600 service file.
      expect(readFileSync(own.env.PGSERVICEFILE ?? '', 'utf8')).toBe('[tenantry]\nsslpassword=keypw\n');
      expect(statSync(own.env.PGSERVICEFILE ?? '').mode & 0o777).toBe(0o600);
    } finally {
      await own.cleanup();
    }
  });
  it('refuses an sslpassword that a service file cannot carry; a password travels in PGPASSWORD as it is', async () => {
    const odd = await buildChildEnvironment({ ...profile, password: 'a\n*:*:*:*:b' }, { libpqMajor: 15, baseEnv: {} });
    expect(odd.env.PGPASSWORD).toBe('a\n*:*:*:*:b');
    await odd.cleanup();
    await expect(buildChildEnvironment({ ...profile, sslcert: '/c', sslkey: '/k', sslpassword: ' padded' }, { libpqMajor: 15, baseEnv: {} })).rejects.toThrow(/sslpassword/);
  });
  it.each([
    [{ sslrootcert: 'system' }, 15, /sslrootcert=system needs libpq 16/],
    [{ sslcertmode: 'require' as const, sslcert: '/c', sslkey: '/k' }, 15, /sslcertmode=require needs libpq 16/],
    [{ sslnegotiation: 'direct' as const }, 16, /sslnegotiation=direct needs libpq 17/],
  ])('refuses %o for libpq %i', async (over, major, message) => {
    const attempt = buildChildEnvironment({ ...profile, ...over }, { libpqMajor: major, baseEnv: {} });
    await expect(attempt).rejects.toThrow(message);
    await expect(attempt).rejects.toBeInstanceOf(TenantryError);
    await expect(attempt).rejects.toMatchObject({ code: 'CONNECTION_OPTION_UNSUPPORTED_BY_CLIENT' });
  });
});

describe('libpq version of a psql', () => {
  it('reads the binary version and probes which options its libpq knows', async () => {
    const psql = '/usr/lib/postgresql/15/bin/psql';
    expect(await readClientMajor(psql)).toBe(15);
    // libpq 15 answers 'invalid connection option "sslcertmode"'.
    expect(await readLibpqMajor(psql)).toBe(15);
    await expect(readClientMajor('/nonexistent/psql')).rejects.toMatchObject({ code: 'PSQL_NOT_FOUND' });
  });
});

describe('the command-line watcher the leak tests rely on', () => {
  it('does see a secret in a short-lived child\'s arguments', async () => {
    const { watchCommandLines, runCommand } = await import('./ssl-helpers.js');
    const watcher = watchCommandLines('marker-7f3a', 'sleep');
    await runCommand('sh', ['-c', 'sleep 0.05', 'marker-7f3a'], { PATH: process.env.PATH ?? '' });
    const { leaks, seen } = watcher.stop();
    expect(leaks.some((l) => l.includes('marker-7f3a'))).toBe(true);
    expect(seen).toBeGreaterThan(0);
  });
});
