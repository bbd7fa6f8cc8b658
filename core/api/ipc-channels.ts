/**
 * The two Electron IPC channels under the contract, shared by main (electron/main/ipc.ts registers and sends)
 * and the preload (which invokes and listens): every contract call travels as (channel, payload) on
 * INVOKE_CHANNEL, every pushed event on EVENT_CHANNEL.
 */

/** ipcRenderer.invoke(INVOKE_CHANNEL, channel, payload) → ipcMain.handle. */
export const INVOKE_CHANNEL = 'tenantry:invoke';

/** webContents.send(EVENT_CHANNEL, message) → ipcRenderer.on. */
export const EVENT_CHANNEL = 'tenantry:event';
