/**
 * The duplicate-name check of a provisioning batch must grow linearly: with
 * `indexOf` per name, 100,000 names blocked the web server for 5.8 s. The
 * ratio of 100,000 names to 10,000 names is about 10 when linear, about 100
 * when quadratic.
 */
import { findRepeatedNames } from '../core/provision/repeated-names.js';
import { formatMs, formatRatio, markdownTable, median } from './stats.js';

export interface BatchNamesResult {
  rounds: number;
  smallMs: number;
  largeMs: number;
  /** largeMs / smallMs for 10x the names: ~10 linear, ~100 quadratic. */
  ratio: number;
}

function timeCheck(count: number, rounds: number): number {
  const names = Array.from({ length: count }, (_, i) => `tenant_${i}`);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    if (findRepeatedNames(names).length !== 0) throw new Error('unexpected repeats');
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Times the check for 10,000 and 100,000 distinct names. */
export function runBatchNamesBench(rounds: number): BatchNamesResult {
  timeCheck(10_000, 3);
  const smallMs = timeCheck(10_000, rounds);
  const largeMs = timeCheck(100_000, rounds);
  return { rounds, smallMs, largeMs, ratio: largeMs / smallMs };
}

/** The Markdown section. */
export function formatBatchNamesReport(r: BatchNamesResult): string {
  return [
    '## Batch duplicate-name check',
    '',
    markdownTable(['names', 'median'], [
      ['10,000', formatMs(r.smallMs)],
      ['100,000', formatMs(r.largeMs)],
    ]),
    '',
    `100,000 / 10,000: ${formatRatio(r.ratio)} (linear ≈ 10x; the old indexOf check was quadratic, ≈ 100x). Goal: under 20x.`,
  ].join('\n');
}
