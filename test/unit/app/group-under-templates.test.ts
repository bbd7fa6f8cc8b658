import { describe, expect, it } from 'vitest';
import { groupUnderTemplates } from '../../../renderer/src/lib/group-under-templates.js';

const row = (name: string, spareOf?: string) => ({ name, ...(spareOf !== undefined ? { spareOf } : {}) });
const tenant = (name: string, tenantOf: string) => ({ name, tenantOf });
const names = (xs: readonly { name: string }[]) => xs.map((x) => x.name);
const groups = (m: Map<string, { name: string }[]>) => [...m].map(([t, s]) => [t, names(s)]);

describe('groupUnderTemplates: warm-pool spares', () => {
  it('puts each spare under its template and keeps the rest in order', () => {
    const { rest, sparesOf, tenantsOf } = groupUnderTemplates([row('_tenantry'), row('_tenantry_spare_ab12cd34_2', 'tmpl'), row('acme'), row('tmpl'), row('_tenantry_spare_ab12cd34_1', 'tmpl'), row('other')]);
    expect(names(rest)).toEqual(['_tenantry', 'acme', 'tmpl', 'other']);
    expect(groups(sparesOf)).toEqual([['tmpl', ['_tenantry_spare_ab12cd34_2', '_tenantry_spare_ab12cd34_1']]]);
    expect(tenantsOf.size).toBe(0);
  });

  it('leaves a spare whose template is unknown or not listed where it was', () => {
    const { rest, sparesOf } = groupUnderTemplates([row('_tenantry_spare_ab12cd34_1', 'gone'), row('_tenantry_spare_ab12cd34_2'), row('acme')]);
    expect(names(rest)).toEqual(['_tenantry_spare_ab12cd34_1', '_tenantry_spare_ab12cd34_2', 'acme']);
    expect(sparesOf.size).toBe(0);
  });
});

describe('groupUnderTemplates: registered tenants', () => {
  it('puts each registered tenant under its template, apart from the spares, and keeps the candidates', () => {
    const { rest, sparesOf, tenantsOf } = groupUnderTemplates([
      tenant('acme', 'tmpl'),
      row('billing'),
      tenant('globex', 'tmpl'),
      tenant('initech', 'other_tmpl'),
      row('other_tmpl'),
      row('_tenantry_spare_ab12cd34_1', 'tmpl'),
      row('tmpl'),
    ]);
    expect(names(rest)).toEqual(['billing', 'other_tmpl', 'tmpl']);
    expect(groups(tenantsOf)).toEqual([
      ['tmpl', ['acme', 'globex']],
      ['other_tmpl', ['initech']],
    ]);
    expect(groups(sparesOf)).toEqual([['tmpl', ['_tenantry_spare_ab12cd34_1']]]);
  });

  it('keeps a tenant whose template is gone, or that is itself recorded as its own template, among the candidates', () => {
    const { rest, tenantsOf } = groupUnderTemplates([tenant('acme', 'dropped_tmpl'), tenant('self', 'self'), row('tmpl')]);
    expect(names(rest)).toEqual(['acme', 'self', 'tmpl']);
    expect(tenantsOf.size).toBe(0);
  });

  it('groups one level deep: a tenant that is the template of others stays in the list with its own group', () => {
    // v2 was provisioned from v1 and then used as the template of acme: v2 is a template, not hidden in v1's group.
    const { rest, tenantsOf } = groupUnderTemplates([tenant('acme', 'v2'), row('v1'), tenant('v2', 'v1'), tenant('old', 'v1')]);
    expect(names(rest)).toEqual(['v1', 'v2']);
    expect(groups(tenantsOf)).toEqual([
      ['v2', ['acme']],
      ['v1', ['old']],
    ]);
  });
});
