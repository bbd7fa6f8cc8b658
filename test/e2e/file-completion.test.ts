/**
 * Web mode's file fields (no file dialog in a browser): typing a path lists
 * the readable files and folders under the home folder of the machine running
 * Tenantry; a folder continues, a file fills the field; the keyboard works
 * without saving the form; nothing outside home is offered.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.js';
import { useWebJourney } from './support/journey.js';

const home = mkdtempSync(join(tmpdir(), 'tenantry-e2e-home-'));
mkdirSync(join(home, 'certs'));
mkdirSync(join(home, '.postgresql'));
writeFileSync(join(home, 'certs', 'ca.pem'), 'not a real certificate\n');
writeFileSync(join(home, 'certs', 'client.pem'), 'not a real certificate\n');
writeFileSync(join(home, '.postgresql', 'root.crt'), 'not a real certificate\n');

describe.skipIf(!hasChromium())('file fields in web mode: completion under home', () => {
  const journey = useWebJourney({ screenshotName: 'file-completion', env: { HOME: home } });
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const page = () => journey.browser.page;
  const label = 'Root certificate (sslrootcert)';
  const field = () => page().getByRole('textbox', { name: label });
  const list = () => page().getByRole('listbox', { name: `Files for ${label}` });

  it('typing ~/ lists folders under home; a folder continues, a file fills the field', async () => {
    await journey.ui.open(journey.app.url);
    await journey.ui.connections.addConnection();
    await journey.ui.connections.openSslTab();
    await field().fill('~/');
    await list().getByRole('option', { name: `${home}/certs/` }).waitFor();
    // Hidden folders only after a typed dot.
    await expect(list().getByRole('option').allTextContents()).resolves.toEqual([`${home}/certs/`]);
    await list().getByRole('option', { name: `${home}/certs/` }).click();
    await expect(field().inputValue()).resolves.toBe(`${home}/certs/`);
    await list().getByRole('option', { name: `${home}/certs/ca.pem` }).waitFor();
    await journey.browser.screenshotWidths('file-completion');
    await list().getByRole('option', { name: `${home}/certs/ca.pem` }).click();
    await expect(field().inputValue()).resolves.toBe(`${home}/certs/ca.pem`);
    await expect(list().count()).resolves.toBe(0);
  });

  it('the keyboard: ArrowDown into the list, Enter picks without saving the form', async () => {
    await field().fill('~/.postgresql/r');
    await list().getByRole('option', { name: `${home}/.postgresql/root.crt` }).waitFor();
    await field().press('ArrowDown');
    await page().keyboard.press('Enter');
    await expect(field().inputValue()).resolves.toBe(`${home}/.postgresql/root.crt`);
    await expect(page().getByText(/^Saved “/).count()).resolves.toBe(0);
  });

  it('nothing outside home is offered', async () => {
    await field().fill('/etc/');
    await page().getByRole('note', { name: `No suggestions for ${label}` }).waitFor();
    await expect(page().getByRole('note', { name: `No suggestions for ${label}` }).textContent()).resolves.toContain('Only files under your home folder');
    await field().fill('~/../');
    await page().getByRole('note', { name: `No suggestions for ${label}` }).waitFor();
    await expect(list().count()).resolves.toBe(0);
  });
});
