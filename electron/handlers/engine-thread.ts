/**
 * Runs snapshot builds in one worker thread (engine-worker.ts), started on
 * first use and restarted if it dies. Builds queue in the worker; the thread
 * that answers requests only posts the task and waits for the reply.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SnapshotBuildResult } from '../../core/api/contract.js';
import type { BuildInput } from './build-snapshot.js';
import { TenantryError, type ErrorCode } from '../../core/errors.js';
import type { EngineReply } from './engine-worker.js';

/** Starts the worker: compiled JavaScript, or the TypeScript source loaded through tsx (tests and `tsx` runs). */
function startWorker(): Worker {
  const compiled = new URL('./engine-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return new Worker(compiled);
  // require.resolve finds tsx's CommonJS build; its ES module build sits next to it.
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const source = new URL('./engine-worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)}));`, { eval: true });
}

export class EngineThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(value: SnapshotBuildResult): void; reject(error: unknown): void }>();

  private start(): Worker {
    const worker = startWorker();
    worker.on('message', (reply: EngineReply) => this.settle(reply));
    const fail = (error: unknown) => {
      if (this.worker === worker) this.worker = undefined;
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`The snapshot engine's worker thread stopped (exit code ${code}).`)));
    // An idle worker never keeps the process alive; a pending build does (see run).
    worker.unref();
    return worker;
  }

  private settle(reply: EngineReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.ok) return waiting.resolve(reply.value as SnapshotBuildResult);
    if (reply.tenantry) return waiting.reject(new TenantryError(reply.tenantry.code as ErrorCode, reply.tenantry.userMessage, reply.tenantry.detail !== undefined ? { detail: reply.tenantry.detail } : {}));
    const error = new Error(reply.message);
    if (reply.stack) error.stack = reply.stack;
    waiting.reject(error);
  }

  /** Builds a snapshot in the worker. */
  build(req: BuildInput): Promise<SnapshotBuildResult> {
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise<SnapshotBuildResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, req });
    });
  }

  /** Stops the worker; builds still running fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }
}
