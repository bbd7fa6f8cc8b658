/**
 * Long work (dump, batch provision, diagnostics) runs as a job: the request
 * returns a job id at once, progress arrives as pushed events and the end as
 * one `job:done` event carrying a Result. Every job gets an AbortSignal so
 * `job:cancel` reaches the child process or the provisioning loop.
 */
import { randomUUID } from 'node:crypto';
import type { DiagnosticStepInfo, EventName, Events, JobDone, JobKind, JobResults, TenantProgress } from '../../core/api/contract.js';
import type { Result } from '../../core/errors.js';
import { TenantryError, toErrorInfo } from '../../core/errors.js';

export type Emit = <E extends EventName>(event: E, payload: Events[E]) => void;

export interface JobContext {
  jobId: string;
  signal: AbortSignal;
  progress(update: { message?: string; done?: number; total?: number; bytes?: number }): void;
  log(line: string): void;
  tenant(progress: TenantProgress): void;
  step(step: DiagnosticStepInfo): void;
}

export class JobRegistry {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly emit: Emit) {}

  /** Starts `work` in the background and returns its id; its result is the one the contract gives its kind. */
  start<K extends JobKind>(kind: K, work: (ctx: JobContext) => Promise<JobResults[K]>): string {
    const jobId = randomUUID();
    const controller = new AbortController();
    this.running.set(jobId, controller);
    const ctx: JobContext = {
      jobId,
      signal: controller.signal,
      progress: (u) => this.emit('job:progress', { jobId, kind, ...u }),
      log: (line) => this.emit('job:log', { jobId, kind, line }),
      tenant: (tenant) => this.emit('job:tenant', { jobId, tenant }),
      step: (step) => this.emit('job:step', { jobId, step }),
    };
    // TypeScript cannot see that `{ kind: K; result: JobResults[K] }` is one member of the JobDone union for a generic K.
    const done = (result: Result<JobResults[K]>): void => this.emit('job:done', { jobId, kind, result } as unknown as JobDone);
    // Deferred so the caller has the id before the first event can arrive.
    setImmediate(() => {
      work(ctx)
        .then((value) => done({ ok: true, value }))
        .catch((error: unknown) => {
          const cancelled = controller.signal.aborted && !(error instanceof TenantryError && error.code !== 'CANCELLED');
          const info = cancelled ? { code: 'CANCELLED' as const, userMessage: 'Cancelled.' } : toErrorInfo(error);
          if (info.code === 'INTERNAL') console.error(`job ${kind} failed:`, error);
          done({ ok: false, error: info });
        })
        .finally(() => this.running.delete(jobId));
    });
    return jobId;
  }

  /** Asks a running job to stop; false when it already ended. */
  cancel(jobId: string): boolean {
    const controller = this.running.get(jobId);
    if (!controller) return false;
    controller.abort(new TenantryError('CANCELLED', 'Cancelled.'));
    return true;
  }

  /** Cancels everything (app quit). */
  cancelAll(): void {
    for (const id of [...this.running.keys()]) this.cancel(id);
  }
}
