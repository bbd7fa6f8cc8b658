import { useState } from 'react';
import type { ConnectionTarget, ProvisionResult, TenantProgress, VerifyResult } from '../../../../core/api/contract';
import type { ErrorInfo } from '../../../../core/errors';
import { invoke } from '../../api/client';
import { watchJob } from '../../api/jobs';

export type Verification = VerifyResult | ErrorInfo | 'running';

export interface ProvisionBatch {
  rows: TenantProgress[];
  job: { id: string; done: number; total: number } | undefined;
  summary: ProvisionResult | undefined;
  /** The batch ended because the user pressed Cancel (its not-started tenants can be started again). */
  cancelled: boolean;
  error: ErrorInfo | undefined;
  verifications: Record<string, Verification>;
  claiming: boolean;
  /** Bumped after a claim so the warm-pool panel re-reads its status. */
  claims: number;
  provision(tenants: string[]): Promise<void>;
  createOne(tenant: string, poolReady: number): Promise<void>;
  verify(tenant: string): Promise<void>;
  cancel(): void;
  /** Forgets the rows and results (the target changed: they belong to another database). */
  clear(): void;
}

/**
 * A provisioning batch and its results: start, follow the job's events,
 * cancel, claim one tenant from the warm pool, verify one tenant. `onSettled`
 * runs after each (the history and snapshot list are re-read).
 */
export function useProvisionBatch(snapshotId: string | undefined, target: ConnectionTarget, options: { concurrency: number; continueOnError: boolean; verify: boolean; onSettled(): void }): ProvisionBatch {
  const [job, setJob] = useState<ProvisionBatch['job']>();
  const [rows, setRows] = useState<TenantProgress[]>([]);
  const [summary, setSummary] = useState<ProvisionResult>();
  const [cancelled, setCancelled] = useState(false);
  const [error, setError] = useState<ErrorInfo>();
  const [verifications, setVerifications] = useState<Record<string, Verification>>({});
  const [claims, setClaims] = useState(0);
  const [claiming, setClaiming] = useState(false);

  function reset(next: TenantProgress[]) {
    setError(undefined);
    setSummary(undefined);
    setCancelled(false);
    setVerifications({});
    setRows(next);
  }

  async function provision(tenants: string[]) {
    if (!snapshotId || tenants.length === 0) return;
    reset(tenants.map((t) => ({ tenant: t, status: 'queued' })));
    const r = await invoke('provision:start', { snapshotId, target, tenants, concurrency: options.concurrency, continueOnError: options.continueOnError, verify: options.verify });
    if (!r.ok) {
      setRows([]);
      return setError(r.error);
    }
    setJob({ id: r.value.jobId, done: 0, total: tenants.length });
    const result = await watchJob(r.value.jobId, 'provision', {
      onTenant: (t) => setRows((list) => list.map((x) => (x.tenant === t.tenant ? t : x))),
      onProgress: (p) => setJob((j) => (j && p.done !== undefined ? { ...j, done: p.done, total: p.total ?? j.total } : j)),
    });
    setJob(undefined);
    if (result.ok) {
      setSummary(result.value);
      setRows(result.value.tenants);
      // The batch verified every tenant it created: show each verdict under its row.
      const verified = result.value.verified ?? [];
      if (verified.length > 0) setVerifications(Object.fromEntries(verified.map((v) => [v.tenant, v])));
      // Spares were claimed: the pool panel shows them gone and the backend's refill.
      if (result.value.tenants.some((t) => t.via === 'claimed')) setClaims((n) => n + 1);
    } else {
      setError(result.error);
      // The whole batch failed (e.g. the database does not exist): the tenants it did not settle failed for that
      // reason, they were not cancelled by anyone.
      const status: TenantProgress['status'] = result.error.code === 'CANCELLED' ? 'cancelled' : 'failed';
      setRows((list) => list.map((x) => (x.status === 'queued' || x.status === 'running' ? { ...x, status, ...(status === 'failed' ? { error: result.error } : {}) } : x)));
    }
    options.onSettled();
  }

  /** One tenant: claimed from the warm pool when a spare is ready, else built from the snapshot. */
  async function createOne(tenant: string, poolReady: number) {
    if (!snapshotId) return;
    if (poolReady === 0) return provision([tenant]);
    reset([{ tenant, status: 'running' }]);
    setClaiming(true);
    const r = await invoke('pool:claim', { target, snapshotId, tenant });
    setClaiming(false);
    if (!r.ok && r.error.code === 'POOL_EMPTY') return provision([tenant]);
    setClaims((n) => n + 1);
    if (!r.ok) {
      const status = r.error.code === 'TENANT_EXISTS' ? 'exists' : 'failed';
      const row: TenantProgress = { tenant, status, error: r.error };
      setRows([row]);
      setSummary({ tenants: [row], created: 0, failed: status === 'failed' ? 1 : 0, elapsedMs: 0 });
    } else {
      const row: TenantProgress = { tenant, status: 'created', elapsedMs: r.value.elapsedMs, via: 'claimed' };
      setRows([row]);
      setSummary({ tenants: [row], created: 1, failed: 0, elapsedMs: r.value.elapsedMs });
    }
    options.onSettled();
  }

  async function verify(tenant: string) {
    if (!snapshotId) return;
    setVerifications((v) => ({ ...v, [tenant]: 'running' }));
    const r = await invoke('provision:verify', { target, snapshotId, tenant });
    setVerifications((v) => ({ ...v, [tenant]: r.ok ? r.value : r.error }));
    options.onSettled();
  }

  function cancel() {
    if (!job) return;
    setCancelled(true);
    void invoke('job:cancel', { jobId: job.id });
  }

  return { rows, job, summary, cancelled, error, verifications, claiming, claims, provision, createOne, verify, cancel, clear: () => reset([]) };
}
