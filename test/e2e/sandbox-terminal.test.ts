/**
 * The sandbox is reachable from a terminal: its card names host, port, socket directory, user, database and
 * password file, and the command "Copy as psql command" puts on the clipboard works when pasted into a
 * shell (no password in it: psql reads the sandbox's passfile). Before, the card showed only the port and
 * the copied diagnostics command failed with "no password supplied".
 */
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.js';
import { useWebJourney } from './support/journey.js';

const run = promisify(execFile);

describe.skipIf(!hasChromium())('sandbox from a terminal (web mode)', () => {
  const journey = useWebJourney({ screenshotName: 'sandbox-terminal' });

  it('shows how to connect and copies a psql command that works as pasted', async () => {
    const { ui, browser, app } = journey;
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.origin });
    await ui.open(app.url);
    await ui.connections.startSandbox();
    const panel = browser.page.getByRole('region', { name: 'Connect from a terminal' });
    await panel.waitFor();
    const port = await panel.getByLabel('Sandbox port').textContent();
    expect(Number(port)).toBeGreaterThan(0);
    expect(await panel.getByLabel('Sandbox host').textContent()).toBe('127.0.0.1');
    expect(await panel.getByLabel('Sandbox user').textContent()).toBe('postgres');
    expect(await panel.getByLabel('Sandbox socket directory').textContent()).toMatch(/^\//);
    expect(await panel.getByLabel('Sandbox password file').textContent()).toMatch(/sandbox\.pgpass$/);
    await expect(panel.getByText(/never copied/).isVisible()).resolves.toBe(true);

    await panel.getByRole('button', { name: 'Copy as psql command' }).click();
    await panel.getByRole('button', { name: 'Copied' }).waitFor();
    const copied = await browser.page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain(`127.0.0.1:${port}`);
    expect(copied).toMatch(/^PGPASSFILE=/);
    const { stdout } = await run('sh', ['-c', `${copied} -X -A -t -c 'SELECT current_database()' </dev/null`], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir() } });
    expect(stdout.trim()).toBe('tenantry_demo');
    await panel.scrollIntoViewIfNeeded();
    await browser.screenshotWidths('sandbox-terminal');
  });
});
