/**
 * Jobs: a request that returns { jobId } and finishes with a `job:done`
 * event. Events are buffered per job from the moment the page loads, so none
 * is lost between the request and the subscription.
 */
import type { EventMessage, Events } from '../../../core/api/contract';
import type { ErrorInfo, Result } from '../../../core/errors';
import { onEvent } from './client';

type JobEvent = EventMessage;
const buffered = new Map<string, JobEvent[]>();
const watchers = new Map<string, (e: JobEvent) => void>();

function jobIdOf(message: EventMessage): string | undefined {
  const payload = message.payload as { jobId?: string };
  return typeof payload.jobId === 'string' ? payload.jobId : undefined;
}

onEvent((message) => {
  const id = jobIdOf(message);
  if (!id) return;
  const watcher = watchers.get(id);
  if (watcher) watcher(message);
  else {
    const list = buffered.get(id) ?? [];
    list.push(message);
    buffered.set(id, list.slice(-500));
  }
});

export interface JobHandlers {
  onProgress?(p: Events['job:progress']): void;
  onLog?(line: string): void;
  onTenant?(t: Events['job:tenant']['tenant']): void;
  onStep?(s: Events['job:step']['step']): void;
}

/** Waits for a job's end, forwarding its progress events. */
export function watchJob<T>(jobId: string, handlers: JobHandlers): Promise<Result<T>> {
  return new Promise((resolve) => {
    const handle = (m: JobEvent) => {
      switch (m.event) {
        case 'job:progress':
          handlers.onProgress?.(m.payload as Events['job:progress']);
          break;
        case 'job:log':
          handlers.onLog?.((m.payload as Events['job:log']).line);
          break;
        case 'job:tenant':
          handlers.onTenant?.((m.payload as Events['job:tenant']).tenant);
          break;
        case 'job:step':
          handlers.onStep?.((m.payload as Events['job:step']).step);
          break;
        case 'job:done':
          watchers.delete(jobId);
          resolve((m.payload as Events['job:done']).result as Result<T>);
          break;
      }
    };
    watchers.set(jobId, handle);
    const early = buffered.get(jobId) ?? [];
    buffered.delete(jobId);
    for (const m of early) handle(m);
  });
}

export type { ErrorInfo };
