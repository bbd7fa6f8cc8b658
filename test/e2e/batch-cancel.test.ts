/**
 * A long batch can be cancelled and the rest started later: forty tenants one
 * at a time, cancelled after the first is created. The summary says
 * "Cancelled: N created, M not started" (not a green success line), the bar
 * shows what settled (not 40/40), nothing is called a failure, and
 * "Start the remaining (M)" creates exactly those.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.js';
import { saveDemoSnapshot, useWebJourney } from './support/journey.js';

describe.skipIf(!hasChromium())('batch provisioning: cancel and retry (web mode)', () => {
  const fx = useWebJourney({ screenshotName: 'batch-cancel' });

  beforeAll(async () => {
    await saveDemoSnapshot(fx, 'batch');
    await fx.ui.goTo('Provision');
    await fx.ui.provision.chooseSnapshot(/^batch/);
  });

  it('cancels a running batch, says so, then starts what did not run', async () => {
    const page = fx.browser.page;
    const names = Array.from({ length: 40 }, (_, i) => `customer_${String(i + 1).padStart(2, '0')}`);
    await page.getByRole('spinbutton', { name: 'Concurrency' }).fill('1');
    await fx.ui.provision.createTenants(names);
    await page.locator('tr[data-tenant] td', { hasText: /^ ?created\b/ }).first().waitFor();
    await fx.ui.provision.cancel();
    const summary = await fx.ui.provision.waitForSummary();
    const created = Number(/(\d+) created/.exec(summary)?.[1]);
    expect(created).toBeGreaterThanOrEqual(1);
    expect(created).toBeLessThan(40);
    // The tenant under way when Cancel came (if any) was rolled back: it is counted as such, not as "not started".
    const rolledBack = Number(/(\d+) cancelled and rolled back/.exec(summary)?.[1] ?? 0);
    expect(rolledBack).toBeLessThanOrEqual(1);
    const notStarted = 40 - created - rolledBack;
    expect(summary).toMatch(new RegExp(`^Cancelled: ${created} created, ${rolledBack > 0 ? `${rolledBack} cancelled and rolled back, ` : ''}${notStarted} not started in `));
    await expect.poll(() => fx.ui.provision.rowsWithStatus('not started').count()).toBe(notStarted);
    await expect.poll(() => fx.ui.provision.rowsWithStatus('cancelled').count()).toBe(rolledBack);
    await expect(fx.ui.provision.progress().getAttribute('value')).resolves.toBe(String(created));
    expect(await fx.ui.provision.retryFailures().count()).toBe(0);
    await fx.browser.screenshot('batch-cancelled');

    await fx.ui.provision.startRemaining(40 - created).click(); // the rolled-back tenant does not exist: it is started again too
    const again = await fx.ui.provision.waitForSummary();
    expect(again).toMatch(new RegExp(`^${40 - created} created, 0 failed`));
    await expect(fx.ui.provision.progress().getAttribute('value')).resolves.toBe(String(40 - created));
    await fx.browser.screenshot('batch-cancel');
  });
});
