/**
 * The SSL panel against a server that requires client certificates (`cert`
 * authentication, its own CAs): wrong settings get the diagnosed cause,
 * corrected settings pass. Web mode, so file pickers are server-side paths.
 */
import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCertAuthority, type CertFiles, type CertAuthority } from '../integration/harness/certs.js';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { AppPage } from './pages/app-page.js';
import { hasChromium, launchBrowser, type Browser } from './support/browser.js';
import { startWebApp, type WebApp } from '../../support/web-app.js';

describe.skipIf(!hasChromium())('SSL panel with client certificates (web mode)', () => {
  let app: WebApp;
  let browser: Browser;
  let ui: AppPage;
  let cluster: Cluster;
  let dir: string;
  let serverCa: CertAuthority;
  let alice: CertFiles;
  let aliceFromOtherCa: CertFiles;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tenantry-e2e-ssl-'));
    chmodSync(dir, 0o755);
    let clientCa: CertAuthority;
    let otherCa: CertAuthority;
    [serverCa, clientCa, otherCa] = await Promise.all([
      createCertAuthority(dir, 'E2E Server CA'),
      createCertAuthority(dir, 'E2E Client CA'),
      createCertAuthority(dir, 'E2E Other CA'),
    ]);
    const server = await serverCa.issueServerCert({ commonName: '127.0.0.1', ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'] });
    alice = await clientCa.issueClientCert({ commonName: 'alice' });
    aliceFromOtherCa = await otherCa.issueClientCert({ commonName: 'alice', name: 'alice-other' });
    cluster = await startCluster({ ssl: { ...server, caFile: clientCa.certFile }, hba: ['hostssl all alice 127.0.0.1/32 cert'] });
    await cluster.query('create role alice login');
    app = await startWebApp();
    browser = await launchBrowser();
    ui = new AppPage(browser.page);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await browser?.screenshot(`ssl-panel-failed-${ctx.task.name.replace(/\W+/g, '-')}`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fills the form from a pasted URI and shows what each file holds', async () => {
    await ui.open(app.url);
    await ui.connections.addConnection();
    await ui.connections.pasteUrl(`postgresql://alice@127.0.0.1:${cluster.port}/postgres?sslmode=verify-full&connect_timeout=10`);
    await expect.poll(() => ui.connections.field('Port').inputValue()).toBe(String(cluster.port));
    await expect.poll(() => ui.connections.field('User').inputValue()).toBe('alice');
    await ui.connections.openSslTab();
    await expect(browser.page.getByRole('combobox', { name: 'SSL mode' }).inputValue()).resolves.toBe('verify-full');
    await expect(browser.page.getByText(/host name must match the certificate/).isVisible()).resolves.toBe(true);
    await ui.connections.setFile('Root certificate (sslrootcert)', serverCa.certFile);
    await browser.page.getByText('CN=E2E Server CA').first().waitFor();
  });

  it('the quick test names a missing client certificate as the diagnosis does, and offers the full run', async () => {
    await ui.connections.testConnection();
    const error = ui.connections.testError();
    await error.waitFor();
    const text = (await error.textContent()) ?? '';
    expect(text).toContain('the server requires a client certificate');
    expect(text).toContain('CLIENT_CERT_REQUIRED');
    expect(text).not.toMatch(/password/i);
    await browser.screenshot('ssl-panel-quick-test-no-cert');
    const verdict = await ui.connections.runFullDiagnostics();
    await expect(verdict.textContent()).resolves.toMatch(/CLIENT_CERT_REQUIRED/);
  });

  it('diagnoses a missing client certificate', async () => {
    const verdict = await ui.connections.runDiagnostics();
    await expect(verdict.textContent()).resolves.toMatch(/CLIENT_CERT_REQUIRED/);
    await expect(browser.page.getByRole('listitem').filter({ hasText: 'TLS handshake' }).first().isVisible()).resolves.toBe(true);
  });

  it('diagnoses a client certificate from a CA the server does not trust', async () => {
    await ui.connections.setFile('Client certificate (sslcert)', aliceFromOtherCa.certFile);
    await ui.connections.setFile('Client key (sslkey)', aliceFromOtherCa.keyFile);
    await browser.page.getByText('CN=E2E Other CA').first().waitFor();
    await browser.page.getByText('(ok for libpq)').waitFor();
    await ui.connections.testConnection();
    const error = ui.connections.testError();
    await expect.poll(async () => (await error.textContent()) ?? '').toContain('rejects the client certificate (unknown CA)');
    await expect(error.textContent()).resolves.not.toMatch(/server runs/);
    const verdict = await ui.connections.runDiagnostics();
    await expect(verdict.textContent()).resolves.toMatch(/SSL_CLIENT_CERT_UNKNOWN_CA/);
  });

  it('passes with the corrected certificate, and the connection test agrees', async () => {
    await ui.connections.setFile('Client certificate (sslcert)', alice.certFile);
    await ui.connections.setFile('Client key (sslkey)', alice.keyFile);
    await browser.page.getByText('CN=E2E Client CA').first().waitFor();
    const verdict = await ui.connections.runDiagnostics();
    await expect(verdict.textContent()).resolves.toMatch(/The connection works\s*OK/);
    await expect(verdict.getByRole('button', { name: 'Copy as psql command' }).isVisible()).resolves.toBe(true);
    await ui.connections.testConnection();
    await ui.connections.connectedBox().waitFor();
    await expect(ui.connections.connectedBox().textContent()).resolves.toMatch(/as alice .*TLS/);
    await verdict.scrollIntoViewIfNeeded();
    await browser.screenshot('ssl-panel');
  });
});
