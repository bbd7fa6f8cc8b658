/**
 * The renderer's one way to the backend: `invoke(channel, req)` resolves to a
 * Result whichever transport is underneath — the preload's window.tenantry in
 * the desktop app, or HTTP in web mode, where the session is an HttpOnly
 * cookie the server set when this page's one-time address was opened (the
 * page never sees the token).
 */
import type { Channel, EventMessage, Req, Res } from '../../../core/api/contract';
import type { Result } from '../../../core/errors';
import { readJson } from './read-json';

interface PreloadApi {
  invoke(channel: Channel, req: unknown): Promise<Result<unknown>>;
  onEvent(listener: (message: EventMessage) => void): () => void;
}

declare global {
  interface Window {
    tenantry?: PreloadApi;
  }
}

const preload = window.tenantry;
export const transport: 'ipc' | 'http' = preload ? 'ipc' : 'http';

/** Calls a channel; never throws. */
export async function invoke<C extends Channel>(channel: C, req: Req<C>): Promise<Result<Res<C>>> {
  try {
    if (preload) return (await preload.invoke(channel, req)) as Result<Res<C>>;
    const response = await fetch(`/api/invoke/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify(req),
    });
    if (response.status === 401) {
      announceSessionLost();
      return { ok: false, error: { code: 'FORBIDDEN', userMessage: 'This page has no valid session (was `tenantry ui` restarted?). Press Enter in the terminal running `tenantry ui` and open the new address it prints.' } };
    }
    if (!(response.headers.get('Content-Type') ?? '').startsWith('application/json')) {
      return { ok: false, error: { code: 'INTERNAL', userMessage: `The Tenantry backend answered ${response.status}: ${(await response.text()).slice(0, 200)}` } };
    }
    return (await readJson(response)) as Result<Res<C>>;
  } catch (error) {
    return { ok: false, error: { code: 'INTERNAL', userMessage: 'The Tenantry backend did not answer. Is it still running?', detail: String(error) } };
  }
}

const sessionListeners = new Set<() => void>();
let sessionLost = false;

/** Web mode: the server no longer knows this page's session (it was restarted, or the cookie is gone). */
function announceSessionLost(): void {
  if (sessionLost) return;
  sessionLost = true;
  for (const l of sessionListeners) l();
}

/** Calls `listener` once the session is lost (at once if it already is); returns an unsubscribe. */
export function onSessionLost(listener: () => void): () => void {
  if (sessionLost) listener();
  sessionListeners.add(listener);
  return () => sessionListeners.delete(listener);
}

/** Calls a channel and throws the error info on failure (for code that shows errors itself). */
export async function call<C extends Channel>(channel: C, req: Req<C>): Promise<Res<C>> {
  const result = await invoke(channel, req);
  if (!result.ok) throw new ApiError(result.error);
  return result.value;
}

export class ApiError extends Error {
  constructor(readonly info: { code: string; userMessage: string; detail?: string }) {
    super(info.userMessage);
  }
}

type Listener = (message: EventMessage) => void;
const listeners = new Set<Listener>();
let connected = false;

function connectEvents(): void {
  if (connected) return;
  connected = true;
  const deliver = (message: EventMessage) => {
    for (const l of listeners) l(message);
  };
  if (preload) {
    preload.onEvent(deliver);
    return;
  }
  const source = new EventSource('/api/events', { withCredentials: true });
  source.onmessage = (e) => deliver(JSON.parse(e.data as string) as EventMessage);
}

/** Subscribes to every pushed event. */
export function onEvent(listener: Listener): () => void {
  connectEvents();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

connectEvents();
