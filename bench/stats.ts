/** Small statistics for the benchmark tables. */

/** The median of a list of numbers (NaN for an empty list). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Milliseconds with sensible precision. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A ratio such as 1.04x. */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return '–';
  return r < 0.1 ? `${r.toFixed(3)}x` : `${r.toFixed(2)}x`;
}

/** A Markdown table. */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

/**
 * A distribution-free confidence interval for the median of `values` (the order statistics whose ranks a binomial
 * with p = 1/2 puts around the middle): [low, high] holding the true median with probability at least `level`, or
 * undefined when there are too few values for that level (fewer than 6 at 0.95).
 */
export function medianInterval(values: readonly number[], level = 0.95): [number, number] | undefined {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  // P(B <= j) for B ~ Binomial(n, 1/2), from the probabilities of each count (in logs: n may be in the hundreds).
  const logChoose = (k: number) => logFactorial(n) - logFactorial(k) - logFactorial(n - k);
  let below = 0;
  // The largest j with P(B < j) <= (1 - level) / 2: then [x(j), x(n + 1 - j)] (1-based) covers with >= level.
  let j = 0;
  for (let k = 0; k < n; k++) {
    below += Math.exp(logChoose(k) - n * Math.LN2);
    if (below > (1 - level) / 2) break;
    j = k + 1;
  }
  if (j < 1) return undefined;
  return [sorted[j - 1]!, sorted[n - j]!];
}

function logFactorial(n: number): number {
  let sum = 0;
  for (let i = 2; i <= n; i++) sum += Math.log(i);
  return sum;
}
