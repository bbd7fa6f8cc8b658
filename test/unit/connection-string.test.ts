import { describe, expect, it } from 'vitest';
import { formatConnectionUri, formatKeyValue, parseConnectionString } from '../../core/connection/connection-string.js';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { TenantryError } from '../../core/errors.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof TenantryError ? error.code : 'not a TenantryError';
  }
  return undefined;
}

describe('parseConnectionString: URIs', () => {
  const cases: [string, ConnectionProfile][] = [
    ['postgresql://', {}],
    ['postgres://db.example.com', { host: 'db.example.com' }],
    ['postgresql://alice:s%40cr%3At%2F@db.example.com:6543/app%20db?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem',
      { user: 'alice', password: 's@cr:t/', host: 'db.example.com', port: 6543, database: 'app db', sslmode: 'verify-full', sslrootcert: '/etc/ca.pem' }],
    ['postgresql://[::1]:5433/postgres', { host: '::1', port: 5433, database: 'postgres' }],
    ['postgresql://%2Fvar%2Frun%2Fpostgresql/app', { host: '/var/run/postgresql', database: 'app' }],
    ['postgresql:///app?host=/tmp&port=5499', { host: '/tmp', port: 5499, database: 'app' }],
    ['postgresql://bob@localhost?ssl=true', { user: 'bob', host: 'localhost', sslmode: 'require' }],
    ['postgresql://h/d?connect_timeout=10&application_name=tenantry%20cli&sslcertmode=disable&sslnegotiation=direct&ssl_min_protocol_version=TLSv1.3',
      { host: 'h', database: 'd', connect_timeout: 10, application_name: 'tenantry cli', sslcertmode: 'disable', sslnegotiation: 'direct', sslminprotocolversion: 'TLSv1.3' }],
    ['POSTGRESQL://h/d?sslcert=%2Fc.crt&sslkey=%2Fc.key&sslpassword=x&sslcrl=%2Fr.crl&service=prod&passfile=%2Fp',
      { host: 'h', database: 'd', sslcert: '/c.crt', sslkey: '/c.key', sslpassword: 'x', sslcrl: '/r.crl', service: 'prod', passfile: '/p' }],
    ['postgresql://h/d?sslmode=', { host: 'h', database: 'd' }],
  ];
  it.each(cases)('%s', (uri, expected) => {
    expect(parseConnectionString(uri)).toEqual(expected);
  });

  const bad: [string, string, RegExp][] = [
    ['postgresql://h/d?sslmode=requir', 'CONNECTION_PARAMETER_INVALID', /"sslmode".*"requir"/],
    ['postgresql://h/d?sslmod=require', 'CONNECTION_PARAMETER_UNKNOWN', /"sslmod"/],
    ['postgresql://h/d?gssencmode=disable', 'CONNECTION_PARAMETER_UNKNOWN', /"gssencmode" is not supported/],
    ['postgresql://h:99999/d', 'CONNECTION_PARAMETER_INVALID', /"port"/],
    ['postgresql://h:abc/d', 'CONNECTION_PARAMETER_INVALID', /"port"/],
    ['postgresql://a:1,b:2/d', 'CONNECTION_PARAMETER_INVALID', /several hosts/],
    ['postgresql://[::1/d', 'CONNECTION_PARAMETER_INVALID', /IPv6/],
    ['postgresql://h/d%ZZ', 'CONNECTION_PARAMETER_INVALID', /percent-encoding/],
    ['postgresql://h/d?sslmode', 'CONNECTION_PARAMETER_INVALID', /"sslmode" has no value/],
    ['postgresql://h/d?connect_timeout=-1', 'CONNECTION_PARAMETER_INVALID', /connect_timeout/],
    ['postgresql://h/d?host=a,b', 'CONNECTION_PARAMETER_INVALID', /several hosts/],
  ];
  it.each(bad)('refuses %s', (uri, code, message) => {
    expect(codeOf(() => parseConnectionString(uri))).toBe(code);
    expect(() => parseConnectionString(uri)).toThrow(message);
  });
});

