import type { TenantProgress } from '../../../../core/api/contract';

/** The colour class of a tenant's status in the tables. */
export const STATUS_CLASS: Record<TenantProgress['status'], string> = {
  queued: 'muted',
  running: '',
  created: 'status-ok',
  exists: 'status-warn',
  failed: 'status-bad',
  cancelled: 'muted',
};
