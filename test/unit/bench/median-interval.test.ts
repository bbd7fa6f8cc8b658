import { describe, expect, it } from 'vitest';
import { medianInterval } from '../../../bench/stats.js';

describe('medianInterval (the benchmarks\' confidence interval of a median)', () => {
  it('gives the order statistics of the binomial table: ranks 6 and 15 of 20, 1 and 6 of 6, none for 5', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => 20 - i);
    // P(B <= 5) = 0.0207 <= 0.025 < P(B <= 6) = 0.0577 for B ~ Bin(20, 1/2).
    expect(medianInterval(twenty)).toEqual([6, 15]);
    expect(medianInterval([3, 1, 2, 6, 5, 4])).toEqual([1, 6]);
    expect(medianInterval([1, 2, 3, 4, 5])).toBeUndefined();
  });

  it('narrows as values accumulate, and always holds the median', () => {
    const noisy = (n: number) => Array.from({ length: n }, (_, i) => 1 + Math.sin(i * 12.9898) * 0.1);
    const widths = [10, 40, 160].map((n) => {
      const [low, high] = medianInterval(noisy(n))!;
      const sorted = noisy(n).sort((a, b) => a - b);
      const mid = sorted[n >> 1]!;
      expect(low).toBeLessThanOrEqual(mid);
      expect(high).toBeGreaterThanOrEqual(mid);
      return high - low;
    });
    expect(widths[1]!).toBeLessThan(widths[0]!);
    expect(widths[2]!).toBeLessThan(widths[1]!);
  });
});
