/**
 * Publishing from the app (web mode): snapshot the sandbox's demo template,
 * publish it from the Provision view with a label and a role, see it listed
 * as the default, see a role that does not exist refused with nothing
 * published, and unpublish it after the inline confirmation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PublishPanelPage } from './pages/publish-panel-page.js';
import { hasChromium } from './support/browser.js';
import { saveDemoSnapshot, useWebJourney } from './support/journey.js';

describe.skipIf(!hasChromium())('publish journey (web mode, Debian Chromium)', () => {
  const fx = useWebJourney({ screenshotName: 'publish' });
  let publish: PublishPanelPage;

  beforeAll(async () => {
    publish = new PublishPanelPage(fx.browser.page);
  });

  it('saves a snapshot of the demo template', async () => {
    await saveDemoSnapshot(fx, 'publish-e2e');
  });

  it('publishes the snapshot with a label and a role, listed as the default', async () => {
    await fx.ui.goTo('Provision');
    await fx.ui.provision.chooseSnapshot(/publish-e2e/);
    await publish.panel().getByText('Nothing is published in this database yet.').waitFor();
    await publish.publish('v1', 'postgres');
    await expect(publish.result().textContent()).resolves.toMatch(/^Published snapshot [0-9a-f]{12} as “v1”\. EXECUTE granted to postgres\./);
    await expect(publish.row('v1').textContent()).resolves.toMatch(/v1\s*default[0-9a-f]{12}tenant_template/);
    await fx.browser.screenshot('publish-published');
    expect(fx.browser.errors).toEqual([]);
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
    await fx.browser.screenshot('publish-unpublished');
    expect(fx.browser.errors).toEqual([]);
  });
});
