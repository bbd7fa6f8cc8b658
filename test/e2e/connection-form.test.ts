/**
 * The connection form as a person uses it (web mode): a pasted URI's password
 * moves to the masked password field, the URL field follows later edits of
 * the form, Enter saves, Escape cancels an edit.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from './pages/app-page.js';
import { hasChromium, launchBrowser, type Browser } from './support/browser.js';
import { startWebApp, type WebApp } from './support/web-app.js';

describe.skipIf(!hasChromium())('connection form: password, URL, Enter and Escape', () => {
  let app: WebApp;
  let browser: Browser;
  let ui: AppPage;

  beforeAll(async () => {
    app = await startWebApp();
    browser = await launchBrowser();
    ui = new AppPage(browser.page);
    await ui.open(app.url);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await browser?.screenshot(`connection-form-failed-${ctx.task.name.replace(/\W+/g, '-')}`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('a pasted URI with a password: the password is masked in its field and gone from the URL field', async () => {
    await ui.connections.addConnection();
    const urlField = ui.connections.urlField();
    await urlField.focus();
    await ui.connections.pasteIntoUrl('postgresql://app_rw:s3cret-pw@db.example.com:5433/app?sslmode=require');
    await expect.poll(() => ui.connections.field('Port').inputValue()).toBe('5433');
    await expect.poll(() => urlField.inputValue()).toBe('postgresql://app_rw@db.example.com:5433/app?sslmode=require');
    const password = ui.connections.field('Password');
    await expect(password.inputValue()).resolves.toBe('s3cret-pw');
    await expect(password.getAttribute('type')).resolves.toBe('password');
    // Nowhere on screen: no text and no other field shows it.
    await expect(browser.page.evaluate(() => document.body.innerText)).resolves.not.toContain('s3cret-pw');
    const shown = await browser.page.locator('input:not([type=password])').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    expect(shown.join(' ')).not.toContain('s3cret-pw');
  });

  it('the URL field follows later edits of the form', async () => {
    await ui.connections.field('Port').fill('6543');
    await expect.poll(() => ui.connections.urlField().inputValue()).toBe('postgresql://app_rw@db.example.com:6543/app?sslmode=require');
    await ui.connections.field('Database').fill('billing');
    await expect.poll(() => ui.connections.urlField().inputValue()).toBe('postgresql://app_rw@db.example.com:6543/billing?sslmode=require');
  });

  it('Enter in a field saves the connection', async () => {
    await ui.connections.field('Name').fill('Billing primary');
    await ui.connections.field('Name').press('Enter');
    await browser.page.getByText('Saved “Billing primary”.').waitFor();
    await browser.page.getByRole('button', { name: /Billing primary/ }).waitFor();
  });

  it('Escape cancels an edit: the form goes back to what was saved', async () => {
    await ui.connections.field('Host').fill('typo.example.com');
    await ui.connections.field('Port').fill('1');
    await ui.connections.field('Host').press('Escape');
    await expect.poll(() => ui.connections.field('Host').inputValue()).toBe('db.example.com');
    await expect(ui.connections.field('Port').inputValue()).resolves.toBe('6543');
    await browser.screenshot('connection-form');
  });
});
