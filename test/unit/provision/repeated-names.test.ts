import { describe, expect, it } from 'vitest';
import { describeRepeatedNames, findRepeatedNames } from '../../../core/provision/repeated-names.js';

describe('repeated tenant names of a batch', () => {
  it.each([
    [[], []],
    [['a', 'b', 'c'], []],
    [['a', 'b', 'a'], ['a']],
    [['b', 'a', 'a', 'b', 'b'], ['a', 'b']],
    [['Acme', 'acme'], []],
    [['toString', 'constructor', '__proto__', 'toString'], ['toString']],
  ])('%j repeats %j', (names, repeated) => {
    expect(findRepeatedNames(names)).toEqual(repeated);
  });

  it('finds the repeats of 100,000 names and names only a few in the message', () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `t${i % 50_000}`);
    const repeated = findRepeatedNames(names);
    expect(repeated).toHaveLength(50_000);
    const message = describeRepeatedNames(repeated);
    expect(message).toMatch(/^Tenant names repeated: "t0", "t1", .*"t19" and 49980 more\.$/);
    expect(message.length).toBeLessThan(300);
  });
});
