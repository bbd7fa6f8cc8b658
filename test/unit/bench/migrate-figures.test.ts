import { describe, expect, it } from 'vitest';
import { migrateFigures, type MigrateSizeResult } from '../../../bench/migrate.js';

/** A run at 1,000 × 20 in which the machine slowed down between windows (session 12's figures, rounded). */
function result(over: Partial<MigrateSizeResult> = {}): MigrateSizeResult {
  return {
    tenants: 1000,
    tables: 20,
    psqlLoopMs: 58_900,
    psqlSample: 100,
    warmSequentialMs: 14_400,
    floor: [{ k: 4, ms: 5728 }],
    bestK: 4,
    floorMs: 8392,
    tenantryMs: 7457,
    tenantryRunMs: 7311,
    noopMs: 55,
    searchPath: 'not set',
    rounds: 5,
    floorRoundsMs: [7302, 8392, 9416, 9292, 6400],
    tenantryRunRoundsMs: [7311, 7161, 6324, 8558, 10_100],
    // Medians taken apart: the floor's from its slow windows, Tenantry's from its fast ones.
    floorCpu: { clientMs: 225, serverMs: 14_275 },
    floorSearchPathMs: 9743,
    floorSearchPathCpu: { clientMs: 225, serverMs: 14_800 },
    tenantryCpu: { clientMs: 389, serverMs: 13_400 },
    tenantryRunCpu: { clientMs: 353, serverMs: 13_447 },
    pairedRunRatios: [1.09, 1.04, 0.86, 0.95, 1.23],
    pairedWholeRatios: [1.1, 1.05, 0.86, 0.95, 1.23],
    cheapOverheadMs: [337, 325, 216, 305, 188],
    cheapOverheadCpu: { clientMs: 64.9, serverMs: 200 },
    ...over,
  };
}

describe('migrateFigures (the rollout bench\'s judged figures)', () => {
  it('judges vs floor on the median of the rounds\' pairs, not on medians taken apart', () => {
    const f = migrateFigures(result());
    expect(f.vsFloorPaired).toBe(1.05);
    expect(f.vsFloorCpu).toBeCloseTo(13_789 / 14_500, 3);
    expect(migrateFigures(result({ pairedWholeRatios: [1.3, 1.2, 1.16, 0.9, 1.0] })).vsFloorPaired).toBe(1.16);
  });

  it('takes the bookkeeping from the one-statement migration, over Tenantry\'s typical run', () => {
    const f = migrateFigures(result());
    expect(f.bookkeepingCheap).toBeCloseTo(305 / 13_800, 6);
    expect(f.bookkeepingPaired).toBeCloseTo(1 - 1 / 1.04, 6);
    // A round whose pair the machine's noise flipped does not move the judged figure.
    expect(migrateFigures(result({ pairedRunRatios: [1.09, 1.04, 0.86, 0.95, 1.6] })).bookkeepingCheap).toBe(f.bookkeepingCheap);
  });
});
