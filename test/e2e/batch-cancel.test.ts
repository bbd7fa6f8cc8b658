/**
 * A long batch can be cancelled and the rest started later: forty tenants one
 * at a time, cancelled after the first is created. The summary says
 * "Cancelled: N created, M not started" (not a green success line), the bar
 * shows what settled (not 40/40), nothing is called a failure, and
 * "Start the remaining (M)" creates exactly those.
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

  it('cancels a running batch, says so, then starts what did not run', async () => {
    const page = browser.page;
    const names = Array.from({ length: 40 }, (_, i) => `customer_${String(i + 1).padStart(2, '0')}`);
    await page.getByRole('spinbutton', { name: 'Concurrency' }).fill('1');
    await ui.provision.createTenants(names);
    await page.locator('tr[data-tenant] td', { hasText: /^ ?created\b/ }).first().waitFor();
    await ui.provision.cancel();
    const summary = await ui.provision.waitForSummary();
    const created = Number(/(\d+) created/.exec(summary)?.[1]);
    expect(created).toBeGreaterThanOrEqual(1);
    expect(created).toBeLessThan(40);
    expect(summary).toMatch(new RegExp(`^Cancelled: ${created} created, ${40 - created} not started in `));
    await expect.poll(() => ui.provision.rowsWithStatus('not started').count()).toBe(40 - created);
    await expect(ui.provision.progress().getAttribute('value')).resolves.toBe(String(created));
    expect(await ui.provision.retryFailures().count()).toBe(0);
    await browser.screenshot('batch-cancelled');

    await ui.provision.startRemaining(40 - created).click();
    const again = await ui.provision.waitForSummary();
    expect(again).toMatch(new RegExp(`^${40 - created} created, 0 failed`));
    await expect(ui.provision.progress().getAttribute('value')).resolves.toBe(String(40 - created));
    await browser.screenshot('batch-cancel');
  });
});
