/**
 * Launches the real desktop app where an Electron binary is installed and
 * checks the window's security settings from the inside. Where none is
 * installed (ELECTRON_SKIP_BINARY_DOWNLOAD, CI without a display) the test is
 * reported as skipped, with the reason in its name.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');

/** The Electron executable npm installed, if it was downloaded. */
function findElectronBinary(): string | undefined {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const exe = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, process.platform === 'win32' ? 'electron.exe' : 'electron');
    return existsSync(exe) ? exe : undefined;
  }
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const exe = join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(exe) ? exe : undefined;
}

const binary = findElectronBinary();
const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
// The app refuses root (it would need --no-sandbox); as root the launch test has nothing to launch.
const asRoot = process.getuid?.() === 0;
const reason = !binary ? 'no Electron binary installed (node_modules/electron/dist is missing)' : !hasDisplay ? 'no display ($DISPLAY is not set)' : asRoot ? 'running as root (the desktop app refuses root)' : '';
if (reason) console.warn(`Electron launch test skipped: ${reason}.`);

describe('desktop app', () => {
  it.skipIf(Boolean(reason))(reason ? `launches the Electron app — SKIPPED: ${reason}` : 'launches the Electron app with an isolated, sandboxed renderer', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tenantry-electron-'));
    chmodSync(dataDir, 0o755);
    const app = await electron.launch({
      executablePath: binary,
      args: [root],
      env: { ...process.env, TENANTRY_DATA_DIR: dataDir } as Record<string, string>,
    });
    try {
      const page = await app.firstWindow();
      await page.getByRole('navigation', { name: 'Views' }).waitFor();
      expect(await page.title()).toBe('Tenantry');
      expect(page.url()).toBe('app://tenantry/index.html');
      const inside = await page.evaluate(async () => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        api: Object.keys((window as unknown as { tenantry: object }).tenantry).sort(),
        info: await (window as unknown as { tenantry: { invoke(c: string, r: unknown): Promise<unknown> } }).tenantry.invoke('app:info', {}),
      }));
      expect(inside.require).toBe('undefined');
      expect(inside.process).toBe('undefined');
      expect(inside.api).toEqual(['call', 'invoke', 'onEvent']);
      expect(inside.info).toMatchObject({ ok: true, value: { mode: 'desktop', dataDir } });
      await page.evaluate(() => {
        window.location.href = 'https://example.com/';
      });
      await page.getByRole('navigation', { name: 'Views' }).waitFor();
      expect(page.url()).toBe('app://tenantry/index.html');
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
