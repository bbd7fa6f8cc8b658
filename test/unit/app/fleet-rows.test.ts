/** The Tenants view's filter, sort and CSV over column data (renderer/src/lib/fleet-rows.ts). */
import { describe, expect, it } from 'vitest';
import type { FleetCohortInfo, FleetTenantColumns } from '../../../core/api/contract.js';
import { csvField, filterTenantRows, sortTenantRows, statusOf, tenantsCsv } from '../../../renderer/src/lib/fleet-rows.js';

const T0 = Date.UTC(2026, 11, 6, 10, 0);
const columns: FleetTenantColumns = {
  tenant: ['acme', 'beta', 'Gamma', 'delta', '=cmd'],
  cohort: [0, 1, 0, -1, 0],
  snapshot: ['v1', 'v1', null, 'v2', 'v1'],
  how: ['built', 'claimed', 'adopted', 'built', 'built'],
  createdAt: [T0 + 3, T0 + 1, T0 + 2, T0 + 5, T0 + 4],
  verifiedAt: [T0, null, T0 + 9, null, null],
  verifyResult: ['equal', null, 'different', null, null],
};
const cohorts: FleetCohortInfo[] = [
  { id: 'aaaaaaaaaaaa', name: 'equal to the template', status: 'template', differingKinds: [], size: 3, representative: '=cmd' },
  { id: 'bbbbbbbbbbbb', name: 'drifted from snapshot v1', status: 'drifted', snapshot: 'v1', differingKinds: ['column'], size: 1, representative: 'beta' },
];

describe('filterTenantRows', () => {
  it.each([
    [{ query: '', status: 'all' as const }, [0, 1, 2, 3, 4]],
    [{ query: 'A', status: 'all' as const }, [0, 1, 2, 3]],
    [{ query: '  gam ', status: 'all' as const }, [2]],
    [{ query: '', status: 'all' as const, cohort: 0 }, [0, 2, 4]],
    [{ query: 'a', status: 'all' as const, cohort: 0 }, [0, 2]],
    [{ query: '', status: 'missing' as const }, [3]],
    [{ query: '', status: 'unverified' as const }, [1, 4]],
    [{ query: '', status: 'different' as const }, [2]],
    [{ query: '', status: 'equal' as const }, [0]],
  ])('%o → rows %o', (filter, expected) => {
    expect(filterTenantRows(columns, filter)).toEqual(expected);
  });

  it('a missing schema is "missing" whatever its last verify said', () => {
    expect(statusOf({ ...columns, verifyResult: ['equal', null, null, 'equal', null] }, 3)).toBe('missing');
  });
});

describe('sortTenantRows', () => {
  const all = [0, 1, 2, 3, 4];
  it.each([
    ['tenant', false, [4, 2, 0, 1, 3]],
    ['tenant', true, [3, 1, 0, 2, 4]],
    ['createdAt', false, [1, 2, 0, 4, 3]],
    // Never verified sorts first ascending; ties by name.
    ['verifiedAt', false, [4, 1, 3, 0, 2]],
    // Cohort by index, the missing schema last; ties by name.
    ['cohort', false, [4, 2, 0, 1, 3]],
    ['how', false, [2, 4, 0, 3, 1]],
  ] as const)('by %s (descending %s)', (key, descending, expected) => {
    expect(sortTenantRows(columns, all, key, descending)).toEqual(expected);
  });

  // The sorts come from orders computed once per columns object; they must equal a plain comparator sort, for
  // names given out of order, nulls, equal keys, and any subset of the rows.
  it.each(['tenant', 'cohort', 'snapshot', 'how', 'createdAt', 'verifiedAt'] as const)('by %s equals a comparator sort, both ways, on any subset', (key) => {
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const n = 2000;
    const big: FleetTenantColumns = {
      tenant: Array.from({ length: n }, (_, i) => `t${random(100_000)}_${i}`),
      cohort: Array.from({ length: n }, () => random(4) - 1),
      snapshot: Array.from({ length: n }, () => [null, 'v1', 'v2', 'V0'][random(4)] ?? null),
      how: Array.from({ length: n }, () => (['built', 'claimed', 'adopted'] as const)[random(3)] ?? 'built'),
      createdAt: Array.from({ length: n }, () => T0 + random(50)),
      verifiedAt: Array.from({ length: n }, () => (random(3) === 0 ? null : T0 + random(50))),
      verifyResult: Array.from({ length: n }, () => null),
    };
    const text = (a: string | null | undefined, b: string | null | undefined) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);
    const num = (a: number | null | undefined, b: number | null | undefined) => (a ?? -Infinity) - (b ?? -Infinity) || 0;
    const cohortKey = (i: number) => ((big.cohort[i] ?? -1) === -1 ? 1e9 : (big.cohort[i] ?? 0));
    const primary = {
      tenant: (a: number, b: number) => text(big.tenant[a], big.tenant[b]),
      cohort: (a: number, b: number) => cohortKey(a) - cohortKey(b),
      snapshot: (a: number, b: number) => text(big.snapshot[a], big.snapshot[b]),
      how: (a: number, b: number) => text(big.how[a], big.how[b]),
      createdAt: (a: number, b: number) => num(big.createdAt[a], big.createdAt[b]),
      verifiedAt: (a: number, b: number) => num(big.verifiedAt[a], big.verifiedAt[b]),
    }[key];
    const subsets = [Array.from({ length: n }, (_, i) => i), Array.from({ length: n }, (_, i) => n - 1 - i).filter((i) => i % 3 === 0), [5, 1999, 0], []];
    for (const descending of [false, true]) {
      for (const rows of subsets) {
        const expected = [...rows].sort((a, b) => (descending ? -1 : 1) * primary(a, b) || text(big.tenant[a], big.tenant[b]));
        expect(sortTenantRows(big, rows, key, descending)).toEqual(expected);
      }
    }
  });

  it('does not change its input', () => {
    const rows = [3, 2, 1];
    sortTenantRows(columns, rows, 'tenant', false);
    expect(rows).toEqual([3, 2, 1]);
  });
});

describe('CSV', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    // Formula injection: a spreadsheet would run these.
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['=a,b', `"'=a,b"`],
  ])('field %j → %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('writes a header and one line per row with CRLF, the missing schema named', () => {
    const csv = tenantsCsv(columns, cohorts, [0, 3, 4]);
    expect(csv.split('\r\n')).toEqual([
      'tenant,cohort,cohort_name,snapshot,how,created_at,verified_at,verify_result,status',
      'acme,aaaaaaaaaaaa,equal to the template,v1,built,2026-12-06T10:00:00.003Z,2026-12-06T10:00:00.000Z,equal,equal',
      'delta,,schema missing,v2,built,2026-12-06T10:00:00.005Z,,,missing',
      "'=cmd,aaaaaaaaaaaa,equal to the template,v1,built,2026-12-06T10:00:00.004Z,,,unverified",
      '',
    ]);
  });
});
