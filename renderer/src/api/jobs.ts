/**
 * Jobs: a request that returns { jobId } and finishes with a `job:done`
 * event. Events are buffered per job from the moment the page loads, so none
 * is lost between the request and the subscription.
 */
import type { EventMessage, Events, JobDone, JobKind, JobResults } from '../../../core/api/contract';
import type { ErrorInfo, Result } from '../../../core/errors';
import { onEvent } from './client';

/** The events that belong to a job (every one carries its jobId). */
type JobEvent = EventMessage<'job:progress' | 'job:log' | 'job:tenant' | 'job:step' | 'job:rollout' | 'job:done'>;
const buffered = new Map<string, JobEvent[]>();
const watchers = new Map<string, (e: JobEvent) => void>();

function isJobEvent(message: EventMessage): message is JobEvent {
  return message.event.startsWith('job:');
}

onEvent((message) => {
  if (!isJobEvent(message)) return;
  const id = message.payload.jobId;
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
  onRollout?(e: Events['job:rollout']['event']): void;
}

/** Waits for the end of a job of `kind`, forwarding its progress events; resolves to what that kind finishes with. */
export function watchJob<K extends JobKind>(jobId: string, kind: K, handlers: JobHandlers): Promise<Result<JobResults[K]>> {
  return new Promise((resolve, reject) => {
    const handle = (m: JobEvent) => {
      switch (m.event) {
        case 'job:progress':
          handlers.onProgress?.(m.payload);
          break;
        case 'job:log':
          handlers.onLog?.(m.payload.line);
          break;
        case 'job:tenant':
          handlers.onTenant?.(m.payload.tenant);
          break;
        case 'job:step':
          handlers.onStep?.(m.payload.step);
          break;
        case 'job:rollout':
          handlers.onRollout?.(m.payload.event);
          break;
        case 'job:done': {
          watchers.delete(jobId);
          const result = resultOf(m.payload, kind);
          if (result) resolve(result);
          else reject(new Error(`Job ${jobId} finished as a ${m.payload.kind} job, not ${kind}.`));
          break;
        }
      }
    };
    watchers.set(jobId, handle);
    const early = buffered.get(jobId) ?? [];
    buffered.delete(jobId);
    for (const m of early) handle(m);
  });
}

/** The result of `done` when it is a job of `kind` (checked at run time; TypeScript cannot narrow a generic kind). */
function resultOf<K extends JobKind>(done: JobDone, kind: K): Result<JobResults[K]> | undefined {
  return done.kind === kind ? (done.result as Result<JobResults[K]>) : undefined;
}

export type { ErrorInfo };
