/**
 * Layout on a smaller window (1000–1100 px): the saved-connection entries stay
 * inside their card once the sandbox shows its port, and the snapshot editor
 * keeps most of the width for the SQL. Both were broken at these widths.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.js';
import { useWebJourney } from './support/journey.js';

describe.skipIf(!hasChromium())('layout on a 1000 px window', () => {
  const fx = useWebJourney({ viewport: { width: 1000, height: 760 } });

  it('the Local sandbox entry (with its port) does not overflow the Saved connections card', async () => {
    await fx.ui.open(fx.app.url);
    await fx.ui.connections.startSandbox();
    const item = fx.browser.page.getByRole('button', { name: /Local sandbox/ }).first();
    await expect(item.textContent()).resolves.toMatch(/127\.0\.0\.1:\d+\/tenantry_demo/);
    const overflow = await item.evaluate((el) => {
      const card = el.closest('.card');
      if (!card) return Number.NaN;
      return el.getBoundingClientRect().right - card.getBoundingClientRect().right;
    });
    // The item's right edge stays inside the card (it has 16 px padding).
    expect(overflow).toBeLessThanOrEqual(-8);
    await fx.browser.screenshot('layout-connections-1000');
  });

  it('the snapshot editor gives the SQL more room than the side panel', async () => {
    await fx.ui.goTo('Schemas');
    await fx.ui.schemas.waitForSchema('tenant_template');
    await fx.ui.schemas.chooseTemplate('tenant_template');
    await fx.ui.schemas.dump();
    await fx.ui.goTo('Snapshot editor');
    await fx.ui.snapshot.referenceCount();
    const widths = await fx.browser.page.evaluate(() => ({
      editor: document.querySelector('[data-testid="sql-editor"]')?.getBoundingClientRect().width ?? 0,
      panel: document.querySelector('.side-panel')?.getBoundingClientRect().width ?? 0,
    }));
    expect(widths.panel).toBeGreaterThan(0);
    expect(widths.editor).toBeGreaterThan(widths.panel * 1.4);
    await fx.browser.screenshot('layout-editor-1000');
  });
});
