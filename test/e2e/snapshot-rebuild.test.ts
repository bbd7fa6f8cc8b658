/**
 * A rebuild that fails (a placeholder that is also a table name) shows the
 * error alone: no "N of N references replaced", no "Saved", Save disabled,
 * and the message names the Placeholder field, not a command-line flag. On
 * the old editor the previous build, its "Saved" note and Save stayed, so the
 * file saved next still had the old placeholder.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.js';
import { openDumpedTemplate, useWebJourney } from './support/journey.js';

describe.skipIf(!hasChromium())('snapshot editor: a failed rebuild (web mode)', () => {
  const journey = useWebJourney({ screenshotName: 'snapshot-rebuild' });

  beforeAll(async () => {
    await openDumpedTemplate(journey);
  });

  it('shows the error alone and cannot save the old build', async () => {
    await journey.ui.snapshot.replaceAll();
    await journey.ui.snapshot.save('first');
    await journey.ui.snapshot.setPlaceholder('accounts');
    await journey.ui.snapshot.tryReplaceAll();
    const error = journey.ui.snapshot.buildError();
    await error.waitFor();
    const text = (await error.textContent()) ?? '';
    expect(text).toContain('Choose another placeholder in the Placeholder field.');
    expect(text).not.toMatch(/--[a-z]/);
    expect(await journey.ui.snapshot.buildResult().count()).toBe(0);
    expect(await journey.ui.snapshot.savedNote().count()).toBe(0);
    expect(await journey.ui.snapshot.saveButton().isDisabled()).toBe(true);
    expect(await journey.ui.snapshot.tab('Snapshot').isDisabled()).toBe(true);
    expect(await journey.ui.snapshot.tab('Snapshot').evaluate((el) => Number(getComputedStyle(el).opacity))).toBeLessThan(0.6);
    // The editor is back on the dump (the failed build has nothing to show): the
    // Dump tab is selected and its text is there. The old editor was recreated for
    // the new tab's label after the text had been set, and stayed empty.
    expect(await journey.ui.snapshot.tab('Dump').getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => journey.ui.snapshot.visibleEditorText(), { timeout: 15_000 }).toContain('PostgreSQL database dump');
    await journey.browser.screenshotWidths('snapshot-rebuild-failed');

    await journey.ui.snapshot.setPlaceholder('#{t}');
    await journey.ui.snapshot.replaceAll();
    expect(await journey.ui.snapshot.buildError().count()).toBe(0);
    await expect(journey.ui.snapshot.buildResult().textContent()).resolves.toMatch(/replaced with #\{t\}/);
    await journey.ui.snapshot.save('second');
    await journey.ui.goTo('Provision');
    const option = journey.browser.page.getByRole('combobox', { name: 'Snapshot' }).locator('option').filter({ hasText: /^second/ });
    await option.waitFor({ state: 'attached' });
  });

  it('a placeholder edited after a build makes Save wait for a new build', async () => {
    await journey.ui.goTo('Snapshot editor');
    await journey.ui.snapshot.setPlaceholder('#{x}');
    expect(await journey.ui.snapshot.saveButton().isDisabled()).toBe(true);
    expect(await journey.ui.snapshot.buildResult().count()).toBe(0);
  });
});
