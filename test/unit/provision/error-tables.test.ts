/**
 * The services' PostgreSQL error tables: a server error (as node-postgres
 * hands it over: code, message, position, detail, hint, where) becomes the
 * TenantryError each service promises, with the evidence in one format.
 */
import { describe, expect, it } from 'vitest';
import { toConnectionError } from '../../../electron/services/connection/connection-errors.js';
import { formatPgError, sqlstateOf } from '../../../electron/services/errors/pg-error.js';
import { POOL_EMPTY_MARKER, toClaimError } from '../../../electron/services/pool/pool-errors.js';
import { toProvisionError } from '../../../electron/services/provision/provision-errors.js';

const pgError = (fields: Record<string, string>): Error => Object.assign(new Error(fields.message ?? ''), fields);

describe('formatPgError', () => {
  it('writes the SQLSTATE and message, then the place, detail, hint and context, one per line', () => {
    const error = pgError({ code: '23505', message: 'duplicate key value violates unique constraint "t_pkey"', detail: 'Key (id)=(1) already exists.', hint: 'Use another id.', where: 'SQL statement "INSERT …"' });
    expect(formatPgError(error, 'at line 2, column 1')).toBe(
      '23505: duplicate key value violates unique constraint "t_pkey"\nat line 2, column 1\ndetail: Key (id)=(1) already exists.\nhint: Use another id.\nwhere: SQL statement "INSERT …"',
    );
  });

  it('gives a Node error its message only: ECONNREFUSED is no SQLSTATE', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(sqlstateOf(error)).toBeUndefined();
    expect(formatPgError(error)).toBe('connect ECONNREFUSED 127.0.0.1:1');
    expect(formatPgError('plain text')).toBe('plain text');
  });
});

describe('connection errors', () => {
  const profile = { host: 'db.example', port: 5433, user: 'app_ro', database: 'app' };
  it.each([
    ['28P01', 'PG_AUTH_FAILED', 'Authentication failed for app_ro@db.example:5433/app'],
    ['28000', 'PG_AUTH_FAILED', 'Authentication failed for app_ro@db.example:5433/app'],
    ['3D000', 'PG_CONNECTION_FAILED', 'has no database "app"'],
    ['42501', 'PG_CONNECTION_FAILED', 'GRANT CONNECT ON DATABASE app TO app_ro;'],
    ['08006', 'PG_CONNECTION_FAILED', 'Could not connect to app_ro@db.example:5433/app'],
  ])('%s becomes %s', (code, expected, sentence) => {
    const error = toConnectionError(pgError({ code, message: 'server said no' }), profile);
    expect(error.code).toBe(expected);
    expect(error.userMessage).toContain(sentence);
    expect(error.detail).toBe(`${code}: server said no`);
  });
});

describe('claim errors', () => {
  const failure = { tenant: 'acme', checksum: 'abcdef0123456789' };
  it('says the tenant exists for duplicate_schema', () => {
    expect(toClaimError(pgError({ code: '42P06', message: 'schema "acme" already exists' }), failure)).toMatchObject({ code: 'TENANT_EXISTS', detail: '42P06: schema "acme" already exists' });
  });
  it('says the pool is empty only for its own marker', () => {
    expect(toClaimError(pgError({ code: 'P0002', message: POOL_EMPTY_MARKER }), failure)).toMatchObject({ code: 'POOL_EMPTY', detail: 'snapshot abcdef012345' });
    expect(toClaimError(pgError({ code: 'P0002', message: 'query returned no rows' }), failure).code).toBe('PROVISION_FAILED');
  });
});

describe('provision errors', () => {
  it('places the failing statement and names the GRANT for a privilege error', () => {
    const sql = 'CREATE SCHEMA acme;\nCREATE TABLE acme.t (id int);';
    const error = toProvisionError(pgError({ code: '42501', message: 'permission denied for database app', position: '21' }), 'acme', sql, { role: 'app_rw', database: 'app' });
    expect(error.code).toBe('PROVISION_FAILED');
    expect(error.userMessage).toContain('GRANT CREATE ON DATABASE app TO app_rw;');
    expect(error.detail).toBe('42501: permission denied for database app\nat line 2, column 1 of the rendered SQL: CREATE TABLE acme.t (id int);');
  });
  it('gives no hint for a SQLSTATE outside the table', () => {
    const error = toProvisionError(pgError({ code: '22012', message: 'division by zero' }), 'acme', '');
    expect(error.userMessage).toBe('Creating tenant "acme" failed and was rolled back; nothing was created.');
  });
});
