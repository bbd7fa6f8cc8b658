import { describe, expect, it } from 'vitest';
import { filterGroup, filterSchemas } from '../../../renderer/src/lib/filter-schemas.js';

const list = ['acme', 'Billing', 'tmpl', 'ten_0001', 'ten_0002'].map((name) => ({ name }));
const names = (xs: { name: string }[]) => xs.map((x) => x.name);

describe('filterSchemas', () => {
  it.each([
    ['', undefined, ['acme', 'Billing', 'tmpl', 'ten_0001', 'ten_0002']],
    ['', 'tmpl', ['tmpl', 'acme', 'Billing', 'ten_0001', 'ten_0002']],
    ['ten_', 'tmpl', ['tmpl', 'ten_0001', 'ten_0002']],
    ['  BILL ', undefined, ['Billing']],
    ['zzz', 'acme', ['acme']],
    ['zzz', 'gone', []],
  ])('filter %j with template %j', (query, template, expected) => {
    expect(names(filterSchemas(list, query, template))).toEqual(expected);
  });
});

describe('filterSchemas with tenants grouped under their template', () => {
  const candidates = ['billing', 'tmpl', 'other'].map((name) => ({ name }));
  const tenantsOf = new Map([['tmpl', ['acme', 'globex'].map((name) => ({ name }))]]);

  it.each([
    ['', undefined, ['billing', 'tmpl', 'other']],
    ['glob', undefined, ['tmpl']],
    ['GLOB', 'other', ['other', 'tmpl']],
    ['bill', undefined, ['billing']],
    ['zzz', undefined, []],
  ])('filter %j with template %j keeps a template whose tenants match', (query, template, expected) => {
    expect(names(filterSchemas(candidates, query, template, tenantsOf))).toEqual(expected);
  });

  it('filterGroup gives the tenants that match, all of them without a filter', () => {
    const tenants = tenantsOf.get('tmpl')!;
    expect(names([...filterGroup(tenants, ' Acm ')])).toEqual(['acme']);
    expect(filterGroup(tenants, '')).toBe(tenants);
    expect(filterGroup(tenants, 'zzz')).toEqual([]);
  });
});
