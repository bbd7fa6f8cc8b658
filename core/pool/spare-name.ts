import { TenantryError } from '../errors.js';

/**
 * Reserved names of the warm pool. Everything Tenantry keeps for itself in an
 * application database starts with `_tenantry`: the bookkeeping schema
 * `_tenantry` and the spare tenants `_tenantry_spare_<checksum8>_<n>`. A tenant
 * name may not start with it, so a spare can never be mistaken for (or renamed
 * over) a real tenant, and listings can hide it by prefix.
 */
export const RESERVED_PREFIX = '_tenantry';

/** Schema holding the pool's bookkeeping table. */
export const POOL_SCHEMA = '_tenantry';

/** Prefix of every spare tenant schema. */
export const SPARE_PREFIX = '_tenantry_spare_';

const SPARE_PATTERN = /^_tenantry_spare_([0-9a-f]{8})_(\d{1,9})$/;

/** Whether a schema name is reserved for Tenantry's own use (pool schema or a spare). */
export function isReservedSchemaName(name: string): boolean {
  return name.startsWith(RESERVED_PREFIX);
}

/** The schema name of spare number `n` built from the snapshot with this checksum. */
export function formatSpareName(checksum: string, n: number): string {
  const prefix = checksum.toLowerCase().slice(0, 8);
  if (!/^[0-9a-f]{8}$/.test(prefix)) {
    throw new TenantryError('SNAPSHOT_INVALID', 'The snapshot checksum is not a hexadecimal SHA-256; re-create the snapshot.', { detail: `checksum: ${checksum}` });
  }
  if (!Number.isInteger(n) || n < 0 || n > 999_999_999) throw new RangeError(`spare number out of range: ${n}`);
  return `${SPARE_PREFIX}${prefix}_${n}`;
}

/** Reads a spare schema name back into its checksum prefix and number; undefined for any other name. */
export function parseSpareName(name: string): { checksumPrefix: string; n: number } | undefined {
  const match = SPARE_PATTERN.exec(name);
  if (!match?.[1] || !match[2]) return undefined;
  return { checksumPrefix: match[1], n: Number(match[2]) };
}
