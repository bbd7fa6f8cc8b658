/**
 * Web mode's session in a real browser: the opened address's one-time code
 * becomes an HttpOnly cookie (scripts cannot read it, the address bar drops
 * the code), a reload keeps the session, and the same address in another
 * browser, or the bare address, shows a plain page saying how to get a new one.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page.js';
import { hasChromium, launchBrowser, type Browser } from './support/browser.js';
import { startWebApp, type WebApp } from '../../support/web-app.js';

describe.skipIf(!hasChromium())('web mode session', () => {
  let app: WebApp;
  let browser: Browser;
  let other: Browser;

  beforeAll(async () => {
    app = await startWebApp();
    browser = await launchBrowser();
    other = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await other?.close();
    await app?.stop();
  });

  it('turns the one-time address into an HttpOnly cookie that survives a reload', async () => {
    const ui = new AppPage(browser.page);
    await ui.open(app.url);
    expect(browser.page.url()).toBe(`${app.origin}/`);
    const cookies = await browser.context.cookies(app.origin);
    expect(cookies).toEqual([expect.objectContaining({ httpOnly: true, sameSite: 'Strict', path: '/' })]);
    expect(await browser.page.evaluate(() => document.cookie)).toBe('');
    await browser.page.reload();
    await browser.page.getByRole('navigation', { name: 'Views' }).waitFor();
    await ui.goTo('Connections');
    expect(browser.errors).toEqual([]);
  });

  it('shows another browser with the spent address how to get a new one', async () => {
    await other.page.goto(app.url);
    await other.page.getByRole('heading', { name: 'Tenantry needs a fresh address' }).waitFor();
    await expect(other.page.getByText(/already been used or has expired/).isVisible()).resolves.toBe(true);
    await other.screenshot('web-session-spent-address');
    await other.page.goto(app.origin);
    await expect(other.page.getByText(/only an address from tenantry ui gives/).isVisible()).resolves.toBe(true);
    await other.screenshotWidths('web-session-no-token');
    // A typed or bookmarked path gets the same page, not a bare "Unauthorized".
    await other.page.goto(`${app.origin}/provision`);
    await other.page.getByRole('heading', { name: 'Tenantry needs a fresh address' }).waitFor();
    // A fresh address (Enter in the terminal) lets it in.
    await new AppPage(other.page).open(await app.newUrl());
  });

  it('replaces an open app whose session has ended with a page saying how to get a new address', async () => {
    const ui = new AppPage(browser.page);
    await ui.goTo('Connections');
    // What a restarted `tenantry ui` looks like to an open page: its cookie no longer opens anything.
    const dataBefore = readdirSync(app.dataDir).sort();
    await browser.context.clearCookies();
    await browser.page.getByRole('button', { name: 'Start local sandbox' }).click();
    await browser.page.getByRole('heading', { name: 'This page’s session has ended' }).waitFor();
    expect(await browser.page.getByRole('navigation', { name: 'Views' }).count()).toBe(0);
    await expect(browser.page.getByText(/Press Enter in the terminal where tenantry ui is running/).isVisible()).resolves.toBe(true);
    await browser.screenshotWidths('web-session-ended');
    // Nothing started: the refused request never reached the handlers (a sandbox start makes its folder first).
    expect(readdirSync(app.dataDir).sort()).toEqual(dataBefore);
  });
});
