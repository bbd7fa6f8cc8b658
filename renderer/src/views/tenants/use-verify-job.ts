/** Verify of many tenants as a job (`fleet:verify`): progress, cancel, and the summary when it ends. */
import { useState } from 'react';
import type { ConnectionTarget, FleetVerifySummary } from '../../../../core/api/contract';
import type { ErrorInfo } from '../../../../core/errors';
import { invoke } from '../../api/client';
import { watchJob } from '../../api/jobs';

export interface VerifyJob {
  running: { id: string; done: number; total: number } | undefined;
  summary: FleetVerifySummary | undefined;
  error: ErrorInfo | undefined;
  start(target: ConnectionTarget, template: string, tenants: string[]): Promise<void>;
  cancel(): void;
  clear(): void;
}

export function useVerifyJob(onFinished: () => void): VerifyJob {
  const [running, setRunning] = useState<VerifyJob['running']>();
  const [summary, setSummary] = useState<FleetVerifySummary>();
  const [error, setError] = useState<ErrorInfo>();

  async function start(target: ConnectionTarget, template: string, tenants: string[]) {
    setSummary(undefined);
    setError(undefined);
    const r = await invoke('fleet:verify', { target, template, tenants });
    if (!r.ok) return setError(r.error);
    setRunning({ id: r.value.jobId, done: 0, total: tenants.length });
    const result = await watchJob(r.value.jobId, 'verify', {
      onProgress: (p) => setRunning((j) => (j && p.done !== undefined ? { ...j, done: p.done, total: p.total ?? j.total } : j)),
    });
    setRunning(undefined);
    if (result.ok) setSummary(result.value);
    else setError(result.error);
    onFinished();
  }

  return {
    running,
    summary,
    error,
    start,
    cancel: () => {
      if (running) void invoke('job:cancel', { jobId: running.id });
    },
    clear: () => {
      setSummary(undefined);
      setError(undefined);
    },
  };
}
