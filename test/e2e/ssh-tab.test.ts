/**
 * The connection form's SSH tab as a person uses it (web mode), against a real
 * sshd on 127.0.0.1 in front of a real PostgreSQL: the bastion, a key file
 * with a passphrase, the first-use prompt showing the host key fingerprint,
 * trust, then test, save, diagnostics (the four SSH steps) and the Schemas
 * view all through the tunnel; a bastion whose key changed is refused with
 * both fingerprints and no way to trust it from the prompt.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { hasSshd, startSshd, type KeyPair, type Sshd } from '../integration/harness/sshd.js';
import { hasChromium } from './support/browser.js';
import { useWebJourney } from './support/journey.js';

describe.skipIf(!hasChromium() || !hasSshd())('connection form: the SSH tab', () => {
  const journey = useWebJourney({ screenshotName: 'ssh-tab' });
  let cluster: Cluster;
  let sshd: Sshd;
  let other: Sshd;
  let key: KeyPair;

  beforeAll(async () => {
    [cluster, sshd, other] = await Promise.all([startCluster(), startSshd(), startSshd()]);
    key = await sshd.makeKey('id_locked', { passphrase: 'bastion phrase' });
    await other.makeKey('id_other');
    await cluster.query('create schema behind_bastion; create table behind_bastion.items (id int primary key);');
    await journey.ui.open(journey.app.url);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([cluster?.stop(), sshd?.stop(), other?.stop()]);
  });

  const page = () => journey.browser.page;
  const field = (label: string) => journey.ui.connections.field(label);

  it('fills the SSH tab: bastion, user, key file and passphrase; the host on General is the database as the bastion sees it', async () => {
    await journey.ui.connections.addConnection();
    await field('Name').fill('Behind the bastion');
    await field('Host').fill('127.0.0.1');
    await field('Port').fill(String(cluster.port));
    await field('Database').fill('postgres');
    await field('User').fill('postgres');
    await field('Password').fill(cluster.password);
    await page().getByRole('tab', { name: 'SSH' }).click();
    await page().getByRole('checkbox', { name: 'Connect through an SSH tunnel' }).check();
    await field('SSH host').fill('127.0.0.1');
    await field('SSH port').fill(String(sshd.port));
    await field('SSH user').fill(sshd.user);
    await expect(page().getByRole('radio', { name: 'A private key file' }).isChecked()).resolves.toBe(true);
    await page().getByRole('textbox', { name: 'SSH private key' }).fill(key.keyFile);
    await field('Key passphrase').fill('bastion phrase');
    await expect(field('Key passphrase').getAttribute('type')).resolves.toBe('password');
    await expect(page().getByRole('tab', { name: 'SSH · on' }).isVisible()).resolves.toBe(true);
    await journey.browser.screenshotWidths('ssh-tab-form');
  });

  it('first use: Test connection shows the fingerprint to confirm; trusting it connects', async () => {
    await journey.ui.connections.testConnection();
    const prompt = page().getByRole('alertdialog', { name: 'Trust SSH host key' });
    await prompt.waitFor({ timeout: 60_000 });
    await expect(prompt.getByLabel('Host key fingerprint').textContent()).resolves.toBe(sshd.hostKeyFingerprint);
    await expect(prompt.textContent()).resolves.toContain(`First connection to 127.0.0.1:${sshd.port}`);
    // Nothing connected yet: no result, and no error repeating the prompt.
    await expect(journey.ui.connections.connectedBox().count()).resolves.toBe(0);
    await expect(journey.ui.connections.testError().count()).resolves.toBe(0);
    await journey.browser.screenshotWidths('ssh-tab-first-use');
    await prompt.getByRole('button', { name: 'Trust this host key and connect' }).click();
    await journey.ui.connections.connectedBox().waitFor({ timeout: 60_000 });
    await expect(journey.ui.connections.connectedBox().textContent()).resolves.toMatch(/Connected as postgres to postgres — PostgreSQL 15/);
    await expect(prompt.count()).resolves.toBe(0);
  });

  it('saved: the list says it goes through SSH; diagnostics show the four SSH steps; the Schemas view reads through the tunnel', async () => {
    await journey.ui.connections.save();
    await page().getByRole('button', { name: new RegExp(`Behind the bastion.*via SSH ${sshd.user}@127\\.0\\.0\\.1`) }).waitFor();
    // The passphrase is not sent back: the field is empty and says one is stored.
    await page().getByRole('tab', { name: 'SSH' }).click();
    await expect(field('Key passphrase').inputValue()).resolves.toBe('');
    await expect(field('Key passphrase').getAttribute('placeholder')).resolves.toBe('Stored (type to replace)');
    const verdict = await journey.ui.connections.runDiagnostics();
    await expect(verdict.textContent()).resolves.toMatch(/works/i);
    for (const title of ['SSH server reachable', 'SSH host key', 'SSH authentication', 'SSH forward to the database']) {
      await page().getByText(title, { exact: true }).waitFor();
    }
    await journey.browser.screenshotWidths('ssh-tab-diagnostics');
    await journey.ui.goTo('Schemas');
    await journey.ui.schemas.waitForSchema('behind_bastion');
    await journey.ui.goTo('Connections');
  });

  it('a bastion whose host key changed is refused, naming both fingerprints, with no prompt to trust it', async () => {
    // Tenantry trusted another key for this bastion before (as if it had been reinstalled since).
    const before = 'SHA256:' + 'Q'.repeat(43);
    writeFileSync(join(journey.app.dataDir, 'ssh-known-hosts.json'), JSON.stringify({ [`[127.0.0.1]:${sshd.port}`]: sshd.hostKeyFingerprint, [`[127.0.0.1]:${other.port}`]: before }));
    await page().getByRole('tab', { name: 'SSH' }).click();
    await field('SSH port').fill(String(other.port));
    await journey.ui.connections.testConnection();
    const error = journey.ui.connections.testError();
    await error.waitFor({ timeout: 60_000 });
    await expect(error.textContent()).resolves.toContain(before);
    await expect(error.textContent()).resolves.toContain(other.hostKeyFingerprint);
    await expect(error.textContent()).resolves.toContain('SSH_HOST_KEY_MISMATCH');
    await expect(page().getByRole('alertdialog', { name: 'Trust SSH host key' }).count()).resolves.toBe(0);
    await journey.browser.screenshotWidths('ssh-tab-changed-key');
  });
});
