/**
 * Failures shown clearly, as the services word them: a wrong password, an
 * unreachable host, and no pg_dump that suits the server (the app started
 * with TENANTRY_PG_BIN pointing at a folder without client binaries).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort, startCluster, type Cluster } from '../../support/cluster.js';
import { AppPage } from './pages/app-page.js';
import { hasChromium, launchBrowser, type Browser } from './support/browser.js';
import { startWebApp, type WebApp } from '../../support/web-app.js';

describe.skipIf(!hasChromium())('failures are shown clearly (web mode)', () => {
  let app: WebApp;
  let browser: Browser;
  let ui: AppPage;
  let cluster: Cluster;
  let emptyBin: string;

  beforeAll(async () => {
    emptyBin = mkdtempSync(join(tmpdir(), 'tenantry-e2e-nobin-'));
    chmodSync(emptyBin, 0o755);
    cluster = await startCluster();
    app = await startWebApp({ TENANTRY_PG_BIN: emptyBin });
    browser = await launchBrowser();
    ui = new AppPage(browser.page);
    await ui.open(app.url);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await browser?.screenshot(`failures-failed-${ctx.task.name.replace(/\W+/g, '-')}`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await cluster?.stop();
    rmSync(emptyBin, { recursive: true, force: true });
  });

  it('a wrong password: authentication failed, with the user named', async () => {
    await ui.connections.addConnection();
    await ui.connections.pasteUrl(`postgresql://postgres:not-the-password@127.0.0.1:${cluster.port}/postgres?sslmode=disable`);
    await expect.poll(() => ui.connections.field('Port').inputValue()).toBe(String(cluster.port));
    await ui.connections.testConnection();
    const alert = ui.alert();
    await alert.waitFor();
    const text = await alert.textContent();
    expect(text).toMatch(/Authentication failed for postgres@127\.0\.0\.1/);
    expect(text).toContain('PG_AUTH_FAILED');
    expect(text).not.toContain('not-the-password');
  });

  it('an unreachable host: could not connect, with where it tried', async () => {
    const closedPort = await findFreePort();
    await ui.connections.pasteUrl(`postgresql://postgres@127.0.0.1:${closedPort}/postgres?sslmode=disable`);
    await expect.poll(() => ui.connections.field('Port').inputValue()).toBe(String(closedPort));
    await ui.connections.testConnection();
    const alert = ui.alert().filter({ hasText: 'PG_CONNECTION_FAILED' });
    await alert.waitFor();
    await expect(alert.textContent()).resolves.toMatch(new RegExp(`Could not connect to postgres@127\\.0\\.0\\.1:${closedPort}`));
    await alert.getByText('Details', { exact: true }).click();
    await expect(alert.locator('pre').textContent()).resolves.toMatch(/ECONNREFUSED/);
  });

  it('no suitable pg_dump: the dump fails naming what was searched and what to do', async () => {
    await ui.goTo('Connections');
    await browser.page.getByRole('button', { name: /Local sandbox/ }).click();
    await ui.connections.startSandbox();
    await ui.goTo('Schemas');
    await ui.schemas.waitForSchema('tenant_template');
    const result = await ui.schemas.dump();
    const text = (await result.textContent()) ?? '';
    expect(text).toMatch(/PG_DUMP_NOT_FOUND|PG_DUMP_VERSION_MISMATCH/);
    expect(text).toMatch(/pg_dump/);
    await browser.screenshot('failures');
  });
});
