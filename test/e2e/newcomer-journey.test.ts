/**
 * A newcomer's journey in web mode, with nothing but the app: start the
 * sandbox, dump the demo template, see its references highlighted and
 * counted, replace them all, save the snapshot, create three tenants in one
 * batch and verify each.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page.js';
import { hasChromium, launchBrowser, type Browser } from './support/browser.js';
import { startWebApp, type WebApp } from './support/web-app.js';

describe.skipIf(!hasChromium())('newcomer journey (web mode, Debian Chromium)', () => {
  let app: WebApp;
  let browser: Browser;
  let ui: AppPage;

  beforeAll(async () => {
    app = await startWebApp();
    browser = await launchBrowser();
    ui = new AppPage(browser.page);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await browser?.screenshot(`newcomer-journey-failed-${ctx.task.name.replace(/\W+/g, '-')}`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('starts the local sandbox', async () => {
    await ui.open(app.url);
    await ui.connections.startSandbox();
    await expect(browser.page.getByText(/Running — PostgreSQL \d+/).textContent()).resolves.toMatch(/127\.0\.0\.1:\d+/);
  });

  it('dumps the demo template schema with a named pg_dump', async () => {
    await ui.goTo('Schemas');
    await ui.schemas.waitForSchema('tenant_template');
    await ui.schemas.chooseTemplate('tenant_template');
    const done = await ui.schemas.dump();
    const text = await done.textContent();
    expect(text).toMatch(/Dumped tenant_template/);
    expect(text).toMatch(/pg_dump \d+/);
    expect(text).toMatch(/schema_migrations \(5 rows\)/);
  });

  it('highlights and counts the references', async () => {
    await ui.goTo('Snapshot editor');
    const count = await ui.snapshot.referenceCount();
    expect(count).toBeGreaterThan(40);
    await expect.poll(() => ui.snapshot.highlighted('identifier').count()).toBeGreaterThan(0);
    await expect(browser.page.locator('.ref-gutter-identifier').count()).resolves.toBeGreaterThan(0);
    await browser.screenshot('newcomer-references');
    await expect(browser.page.getByRole('region', { name: 'Identifiers references' }).or(browser.page.locator('[aria-label="Identifiers references"]')).first().textContent()).resolves.toMatch(/Identifiers\s*\d+/);
  });

  it('replaces all references and saves the snapshot', async () => {
    await ui.snapshot.replaceAll();
    await expect(browser.page.getByText(/of \d+ references replaced with #\{prefix\}/).isVisible()).resolves.toBe(true);
    await expect.poll(() => ui.snapshot.editorText().textContent()).toContain('#{prefix}');
    await browser.page.getByRole('tab', { name: 'Diff' }).click();
    await browser.page.locator('[data-testid="sql-diff"] .editor.modified .view-lines').waitFor();
    await expect.poll(() => browser.page.locator('[data-testid="sql-diff"] .editor.modified .view-lines').textContent()).toContain('#{prefix}');
    await browser.screenshot('newcomer-snapshot-diff');
    await ui.snapshot.save('demo-e2e');
  });

  it('creates three tenants in one batch and verifies each', async () => {
    await ui.goTo('Provision');
    await ui.provision.chooseSnapshot(/demo-e2e/);
    const help = await ui.provision.typeTenantName('Acme Corp');
    await expect.poll(() => help.textContent()).toContain('"Acme Corp"');
    // A name that tries to break out of its identifier is shown exactly as it will be quoted.
    await ui.provision.typeTenantName('x"; drop schema tenant_template cascade; --');
    await expect.poll(() => help.textContent()).toContain('"x""; drop schema tenant_template cascade; --"');
    await ui.provision.typeTenantName('pg_evil');
    await expect.poll(() => help.textContent()).toMatch(/pg_/);
    await expect(browser.page.getByRole('button', { name: 'Create tenant', exact: true }).isDisabled()).resolves.toBe(true);
    const tenants = ['acme', 'globex', 'initech'];
    await ui.provision.createTenants(tenants);
    const summary = await ui.provision.waitForSummary();
    expect(summary).toMatch(/3 created, 0 failed/);
    await expect(ui.provision.progress().getAttribute('value')).resolves.toBe('3');
    for (const tenant of tenants) {
      await expect(ui.provision.tenantRow(tenant).textContent()).resolves.toContain('created');
      const result = await ui.provision.verify(tenant);
      await expect(result.textContent()).resolves.toMatch(new RegExp(`${tenant}: verified`));
    }
    await browser.screenshot('newcomer-journey');
    expect(browser.errors).toEqual([]);
  });
});
