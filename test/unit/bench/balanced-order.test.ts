import { describe, expect, it } from 'vitest';
import { balancedOrder } from '../../../bench/published.js';

/** How often each method follows each other one within the rounds 0 … rounds - 1. */
function follows(n: number, rounds: number): Map<string, number> {
  const items = Array.from({ length: n }, (_, i) => i);
  const counts = new Map<string, number>();
  for (let r = 0; r < rounds; r++) {
    const order = balancedOrder(items, r);
    expect([...order].sort((a, b) => a - b)).toEqual(items);
    for (let k = 1; k < n; k++) counts.set(`${order[k - 1]}>${order[k]}`, (counts.get(`${order[k - 1]}>${order[k]}`) ?? 0) + 1);
  }
  return counts;
}

describe('balancedOrder (the published bench\'s order of methods)', () => {
  it.each([2, 4, 6])('with %i methods, each follows each other once in %i rounds', (n) => {
    const counts = follows(n, n);
    expect(counts.size).toBe(n * (n - 1));
    expect(new Set(counts.values())).toEqual(new Set([1]));
  });

  it.each([3, 5])('with %i methods, each follows each other twice in twice as many rounds', (n) => {
    const counts = follows(n, 2 * n);
    expect(counts.size).toBe(n * (n - 1));
    expect(new Set(counts.values())).toEqual(new Set([2]));
  });
});
