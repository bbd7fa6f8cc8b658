/** Warm pool spares copy the template (and may look bigger): the Schemas view must never propose one. */
import { describe, expect, it } from 'vitest';
import type { SchemaSummary } from '../../../core/api/contract.js';
import { pickDefaultTemplate } from '../../../renderer/src/lib/pick-template.js';

const s = (name: string, tables: number, functions: number): SchemaSummary => ({
  name, owner: 'postgres', tables, views: 0, functions, sequences: 0, sizeBytes: 0, system: false, extensionOwned: false,
});

describe('pickDefaultTemplate with a warm pool', () => {
  it('skips a spare that has more objects than the template', () => {
    expect(pickDefaultTemplate([s('_tenantry_spare_0123abcd_1', 7, 30), s('app', 6, 29), s('_tenantry', 3, 0)])).toBe('app');
  });

  it('skips a reserved name that looks like a template', () => {
    expect(pickDefaultTemplate([s('_tenantry_template', 9, 9), s('billing', 2, 0)])).toBe('billing');
  });

  it('proposes nothing when only pool schemas exist', () => {
    expect(pickDefaultTemplate([s('_tenantry', 2, 0), s('_tenantry_spare_0123abcd_2', 6, 1)])).toBeUndefined();
  });
});
