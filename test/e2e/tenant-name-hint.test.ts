/**
 * The tenant-name hint under "Tenant name" says what will happen in the target
 * database: never "Will be created as" for `public`, the template that was just
 * dumped (it exists there), or a tenant that was just created. On the old hint
 * `tenant_template` (not yet saved in a snapshot) read "Will be created as
 * tenant_template", and a tenant read so again right after its creation.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page.js';
import { hasChromium, launchBrowser, type Browser } from './support/browser.js';
import { startWebApp, type WebApp } from './support/web-app.js';

describe.skipIf(!hasChromium())('Provision: the tenant-name hint (web mode)', () => {
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
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await browser?.screenshot(`tenant-name-hint-failed-${ctx.task.name.replace(/\W+/g, '-')}`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('refuses public and the template that is in the target database, before any snapshot is saved', async () => {
    await ui.goTo('Provision');
    const button = browser.page.getByRole('button', { name: 'Create tenant', exact: true });
    let help = await ui.provision.typeTenantName('public');
    await expect.poll(() => help.textContent()).toMatch(/"public" is the database's default schema/);
    expect(await button.isDisabled()).toBe(true);
    help = await ui.provision.typeTenantName('tenant_template');
    await expect.poll(() => help.textContent(), { timeout: 15_000 }).toBe('A schema named tenant_template already exists in database tenantry_demo. Choose another name.');
    expect(await help.textContent()).not.toMatch(/Will be created/);
    await browser.screenshotWidths('tenant-name-hint-template');
    help = await ui.provision.typeTenantName('acme');
    await expect.poll(() => help.textContent(), { timeout: 15_000 }).toBe('Will be created as acme');
  });

  it('says a tenant exists right after it was created', async () => {
    await ui.goTo('Schemas');
    await ui.schemas.dump();
    await ui.goTo('Snapshot editor');
    await ui.snapshot.referenceCount();
    await ui.snapshot.replaceAll();
    await ui.snapshot.save('hint');
    await ui.goTo('Provision');
    await ui.provision.chooseSnapshot(/^hint/);
    await ui.provision.createTenant('acme');
    await ui.provision.tenantRow('acme').filter({ hasText: /created/ }).waitFor({ timeout: 120_000 });
    const help = browser.page.locator('#tenant-name-help');
    await expect.poll(() => help.textContent(), { timeout: 15_000 }).toBe('A schema named acme already exists in database tenantry_demo. Choose another name.');
    expect(await browser.page.getByRole('button', { name: 'Create tenant', exact: true }).isDisabled()).toBe(true);
    await browser.screenshotWidths('tenant-name-hint-created');
  });
});
