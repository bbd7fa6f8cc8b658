/**
 * TENANTRY_PG_BIN / --pg-bin pointing at nothing: the error names the setting
 * and what is wrong with the folder, instead of "No usable pg_dump was found"
 * while /usr/bin/pg_dump sits on PATH.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveClientBinary } from '../../electron/services/binaries/find-client-binaries.js';
import { TenantryError } from '../../core/errors.js';

const server = { major: 15, text: '15.18' };
const empty = mkdtempSync(join(tmpdir(), 'tenantry-empty-bin-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

async function failure(promise: Promise<unknown>): Promise<TenantryError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TenantryError);
    return error as TenantryError;
  }
  throw new Error('expected a failure');
}

describe('an explicit binary folder without the tool', () => {
  it('TENANTRY_PG_BIN naming a folder that does not exist', async () => {
    const error = await failure(resolveClientBinary('pg_dump', server, { env: { PATH: process.env.PATH ?? '', TENANTRY_PG_BIN: '/nonexistent/bin' } }));
    expect(error.code).toBe('PG_DUMP_NOT_FOUND');
    expect(error.userMessage).toContain('TENANTRY_PG_BIN names where to find pg_dump, but /nonexistent/bin does not exist.');
    expect(error.userMessage).toContain('Unset TENANTRY_PG_BIN');
  });

  it('--pg-bin naming an empty folder, for psql', async () => {
    const error = await failure(resolveClientBinary('psql', server, { pgBin: [empty], env: { PATH: process.env.PATH ?? '' } }));
    expect(error.code).toBe('PSQL_NOT_FOUND');
    expect(error.userMessage).toContain(`--pg-bin names where to find psql, but ${empty} has no executable psql.`);
    expect(error.userMessage).toContain('PostgreSQL 15 or newer');
  });

  it('a good folder still works', async () => {
    const found = await resolveClientBinary('pg_dump', server, { pgBin: ['/usr/lib/postgresql/15/bin'], env: { PATH: '' } });
    expect(found.path).toBe('/usr/lib/postgresql/15/bin/pg_dump');
  });
});
