/**
 * The engine worker's entry: runs snapshot builds off the thread that answers
 * requests (web mode's server, Electron's main process), so a dump with
 * millions of references does not stop every other request for a minute.
 * Errors cross back as plain data: a TenantryError keeps its code and message.
 */
import { parentPort } from 'node:worker_threads';
import { isTenantryError } from '../../core/errors.js';
import { buildSnapshot, type BuildInput } from './build-snapshot.js';

export interface EngineTask {
  id: number;
  req: BuildInput;
}

export type EngineReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; tenantry?: { code: string; userMessage: string; detail?: string }; message: string; stack?: string };

parentPort?.on('message', (task: EngineTask) => {
  let reply: EngineReply;
  try {
    reply = { id: task.id, ok: true, value: buildSnapshot(task.req) };
  } catch (error) {
    const base = { id: task.id, ok: false as const, message: error instanceof Error ? error.message : String(error), ...(error instanceof Error && error.stack ? { stack: error.stack } : {}) };
    reply = isTenantryError(error) ? { ...base, tenantry: { code: error.code, userMessage: error.userMessage, ...(error.detail !== undefined ? { detail: error.detail } : {}) } } : base;
  }
  parentPort?.postMessage(reply);
});
