/**
 * Filtering, sorting and CSV of the Tenants view over the column data of
 * `fleet:tenants` (FleetTenantColumns). Rows are indices into the columns, so
 * 50,000 tenants never become 50,000 objects.
 */
import type { FleetCohortInfo, FleetTenantColumns } from '../../../core/api/contract';

/** Verification states a row can be filtered by. */
export type TenantStatusFilter = 'all' | 'equal' | 'different' | 'failed' | 'unverified' | 'missing';

export interface TenantFilter {
  /** Part of the tenant name (case-insensitive). */
  query: string;
  /** Index into the cohorts, or undefined for every cohort. */
  cohort?: number;
  status: TenantStatusFilter;
}

export type SortKey = 'tenant' | 'cohort' | 'snapshot' | 'how' | 'createdAt' | 'verifiedAt';

/** The indices of the rows that pass `filter`, in column order. */
export function filterTenantRows(columns: FleetTenantColumns, filter: TenantFilter): number[] {
  const query = filter.query.trim().toLowerCase();
  const out: number[] = [];
  const n = columns.tenant.length;
  for (let i = 0; i < n; i++) {
    if (filter.cohort !== undefined && columns.cohort[i] !== filter.cohort) continue;
    if (filter.status !== 'all' && statusOf(columns, i) !== filter.status) continue;
    if (query !== '' && !(columns.tenant[i] ?? '').toLowerCase().includes(query)) continue;
    out.push(i);
  }
  return out;
}

/** A row's state for the status filter: the schema is gone, never verified, or the last verify's result. */
export function statusOf(columns: FleetTenantColumns, i: number): Exclude<TenantStatusFilter, 'all'> {
  if (columns.cohort[i] === -1) return 'missing';
  return columns.verifyResult[i] ?? 'unverified';
}

function compareText(a: string | null | undefined, b: string | null | undefined): number {
  // Code-point order: localeCompare costs ~1 µs a call, too slow for 800,000 comparisons.
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Every row's position in one order, computed once per columns object and sort (a WeakMap drops them with the data):
 * a filter change then costs one pass over that order instead of a fresh sort of 50,000 rows, and the first load, whose
 * rows the register already gives in name order, costs one pass to confirm it.
 */
interface Orders {
  /** rank[i]: row i's place in name order (the tie-breaker of every sort). */
  rank: Int32Array;
  /** `${key}/${descending}` → every row, in that order. */
  byKey: Map<string, Int32Array>;
}
const ordersOf = new WeakMap<FleetTenantColumns, Orders>();

function ordersFor(c: FleetTenantColumns): Orders {
  let orders = ordersOf.get(c);
  if (!orders) {
    const n = c.tenant.length;
    const byName = Int32Array.from({ length: n }, (_, i) => i);
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = compareText(c.tenant[i - 1], c.tenant[i]) <= 0;
    if (!sorted) byName.sort((a, b) => compareText(c.tenant[a], c.tenant[b]));
    const rank = new Int32Array(n);
    byName.forEach((row, place) => (rank[row] = place));
    orders = { rank, byKey: new Map([['tenant/false', byName]]) };
    ordersOf.set(c, orders);
  }
  return orders;
}

/** Text values as numbers that sort like them (code-point order; null as ''). */
function textRanks(values: readonly (string | null)[]): Float64Array {
  const distinct = [...new Set(values.map((v) => v ?? ''))].sort(compareText);
  const rankOf = new Map(distinct.map((v, i) => [v, i]));
  return Float64Array.from(values, (v) => rankOf.get(v ?? '') ?? 0);
}

/** Each row's sort value for `key`, as a number (never verified: -Infinity; schema missing: after every cohort). */
function keyValues(c: FleetTenantColumns, key: Exclude<SortKey, 'tenant'>): Float64Array {
  switch (key) {
    case 'cohort':
      return Float64Array.from(c.cohort, (v) => (v === -1 ? 1e9 : v));
    case 'snapshot':
      return textRanks(c.snapshot);
    case 'how':
      return textRanks(c.how);
    case 'createdAt':
      return Float64Array.from(c.createdAt, (v) => v ?? -Infinity);
    case 'verifiedAt':
      return Float64Array.from(c.verifiedAt, (v) => v ?? -Infinity);
  }
}

/** Every row of `c` sorted by `key`, ties in name order; cached. */
function orderBy(c: FleetTenantColumns, key: SortKey, descending: boolean): Int32Array {
  const { rank, byKey } = ordersFor(c);
  const id = `${key}/${descending}`;
  let order = byKey.get(id);
  if (!order) {
    if (key === 'tenant') order = byKey.get('tenant/false')!.slice().reverse();
    else {
      const k = keyValues(c, key);
      const sign = descending ? -1 : 1;
      // Equal keys subtract to 0 and -Infinity - -Infinity to NaN: both fall through to the name order.
      order = Int32Array.from({ length: rank.length }, (_, i) => i).sort((a, b) => sign * (k[a]! - k[b]!) || rank[a]! - rank[b]!);
    }
    byKey.set(id, order);
  }
  return order;
}

/** `rows` sorted by `key` (a new array); ties keep the tenant name order. */
export function sortTenantRows(columns: FleetTenantColumns, rows: readonly number[], key: SortKey, descending: boolean): number[] {
  const order = orderBy(columns, key, descending);
  // The rows, picked from the whole order: one pass, whatever their number (a row given twice comes out twice).
  const count = new Uint32Array(order.length);
  for (const r of rows) if (r >= 0 && r < count.length) count[r]!++;
  const out: number[] = [];
  for (const r of order) for (let k = count[r]!; k > 0; k--) out.push(r);
  return out;
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a leading =, +, - or @ is prefixed with ' so spreadsheets do not run it. */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const iso = (ms: number | null | undefined): string => (ms === null || ms === undefined ? '' : new Date(ms).toISOString());

/** The rows as CSV with a header line, CRLF line ends (what spreadsheets expect). */
export function tenantsCsv(columns: FleetTenantColumns, cohorts: readonly FleetCohortInfo[], rows: readonly number[]): string {
  const lines = ['tenant,cohort,cohort_name,snapshot,how,created_at,verified_at,verify_result,status'];
  for (const i of rows) {
    const cohort = cohorts[columns.cohort[i] ?? -1];
    lines.push(
      [
        columns.tenant[i] ?? '',
        cohort?.id ?? '',
        cohort?.name ?? 'schema missing',
        columns.snapshot[i] ?? '',
        columns.how[i] ?? '',
        iso(columns.createdAt[i]),
        iso(columns.verifiedAt[i]),
        columns.verifyResult[i] ?? '',
        statusOf(columns, i),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
