/**
 * Layout on a smaller window (1000–1100 px): the saved-connection entries stay
 * inside their card once the sandbox shows its port, and the snapshot editor
 * keeps most of the width for the SQL. Both were broken at these widths.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page.js';
import { hasChromium, launchBrowser, type Browser } from './support/browser.js';
import { startWebApp, type WebApp } from './support/web-app.js';

describe.skipIf(!hasChromium())('layout on a 1000 px window', () => {
  let app: WebApp;
  let browser: Browser;
  let ui: AppPage;

  beforeAll(async () => {
    app = await startWebApp();
    browser = await launchBrowser();
    await browser.page.setViewportSize({ width: 1000, height: 760 });
    ui = new AppPage(browser.page);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('the Local sandbox entry (with its port) does not overflow the Saved connections card', async () => {
    await ui.open(app.url);
    await ui.connections.startSandbox();
    const item = browser.page.getByRole('button', { name: /Local sandbox/ }).first();
    await expect(item.textContent()).resolves.toMatch(/127\.0\.0\.1:\d+\/tenantry_demo/);
    const overflow = await item.evaluate((el) => {
      const card = el.closest('.card');
      if (!card) return Number.NaN;
      return el.getBoundingClientRect().right - card.getBoundingClientRect().right;
    });
    // The item's right edge stays inside the card (it has 16 px padding).
    expect(overflow).toBeLessThanOrEqual(-8);
    await browser.screenshot('layout-connections-1000');
  });

  it('the snapshot editor gives the SQL more room than the side panel', async () => {
    await ui.goTo('Schemas');
    await ui.schemas.waitForSchema('tenant_template');
    await ui.schemas.chooseTemplate('tenant_template');
    await ui.schemas.dump();
    await ui.goTo('Snapshot editor');
    await ui.snapshot.referenceCount();
    const widths = await browser.page.evaluate(() => ({
      editor: document.querySelector('[data-testid="sql-editor"]')?.getBoundingClientRect().width ?? 0,
      panel: document.querySelector('.side-panel')?.getBoundingClientRect().width ?? 0,
    }));
    expect(widths.panel).toBeGreaterThan(0);
    expect(widths.editor).toBeGreaterThan(widths.panel * 1.4);
    await browser.screenshot('layout-editor-1000');
  });
});
