import { describe, expect, it } from 'vitest';
import { planRebalanceBySize } from '../../../core/citus/rebalance-plan.js';

describe('planRebalanceBySize', () => {
  it('moves the largest tenant that narrows the gap, from the fullest node to the emptiest', () => {
    const plan = planRebalanceBySize(
      [
        { tenant: 'a', node: 'w1:1', bytes: 100 },
        { tenant: 'b', node: 'w1:1', bytes: 60 },
        { tenant: 'c', node: 'w1:1', bytes: 30 },
        { tenant: 'd', node: 'w2:2', bytes: 10 },
        { tenant: 'empty' , bytes: 0 },
      ],
      ['w1:1', 'w2:2'],
    );
    expect(plan.before).toEqual({ 'w1:1': 190, 'w2:2': 10 });
    expect(plan.moves[0]).toEqual({ tenant: 'a', from: 'w1:1', to: 'w2:2', bytes: 100 });
    expect(plan.after['w1:1']! + plan.after['w2:2']!).toBe(200);
    expect(Math.abs(plan.after['w1:1']! - plan.after['w2:2']!)).toBeLessThan(180);
  });

  it('proposes nothing when balanced, or when the only move would not narrow the gap', () => {
    expect(planRebalanceBySize([{ tenant: 'a', node: 'x', bytes: 5 }, { tenant: 'b', node: 'y', bytes: 5 }], ['x', 'y']).moves).toEqual([]);
    expect(planRebalanceBySize([{ tenant: 'a', node: 'x', bytes: 50 }], ['x', 'y']).moves).toEqual([]);
  });

  it('fills a node that holds nothing yet', () => {
    const plan = planRebalanceBySize([{ tenant: 'a', node: 'x', bytes: 10 }, { tenant: 'b', node: 'x', bytes: 10 }], ['x', 'y', 'z']);
    expect(plan.moves).toEqual([{ tenant: 'a', from: 'x', to: 'y', bytes: 10 }]);
  });
});
