import { describe, expect, it } from 'vitest';
import { filterSchemas } from '../../../renderer/src/lib/filter-schemas.js';

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
