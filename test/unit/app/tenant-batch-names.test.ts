/**
 * The Provision view's batch box flags names that cannot be tenant schemas
 * before anything runs (one bad name used to stop the whole batch with
 * "Provisioning stopped" even with "Carry on after a failure" ticked).
 */
import { describe, expect, it } from 'vitest';
import { findInvalidTenantNames, parseTenantNames } from '../../../renderer/src/lib/tenant-names.js';

describe('findInvalidTenantNames', () => {
  it('flags reserved, over-long and pool-reserved names with the reason, and keeps good ones out', () => {
    const names = parseTenantNames(['acme', 'pg_bad', 'a'.repeat(64), '_tenantry_spare_abc_1', 'x"; drop schema public cascade; --', 'Ünïcode'].join('\n'));
    const invalid = findInvalidTenantNames(names);
    expect(invalid.map((i) => i.name)).toEqual(['pg_bad', 'a'.repeat(64), '_tenantry_spare_abc_1']);
    expect(invalid[0]?.message).toContain('reserved for PostgreSQL system schemas');
    expect(invalid[1]?.message).toContain('64 bytes');
    expect(invalid[2]?.message).toContain('warm pool');
  });

  it('returns nothing for a clean batch', () => {
    expect(findInvalidTenantNames(['acme', 'Acme Corp', "o'neil", 'tenant_日本'])).toEqual([]);
  });
});
