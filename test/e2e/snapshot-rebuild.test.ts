/**
 * A rebuild that fails (a placeholder that is also a table name) shows the
 * error alone: no "N of N references replaced", no "Saved", Save disabled,
 * and the message names the Placeholder field, not a command-line flag. On
 * the old editor the previous build, its "Saved" note and Save stayed, so the
 * file saved next still had the old placeholder.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page.js';
import { hasChromium, launchBrowser, type Browser } from './support/browser.js';
import { startWebApp, type WebApp } from './support/web-app.js';

describe.skipIf(!hasChromium())('snapshot editor: a failed rebuild (web mode)', () => {
  let app: WebApp;
  let browser: Browser;
  let ui: AppPage;

  beforeAll(async () => {
    app = await startWebApp();
    browser = await launchBrowser();
    ui = new AppPage(browser.page);
    await ui.open(app.url);
    await ui.connections.startSandbox();
    await ui.goTo('Schemas');
    await ui.schemas.waitForSchema('tenant_template');
    await ui.schemas.dump();
    await ui.goTo('Snapshot editor');
    await ui.snapshot.referenceCount();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await browser?.screenshot(`snapshot-rebuild-failed-${ctx.task.name.replace(/\W+/g, '-')}`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('shows the error alone and cannot save the old build', async () => {
    await ui.snapshot.replaceAll();
    await ui.snapshot.save('first');
    await ui.snapshot.setPlaceholder('accounts');
    await ui.snapshot.tryReplaceAll();
    const error = ui.snapshot.buildError();
    await error.waitFor();
    const text = (await error.textContent()) ?? '';
    expect(text).toContain('Choose another placeholder in the Placeholder field.');
    expect(text).not.toMatch(/--[a-z]/);
    expect(await ui.snapshot.buildResult().count()).toBe(0);
    expect(await ui.snapshot.savedNote().count()).toBe(0);
    expect(await ui.snapshot.saveButton().isDisabled()).toBe(true);
    expect(await ui.snapshot.tab('Snapshot').isDisabled()).toBe(true);
    expect(await ui.snapshot.tab('Snapshot').evaluate((el) => Number(getComputedStyle(el).opacity))).toBeLessThan(0.6);
    // The editor is back on the dump (the failed build has nothing to show): the
    // Dump tab is selected and its text is there. The old editor was recreated for
    // the new tab's label after the text had been set, and stayed empty.
    expect(await ui.snapshot.tab('Dump').getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => ui.snapshot.visibleEditorText(), { timeout: 15_000 }).toContain('PostgreSQL database dump');
    await browser.screenshotWidths('snapshot-rebuild-failed');

    await ui.snapshot.setPlaceholder('#{t}');
    await ui.snapshot.replaceAll();
    expect(await ui.snapshot.buildError().count()).toBe(0);
    await expect(ui.snapshot.buildResult().textContent()).resolves.toMatch(/replaced with #\{t\}/);
    await ui.snapshot.save('second');
    await ui.goTo('Provision');
    const option = browser.page.getByRole('combobox', { name: 'Snapshot' }).locator('option').filter({ hasText: /^second/ });
    await option.waitFor({ state: 'attached' });
  });

  it('a placeholder edited after a build makes Save wait for a new build', async () => {
    await ui.goTo('Snapshot editor');
    await ui.snapshot.setPlaceholder('#{x}');
    expect(await ui.snapshot.saveButton().isDisabled()).toBe(true);
    expect(await ui.snapshot.buildResult().count()).toBe(0);
  });
});
