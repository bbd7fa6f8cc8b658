import { describe, expect, it } from 'vitest';
import { orderTenants, parseTenantOrder, type TenantOrderFacts } from '../../../core/migrate/order-tenants.js';

const day = (d: number) => new Date(Date.UTC(2026, 0, d));
const facts: TenantOrderFacts[] = [
  { tenant: 'b', createdAt: day(3), sizeBytes: 300 },
  { tenant: 'a', createdAt: day(5), sizeBytes: 100 },
  { tenant: 'C', createdAt: day(1), sizeBytes: 100 },
  { tenant: 'unregistered' },
];

describe('parseTenantOrder', () => {
  it.each([
    ['name', { key: 'name', descending: false }],
    ['created', { key: 'created', descending: false }],
    ['size:desc', { key: 'size', descending: true }],
    [' Created:ASC ', { key: 'created', descending: false }],
    ['size:down', undefined],
    ['tenant', undefined],
    ['', undefined],
  ])('%j', (text, expected) => {
    expect(parseTenantOrder(text)).toEqual(expected);
  });
});

describe('orderTenants', () => {
  it.each([
    ['name', ['C', 'a', 'b', 'unregistered']],
    ['name:desc', ['unregistered', 'b', 'a', 'C']],
    ['created', ['C', 'b', 'a', 'unregistered']],
    ['created:desc', ['a', 'b', 'C', 'unregistered']],
    // Equal sizes by name (code points: C before a); a tenant without the fact last either way.
    ['size', ['C', 'a', 'b', 'unregistered']],
    ['size:desc', ['b', 'C', 'a', 'unregistered']],
  ])('%s', (text, expected) => {
    const order = parseTenantOrder(text);
    expect(order).toBeDefined();
    expect(orderTenants(facts, order!)).toEqual(expected);
  });

  it('leaves its input alone', () => {
    const copy = facts.map((f) => f.tenant);
    orderTenants(facts, { key: 'size', descending: true });
    expect(facts.map((f) => f.tenant)).toEqual(copy);
  });
});
