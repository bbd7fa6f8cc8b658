/**
 * The snapshot editor's toolbar keeps to one line at 1440 px: Download (web mode's save to a file) sits
 * beside Save snapshot instead of wrapping onto a second line. "Export decisions" moved to the reference
 * panel, where the references it is about are listed (it shows when some need review).
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.js';
import { openDumpedTemplate, useWebJourney } from './support/journey.js';

describe.skipIf(!hasChromium())('snapshot editor toolbar (web mode)', () => {
  const journey = useWebJourney({ screenshotName: 'editor-toolbar', viewport: { width: 1440, height: 900 } });

  it('keeps every control on one line at 1440 px', async () => {
    await openDumpedTemplate(journey);
    const page = journey.browser.page;
    await journey.ui.snapshot.replaceAll();
    const dumpTab = await page.getByRole('tab', { name: 'Dump' }).boundingBox();
    const save = await page.getByRole('button', { name: 'Save snapshot' }).boundingBox();
    const download = await page.getByRole('button', { name: 'Download' }).boundingBox();
    expect(dumpTab && save && download).toBeTruthy();
    if (!dumpTab || !save || !download) return;
    // One line: Download's top is above the bottom of the tabs (before, it wrapped 40 px lower, at the left edge).
    expect(download.y).toBeLessThan(dumpTab.y + dumpTab.height);
    expect(Math.abs(download.y - save.y)).toBeLessThan(4);
    expect(download.x).toBeGreaterThan(save.x);
    expect(download.x + download.width).toBeLessThanOrEqual(1440);
    await journey.browser.screenshotWidths('editor-toolbar');
  });
});
