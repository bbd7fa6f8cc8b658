/**
 * Where a provisioning call spends its time: every query node-postgres sends
 * while `fn` runs, with its duration, labelled by what it is. Patches
 * pg.Client.prototype.query for the duration of `fn` only (benchmark use).
 */
import pg from 'pg';

export interface TracedQuery {
  label: string;
  ms: number;
}

/** A short label for a query text: the step it is in Tenantry's transaction. */
export function labelQuery(text: string): string {
  const head = text.trimStart().slice(0, 80).toLowerCase();
  if (text.length > 2000) return 'tenant SQL';
  if (head.startsWith('begin')) return 'BEGIN';
  if (head.startsWith('commit')) return 'COMMIT';
  if (head.startsWith('rollback')) return 'ROLLBACK';
  if (head.includes('pg_settings')) return 'read session settings';
  if (head.startsWith('set local')) return 'session preamble (SET LOCAL)';
  if (head.includes('advisory')) return 'advisory lock';
  if (head.includes('pg_namespace')) return 'existence check';
  if (head.startsWith('reset') || head.includes('set_config')) return 'restore settings';
  return head.split(/\s+/).slice(0, 3).join(' ');
}

/** Runs fn and returns the queries it sent, with their durations. */
export async function traceQueries<T>(fn: () => Promise<T>): Promise<{ result: T; queries: TracedQuery[]; wallMs: number }> {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  const queries: TracedQuery[] = [];
  proto.query = function traced(this: unknown, ...args: unknown[]): unknown {
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? '');
    const started = performance.now();
    const out = original.apply(this, args);
    if (out && typeof (out as Promise<unknown>).then === 'function') {
      (out as Promise<unknown>).then(
        () => queries.push({ label: labelQuery(text), ms: performance.now() - started }),
        () => queries.push({ label: labelQuery(text), ms: performance.now() - started }),
      );
    }
    return out;
  };
  const started = performance.now();
  try {
    const result = await fn();
    return { result, queries, wallMs: performance.now() - started };
  } finally {
    proto.query = original;
  }
}
