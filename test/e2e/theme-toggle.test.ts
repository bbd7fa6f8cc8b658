/**
 * Light and dark themes with a toggle: the sidebar's Theme choice switches the
 * page and the SQL editor between light and dark whatever the OS says, and is
 * kept across a reload; System follows the OS setting again. Before, the app
 * only followed the OS setting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page.js';
import { hasChromium, launchBrowser, type Browser } from './support/browser.js';
import { startWebApp, type WebApp } from '../../support/web-app.js';

describe.skipIf(!hasChromium())('themes (web mode)', () => {
  let app: WebApp;
  let browser: Browser;
  let ui: AppPage;

  beforeAll(async () => {
    app = await startWebApp();
    browser = await launchBrowser();
    ui = new AppPage(browser.page);
    await browser.page.emulateMedia({ colorScheme: 'light' });
    await ui.open(app.url);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const background = () => browser.page.evaluate(() => getComputedStyle(document.body).backgroundColor);

  it('switches to dark and back, keeps the choice across a reload, and System follows the OS', async () => {
    const theme = browser.page.getByRole('combobox', { name: 'Theme' });
    expect(await theme.inputValue()).toBe('system');
    const light = await background();
    await theme.selectOption('dark');
    await expect.poll(background).not.toBe(light);
    expect(await background()).toBe('rgb(22, 24, 29)');
    await browser.screenshotWidths('theme-dark');

    await browser.page.reload();
    await browser.page.getByRole('navigation', { name: 'Views' }).waitFor();
    expect(await theme.inputValue()).toBe('dark');
    expect(await background()).toBe('rgb(22, 24, 29)');

    await theme.selectOption('light');
    await browser.page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).toBe(light);

    await theme.selectOption('system');
    expect(await background()).toBe('rgb(22, 24, 29)');
    await browser.page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(background).toBe(light);
  });
});
