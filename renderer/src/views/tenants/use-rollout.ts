/**
 * A rollout as the Rollouts panel follows it: every tenant's row (from
 * `migrate:status`, then kept live by the job's `job:rollout` events), the
 * wave, throughput and ETA, the failures, and the actions: start (canary or
 * all), continue, retry failed, skip, cancel. Events are folded into a ref and
 * shown once per animation frame, so 1,000 tenants finishing do not render
 * 1,000 times.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConnectionTarget, RolloutDetailInfo, RolloutEventInfo, RolloutRunInfo, RolloutStartRequest, RolloutTenantError } from '../../../../core/api/contract';
import type { ErrorInfo } from '../../../../core/errors';
import { invoke } from '../../api/client';
import { watchJob } from '../../api/jobs';

export type RolloutTenantState = 'pending' | 'running' | 'retrying' | 'done' | 'skipped' | 'failed';

export interface RolloutRow {
  tenant: string;
  isTemplate: boolean;
  status: RolloutTenantState;
  attempts: number;
  ms?: number;
  error?: RolloutTenantError;
}

export interface RolloutProgress {
  total: number;
  done: number;
  skipped: number;
  failed: number;
  remaining: number;
  perSecond: number;
  etaSeconds?: number;
}

export interface RolloutView {
  rolloutId?: string;
  template?: string;
  versions: string[];
  rows: RolloutRow[];
  running: boolean;
  wave?: 'template' | 'canary' | 'rest';
  progress?: RolloutProgress;
  /** The last run's outcome. */
  result?: RolloutRunInfo;
  error?: ErrorInfo;
}

function rowsOf(detail: RolloutDetailInfo): RolloutRow[] {
  return detail.tenants.map((t) => ({ tenant: t.tenant, isTemplate: t.isTemplate, status: t.status, attempts: t.attempts, ...(t.durationMs !== undefined ? { ms: t.durationMs } : {}), ...(t.error ? { error: t.error } : {}) }));
}

/** Counts of the rows by status (what the summary line shows when no run is going). */
export function countRows(rows: readonly RolloutRow[]): Record<RolloutTenantState, number> {
  const counts = { pending: 0, running: 0, retrying: 0, done: 0, skipped: 0, failed: 0 };
  for (const r of rows) counts[r.status]++;
  return counts;
}

export function useRollout(target: ConnectionTarget, onFinished: () => void) {
  const [view, setView] = useState<RolloutView>({ versions: [], rows: [], running: false });
  const rows = useRef(new Map<string, RolloutRow>());
  const order = useRef<string[]>([]);
  const frame = useRef<number | undefined>(undefined);
  const jobId = useRef<string | undefined>(undefined);

  const flush = useCallback(() => {
    frame.current = undefined;
    const list = order.current.map((t) => rows.current.get(t)).filter((r): r is RolloutRow => r !== undefined);
    setView((v) => ({ ...v, rows: list }));
  }, []);
  const schedule = useCallback(() => {
    if (frame.current === undefined) frame.current = requestAnimationFrame(flush);
  }, [flush]);
  useEffect(() => () => {
    if (frame.current !== undefined) cancelAnimationFrame(frame.current);
  }, []);

  const load = useCallback(async (rolloutId: string): Promise<boolean> => {
    const r = await invoke('migrate:status', { target, rolloutId });
    if (!r.ok) {
      setView((v) => ({ ...v, error: r.error }));
      return false;
    }
    const list = rowsOf(r.value);
    rows.current = new Map(list.map((row) => [row.tenant, row]));
    order.current = list.map((row) => row.tenant);
    setView((v) => ({ ...v, rolloutId: r.value.id, template: r.value.template, versions: r.value.versions, rows: list }));
    return true;
  }, [target]);

  const onEvent = useCallback((e: RolloutEventInfo) => {
    if (e.type === 'tenant') {
      const row = rows.current.get(e.tenant);
      if (!row) return;
      const next: RolloutRow = { ...row, status: e.status, attempts: e.attempt };
      if (e.status !== 'running') next.ms = e.ms;
      if (e.error) next.error = e.error;
      else if (e.status === 'done' || e.status === 'running') delete next.error;
      rows.current.set(e.tenant, next);
      schedule();
    } else if (e.type === 'progress') {
      const { type: _type, ...progress } = e;
      setView((v) => ({ ...v, progress }));
    } else if (e.type === 'wave') {
      setView((v) => ({ ...v, wave: e.wave }));
    }
  }, [schedule]);

  /** Follows a started job to its end, then reads the record again (the truth, whatever events were missed). */
  const follow = useCallback(async (id: string, rolloutId: string) => {
    jobId.current = id;
    setView((v) => ({ ...v, running: true, result: undefined, error: undefined, wave: undefined, progress: undefined }));
    const result = await watchJob(id, 'migrate', { onRollout: onEvent });
    jobId.current = undefined;
    await load(rolloutId);
    setView((v) => ({ ...v, running: false, ...(result.ok ? { result: result.value } : { error: result.error }) }));
    onFinished();
  }, [load, onEvent, onFinished]);

  return {
    view,
    async start(request: RolloutStartRequest): Promise<void> {
      setView((v) => ({ ...v, error: undefined }));
      const r = await invoke('migrate:start', request);
      if (!r.ok) return setView((v) => ({ ...v, error: r.error }));
      await load(r.value.rolloutId);
      await follow(r.value.jobId, r.value.rolloutId);
    },
    /** Runs what is pending and failed again (all, or only `tenants`). */
    async resume(tenants?: string[]): Promise<void> {
      const rolloutId = view.rolloutId;
      if (!rolloutId) return;
      setView((v) => ({ ...v, error: undefined }));
      const r = await invoke('migrate:resume', { target, rolloutId, ...(tenants ? { tenants } : {}) });
      if (!r.ok) return setView((v) => ({ ...v, error: r.error }));
      await follow(r.value.jobId, rolloutId);
    },
    async skip(tenants: string[]): Promise<void> {
      const rolloutId = view.rolloutId;
      if (!rolloutId) return;
      const r = await invoke('migrate:skip', { target, rolloutId, tenants });
      if (!r.ok) return setView((v) => ({ ...v, error: r.error }));
      await load(rolloutId);
    },
    open: load,
    cancel(): void {
      if (jobId.current) void invoke('job:cancel', { jobId: jobId.current });
    },
    clear(): void {
      rows.current = new Map();
      order.current = [];
      setView({ versions: [], rows: [], running: false });
    },
  };
}

export type RolloutHandle = ReturnType<typeof useRollout>;
