/**
 * A long batch can be cancelled and the rest started later: forty tenants one
 * at a time, cancelled after the first is created while the second is under
 * way. The summary says "Cancelled: 1 created, 1 cancelled and rolled back,
 * 38 not started" (not a green success line), the bar shows what settled (not
 * 40/40), nothing is called a failure, and "Start the remaining (39)" creates
 * exactly those.
 *
 * The second tenant is held under way by another session that created its
 * schema and has not committed, so Cancel always finds it running. (The row of
 * a rolled-back tenant was once not found: its cell's text runs on into the
 * error message, "cancelledCreating tenant …".)
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.js';
import { saveDemoSnapshot, useWebJourney } from './support/journey.js';

describe.skipIf(!hasChromium())('batch provisioning: cancel and retry (web mode)', () => {
  const fx = useWebJourney({ screenshotName: 'batch-cancel' });

  let blocker: pg.Client | undefined;

  beforeAll(async () => {
    await saveDemoSnapshot(fx, 'batch');
    // A session of our own on the sandbox, from what its card says.
    await fx.ui.goTo('Connections');
    const panel = fx.browser.page.getByRole('region', { name: 'Connect from a terminal' });
    const port = Number(await panel.getByLabel('Sandbox port').textContent());
    const passfile = String(await panel.getByLabel('Sandbox password file').textContent());
    const password = readFileSync(passfile, 'utf8').trim().split('\n')[0]!.split(':').slice(4).join(':');
    blocker = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'tenantry_demo', password });
    await blocker.connect();
    await fx.ui.goTo('Provision');
    await fx.ui.provision.chooseSnapshot(/^batch/);
  });

  afterAll(async () => {
    await blocker?.query('rollback').catch(() => undefined);
    await blocker?.end().catch(() => undefined);
  });

  it('cancels a running batch, says so, then starts what did not run', async () => {
    const page = fx.browser.page;
    const names = Array.from({ length: 40 }, (_, i) => `customer_${String(i + 1).padStart(2, '0')}`);
    await page.getByRole('spinbutton', { name: 'Concurrency' }).fill('1');
    // customer_02 waits for this transaction: its CREATE SCHEMA cannot finish before the schema here is rolled back.
    await blocker!.query('begin');
    await blocker!.query('create schema customer_02');
    await fx.ui.provision.createTenants(names);
    await fx.ui.provision.rowsWithStatus('created').first().waitFor();
    await fx.ui.provision.rowsWithStatus('running').first().waitFor();
    expect(await page.locator('tr[data-tenant="customer_02"] td:nth-child(2) .status-word').textContent()).toBe('running');
    await fx.ui.provision.cancel();
    const summary = await fx.ui.provision.waitForSummary();
    await blocker!.query('rollback');
    // The tenant under way when Cancel came was rolled back: it is counted as such, not as "not started".
    const created = 1;
    const rolledBack = 1;
    const notStarted = 38;
    expect(summary).toMatch(/^Cancelled: 1 created, 1 cancelled and rolled back, 38 not started in /);
    await expect.poll(() => fx.ui.provision.rowsWithStatus('not started').count()).toBe(notStarted);
    await expect.poll(() => fx.ui.provision.rowsWithStatus('cancelled').count()).toBe(rolledBack);
    expect(await page.locator('tr[data-tenant="customer_02"] td:nth-child(2)').textContent()).toContain('was cancelled and rolled back; nothing was created');
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
