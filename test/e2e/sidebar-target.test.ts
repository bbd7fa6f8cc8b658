/**
 * The sidebar names where Provision writes (connection and database), from
 * every view, and follows a target chosen on the Provision view. The old
 * sidebar named only the connection chosen on the Connections view, so a
 * database chosen on Provision was nowhere to be seen from the other views.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page.js';
import { hasChromium, launchBrowser, type Browser } from './support/browser.js';
import { startWebApp, type WebApp } from './support/web-app.js';

describe.skipIf(!hasChromium())('sidebar: where Provision writes (web mode)', () => {
  let app: WebApp;
  let browser: Browser;
  let ui: AppPage;

  beforeAll(async () => {
    app = await startWebApp();
    browser = await launchBrowser();
    ui = new AppPage(browser.page);
    await ui.open(app.url);
    await ui.connections.startSandbox();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await browser?.screenshot(`sidebar-target-failed-${ctx.task.name.replace(/\W+/g, '-')}`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('names the connection and database Provision will write to, from every view', async () => {
    const sidebar = browser.page.getByRole('navigation', { name: 'Views' }).getByLabel('Provision target');
    await expect.poll(() => sidebar.textContent()).toBe('Provision writes to: Local sandbox · tenantry_demo');
    await ui.goTo('Provision');
    const database = browser.page.getByRole('combobox', { name: 'Database' });
    await database.locator('option', { hasText: /^postgres —/ }).waitFor({ state: 'attached', timeout: 30_000 });
    await database.selectOption('postgres');
    await expect.poll(() => sidebar.textContent()).toBe('Provision writes to: Local sandbox · postgres');
    await ui.goTo('Schemas');
    expect(await sidebar.textContent()).toBe('Provision writes to: Local sandbox · postgres');
    await browser.screenshotWidths('sidebar-target');
  });
});
