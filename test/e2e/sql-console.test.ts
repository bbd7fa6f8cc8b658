/**
 * The SQL console: a statement on the sandbox with search_path set to a tenant shows its rows in a grid;
 * a write is refused while the console is read-only (the default) and runs once "Allow writes" is on;
 * a long statement is cancelled from the Cancel button.
 */
import { describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.js';
import { useWebJourney } from './support/journey.js';

describe.skipIf(!hasChromium())('SQL console (web mode)', () => {
  const journey = useWebJourney({ screenshotName: 'sql-console' });

  it('runs a read-only statement for a tenant, refuses a write until writes are allowed, and cancels', async () => {
    const { ui, app, browser } = journey;
    const page = browser.page;
    await ui.open(app.url);
    await ui.connections.startSandbox();
    await ui.goTo('SQL console');
    const statement = page.getByRole('textbox', { name: 'SQL statement' });
    const run = page.getByRole('button', { name: /^Run/ });
    const summary = page.getByRole('status', { name: 'Result summary' });
    const failure = page.getByRole('alert').or(page.locator('.error-box'));

    await page.getByRole('combobox', { name: 'Tenant (search_path)' }).selectOption('tenant_template');
    await statement.fill("SELECT current_schema() AS schema, count(*) AS accounts FROM accounts");
    await run.click();
    await summary.waitFor();
    expect(await summary.textContent()).toMatch(/^1 row in .* read-only, rolled back$/);
    const cells = page.getByRole('table', { name: 'Result rows' }).getByRole('cell');
    expect((await cells.allTextContents())[0]).toBe('tenant_template');
    await browser.screenshotWidths('sql-console');

    await statement.fill("INSERT INTO accounts (name, slug) VALUES ('Console test', 'console-test')");
    await run.click();
    await expect(failure.first().textContent()).resolves.toMatch(/read-only/);

    await page.getByRole('switch', { name: 'Allow writes' }).check();
    await page.getByRole('button', { name: 'Run (writes allowed)' }).click();
    await expect.poll(async () => (await summary.isVisible()) && (await summary.textContent())).toMatch(/^INSERT 1 in .* committed$/);

    await page.getByRole('switch', { name: 'Allow writes' }).uncheck();
    await statement.fill('SELECT pg_sleep(60)');
    await run.click();
    await page.getByText('Running…').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(failure.first().textContent()).resolves.toMatch(/Cancelled/);
  });
});
