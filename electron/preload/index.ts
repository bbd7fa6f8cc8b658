/**
 * The preload: builds window.tenantry from the contract's fixed channel list.
 * It exposes named functions only, never ipcRenderer. Bundled to CommonJS
 * (dist/electron/preload/index.cjs) because sandboxed preloads cannot be ESM.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { isChannel, type EventMessage } from '../../core/api/contract.js';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../../core/api/ipc-channels.js';

contextBridge.exposeInMainWorld('tenantry', {
  invoke(channel: unknown, req: unknown): Promise<unknown> {
    if (!isChannel(channel)) return Promise.resolve({ ok: false, error: { code: 'INVALID_REQUEST', userMessage: 'Unknown channel.' } });
    return ipcRenderer.invoke(INVOKE_CHANNEL, channel, req);
  },
  onEvent(listener: (message: EventMessage) => void): () => void {
    const wrapped = (_event: unknown, message: EventMessage) => listener(message);
    ipcRenderer.on(EVENT_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  },
});
