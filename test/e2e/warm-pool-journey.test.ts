/**
 * The warm pool in the app (web mode): snapshot the sandbox's demo template,
 * size the pool to 2, fill it, watch both spares become ready, create a tenant
 * that is claimed from the pool (not built), verify it against the template,
 * see the backend refill the pool by itself, create a batch that claims the
 * ready spares first and builds the rest, check the Schemas view never
 * offers a spare as a template, choose another snapshot and see the pool left
 * to its owner until a confirmed "Replace pool".
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.js';
import { saveDemoSnapshot, useWebJourney } from './support/journey.js';

describe.skipIf(!hasChromium())('warm pool journey (web mode, Debian Chromium)', () => {
  const fx = useWebJourney({ screenshotName: 'warm-pool' });

  it('saves a snapshot of the demo template', async () => {
    await saveDemoSnapshot(fx, 'pool-e2e');
  });

  it('sizes the pool to 2 and fills it', async () => {
    await fx.ui.goTo('Provision');
    await fx.ui.provision.chooseSnapshot(/pool-e2e/);
    await expect.poll(() => fx.ui.provision.poolStatus().textContent()).toMatch(/0 of 0 spares ready/);
    await fx.ui.provision.setPoolSize(2);
    await fx.ui.provision.fillPool();
    await fx.ui.provision.waitForPoolReady(2);
    await expect(fx.ui.provision.poolStatus().textContent()).resolves.toMatch(/^\s*2 of 2 spares ready/);
    await expect(fx.browser.page.getByText(/Built 2 spare\(s\)/).isVisible()).resolves.toBe(true);
  });

  it('creates a tenant by claiming a spare, and it verifies', async () => {
    await fx.ui.provision.createTenant('poolco');
    const row = fx.ui.provision.tenantRow('poolco');
    await row.getByText(/claimed from pool in \d+ ms/).waitFor({ timeout: 60_000 });
    await expect(row.textContent()).resolves.toMatch(/created\s*· claimed from pool in \d+ ms/);
    const result = await fx.ui.provision.verify('poolco');
    await expect(result.textContent()).resolves.toMatch(/poolco: verified/);
    // The claim is followed by a refill back to the target.
    await fx.ui.provision.waitForPoolReady(2);
    await fx.browser.screenshot('warm-pool-claimed');
    expect(fx.browser.errors).toEqual([]);
  });

  it('claims ready spares first in a batch and builds the rest', async () => {
    await fx.ui.provision.createTenants(['poolb1', 'poolb2', 'poolb3']);
    const summary = await fx.ui.provision.waitForSummary();
    expect(summary).toMatch(/^3 created, 0 failed \(2 claimed from the warm pool, 1 built\)/);
    const rows = await Promise.all(['poolb1', 'poolb2', 'poolb3'].map((t) => fx.ui.provision.tenantRow(t).textContent()));
    expect(rows.filter((r) => /claimed from pool in/.test(r ?? ''))).toHaveLength(2);
    expect(rows.filter((r) => /created\s*· built in/.test(r ?? ''))).toHaveLength(1);
    // The backend refills behind the batch; no "Fill pool" click.
    await fx.ui.provision.waitForPoolReady(2);
    expect(fx.browser.errors).toEqual([]);
  });

  it('never offers a spare as the template', async () => {
    await fx.ui.goTo('Schemas');
    await fx.ui.schemas.waitForSchema('tenant_template');
    await expect(fx.browser.page.getByRole('radio', { name: /^Template _tenantry/ }).count()).resolves.toBe(0);
    // The tenants claimed and built above are registered: folded under their template too, not candidates.
    await fx.ui.schemas.tenantGroup('tenant_template').waitFor();
    await expect(fx.browser.page.getByRole('radio', { name: /^Template poolco$/ }).count()).resolves.toBe(0);
    await fx.browser.page.getByRole('checkbox', { name: /Show system and extension schemas/ }).check();
    // The spares are folded under their template (one row, collapsed); unfolded, their radios are disabled.
    const spares = fx.browser.page.getByRole('radio', { name: /^Template _tenantry_spare_/ });
    await expect(fx.ui.schemas.spareGroup('tenant_template').textContent()).resolves.toBe('▸ 2 warm-pool spares of tenant_template');
    expect(await spares.count()).toBe(0);
    await fx.ui.schemas.spareGroup('tenant_template').click();
    await expect.poll(() => spares.count()).toBe(2);
    for (const radio of await spares.all()) await expect(radio.isDisabled()).resolves.toBe(true);
    await expect(fx.browser.page.getByText('warm pool', { exact: true }).first().isVisible()).resolves.toBe(true);
    await fx.browser.screenshot('warm-pool-schemas');
  });

  it('leaves the pool to its snapshot when another is chosen, and replaces it after confirmation', async () => {
    await fx.ui.schemas.chooseTemplate('tenant_template');
    await expect((await fx.ui.schemas.dump()).textContent()).resolves.toMatch(/Dumped tenant_template/);
    await fx.ui.goTo('Snapshot editor');
    await fx.ui.snapshot.referenceCount();
    await fx.ui.snapshot.setPlaceholder('#{tenant}');
    await fx.ui.snapshot.replaceAll();
    await fx.ui.snapshot.save('pool-e2e-other');
    await fx.ui.goTo('Provision');
    await fx.ui.provision.chooseSnapshot(/pool-e2e-other/);
    await fx.ui.provision.poolOwner().waitFor();
    await expect(fx.ui.provision.poolOwner().textContent()).resolves.toMatch(/owned by another snapshot [0-9a-f]{12}/);
    await expect(fx.ui.provision.poolStatus().textContent()).resolves.toMatch(/^\s*0 of 2 spares ready/);
    await expect(fx.browser.page.getByRole('button', { name: 'Fill pool', exact: true }).count()).resolves.toBe(0);
    await fx.browser.screenshot('warm-pool-owned-by-other');
    // Nothing rebuilds it in the background: the other snapshot's spares are still listed after a fresh read.
    await fx.ui.goTo('Schemas');
    await fx.ui.goTo('Provision');
    await fx.ui.provision.poolOwner().waitFor();
    await expect(fx.browser.page.getByText(/2 spares? of snapshot|Spares \(2\)/).first().isVisible()).resolves.toBe(true);
    await fx.ui.provision.replacePool();
    await fx.ui.provision.waitForPoolReady(2);
    await expect(fx.ui.provision.poolOwner().count()).resolves.toBe(0);
    await expect(fx.browser.page.getByText(/Built 2 spare\(s\), dropped 2 stale/).isVisible()).resolves.toBe(true);
    await fx.browser.screenshot('warm-pool-replaced');
    expect(fx.browser.errors).toEqual([]);
  });

  it('empties the pool after confirmation', async () => {
    await fx.ui.goTo('Provision');
    await fx.ui.provision.emptyPool();
    await fx.ui.provision.waitForPoolReady(0);
    await expect(fx.browser.page.getByText(/Dropped 2 spare\(s\)/).isVisible()).resolves.toBe(true);
  });
});
