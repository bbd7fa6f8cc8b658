import { statfsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chooseBenchDataDir } from '../../../bench/data-dir.js';

const shmIsTmpfs = (() => {
  try {
    return statfsSync('/dev/shm').type === 0x01021994;
  } catch {
    return false;
  }
})();

describe('chooseBenchDataDir (where a benchmark cluster lives)', () => {
  it('keeps the cluster on the disk when BENCH_TMPFS=0 or the tmpfs lacks room, and says why', () => {
    expect(chooseBenchDataDir({ BENCH_TMPFS: '0' }, 1)).toEqual({ description: 'cluster data on the disk (BENCH_TMPFS=0)' });
    const huge = chooseBenchDataDir({}, 1e9);
    expect(huge.parentDir).toBeUndefined();
    expect(huge.description).toMatch(/^cluster data on the disk \(/);
  });

  it.runIf(shmIsTmpfs)('puts it in /dev/shm when that is a tmpfs with room', () => {
    const chosen = chooseBenchDataDir({}, 0.001);
    expect(chosen.parentDir).toBe('/dev/shm');
    expect(chosen.description).toContain('tmpfs');
  });
});
