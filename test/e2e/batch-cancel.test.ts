/**
 * A long batch can be cancelled and its failures retried: forty tenants one at
 * a time, cancelled after the first is created; the rest are marked cancelled
 * and "Retry failures" creates exactly those.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page.js';
import { hasChromium, launchBrowser, type Browser } from './support/browser.js';
import { startWebApp, type WebApp } from './support/web-app.js';

describe.skipIf(!hasChromium())('batch provisioning: cancel and retry (web mode)', () => {
  let app: WebApp;
  let browser: Browser;
  let ui: AppPage;

  beforeAll(async () => {
    app = await startWebApp();
    browser = await launchBrowser();
    ui = new AppPage(browser.page);
    await ui.open(app.url);
    await ui.connections.startSandbox();
    await ui.goTo('Schemas');
    await ui.schemas.waitForSchema('tenant_template');
    await ui.schemas.dump();
    await ui.goTo('Snapshot editor');
    await ui.snapshot.referenceCount();
    await ui.snapshot.replaceAll();
    await ui.snapshot.save('batch');
    await ui.goTo('Provision');
    await ui.provision.chooseSnapshot(/^batch/);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await browser?.screenshot(`batch-cancel-failed-${ctx.task.name.replace(/\W+/g, '-')}`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('cancels a running batch, then retries what did not run', async () => {
    const page = browser.page;
    const names = Array.from({ length: 40 }, (_, i) => `customer_${String(i + 1).padStart(2, '0')}`);
    await page.getByRole('spinbutton', { name: 'Concurrency' }).fill('1');
    await ui.provision.createTenants(names);
    await page.locator('tr[data-tenant] td', { hasText: /^ ?created\b/ }).first().waitFor();
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    const summary = await ui.provision.waitForSummary();
    const created = Number(/(\d+) created/.exec(summary)?.[1]);
    expect(created).toBeGreaterThanOrEqual(1);
    expect(created).toBeLessThan(40);
    await expect.poll(() => page.locator('tr[data-tenant]', { hasText: 'cancelled' }).count()).toBe(40 - created);

    const retry = page.getByRole('button', { name: `Retry failures (${40 - created})` });
    await retry.click();
    const again = await ui.provision.waitForSummary();
    expect(again).toMatch(new RegExp(`^${40 - created} created, 0 failed`));
    await expect(ui.provision.progress().getAttribute('value')).resolves.toBe(String(40 - created));
    await browser.screenshot('batch-cancel');
  });
});
