/**
 * A provision done with the CLI shows in the app's History: the CLI (run with the app's data folder, as
 * on one machine) provisions a tenant into the sandbox, and the Provision view's History lists it, marked
 * "CLI", reachable with the filter. Before, only the app wrote the history.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './support/browser.js';
import { useWebJourney } from './support/journey.js';

const run = promisify(execFile);
const cli = join(resolve(import.meta.dirname, '..', '..'), 'dist', 'electron', 'cli', 'index.js');

describe.skipIf(!hasChromium())('CLI runs in the app history (web mode)', () => {
  const journey = useWebJourney({ screenshotName: 'cli-history' });

  it('lists a tenant the CLI provisioned, marked CLI', async () => {
    const { ui, browser, app } = journey;
    await ui.open(app.url);
    await ui.connections.startSandbox();
    const panel = browser.page.getByRole('region', { name: 'Connect from a terminal' });
    const port = await panel.getByLabel('Sandbox port').textContent();
    const passfile = (await panel.getByLabel('Sandbox password file').textContent()) ?? '';
    const url = `postgresql://postgres@127.0.0.1:${port}/tenantry_demo?sslmode=disable`;
    const env = { PATH: process.env.PATH ?? '', HOME: app.dataDir, PGPASSFILE: passfile, TENANTRY_DATA_DIR: app.dataDir };
    const snapshotFile = join(app.dataDir, 'cli-snapshot.sql');
    await run(process.execPath, [cli, 'snapshot', '--schema', 'tenant_template', '-o', snapshotFile, '--url', url], { env, cwd: app.dataDir });
    const provision = await run(process.execPath, [cli, 'provision', '--snapshot', snapshotFile, '--tenant', 'cli_acme', '--url', url], { env, cwd: app.dataDir });
    expect(provision.stdout).toMatch(/1 created/);

    await ui.goTo('Provision');
    await ui.provision.filterHistory('CLI');
    const row = ui.provision.historyRows().filter({ hasText: 'cli_acme' });
    await row.waitFor();
    expect(await row.getByRole('cell').allTextContents()).toEqual(expect.arrayContaining(['cli_acme', 'cli-snapshot', 'created', 'CLI']));
    await expect(ui.provision.historyCount().textContent()).resolves.toBe('1 entry');
    await ui.page.getByRole('region', { name: 'History' }).scrollIntoViewIfNeeded();
    await browser.screenshotWidths('cli-history');
  });
});
