/** The Tenants view's data from register rows and cohorts (core/fleet/fleet-columns.ts). */
import { describe, expect, it } from 'vitest';
import type { Cohort } from '../../../core/fleet/census.js';
import { countTemplates, toCohortInfo, toTenantColumns } from '../../../core/fleet/fleet-columns.js';
import type { RegisterRow } from '../../../core/fleet/register-sql.js';

const at = new Date('2026-12-06T10:00:00Z');
const row = (tenant: string, template: string, extra: Partial<RegisterRow> = {}): RegisterRow => ({ tenant, template, how: 'built', createdAt: at, createdBy: 'postgres', ...extra });

describe('fleet columns', () => {
  it('counts templates, most tenants first, ties by name', () => {
    expect(countTemplates([row('a', 'tb'), row('b', 'ta'), row('c', 'tc'), row('d', 'tc')])).toEqual([
      { name: 'tc', tenants: 2 },
      { name: 'ta', tenants: 1 },
      { name: 'tb', tenants: 1 },
    ]);
  });

  it('joins rows to cohorts by index, -1 for a tenant in no cohort (schema gone); label before checksum prefix', () => {
    const cohorts: Cohort[] = [
      { id: 'c1', fingerprint: 'c1…', status: 'template', name: 'equal to the template', differingKinds: [], members: ['a', 'c'] },
      { id: 'c2', fingerprint: 'c2…', status: 'drifted', snapshot: 'v1', name: 'drifted from snapshot v1', differingKinds: ['index'], members: ['b'] },
    ];
    const verifiedAt = new Date('2026-12-06T11:00:00Z');
    const columns = toTenantColumns(
      [row('a', 't', { snapshotLabel: 'v1', snapshotChecksum: 'f'.repeat(64) }), row('b', 't', { snapshotChecksum: '0123456789abcdef' + '0'.repeat(48), how: 'claimed', verifiedAt, verifyResult: 'different' }), row('c', 't'), row('gone', 't')],
      cohorts,
    );
    expect(columns).toEqual({
      tenant: ['a', 'b', 'c', 'gone'],
      cohort: [0, 1, 0, -1],
      snapshot: ['v1', '0123456789ab', null, null],
      how: ['built', 'claimed', 'built', 'built'],
      createdAt: [at.getTime(), at.getTime(), at.getTime(), at.getTime()],
      verifiedAt: [null, verifiedAt.getTime(), null, null],
      verifyResult: [null, 'different', null, null],
    });
    expect(toCohortInfo(cohorts)).toEqual([
      { id: 'c1', name: 'equal to the template', status: 'template', differingKinds: [], size: 2, representative: 'a' },
      { id: 'c2', name: 'drifted from snapshot v1', status: 'drifted', snapshot: 'v1', differingKinds: ['index'], size: 1, representative: 'b' },
    ]);
  });
});
