/**
 * The order a rollout takes its tenants in (`tenantry migrate --order`): by a
 * column of the register (name, created) or by size, so that the canary and
 * the first tenants are the ones chosen (the newest, the smallest …).
 */

export const TENANT_ORDERS = ['name', 'created', 'size'] as const;
export type TenantOrderKey = (typeof TENANT_ORDERS)[number];

export interface TenantOrder {
  key: TenantOrderKey;
  descending: boolean;
}

/** What ordering needs of one tenant; a tenant without the fact ordered by goes last. */
export interface TenantOrderFacts {
  tenant: string;
  createdAt?: Date;
  /** Bytes of its relations (tables, indexes, TOAST). */
  sizeBytes?: number;
}

/** Parses `name`, `created`, `size`, each optionally `:asc` or `:desc`; undefined when it is none of them. */
export function parseTenantOrder(text: string): TenantOrder | undefined {
  const m = /^(name|created|size)(?::(asc|desc))?$/.exec(text.trim().toLowerCase());
  if (m === null) return undefined;
  return { key: m[1] as TenantOrderKey, descending: m[2] === 'desc' };
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The tenants in `order` (ties, and tenants without the fact, by name; the latter after the others). */
export function orderTenants(facts: readonly TenantOrderFacts[], order: TenantOrder): string[] {
  const valueOf = (f: TenantOrderFacts): number | undefined => (order.key === 'created' ? f.createdAt?.getTime() : order.key === 'size' ? f.sizeBytes : undefined);
  const sign = order.descending ? -1 : 1;
  return [...facts]
    .sort((a, b) => {
      if (order.key === 'name') return sign * byName(a.tenant, b.tenant);
      const va = valueOf(a);
      const vb = valueOf(b);
      if (va === undefined || vb === undefined) return va === vb ? byName(a.tenant, b.tenant) : va === undefined ? 1 : -1;
      return sign * (va - vb) || byName(a.tenant, b.tenant);
    })
    .map((f) => f.tenant);
}
