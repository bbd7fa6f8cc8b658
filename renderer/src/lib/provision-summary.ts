import type { ProvisionResult } from '../../../core/api/contract';
import { cancelledAndRolledBack, neverStarted } from '../../../core/provision/cancelled-tenants';
import { formatMs } from '../components/format';

/**
 * "3 created, 0 failed, 1 already existed (left untouched) in 1.1 s." — the batch summary, without hiding the
 * tenants that existed or never started; a cancelled batch says so first ("Cancelled: 96 created, 104 not started").
 */
export function formatProvisionSummary(summary: ProvisionResult, options: { cancelled?: boolean } = {}): string {
  const exists = summary.tenants.filter((t) => t.status === 'exists').length;
  const notStarted = summary.tenants.filter((t) => neverStarted(t) || t.status === 'queued').length;
  const rolledBack = summary.tenants.filter(cancelledAndRolledBack).length;
  const stopped = rolledBack > 0 ? `, ${rolledBack} cancelled and rolled back` : '';
  const claimed = summary.tenants.filter((t) => t.status === 'created' && t.via === 'claimed').length;
  const built = summary.created - claimed;
  const pool = claimed > 0 ? ` (${claimed} claimed from the warm pool${built > 0 ? `, ${built} built` : ''})` : '';
  if (options.cancelled === true) {
    return `Cancelled: ${summary.created} created${summary.failed > 0 ? `, ${summary.failed} failed` : ''}${exists > 0 ? `, ${exists} already existed` : ''}${stopped}, ${notStarted} not started${pool} in ${formatMs(summary.elapsedMs)}.`;
  }
  return `${summary.created} created, ${summary.failed} failed${exists > 0 ? `, ${exists} already existed (left untouched)` : ''}${stopped}${notStarted > 0 ? `, ${notStarted} not started` : ''}${pool} in ${formatMs(summary.elapsedMs)}.`;
}
