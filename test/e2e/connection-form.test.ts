/**
 * The connection form as a person uses it (web mode): a pasted URI's password
 * moves to the masked password field, the URL field follows later edits of
 * the form, Enter saves, Escape cancels an edit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.js';
import { useWebJourney } from './support/journey.js';

describe.skipIf(!hasChromium())('connection form: password, URL, Enter and Escape', () => {
  const journey = useWebJourney({ screenshotName: 'connection-form' });

  beforeAll(async () => {
    await journey.ui.open(journey.app.url);
  });

  it('a pasted URI with a password: the password is masked in its field and gone from the URL field', async () => {
    await journey.ui.connections.addConnection();
    const urlField = journey.ui.connections.urlField();
    await urlField.focus();
    await journey.ui.connections.pasteIntoUrl('postgresql://app_rw:s3cret-pw@db.example.com:5433/journey.app?sslmode=require');
    await expect.poll(() => journey.ui.connections.field('Port').inputValue()).toBe('5433');
    await expect.poll(() => urlField.inputValue()).toBe('postgresql://app_rw@db.example.com:5433/journey.app?sslmode=require');
    const password = journey.ui.connections.field('Password');
    await expect(password.inputValue()).resolves.toBe('s3cret-pw');
    await expect(password.getAttribute('type')).resolves.toBe('password');
    // Nowhere on screen: no text and no other field shows it.
    await expect(journey.browser.page.evaluate(() => document.body.innerText)).resolves.not.toContain('s3cret-pw');
    const shown = await journey.browser.page.locator('input:not([type=password])').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    expect(shown.join(' ')).not.toContain('s3cret-pw');
  });

  it('the URL field follows later edits of the form', async () => {
    await journey.ui.connections.field('Port').fill('6543');
    await expect.poll(() => journey.ui.connections.urlField().inputValue()).toBe('postgresql://app_rw@db.example.com:6543/journey.app?sslmode=require');
    await journey.ui.connections.field('Database').fill('billing');
    await expect.poll(() => journey.ui.connections.urlField().inputValue()).toBe('postgresql://app_rw@db.example.com:6543/billing?sslmode=require');
  });

  it('Enter in a field saves the connection', async () => {
    await journey.ui.connections.field('Name').fill('Billing primary');
    await journey.ui.connections.field('Name').press('Enter');
    await journey.browser.page.getByText('Saved “Billing primary”.').waitFor();
    await journey.browser.page.getByRole('button', { name: /Billing primary/ }).waitFor();
  });

  it('Escape cancels an edit: the form goes back to what was saved', async () => {
    await journey.ui.connections.field('Host').fill('typo.example.com');
    await journey.ui.connections.field('Port').fill('1');
    await journey.ui.connections.field('Host').press('Escape');
    await expect.poll(() => journey.ui.connections.field('Host').inputValue()).toBe('db.example.com');
    await expect(journey.ui.connections.field('Port').inputValue()).resolves.toBe('6543');
    await journey.browser.screenshot('connection-form');
  });
});
