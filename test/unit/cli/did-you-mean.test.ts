import { describe, expect, it } from 'vitest';
import { findClosestName } from '../../../electron/cli/did-you-mean.js';

const COMMANDS = ['ui', 'diagnose', 'connection', 'schemas', 'dump', 'snapshot', 'template', 'render', 'provision', 'verify', 'drop', 'pool', 'publish'];

describe('findClosestName', () => {
  it.each([
    ['provison', 'provision'],
    ['verfy', 'verify'],
    ['snapshto', 'snapshot'],
    ['Schemas', 'schemas'],
    ['diag', 'diagnose'],
    ['dupm', 'dump'],
    ['publsh', 'publish'],
  ])('%s → %s', (typed, expected) => {
    expect(findClosestName(typed, COMMANDS)).toBe(expected);
  });

  it.each(['frobnicate', 'x', 'migrate-all-things', 'p'])('%s → nothing', (typed) => {
    expect(findClosestName(typed, COMMANDS)).toBeUndefined();
  });

  it('an ambiguous prefix suggests by distance only', () => {
    expect(findClosestName('pro', ['provision', 'probe'])).toBeUndefined();
  });
});
