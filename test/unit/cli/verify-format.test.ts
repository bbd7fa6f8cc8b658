/** The verify report reads as English: "578 indexes", not "578 indexs". */
import { describe, expect, it } from 'vitest';
import { formatVerifyResult } from '../../../electron/cli/commands/verify.js';
import { countKind, pluralizeKind } from '../../../core/verify/plural-kind.js';

describe('formatVerifyResult', () => {
  it('pluralizes every catalog kind correctly', () => {
    expect(pluralizeKind('index')).toBe('indexes');
    expect(pluralizeKind('policy')).toBe('policies');
    expect(pluralizeKind('table')).toBe('tables');
    expect(pluralizeKind('materialized view')).toBe('materialized views');
    expect(countKind(1, 'index')).toBe('1 index');
    expect(countKind(0, 'index')).toBe('0 indexes');
  });

  it('counts objects with singular and plural names', () => {
    const text = formatVerifyResult({
      tenant: 'acme',
      template: 'public',
      equal: true,
      isolated: true,
      differences: [],
      notes: [],
      notCompared: [],
      compared: { table: 114, index: 578, enum: 1, policy: 2 },
    });
    expect(text).toContain('114 tables, 578 indexes, 1 enum, 2 policies.');
    expect(text).not.toContain('indexs');
  });
});
