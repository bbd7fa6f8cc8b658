/**
 * Every view at 1440×900, 1024×700 and 960×700: no horizontal scrolling of the
 * page or of a view's body, and a screenshot of each (test-artifacts/layout-*.png)
 * to look at.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.js';
import { openDumpedTemplate, useWebJourney } from './support/journey.js';

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
  { width: 960, height: 700 },
] as const;
const VIEWS = ['Connections', 'Schemas', 'Snapshot editor', 'Provision', 'Tenants', 'SQL console'] as const;

describe.skipIf(!hasChromium())('layout at 1440, 1024 and 960 px (web mode)', () => {
  const fx = useWebJourney();

  beforeAll(async () => {
    await openDumpedTemplate(fx);
  });

  for (const size of SIZES) {
    it(`no view scrolls sideways at ${size.width}×${size.height}`, async () => {
      await fx.browser.page.setViewportSize(size);
      const overflowing: string[] = [];
      for (const view of VIEWS) {
        await fx.ui.goTo(view);
        const overflow = await fx.browser.page.evaluate(() => {
          const page = document.scrollingElement;
          const body = document.querySelector('.view-body');
          return {
            page: page ? page.scrollWidth - page.clientWidth : 0,
            body: body ? body.scrollWidth - body.clientWidth : 0,
          };
        });
        if (overflow.page > 0 || overflow.body > 0) overflowing.push(`${view}: page +${overflow.page} px, body +${overflow.body} px`);
        await fx.browser.screenshot(`layout-${size.width}-${view.toLowerCase().replace(/\W+/g, '-')}`);
      }
      expect(overflowing).toEqual([]);
    });
  }
});
