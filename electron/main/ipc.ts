/**
 * The one IPC entry: `tenantry:invoke` with (channel, payload). Requests from
 * any sender other than our own window's top frame on the app origin are
 * refused; payloads are validated against the contract before a handler runs.
 */
import type { Handlers } from '../../core/api/contract.js';
import type { Result } from '../../core/errors.js';
import { dispatch } from '../handlers/dispatch.js';
import { isAppUrl } from './window-options.js';

export { EVENT_CHANNEL, INVOKE_CHANNEL } from '../../core/api/ipc-channels.js';

/** The parts of an IpcMainInvokeEvent this check needs. */
export interface InvokeSender {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

/** Whether an IPC event comes from the trusted window's main frame. */
export function isTrustedSender(event: InvokeSender, trustedWebContentsId: number | undefined): boolean {
  if (trustedWebContentsId === undefined || event.sender.id !== trustedWebContentsId) return false;
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

/** The function registered with ipcMain.handle. */
export function createInvokeListener(handlers: Handlers, trustedId: () => number | undefined) {
  return async (event: InvokeSender, channel: unknown, payload: unknown): Promise<Result<unknown>> => {
    if (!isTrustedSender(event, trustedId())) {
      return { ok: false, error: { code: 'FORBIDDEN', userMessage: 'This request did not come from the Tenantry window and was refused.' } };
    }
    return dispatch(handlers, channel, payload);
  };
}
