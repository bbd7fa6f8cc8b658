/**
 * The theme survives a change of web-mode port: the choice is kept by the backend, not only in the
 * browser's localStorage, which is per origin (http://127.0.0.1:PORT), so a new start of `tenantry ui` on
 * another port used to come up in the OS theme again. Two web servers on the same data folder stand for
 * one before and one after a restart.
 *
 * The backend's answer can come between the Theme select's first render and its subscription to changes
 * (seen once in a clean-clone CI run: the select stayed on System above a dark page). The second test makes
 * that order certain: an init script applies the backend's choice just before the select subscribes.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page.js';
import { ARTIFACTS, hasChromium } from './support/browser.js';
import { useWebJourney } from './support/journey.js';
import { startWebApp } from '../../support/web-app.js';

describe.skipIf(!hasChromium())('theme across web-mode ports', () => {
  const journey = useWebJourney({ screenshotName: 'theme-across-ports' });

  it('comes up dark on another port after Dark was chosen', async () => {
    const { app, browser, ui } = journey;
    await browser.page.emulateMedia({ colorScheme: 'light' });
    await ui.open(app.url);
    const background = () => browser.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    const theme = () => browser.page.getByRole('combobox', { name: 'Theme' });
    await theme().selectOption('dark');
    await expect.poll(background).toBe('rgb(22, 24, 29)');
    // The backend has it once settings.json says so.
    await expect.poll(() => existsSync(join(app.dataDir, 'settings.json')) && readFileSync(join(app.dataDir, 'settings.json'), 'utf8').includes('"dark"')).toBe(true);

    const again = await startWebApp({ TENANTRY_DATA_DIR: app.dataDir });
    try {
      expect(again.origin).not.toBe(app.origin);
      const page = await browser.context.newPage();
      await page.emulateMedia({ colorScheme: 'light' });
      const other = new AppPage(page);
      await other.open(again.url);
      const otherBackground = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      await expect.poll(otherBackground).toBe('rgb(22, 24, 29)');
      expect(await page.getByRole('combobox', { name: 'Theme' }).inputValue()).toBe('dark');
      expect(light).not.toBe('rgb(22, 24, 29)');
      mkdirSync(ARTIFACTS, { recursive: true });
      for (const width of [1440, 1024]) {
        await page.setViewportSize({ width, height: width === 1440 ? 900 : 700 });
        await page.screenshot({ path: join(ARTIFACTS, `theme-across-ports-${width}.png`) });
      }

      await page.getByRole('combobox', { name: 'Theme' }).selectOption('system');
      await expect.poll(otherBackground).toBe(light);
      await page.close();
    } finally {
      // The second server shares the first one's data folder: it must not delete it first.
      await again.stop().catch(() => undefined);
    }
  });

  it('shows Dark in the select when the choice arrived before the select subscribed', async () => {
    const { app, browser } = journey;
    const theme = browser.page.getByRole('combobox', { name: 'Theme' });
    await theme.selectOption('dark');
    await expect.poll(() => readFileSync(join(app.dataDir, 'settings.json'), 'utf8').includes('"dark"')).toBe(true);

    const again = await startWebApp({ TENANTRY_DATA_DIR: app.dataDir });
    try {
      const page = await browser.context.newPage();
      await page.emulateMedia({ colorScheme: 'light' });
      // What startTheme does when the backend answers "dark", done once the select is on the page and before
      // it subscribes (the first listener added while the select exists; listeners added at module load come
      // before the first render).
      await page.addInitScript(() => {
        const add = window.addEventListener.bind(window);
        let raced = false;
        window.addEventListener = ((type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions) => {
          if (type === 'tenantry-theme' && !raced && document.querySelector('select[aria-label="Theme"]')) {
            raced = true;
            window.localStorage.setItem('tenantry-theme', 'dark');
            document.documentElement.dataset.theme = 'dark';
          }
          add(type, listener, options);
        }) as typeof window.addEventListener;
      });
      await new AppPage(page).open(again.url);
      await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(22, 24, 29)');
      await expect.poll(() => page.getByRole('combobox', { name: 'Theme' }).inputValue()).toBe('dark');
      await page.getByRole('combobox', { name: 'Theme' }).selectOption('system');
      await page.close();
    } finally {
      await again.stop().catch(() => undefined);
    }
  });
});