describe('parseConnectionString: key=value', () => {
  const cases: [string, ConnectionProfile][] = [
    ['', {}],
    ['host=localhost port=5432 dbname=app', { host: 'localhost', port: 5432, database: 'app' }],
    ["  host = db  password = 'x y'  ", { host: 'db', password: 'x y' }],
    ["password='it\\'s a \\\\ secret' user=al\\ ice", { password: "it's a \\ secret", user: 'al ice' }],
    ["application_name='' sslmode=verify-ca", { sslmode: 'verify-ca' }],
    ['database=x', { database: 'x' }],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseConnectionString(text)).toEqual(expected);
  });
  it('names the parameter missing its value or quote', () => {
    expect(() => parseConnectionString('host')).toThrow(/neither a postgresql:\/\/ URI nor key=value/);
    expect(() => parseConnectionString('host=a port')).toThrow(/"port" is missing "="/);
    expect(() => parseConnectionString("host='abc")).toThrow(/"host" has no closing quote/);
    expect(codeOf(() => parseConnectionString('hots=a'))).toBe('CONNECTION_PARAMETER_UNKNOWN');
  });
});

describe('formatting', () => {
  const profile: ConnectionProfile = {
    host: 'db.example.com', port: 5433, database: 'app db', user: 'al:ice', password: 'p@ss/w:rd',
    sslmode: 'verify-full', sslrootcert: '/etc/ssl/ca one.pem', sslpassword: 'keypw', connect_timeout: 5,
  };
  it('formats a URI without secrets by default and round-trips with them', () => {
    const uri = formatConnectionUri(profile);
    expect(uri).toBe('postgresql://al%3Aice@db.example.com:5433/app%20db?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Fca%20one.pem&connect_timeout=5');
    expect(uri).not.toContain('p%40ss');
    expect(uri).not.toContain('keypw');
    expect(parseConnectionString(formatConnectionUri(profile, { includePassword: true }))).toEqual(profile);
  });
  it('puts socket directories and IPv6 hosts where libpq reads them', () => {
    expect(formatConnectionUri({ host: '/var/run/postgresql', database: 'a' })).toBe('postgresql:///a?host=%2Fvar%2Frun%2Fpostgresql');
    expect(formatConnectionUri({ host: '::1', port: 5432 })).toBe('postgresql://[::1]:5432');
    for (const p of [{ host: '/var/run/postgresql', database: 'a' }, { host: '::1', port: 5432 }] as ConnectionProfile[]) {
      expect(parseConnectionString(formatConnectionUri(p))).toEqual(p);
    }
  });
  it('formats key=value with quoting and round-trips', () => {
    const text = formatKeyValue(profile);
    expect(text).toBe("host=db.example.com port=5433 dbname='app db' user=al:ice sslmode=verify-full sslrootcert='/etc/ssl/ca one.pem' connect_timeout=5");
    expect(parseConnectionString(formatKeyValue(profile, { includePassword: true }))).toEqual(profile);
    const odd: ConnectionProfile = { password: "it's \\ odd", application_name: ' ' };
    expect(parseConnectionString(formatKeyValue(odd, { includePassword: true }))).toEqual(odd);
  });
});

describe('security regressions', () => {
  it('a value cannot smuggle in another parameter through key=value quoting', () => {
    const evil: ConnectionProfile = { database: "app' sslmode='disable", user: 'u sslmode=disable', application_name: "x\\' host=evil" };
    const text = formatKeyValue(evil);
    expect(parseConnectionString(text)).toEqual(evil);
    expect(parseConnectionString(text).sslmode).toBeUndefined();
    expect(parseConnectionString(text).host).toBeUndefined();
  });
  it('a value cannot smuggle in another parameter through the URI', () => {
    const evil: ConnectionProfile = { host: 'db', database: 'app?sslmode=disable', user: 'a@b/c', application_name: 'x&sslmode=disable' };
    const uri = formatConnectionUri(evil);
    expect(parseConnectionString(uri)).toEqual(evil);
  });
  it('error messages never echo a password', () => {
    const attempts = ['postgresql://u:s3cr%ZZet@h/d', 'password=s3cret', 'postgresql://h/d?password=s3cr%ZZet', "host=h password='s3cret"];
    for (const text of attempts) {
      let message = '';
      try {
        parseConnectionString(text);
      } catch (error) {
        message = error instanceof TenantryError ? `${error.userMessage} ${error.detail ?? ''}` : String(error);
      }
      if (text === 'password=s3cret') {
        expect(message).toBe('');
        continue;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain('s3cr');
    }
    let notAString = '';
    try {
      parseConnectionString('secret-token-without-equals');
    } catch (error) {
      notAString = (error as TenantryError).userMessage;
    }
    expect(notAString).toMatch(/neither a postgresql:\/\/ URI nor key=value/);
    expect(notAString).not.toContain('secret-token');
  });
});
