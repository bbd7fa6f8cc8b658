import { describe, expect, it } from 'vitest';
import { validateTenantName } from '../../../core/tenant/tenant-name.js';
import { formatSpareName, isReservedSchemaName, parseSpareName } from '../../../core/pool/spare-name.js';

describe('spare names', () => {
  it('formats and parses spare names from the checksum prefix and a number', () => {
    const name = formatSpareName('ABCDEF0123456789'.repeat(4), 17);
    expect(name).toBe('_tenantry_spare_abcdef01_17');
    expect(parseSpareName(name)).toEqual({ checksumPrefix: 'abcdef01', n: 17 });
    expect(Buffer.byteLength(formatSpareName('f'.repeat(64), 999_999_999))).toBeLessThanOrEqual(63);
  });

  it.each(['acme', '_tenantry_spare_xyz_1', '_tenantry_spare_abcdef01_', 'x_tenantry_spare_abcdef01_1'])('does not parse %s', (name) => {
    expect(parseSpareName(name)).toBeUndefined();
  });

  it('rejects a checksum that is not hexadecimal', () => {
    expect(() => formatSpareName('not-a-checksum', 1)).toThrow(expect.objectContaining({ code: 'SNAPSHOT_INVALID' }));
  });

  it.each([
    ['_tenantry', true],
    ['_tenantry_spare_abcdef01_1', true],
    ['_tenantryx', true],
    ['tenantry', false],
    ['acme_tenantry', false],
  ])('reserves %s: %s', (name, reserved) => {
    expect(isReservedSchemaName(name)).toBe(reserved);
    if (reserved) expect(() => validateTenantName(name)).toThrow(expect.objectContaining({ code: 'INVALID_TENANT_NAME' }));
    else expect(() => validateTenantName(name)).not.toThrow();
  });
});
