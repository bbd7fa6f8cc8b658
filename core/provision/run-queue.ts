/**
 * Runs tasks with at most `concurrency` at a time, in order of the input,
 * and stops starting new ones when asked (first failure, cancel).
 */

export interface QueueOptions {
  concurrency: number;
  /** Checked before each start; true stops the queue (tasks not started are skipped). */
  shouldStop?: () => boolean;
}

/** Runs `worker` over `items`; resolves to each item's result, or undefined for items never started. */
export async function runQueue<T, R>(items: readonly T[], worker: (item: T, index: number) => Promise<R>, options: QueueOptions): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array<R | undefined>(items.length).fill(undefined);
  let next = 0;
  const lanes = Math.max(1, Math.min(Math.floor(options.concurrency) || 1, items.length));
  async function lane(): Promise<void> {
    while (next < items.length) {
      if (options.shouldStop?.()) return;
      const index = next++;
      results[index] = await worker(items[index] as T, index);
    }
  }
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}
