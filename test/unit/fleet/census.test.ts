import { describe, expect, it } from 'vitest';
import { combineFingerprint, describeCensus, groupCohorts, isFleetCurrent, type KindHashes } from '../../../core/fleet/census.js';

const T: KindHashes = { table: 't1', column: 'c1', function: 'f1' };
const V1: KindHashes = { table: 't1', column: 'c0', function: 'f1' };

function census(tenants: Record<string, KindHashes>, snapshots: Record<string, string> = {}) {
  return groupCohorts({ template: 'tmpl', templateHashes: T, tenants: new Map(Object.entries(tenants)), snapshotOf: new Map(Object.entries(snapshots)) });
}

describe('groupCohorts', () => {
  it('groups equal fingerprints, names the template cohort, largest first', () => {
    const cohorts = census({ a: T, b: { ...T }, c: { ...T, column: 'cX' } });
    expect(cohorts.map((c) => [c.members, c.status, c.name, c.differingKinds])).toEqual([
      [['a', 'b'], 'template', 'equal to the template', []],
      [['c'], 'drifted', 'drifted', ['column']],
    ]);
  });

  it("names a snapshot's own shape by the majority of its tenants, and the rest drifted from it", () => {
    const cohorts = census({ a: V1, b: V1, c: { ...V1, function: 'fX' }, d: T }, { a: 'v1', b: 'v1', c: 'v1', d: 'v2' });
    expect(cohorts.map((c) => [c.members.join(','), c.status, c.name])).toEqual([
      ['a,b', 'snapshot', 'equal to snapshot v1'],
      ['c', 'drifted', 'drifted from snapshot v1'],
      ['d', 'template', 'equal to the template'],
    ]);
    expect(describeCensus(cohorts)).toBe('2 equal to snapshot v1, 1 drifted from snapshot v1, 1 equal to the template');
    expect(isFleetCurrent(cohorts)).toBe(false);
    expect(isFleetCurrent(cohorts.filter((c) => c.status !== 'drifted'), ['v1'])).toBe(true);
    expect(isFleetCurrent(cohorts.filter((c) => c.status !== 'drifted'), ['v2'])).toBe(false);
  });

  it('a kind missing on one side differs from one present; fingerprints depend on the kinds compared', () => {
    expect(combineFingerprint({ table: 'x' })).not.toBe(combineFingerprint({ table: 'x', index: '' + 'y' }));
    expect(combineFingerprint({ table: 'x', privileges: 'p' }, ['table'])).toBe(combineFingerprint({ table: 'x', privileges: 'q' }, ['table']));
    expect(census({}).length).toBe(0);
    expect(describeCensus([])).toBe('no tenants');
  });
});
