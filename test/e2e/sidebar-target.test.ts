/**
 * The sidebar names where Provision writes (connection and database), from
 * every view, and follows a target chosen on the Provision view. The old
 * sidebar named only the connection chosen on the Connections view, so a
 * database chosen on Provision was nowhere to be seen from the other views.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.js';
import { useWebJourney } from './support/journey.js';

describe.skipIf(!hasChromium())('sidebar: where Provision writes (web mode)', () => {
  const journey = useWebJourney({ screenshotName: 'sidebar-target' });

  beforeAll(async () => {
    await journey.ui.open(journey.app.url);
    await journey.ui.connections.startSandbox();
  });

  it('names the connection and database Provision will write to, from every view', async () => {
    const sidebar = journey.browser.page.getByRole('navigation', { name: 'Views' }).getByLabel('Provision target');
    await expect.poll(() => sidebar.textContent()).toBe('Provision writes to: Local sandbox · tenantry_demo');
    await journey.ui.goTo('Provision');
    const database = journey.browser.page.getByRole('combobox', { name: 'Database' });
    await database.locator('option', { hasText: /^postgres —/ }).waitFor({ state: 'attached', timeout: 30_000 });
    await database.selectOption('postgres');
    await expect.poll(() => sidebar.textContent()).toBe('Provision writes to: Local sandbox · postgres');
    await journey.ui.goTo('Schemas');
    expect(await sidebar.textContent()).toBe('Provision writes to: Local sandbox · postgres');
    await journey.browser.screenshotWidths('sidebar-target');
  });
});
