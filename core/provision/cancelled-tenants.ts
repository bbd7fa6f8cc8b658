/**
 * What a cancelled tenant's outcome means, for every summary (the CLI's, the app's and the provisioner's count): a
 * tenant the batch reports as `cancelled` with an error was under way when Cancel came and was rolled back; one without
 * an error never started (Cancel stopped it before any of its work was sent).
 */
import type { TenantProgress } from '../api/contract.js';

type Outcome = Pick<TenantProgress, 'status' | 'error'>;

/** Cancel came before any of the tenant's work was sent: nothing to roll back. */
export function neverStarted(t: Outcome): boolean {
  return t.status === 'cancelled' && t.error === undefined;
}

/** The tenant was under way when Cancel came; its transaction was rolled back. */
export function cancelledAndRolledBack(t: Outcome): boolean {
  return t.status === 'cancelled' && t.error !== undefined;
}
