/**
 * A newcomer's journey in web mode, with nothing but the app: start the
 * sandbox, dump the demo template, see its references highlighted and
 * counted, replace them all, save the snapshot, create three tenants in one
 * batch and verify each.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.js';
import { useWebJourney } from './support/journey.js';

describe.skipIf(!hasChromium())('newcomer journey (web mode, Debian Chromium)', () => {
  const fx = useWebJourney({ screenshotName: 'newcomer-journey' });

  it('starts the local sandbox', async () => {
    await fx.ui.open(fx.app.url);
    await fx.ui.connections.startSandbox();
    await expect(fx.browser.page.getByText(/Running — PostgreSQL \d+/).textContent()).resolves.toMatch(/127\.0\.0\.1:\d+/);
  });

  it('dumps the demo template schema with a named pg_dump', async () => {
    await fx.ui.goTo('Schemas');
    await fx.ui.schemas.waitForSchema('tenant_template');
    await fx.ui.schemas.chooseTemplate('tenant_template');
    const done = await fx.ui.schemas.dump();
    const text = await done.textContent();
    expect(text).toMatch(/Dumped tenant_template/);
    expect(text).toMatch(/pg_dump \d+/);
    expect(text).toMatch(/schema_migrations \(5 rows\)/);
  });

  it('highlights and counts the references', async () => {
    await fx.ui.goTo('Snapshot editor');
    const count = await fx.ui.snapshot.referenceCount();
    expect(count).toBeGreaterThan(40);
    await expect.poll(() => fx.ui.snapshot.highlighted('identifier').count()).toBeGreaterThan(0);
    await expect(fx.browser.page.locator('.ref-gutter-identifier').count()).resolves.toBeGreaterThan(0);
    await fx.browser.screenshot('newcomer-references');
    await expect(fx.browser.page.getByRole('region', { name: 'Identifiers references' }).or(fx.browser.page.locator('[aria-label="Identifiers references"]')).first().textContent()).resolves.toMatch(/Identifiers\s*\d+/);
  });

  it('replaces all references and saves the snapshot', async () => {
    await fx.ui.snapshot.replaceAll();
    await expect(fx.browser.page.getByText(/of \d+ references replaced with #\{prefix\}/).isVisible()).resolves.toBe(true);
    await expect.poll(() => fx.ui.snapshot.editorText().textContent()).toContain('#{prefix}');
    await fx.browser.page.getByRole('tab', { name: 'Diff' }).click();
    await fx.browser.page.locator('[data-testid="sql-diff"] .editor.modified .view-lines').waitFor();
    await expect.poll(() => fx.browser.page.locator('[data-testid="sql-diff"] .editor.modified .view-lines').textContent()).toContain('#{prefix}');
    await fx.browser.screenshot('newcomer-snapshot-diff');
    await fx.ui.snapshot.save('demo-e2e');
  });

  it('creates three tenants in one batch and verifies each', async () => {
    await fx.ui.goTo('Provision');
    await fx.ui.provision.chooseSnapshot(/demo-e2e/);
    const help = await fx.ui.provision.typeTenantName('Acme Corp');
    await expect.poll(() => help.textContent()).toContain('"Acme Corp"');
    // A name that tries to break out of its identifier is shown exactly as it will be quoted.
    await fx.ui.provision.typeTenantName('x"; drop schema tenant_template cascade; --');
    await expect.poll(() => help.textContent()).toContain('"x""; drop schema tenant_template cascade; --"');
    await fx.ui.provision.typeTenantName('pg_evil');
    await expect.poll(() => help.textContent()).toMatch(/pg_/);
    await expect(fx.browser.page.getByRole('button', { name: 'Create tenant', exact: true }).isDisabled()).resolves.toBe(true);
    const tenants = ['acme', 'globex', 'initech'];
    await fx.ui.provision.createTenants(tenants);
    const summary = await fx.ui.provision.waitForSummary();
    expect(summary).toMatch(/3 created, 0 failed/);
    await expect(fx.ui.provision.progress().getAttribute('value')).resolves.toBe('3');
    for (const tenant of tenants) {
      await expect(fx.ui.provision.tenantRow(tenant).textContent()).resolves.toContain('created');
      const result = await fx.ui.provision.verify(tenant);
      await expect(result.textContent()).resolves.toMatch(new RegExp(`${tenant}: verified`));
    }
    await fx.browser.screenshot('newcomer-journey');
    expect(fx.browser.errors).toEqual([]);
  });
});
