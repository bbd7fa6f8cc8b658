import { describe, expect, it } from 'vitest';
import { readEnvironmentProfile } from '../../core/connection/environment.js';
import { findPgpassPassword } from '../../core/connection/pgpass.js';
import { findServiceInFile } from '../../core/connection/service-file.js';
import { describeSslPolicy } from '../../core/connection/ssl-policy.js';

describe('readEnvironmentProfile', () => {
  it('reads the PG* variables libpq reads, skipping empty ones', () => {
    expect(readEnvironmentProfile({
      PGHOST: 'db', PGPORT: '6432', PGDATABASE: 'app', PGUSER: 'alice', PGPASSWORD: 'pw', PGSSLMODE: 'verify-ca',
      PGSSLROOTCERT: '/ca', PGSSLCERT: '/c', PGSSLKEY: '/k', PGSSLCRL: '/crl', PGSSLCERTMODE: 'disable',
      PGAPPNAME: 'x', PGCONNECT_TIMEOUT: '3', PGSERVICE: 's', PGPASSFILE: '/pp', PGSSLMINPROTOCOLVERSION: 'TLSv1.3',
      PGDATA: '/ignored', HOME: '/root', PGOPTIONS: '',
    })).toEqual({
      host: 'db', port: 6432, database: 'app', user: 'alice', password: 'pw', sslmode: 'verify-ca', sslrootcert: '/ca',
      sslcert: '/c', sslkey: '/k', sslcrl: '/crl', sslcertmode: 'disable', application_name: 'x', connect_timeout: 3,
      service: 's', passfile: '/pp', sslminprotocolversion: 'TLSv1.3',
    });
  });
  it('names the variable a bad value came from', () => {
    expect(() => readEnvironmentProfile({ PGSSLMODE: 'on' })).toThrow(/"sslmode".*"on".*PGSSLMODE/);
  });
});

describe('findServiceInFile', () => {
  const file = `# comment
[prod]
host=db.example.com
port = 6432
sslmode=verify-full

[dev]
host=localhost
`;
  it('returns the named section only', () => {
    expect(findServiceInFile(file, 'prod', 'f')).toEqual({ host: 'db.example.com', port: 6432, sslmode: 'verify-full' });
    expect(findServiceInFile(file, 'dev', 'f')).toEqual({ host: 'localhost' });
    expect(findServiceInFile(file, 'nope', 'f')).toBeUndefined();
  });
  it('reports bad lines with file, line and service', () => {
    expect(() => findServiceInFile('[a]\nsslmode=maybe\n', 'a', '/x/pg_service.conf')).toThrow(/"sslmode".*in \/x\/pg_service.conf, line 2, service "a"/);
    expect(() => findServiceInFile('[a]\nservice=b\n', 'a', 'f')).toThrow(/nested service/);
    expect(() => findServiceInFile('[a]\njunk\n', 'a', 'f')).toThrow(/line 2/);
  });
});

describe('findPgpassPassword', () => {
  const text = ['# c', 'db.example.com:5432:app:alice:first', '*:5432:*:bob:b\\:ob\\\\pw', 'localhost:*:*:carol:sock', '*:*:*:*:'].join('\n');
  it.each([
    [{ host: 'db.example.com', port: 5432, database: 'app', user: 'alice' }, 'first'],
    [{ host: 'db.example.com', port: 5433, database: 'app', user: 'alice' }, undefined],
    [{ host: 'other', port: 5432, database: 'x', user: 'bob' }, 'b:ob\\pw'],
    [{ host: '/var/run/postgresql', port: 1, database: 'x', user: 'carol' }, 'sock'],
    [{ host: '127.0.0.1', port: 1, database: 'x', user: 'carol' }, undefined],
  ])('%o → %s', (target, expected) => {
    expect(findPgpassPassword(text, target)).toBe(expected);
  });
});

describe('describeSslPolicy: the sslmode table', () => {
  it.each([
    // sslmode, sslrootcert, first, fallback, verifyChain, verifyHost
    ['disable', undefined, 'plaintext', undefined, false, false],
    ['allow', undefined, 'plaintext', 'tls', false, false],
    ['prefer', undefined, 'tls', 'plaintext', false, false],
    ['require', undefined, 'tls', undefined, false, false],
    ['require', '/ca.pem', 'tls', undefined, true, false],
    ['prefer', '/ca.pem', 'tls', 'plaintext', true, false],
    ['verify-ca', '/ca.pem', 'tls', undefined, true, false],
    ['verify-full', '/ca.pem', 'tls', undefined, true, true],
    ['require', 'system', 'tls', undefined, true, true],
  ] as const)('%s with root %s', (sslmode, sslrootcert, first, fallback, verifyChain, verifyHost) => {
    const policy = describeSslPolicy({ sslmode, sslrootcert, host: 'db' });
    expect({ first: policy.first, fallback: policy.fallback, verifyChain: policy.verifyChain, verifyHost: policy.verifyHost })
      .toEqual({ first, fallback, verifyChain, verifyHost });
    expect(policy.explanation.length).toBeGreaterThan(10);
  });
  it('never uses TLS over a Unix socket and defaults to prefer', () => {
    expect(describeSslPolicy({ sslmode: 'verify-full', host: '/var/run/postgresql' })).toMatchObject({ first: 'plaintext', verifyChain: false });
    expect(describeSslPolicy({ host: 'db' })).toMatchObject({ sslmode: 'prefer', first: 'tls', fallback: 'plaintext' });
  });
});

describe('writing service entries and .pgpass lines', () => {
  it('formats a service section that reads back to the same profile (no password unless asked)', async () => {
    const { formatServiceEntry } = await import('../../core/connection/service-file.js');
    const profile = { host: 'db', port: 6432, database: 'app', user: 'alice', password: 'pw', sslmode: 'verify-full' as const, sslrootcert: '/etc/ca.pem' };
    const text = formatServiceEntry('prod', profile);
    expect(text).toBe('[prod]\nhost=db\nport=6432\ndbname=app\nuser=alice\nsslmode=verify-full\nsslrootcert=/etc/ca.pem\n');
    expect(findServiceInFile(formatServiceEntry('prod', profile, { includePassword: true }), 'prod', 'f')).toEqual(profile);
    expect(() => formatServiceEntry('a]b', profile)).toThrow(/service name/);
    expect(() => formatServiceEntry('x', { application_name: ' padded ' })).toThrow(/"application_name"/);
  });
  it('formats .pgpass lines that the lookup reads back', async () => {
    const { formatPgpassLine } = await import('../../core/connection/pgpass.js');
    const line = formatPgpassLine({ host: 'db', port: 5432, user: 'a:b' }, 'p:w\\x');
    expect(line).toBe('db:5432:*:a\\:b:p\\:w\\\\x\n');
    expect(findPgpassPassword(line, { host: 'db', port: 5432, database: 'any', user: 'a:b' })).toBe('p:w\\x');
  });
});
