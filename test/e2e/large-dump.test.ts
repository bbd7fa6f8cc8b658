/**
 * A 10 MB dump in the snapshot editor: the references of a large template are
 * found (in a worker), highlighted, and the page takes input while they are
 * drawn. How long the main thread is busy meanwhile is a speed goal, measured
 * by `npm run bench -- editor-large-dump` (bench/editor-large-dump.ts), not
 * asserted here: wall-clock bounds fail on a loaded machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { LARGE_TEMPLATE_SQL, LARGE_TEMPLATE_TABLES } from '../../support/large-template.js';
import { hasChromium } from './support/browser.js';
import { saveClusterConnection, useWebJourney } from './support/journey.js';

describe.skipIf(!hasChromium())('a 10 MB dump in the snapshot editor (web mode)', () => {
  const journey = useWebJourney({ screenshotName: 'large-dump' });
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ conf: { max_locks_per_transaction: 4096 } });
    await cluster.query(LARGE_TEMPLATE_SQL);
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('finds and highlights the references and takes input while they are drawn', async () => {
    const { ui, browser, app } = journey;
    await ui.open(app.url);
    await saveClusterConnection(ui, cluster);
    await ui.goTo('Schemas');
    await ui.schemas.waitForSchema('big');
    await ui.schemas.chooseTemplate('big');
    const dumped = await ui.schemas.dump();
    const dumpText = (await dumped.textContent()) ?? '';
    expect(dumpText).toMatch(/Dumped big/);
    const size = Number(/: ([\d.]+) MB/.exec(dumpText)?.[1] ?? 0);
    expect(size).toBeGreaterThanOrEqual(9);

    await ui.goTo('Snapshot editor');
    const count = await ui.snapshot.referenceCount();
    expect(count).toBeGreaterThan(LARGE_TEMPLATE_TABLES * 5);
    // Input is applied while the decorations are still being added, one slice per frame.
    const placeholder = browser.page.getByRole('textbox', { name: 'Placeholder' });
    await placeholder.fill('#{tenant}');
    await expect.poll(() => placeholder.inputValue()).toBe('#{tenant}');
    // The references are drawn: the first identifier references carry their highlight class.
    await expect.poll(() => ui.snapshot.highlighted('identifier').count(), { timeout: 120_000 }).toBeGreaterThan(0);
    await browser.screenshot('large-dump');
  });
});
