/**
 * Publishing from the app (web mode): snapshot the sandbox's demo template,
 * publish it from the Provision view with a label and a role, see it listed
 * as the default, see a role that does not exist refused with nothing
 * published, and unpublish it after the inline confirmation.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page.js';
import { PublishPanelPage } from './pages/publish-panel-page.js';
import { hasChromium, launchBrowser, type Browser } from './support/browser.js';
import { startWebApp, type WebApp } from './support/web-app.js';

describe.skipIf(!hasChromium())('publish journey (web mode, Debian Chromium)', () => {
  let app: WebApp;
  let browser: Browser;
  let ui: AppPage;
  let publish: PublishPanelPage;

  beforeAll(async () => {
    app = await startWebApp();
    browser = await launchBrowser();
    ui = new AppPage(browser.page);
    publish = new PublishPanelPage(browser.page);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await browser?.screenshot(`publish-failed-${ctx.task.name.replace(/\W+/g, '-')}`);
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
    await ui.snapshot.save('publish-e2e');
  });

  it('publishes the snapshot with a label and a role, listed as the default', async () => {
    await ui.goTo('Provision');
    await ui.provision.chooseSnapshot(/publish-e2e/);
    await publish.panel().getByText('Nothing is published in this database yet.').waitFor();
    await publish.publish('v1', 'postgres');
    await expect(publish.result().textContent()).resolves.toMatch(/^Published snapshot [0-9a-f]{12} as “v1”\. EXECUTE granted to postgres\./);
    await expect(publish.row('v1').textContent()).resolves.toMatch(/v1\s*default[0-9a-f]{12}tenant_template/);
    await browser.screenshot('publish-published');
    expect(browser.errors).toEqual([]);
  });

  it('refuses a role that does not exist and publishes nothing', async () => {
    await publish.publish('v2', 'no_such_role');
    await expect(publish.error().textContent()).resolves.toMatch(/nothing was changed.*no_such_role|no_such_role.*does not exist/s);
    await expect(publish.row('v2').count()).resolves.toBe(0);
    await expect(publish.table().getByRole('row').count()).resolves.toBe(2);
  });

  it('unpublishes after confirmation', async () => {
    await publish.unpublish('v1');
    await expect(publish.result().textContent()).resolves.toMatch(/Unpublished “v1”; tenants already created are kept\./);
    await publish.panel().getByText('Nothing is published in this database yet.').waitFor();
    await browser.screenshot('publish-unpublished');
    expect(browser.errors).toEqual([]);
  });
});
