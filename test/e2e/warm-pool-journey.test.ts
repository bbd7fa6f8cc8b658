/**
 * The warm pool in the app (web mode): snapshot the sandbox's demo template,
 * size the pool to 2, fill it, watch both spares become ready, create a tenant
 * that is claimed from the pool (not built), verify it against the template,
 * see the backend refill the pool by itself, create a batch that claims the
 * ready spares first and builds the rest, check the Schemas view never
 * offers a spare as a template, choose another snapshot and see the pool left
 * to its owner until a confirmed "Replace pool".
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page.js';
import { hasChromium, launchBrowser, type Browser } from './support/browser.js';
import { startWebApp, type WebApp } from './support/web-app.js';

describe.skipIf(!hasChromium())('warm pool journey (web mode, Debian Chromium)', () => {
  let app: WebApp;
  let browser: Browser;
  let ui: AppPage;

  beforeAll(async () => {
    app = await startWebApp();
    browser = await launchBrowser();
    ui = new AppPage(browser.page);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await browser?.screenshot(`warm-pool-failed-${ctx.task.name.replace(/\W+/g, '-')}`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('saves a snapshot of the demo template', async () => {
    await ui.open(app.url);
    await ui.connections.startSandbox();
    await ui.goTo('Schemas');
    await ui.schemas.waitForSchema('tenant_template');
    await ui.schemas.chooseTemplate('tenant_template');
    await expect((await ui.schemas.dump()).textContent()).resolves.toMatch(/Dumped tenant_template/);
    await ui.goTo('Snapshot editor');
    await ui.snapshot.referenceCount();
    await ui.snapshot.replaceAll();
    await ui.snapshot.save('pool-e2e');
  });

  it('sizes the pool to 2 and fills it', async () => {
    await ui.goTo('Provision');
    await ui.provision.chooseSnapshot(/pool-e2e/);
    await expect.poll(() => ui.provision.poolStatus().textContent()).toMatch(/0 of 0 spares ready/);
    await ui.provision.setPoolSize(2);
    await ui.provision.fillPool();
    await ui.provision.waitForPoolReady(2);
    await expect(ui.provision.poolStatus().textContent()).resolves.toMatch(/^\s*2 of 2 spares ready/);
    await expect(browser.page.getByText(/Built 2 spare\(s\)/).isVisible()).resolves.toBe(true);
  });

  it('creates a tenant by claiming a spare, and it verifies', async () => {
    await ui.provision.createTenant('poolco');
    const row = ui.provision.tenantRow('poolco');
    await row.getByText(/claimed from pool in \d+ ms/).waitFor({ timeout: 60_000 });
    await expect(row.textContent()).resolves.toMatch(/created\s*· claimed from pool in \d+ ms/);
    const result = await ui.provision.verify('poolco');
    await expect(result.textContent()).resolves.toMatch(/poolco: verified/);
    // The claim is followed by a refill back to the target.
    await ui.provision.waitForPoolReady(2);
    await browser.screenshot('warm-pool-claimed');
    expect(browser.errors).toEqual([]);
  });

  it('claims ready spares first in a batch and builds the rest', async () => {
    await ui.provision.createTenants(['poolb1', 'poolb2', 'poolb3']);
    const summary = await ui.provision.waitForSummary();
    expect(summary).toMatch(/^3 created, 0 failed \(2 claimed from the warm pool, 1 built\)/);
    const rows = await Promise.all(['poolb1', 'poolb2', 'poolb3'].map((t) => ui.provision.tenantRow(t).textContent()));
    expect(rows.filter((r) => /claimed from pool in/.test(r ?? ''))).toHaveLength(2);
    expect(rows.filter((r) => /created\s*· built in/.test(r ?? ''))).toHaveLength(1);
    // The backend refills behind the batch; no "Fill pool" click.
    await ui.provision.waitForPoolReady(2);
    expect(browser.errors).toEqual([]);
  });

  it('never offers a spare as the template', async () => {
    await ui.goTo('Schemas');
    await ui.schemas.waitForSchema('poolco');
    await expect(browser.page.getByRole('radio', { name: /^Template _tenantry/ }).count()).resolves.toBe(0);
    await browser.page.getByRole('checkbox', { name: /Show system and extension schemas/ }).check();
    const spares = browser.page.getByRole('radio', { name: /^Template _tenantry_spare_/ });
    await expect.poll(() => spares.count()).toBe(2);
    for (const radio of await spares.all()) await expect(radio.isDisabled()).resolves.toBe(true);
    await expect(browser.page.getByText('warm pool', { exact: true }).first().isVisible()).resolves.toBe(true);
    await browser.screenshot('warm-pool-schemas');
  });

  it('leaves the pool to its snapshot when another is chosen, and replaces it after confirmation', async () => {
    await ui.schemas.chooseTemplate('tenant_template');
    await expect((await ui.schemas.dump()).textContent()).resolves.toMatch(/Dumped tenant_template/);
    await ui.goTo('Snapshot editor');
    await ui.snapshot.referenceCount();
    await ui.snapshot.setPlaceholder('#{tenant}');
    await ui.snapshot.replaceAll();
    await ui.snapshot.save('pool-e2e-other');
    await ui.goTo('Provision');
    await ui.provision.chooseSnapshot(/pool-e2e-other/);
    await ui.provision.poolOwner().waitFor();
    await expect(ui.provision.poolOwner().textContent()).resolves.toMatch(/owned by another snapshot [0-9a-f]{12}/);
    await expect(ui.provision.poolStatus().textContent()).resolves.toMatch(/^\s*0 of 2 spares ready/);
    await expect(browser.page.getByRole('button', { name: 'Fill pool', exact: true }).count()).resolves.toBe(0);
    await browser.screenshot('warm-pool-owned-by-other');
    // Nothing rebuilds it in the background: the other snapshot's spares are still listed after a fresh read.
    await ui.goTo('Schemas');
    await ui.goTo('Provision');
    await ui.provision.poolOwner().waitFor();
    await expect(browser.page.getByText(/2 spares? of snapshot|Spares \(2\)/).first().isVisible()).resolves.toBe(true);
    await ui.provision.replacePool();
    await ui.provision.waitForPoolReady(2);
    await expect(ui.provision.poolOwner().count()).resolves.toBe(0);
    await expect(browser.page.getByText(/Built 2 spare\(s\), dropped 2 stale/).isVisible()).resolves.toBe(true);
    await browser.screenshot('warm-pool-replaced');
    expect(browser.errors).toEqual([]);
  });

  it('empties the pool after confirmation', async () => {
    await ui.goTo('Provision');
    await ui.provision.emptyPool();
    await ui.provision.waitForPoolReady(0);
    await expect(browser.page.getByText(/Dropped 2 spare\(s\)/).isVisible()).resolves.toBe(true);
  });
});
