import { describe, expect, it } from 'vitest';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { classifyFailure, cleanErrorMessage } from '../../core/diagnostics/classify-failure.js';
import { formatCopyableSettings, quoteShell } from '../../core/diagnostics/copyable-settings.js';
import { redactSecrets } from '../../core/diagnostics/redact.js';
import { suggestSettings } from '../../core/diagnostics/suggest-settings.js';
import type { CertificateSummary, DiagnosticFacts } from '../../core/diagnostics/types.js';
import { decideVerdict } from '../../core/diagnostics/verdict.js';

describe('classifyFailure', () => {
  it.each([
    ['server does not support SSL, but SSL was required', undefined, 'SSL_NOT_SUPPORTED_BY_SERVER'],
    ['The server does not support SSL connections', undefined, 'SSL_NOT_SUPPORTED_BY_SERVER'],
    ['FATAL:  no pg_hba.conf entry for host "127.0.0.1", user "alice", database "postgres", no encryption', '28000', 'SSL_REQUIRED_BY_SERVER'],
    ['ERROR: SSL required', undefined, 'SSL_REQUIRED_BY_SERVER'],
    ['certificate has expired', 'CERT_HAS_EXPIRED', 'SSL_CERT_EXPIRED'],
    ['self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN', 'SSL_SERVER_CERT_UNTRUSTED'],
    ['', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SSL_SERVER_CERT_UNTRUSTED'],
    ['SSL error: certificate verify failed', undefined, 'SSL_SERVER_CERT_UNTRUSTED'],
    ['server certificate for "localhost" (and 1 other name) does not match host name "db.example.com"', undefined, 'SSL_HOSTNAME_MISMATCH'],
    ["Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: ", 'ERR_TLS_CERT_ALTNAME_INVALID', 'SSL_HOSTNAME_MISMATCH'],
    ['SSL error: tlsv1 alert unknown ca', undefined, 'SSL_CLIENT_CERT_UNKNOWN_CA'],
    ['could not open certificate file "/home/a/.postgresql/postgresql.crt": Permission denied', undefined, 'SSL_DEFAULT_CERT_UNREADABLE'],
    ['could not open certificate file "/etc/app/client.crt": Permission denied', undefined, 'SSL_FILE_UNREADABLE'],
    ['private key file "/h/.postgresql/postgresql.key" has group or world access; file must have permissions u=rw (0600) or less', undefined, 'KEY_PERMISSIONS'],
    ['could not load private key file "/k": key values mismatch', undefined, 'KEY_CERT_MISMATCH'],
    ['certificate present, but not private key file "/h/.postgresql/postgresql.key"', undefined, 'SSL_KEY_MISSING'],
    ['FATAL:  connection requires a valid client certificate', '28000', 'CLIENT_CERT_REQUIRED'],
    ['FATAL:  certificate authentication failed for user "alice"', '28000', 'CLIENT_CERT_USER_MISMATCH'],
    ['password authentication failed for user "alice"', '28P01', 'AUTH_FAILED'],
    ['root certificate file "/root/.postgresql/root.crt" does not exist', undefined, 'SSL_ROOT_CERT_MISSING'],
    ['', 'ECONNREFUSED', 'SERVER_UNREACHABLE'],
    ['could not translate host name "nope" to address: Name or service not known', undefined, 'HOST_NOT_FOUND'],
    ['getaddrinfo ENOTFOUND nope.invalid', 'ENOTFOUND', 'HOST_NOT_FOUND'],
    ['', 'EAI_AGAIN', 'HOST_NOT_FOUND'],
    ['received invalid response to SSL negotiation: H', undefined, 'NOT_POSTGRES'],
    ['expected authentication request from server, but received H', undefined, 'NOT_POSTGRES'],
    ['connect ETIMEDOUT 10.0.0.1:5432', 'ETIMEDOUT', 'SERVER_UNREACHABLE'],
    ['FATAL:  pg_hba.conf rejects connection for host "1.2.3.4", user "x", database "y", SSL encryption', '28000', 'CONNECTION_REJECTED'],
    ['something else entirely', '42601', undefined],
  ])('%s [%s] → %s', (message, code, expected) => {
    expect(classifyFailure(message, code)).toBe(expected);
  });

  it('cleans OpenSSL error-queue noise', () => {
    expect(cleanErrorMessage('80ACE183517F0000:error:0A000418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 48\n'))
      .toBe('tlsv1 alert unknown ca (SSL alert number 48)');
    expect(cleanErrorMessage('plain message')).toBe('plain message');
  });
});

const leaf = (over: Partial<CertificateSummary> = {}): CertificateSummary => ({
  subject: 'CN=localhost', issuer: 'CN=CA', subjectAltNames: ['DNS:localhost'], validFrom: '2020-01-01T00:00:00.000Z', validTo: '2030-01-01T00:00:00.000Z',
  fingerprint256: 'AA', isCa: false, expired: false, notYetValid: false, ...over,
});
const facts = (over: Partial<DiagnosticFacts> = {}): DiagnosticFacts => ({
  host: 'db', port: 5432, sslmode: 'require', socket: false, libpqMajor: 15, files: [], hazards: [],
  tcp: { ok: true, ms: 1 }, sslRequest: { answer: 'S' }, tls: { ok: true, chain: [leaf()] }, driver: { ok: true }, psqlTenantry: { ok: true }, psqlUser: { ok: true }, ...over,
});

describe('decideVerdict', () => {
  it('OK when everything connects', () => {
    expect(decideVerdict(facts())).toMatchObject({ code: 'OK', tenantryConnects: true, warnings: [] });
  });
  it('unreachable before anything else', () => {
    expect(decideVerdict(facts({ tcp: { ok: false, error: 'ECONNREFUSED' }, driver: { ok: false, failure: 'SERVER_UNREACHABLE' } }))).toMatchObject({ code: 'SERVER_UNREACHABLE', tenantryConnects: false });
  });
  it('a name that does not resolve is said to be one, with the name, not "nothing answered"', () => {
    const verdict = decideVerdict(facts({ host: 'db.nope.invalid', tcp: { ok: false, error: 'ENOTFOUND: getaddrinfo ENOTFOUND db.nope.invalid' } }));
    expect(verdict).toMatchObject({ code: 'HOST_NOT_FOUND', title: 'The host name does not resolve', tenantryConnects: false });
    expect(verdict.explanation).toContain('The name "db.nope.invalid" does not resolve');
    expect(verdict.explanation).not.toContain('Nothing answered');
  });
  it('an answer to the SSLRequest that no PostgreSQL server sends: not a PostgreSQL server', () => {
    const verdict = decideVerdict(facts({ sslRequest: { answer: 'error', error: 'Unexpected answer to the SSLRequest: "HTTP/1.1 400 Bad Request"', notPostgres: true }, tls: undefined, driver: { ok: false, message: 'Connection terminated unexpectedly' } }));
    expect(verdict).toMatchObject({ code: 'NOT_POSTGRES', title: 'The service on this port is not a PostgreSQL server' });
  });
  it('profile errors: an unreadable file is named as such', () => {
    expect(decideVerdict(facts({ profileError: { code: 'FILE_NOT_FOUND', message: 'The file given as sslrootcert (/x) cannot be read.' } })).code).toBe('SSL_FILE_UNREADABLE');
    expect(decideVerdict(facts({ profileError: { code: 'CONNECTION_PARAMETER_INVALID', message: 'm' } })).code).toBe('PROFILE_INVALID');
  });
  it('the driver failure is the cause, refined to expiry when libpq only says "verify failed"', () => {
    expect(decideVerdict(facts({ driver: { ok: false, failure: 'SSL_HOSTNAME_MISMATCH', message: 'x' } }))).toMatchObject({ code: 'SSL_HOSTNAME_MISMATCH', tenantryConnects: false });
    const expired = facts({ tls: { ok: true, chain: [leaf({ expired: true })], rootVerify: { ok: false, error: 'CERT_HAS_EXPIRED' } }, driver: { ok: false, failure: 'SSL_SERVER_CERT_UNTRUSTED' } });
    expect(decideVerdict(expired).code).toBe('SSL_CERT_EXPIRED');
  });
  it('psql with Tenantry\'s environment failing means Tenantry cannot work', () => {
    expect(decideVerdict(facts({ psqlTenantry: { ok: false, failure: 'KEY_PERMISSIONS', message: 'private key file …' } }))).toMatchObject({ code: 'KEY_PERMISSIONS', tenantryConnects: false });
  });
  it('plain psql failing names the breaking hazard, and Tenantry still connects', () => {
    const hazard = { code: 'SSL_DEFAULT_CERT_UNREADABLE' as const, severity: 'breaks' as const, path: '/h/.postgresql/postgresql.crt', message: 'libpq cannot check for it.' };
    const other = { code: 'SSL_CERT_EXPIRED' as const, severity: 'warning' as const, message: 'client cert expired' };
    const verdict = decideVerdict(facts({ psqlUser: { ok: false, failure: 'SSL_DEFAULT_CERT_UNREADABLE', message: 'Permission denied' }, hazards: [hazard, other] }));
    expect(verdict).toMatchObject({ code: 'SSL_DEFAULT_CERT_UNREADABLE', tenantryConnects: true });
    expect(verdict.explanation).toContain('libpq cannot check for it.');
    expect(verdict.warnings).toEqual([other]);
  });
  it('an expired server certificate accepted under require is still named', () => {
    expect(decideVerdict(facts({ tls: { ok: true, chain: [leaf({ expired: true })] } }))).toMatchObject({ code: 'SSL_CERT_EXPIRED', tenantryConnects: true });
  });
});

describe('suggestSettings', () => {
  const profile: ConnectionProfile = { host: 'db', port: 5432, user: 'app', database: 'app', sslmode: 'verify-full', sslrootcert: '/ca.pem', password: 'secret' };
  const suggest = (f: DiagnosticFacts, p: ConnectionProfile = profile) => suggestSettings(p, f, decideVerdict(f));

  it('host name mismatch → verify-ca, naming the certificate\'s names', () => {
    const s = suggest(facts({ driver: { ok: false, failure: 'SSL_HOSTNAME_MISMATCH' } }));
    expect(s?.profile.sslmode).toBe('verify-ca');
    expect(s?.notes.join()).toContain('DNS:localhost');
    expect(s?.insecure).toBe(false);
  });
  it('server without SSL → prefer, marked insecure, without SSL files', () => {
    const s = suggest(facts({ driver: { ok: false, failure: 'SSL_NOT_SUPPORTED_BY_SERVER' } }));
    expect(s?.profile).toEqual({ host: 'db', port: 5432, user: 'app', database: 'app', password: 'secret', sslmode: 'prefer' });
    expect(s?.insecure).toBe(true);
  });
  it('plaintext refused → verify-full when a root is set, require otherwise', () => {
    expect(suggest(facts({ driver: { ok: false, failure: 'SSL_REQUIRED_BY_SERVER' } }), { ...profile, sslmode: 'disable' })?.profile.sslmode).toBe('verify-full');
    expect(suggest(facts({ driver: { ok: false, failure: 'SSL_REQUIRED_BY_SERVER' } }), { host: 'db', sslmode: 'disable' })?.profile.sslmode).toBe('require');
  });
  it('untrusted: the system store when it verifies and libpq is 16+, else require without a root', () => {
    const sys = facts({ libpqMajor: 16, tls: { ok: true, chain: [leaf()], systemVerify: { ok: true } }, driver: { ok: false, failure: 'SSL_SERVER_CERT_UNTRUSTED' } });
    expect(suggest(sys)?.profile).toMatchObject({ sslrootcert: 'system', sslmode: 'verify-full' });
    const none = facts({ driver: { ok: false, failure: 'SSL_SERVER_CERT_UNTRUSTED' } });
    expect(suggest(none)?.profile.sslrootcert).toBeUndefined();
    expect(suggest(none)).toMatchObject({ insecure: true, profile: { sslmode: 'require' } });
  });
  it('rejected with TLS but accepted in plaintext (hostnossl) → prefer, insecure', () => {
    const f = facts({ driver: { ok: false, failure: 'CONNECTION_REJECTED' }, policy: { plaintext: { ok: true }, withoutClientCert: { ok: false, failure: 'CONNECTION_REJECTED' } } });
    expect(suggest(f)).toMatchObject({ insecure: true, profile: { sslmode: 'prefer' } });
    expect(suggest(facts({ driver: { ok: false, failure: 'CONNECTION_REJECTED' }, policy: { plaintext: { ok: false, failure: 'CONNECTION_REJECTED' } } }))).toBeUndefined();
  });
  it('a client certificate required and none available: nothing to suggest', () => {
    expect(suggest(facts({ driver: { ok: false, failure: 'CLIENT_CERT_REQUIRED' } }))).toBeUndefined();
    expect(suggest(facts({ driver: { ok: false, failure: 'AUTH_FAILED' } }))).toBeUndefined();
  });
  it('wrong CN → connect as the certificate\'s user', () => {
    const f = facts({ driver: { ok: false, failure: 'CLIENT_CERT_USER_MISMATCH' }, files: [{ role: 'sslcert', path: '/c', source: 'profile', exists: true, readable: true, kind: 'certificate', certificates: [leaf({ subject: 'CN=bob' })], problems: [] }] });
    expect(suggest(f)?.profile.user).toBe('bob');
  });
  it('never puts the password into the copyable settings', () => {
    const s = suggest(facts());
    expect(JSON.stringify(s?.copyable)).not.toContain('secret');
  });
});

describe('formatCopyableSettings', () => {
  const profile: ConnectionProfile = { host: 'db.example.com', port: 5432, user: 'app', database: 'app', sslmode: 'require', password: 'hunter2', sslpassword: 'keypw' };
  it('libpq 15: absent paths switch off the default client certificate and root', () => {
    const c = formatCopyableSettings(profile, { libpqMajor: 15 });
    expect(c.env).toEqual({ PGHOST: 'db.example.com', PGPORT: '5432', PGDATABASE: 'app', PGUSER: 'app', PGSSLMODE: 'require', PGSSLROOTCERT: '/dev/null/absent', PGSSLCRL: '/dev/null/absent', PGSSLCERT: '/dev/null/absent', PGSSLKEY: '/dev/null/absent' });
    expect(c.uri).toBe('postgresql://app@db.example.com:5432/app?sslmode=require');
    const [comment, command] = c.psqlCommand.split('\n');
    expect(command).toBe("PGSSLROOTCERT=/dev/null/absent PGSSLCRL=/dev/null/absent PGSSLCERT=/dev/null/absent PGSSLKEY=/dev/null/absent psql 'postgresql://app@db.example.com:5432/app?sslmode=require'");
    // The placeholder path says why it is there, in both copyable forms.
    expect(comment).toBe('# /dev/null/absent is a path that cannot exist: it stops libpq reading its default ~/.postgresql/root.crt, ~/.postgresql/root.crl, ~/.postgresql/postgresql.crt, ~/.postgresql/postgresql.key as Tenantry does, so a stale file there cannot break this connection.');
    expect(c.envText.split('\n')[0]).toBe(comment);
    expect(c.envText).toContain('export PGSSLMODE=require');
    expect(JSON.stringify(c)).not.toMatch(/hunter2|keypw/);
  });
  it('libpq 16: sslcertmode=disable as well; explicit files are kept', () => {
    expect(formatCopyableSettings(profile, { libpqMajor: 16 }).env.PGSSLCERTMODE).toBe('disable');
    const withCert = formatCopyableSettings({ ...profile, sslcert: '/c.crt', sslkey: '/c.key', sslrootcert: '/ca.pem' }, { libpqMajor: 16 });
    expect(withCert.env).toMatchObject({ PGSSLCERT: '/c.crt', PGSSLKEY: '/c.key', PGSSLROOTCERT: '/ca.pem' });
    expect(withCert.env.PGSSLCERTMODE).toBeUndefined();
    // Only the CRL is still a placeholder: the comment names that file alone.
    expect(withCert.psqlCommand.split('\n')[0]).toContain('default ~/.postgresql/root.crl as Tenantry does');
    const noPlaceholder = formatCopyableSettings({ ...profile, sslcert: '/c.crt', sslkey: '/c.key', sslrootcert: '/ca.pem', sslcrl: '/ca.crl' }, { libpqMajor: 16 });
    expect(noPlaceholder.psqlCommand).not.toContain('#');
  });
  it('quotes for a POSIX shell', () => {
    expect(quoteShell("it's")).toBe(`'it'\\''s'`);
    expect(quoteShell('/plain/path')).toBe('/plain/path');
  });
});

describe('redactSecrets', () => {
  it('removes the secret and its percent-encoded form', () => {
    expect(redactSecrets('pw p@ss and p%40ss', ['p@ss', undefined])).toBe('pw ******** and ********');
  });
});
