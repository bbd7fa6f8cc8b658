/**
 * Electron main process: one window on the app:// origin, the handler map on
 * IPC, safeStorage for secrets (never its fixed-key `basic_text` fallback),
 * navigation, redirects, new windows and permissions denied, one instance,
 * never as root or with --no-sandbox (security.ts holds the decisions).
 */
import { app, BrowserWindow, dialog, ipcMain, nativeTheme, protocol, safeStorage, session, shell } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend, type Backend } from '../handlers/create-handlers.js';
import { resolveDataDir } from '../services/storage/data-dir.js';
import { createEventHub } from '../handlers/event-hub.js';
import { createEncryptedSecretStore, createMemorySecretStore } from '../services/storage/secrets.js';
import { installProcessGuards } from '../handlers/process-guards.js';
import { CONTENT_SECURITY_POLICY } from '../../core/security/csp.js';
import { EVENT_CHANNEL, INVOKE_CHANNEL, createInvokeListener } from './ipc.js';
import { choosePasswordStorage, findLaunchRefusal, resolveRendererFile } from './security.js';
import { APP_ORIGIN, APP_SCHEME, createWindowOptions, isAppUrl, isExternalLinkAllowed } from './window-options.js';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(here, '..', '..', 'renderer');
const preloadPath = join(here, '..', 'preload', 'index.cjs');
const MIME: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.ttf': 'font/ttf', '.woff2': 'font/woff2', '.png': 'image/png', '.json': 'application/json' };

const refusal = findLaunchRefusal({ uid: process.getuid?.(), argv: process.argv });
if (refusal) {
  console.error(refusal);
  dialog.showErrorBox('Tenantry', refusal);
  app.exit(1);
}
// One instance: a second start focuses the first window (two would share the data folder and the sandbox).
const primary = !refusal && app.requestSingleInstanceLock();
if (!refusal && !primary) app.quit();

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let mainWindow: BrowserWindow | undefined;
let backend: Backend | undefined;

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, (request) => {
    // A malformed %-escape or a path out of the folder is a 404, never a thrown error.
    const file = resolveRendererFile(rendererDir, request.url);
    if (!file || !existsSync(file)) return new Response('Not found', { status: 404 });
    const headers: Record<string, string> = { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'X-Content-Type-Options': 'nosniff' };
    if (extname(file) === '.html') headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY;
    return new Response(readFileSync(file), { headers });
  });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(createWindowOptions(preloadPath, nativeTheme.shouldUseDarkColors, app.isPackaged));
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalLinkAllowed(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

async function pickFile(purpose: 'open' | 'save', filters: { name: string; extensions: string[] }[], title: string): Promise<string | null> {
  if (!mainWindow) return null;
  if (purpose === 'save') {
    const r = await dialog.showSaveDialog(mainWindow, { title, filters });
    return r.canceled || !r.filePath ? null : r.filePath;
  }
  const r = await dialog.showOpenDialog(mainWindow, { title, filters, properties: ['openFile', 'showHiddenFiles'] });
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

app.enableSandbox();
app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  // A redirect or a subframe navigation off the app origin is stopped too (will-navigate sees neither).
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

app.on('second-instance', () => {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
});

function createSecretStore() {
  const storage = choosePasswordStorage({
    platform: process.platform,
    encryptionAvailable: safeStorage.isEncryptionAvailable(),
    ...(process.platform === 'linux' ? { linuxBackend: safeStorage.getSelectedStorageBackend() } : {}),
  });
  if (storage.kind === 'memory') return createMemorySecretStore(storage.reason);
  return createEncryptedSecretStore({
    encrypt: (text) => safeStorage.encryptString(text).toString('base64'),
    decrypt: (data) => safeStorage.decryptString(Buffer.from(data, 'base64')),
  });
}

if (primary) void app.whenReady().then(() => {
  // The UI needs no permission at all: every request and every check is answered no.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  session.defaultSession.setDevicePermissionHandler(() => false);
  serveRenderer();
  const events = createEventHub();
  const secrets = createSecretStore();
  const version = (JSON.parse(readFileSync(join(here, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  backend = createBackend({ mode: 'desktop', version, dataDir: resolveDataDir(process.env, app.getPath('userData')), historyDir: resolveDataDir(process.env), secrets, emit: events.emit, pickFile });
  events.subscribe((message) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(EVENT_CHANNEL, message);
  });
  ipcMain.handle(INVOKE_CHANNEL, createInvokeListener(backend.handlers, () => mainWindow?.webContents.id));
  mainWindow = createWindow();
  mainWindow.on('closed', () => (mainWindow = undefined));
  app.on('activate', () => {
    if (!mainWindow) mainWindow = createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !backend) return;
  quitting = true;
  event.preventDefault();
  void backend.shutdown().finally(() => app.quit());
});
// A handler failure that escapes (a bug) is logged, never the end of the app with its sandbox orphaned; on exit the
// sandbox stops; SIGINT/SIGTERM (a terminal, a session logout) quit through before-quit like the window does.
installProcessGuards({ log: (line) => console.error(line), onExit: () => backend?.shutdownSync() });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => app.quit());
