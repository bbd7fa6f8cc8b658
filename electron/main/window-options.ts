/**
 * The main window's settings: boring on purpose. The renderer gets no Node,
 * runs sandboxed and isolated, and talks to main only through the preload.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

/** Options for the main BrowserWindow; developer tools only in a development build (not `app.isPackaged`). */
export function createWindowOptions(preloadPath: string, dark: boolean, packaged: boolean): BrowserWindowConstructorOptions {
  return {
    width: 1360,
    height: 880,
    minWidth: 960,
    minHeight: 620,
    title: 'Tenantry',
    show: false,
    backgroundColor: dark ? '#16181d' : '#f6f7f9',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !packaged,
    },
  };
}

/** The scheme and origin the UI is served from inside the app. */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://tenantry';

/** Whether a URL belongs to the app's own UI (anything else is untrusted). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === 'tenantry';
  } catch {
    return false;
  }
}

/** Whether a link may be handed to the OS browser (shell.openExternal): https only. */
export function isExternalLinkAllowed(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}
