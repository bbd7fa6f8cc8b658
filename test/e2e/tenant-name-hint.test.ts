/**
 * The tenant-name hint under "Tenant name" says what will happen in the target
 * database: never "Will be created as" for `public`, the template that was just
 * dumped (it exists there), or a tenant that was just created. On the old hint
 * `tenant_template` (not yet saved in a snapshot) read "Will be created as
 * tenant_template", and a tenant read so again right after its creation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.js';
import { useWebJourney } from './support/journey.js';

describe.skipIf(!hasChromium())('Provision: the tenant-name hint (web mode)', () => {
  const journey = useWebJourney({ screenshotName: 'tenant-name-hint' });

  beforeAll(async () => {
    await journey.ui.open(journey.app.url);
    await journey.ui.connections.startSandbox();
    await journey.ui.goTo('Schemas');
    await journey.ui.schemas.waitForSchema('tenant_template');
  });

  it('refuses public and the template that is in the target database, before any snapshot is saved', async () => {
    await journey.ui.goTo('Provision');
    const button = journey.browser.page.getByRole('button', { name: 'Create tenant', exact: true });
    let help = await journey.ui.provision.typeTenantName('public');
    await expect.poll(() => help.textContent()).toMatch(/"public" is the database's default schema/);
    expect(await button.isDisabled()).toBe(true);
    help = await journey.ui.provision.typeTenantName('tenant_template');
    await expect.poll(() => help.textContent(), { timeout: 15_000 }).toBe('A schema named tenant_template already exists in database tenantry_demo. Choose another name.');
    expect(await help.textContent()).not.toMatch(/Will be created/);
    await journey.browser.screenshotWidths('tenant-name-hint-template');
    help = await journey.ui.provision.typeTenantName('acme');
    await expect.poll(() => help.textContent(), { timeout: 15_000 }).toBe('Will be created as acme');
  });

  it('says a tenant exists right after it was created', async () => {
    await journey.ui.goTo('Schemas');
    await journey.ui.schemas.dump();
    await journey.ui.goTo('Snapshot editor');
    await journey.ui.snapshot.referenceCount();
    await journey.ui.snapshot.replaceAll();
    await journey.ui.snapshot.save('hint');
    await journey.ui.goTo('Provision');
    await journey.ui.provision.chooseSnapshot(/^hint/);
    await journey.ui.provision.createTenant('acme');
    await journey.ui.provision.tenantRow('acme').filter({ hasText: /created/ }).waitFor({ timeout: 120_000 });
    const help = journey.browser.page.locator('#tenant-name-help');
    await expect.poll(() => help.textContent(), { timeout: 15_000 }).toBe('A schema named acme already exists in database tenantry_demo. Choose another name.');
    expect(await journey.browser.page.getByRole('button', { name: 'Create tenant', exact: true }).isDisabled()).toBe(true);
    await journey.browser.screenshotWidths('tenant-name-hint-created');
  });
});
