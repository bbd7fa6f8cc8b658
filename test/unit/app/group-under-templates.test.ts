import { describe, expect, it } from 'vitest';
import { groupSpares } from '../../../renderer/src/lib/group-spares.js';

const row = (name: string, spareOf?: string) => ({ name, ...(spareOf !== undefined ? { spareOf } : {}) });

describe('groupSpares', () => {
  it('puts each spare under its template and keeps the rest in order', () => {
    const { rest, sparesOf } = groupSpares([row('_tenantry'), row('_tenantry_spare_ab12cd34_2', 'tmpl'), row('acme'), row('tmpl'), row('_tenantry_spare_ab12cd34_1', 'tmpl'), row('other')]);
    expect(rest.map((r) => r.name)).toEqual(['_tenantry', 'acme', 'tmpl', 'other']);
    expect([...sparesOf].map(([t, s]) => [t, s.map((r) => r.name)])).toEqual([['tmpl', ['_tenantry_spare_ab12cd34_2', '_tenantry_spare_ab12cd34_1']]]);
  });

  it('leaves a spare whose template is unknown or not listed where it was', () => {
    const { rest, sparesOf } = groupSpares([row('_tenantry_spare_ab12cd34_1', 'gone'), row('_tenantry_spare_ab12cd34_2'), row('acme')]);
    expect(rest.map((r) => r.name)).toEqual(['_tenantry_spare_ab12cd34_1', '_tenantry_spare_ab12cd34_2', 'acme']);
    expect(sparesOf.size).toBe(0);
  });
});
