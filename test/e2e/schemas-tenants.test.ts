/**
 * The Schemas view groups a template's registered tenants under it (issue 14, "groups tenants and spares under
 * their template instead of listing them as candidate templates"): a database with a template tmpl, three tenants
 * provisioned from its snapshot through Tenantry (the driver path writes the register), 150 schemas adopted into
 * the register, a warm pool of two spares, and one unregistered schema (billing). The tenants are one folded row
 * right under tmpl ("153 tenants of tmpl", collapsed) beside the spares' row; only tmpl and billing are candidate
 * templates. Unfolded, the first 100 tenants are listed indented with their radio disabled, then how many more and
 * a way to the Tenants view. The filter finds a tenant by its name: its template stays, the group opens on the one
 * match, and a filter that matches none of them leaves the group out. Before, every tenant was a candidate template in the flat list. Screenshots: schemas-tenants-collapsed,
 * schemas-tenants-expanded, schemas-tenants-filtered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { createPool } from '../../electron/services/connection/open-connection.js';
import { fillPool, setPoolTarget, ensurePoolSchema } from '../../electron/services/pool/warm-pool.js';
import { createProvisioner, snapshotSource } from '../../electron/services/provision/provisioner.js';
import { loadGeneratedTemplate, makeSnapshot, profileFor } from '../integration/pool/pool-fixtures.js';
import { hasChromium } from './support/browser.js';
import { saveClusterConnection, useWebJourney } from './support/journey.js';

const DB = 'grouped';
const PROVISIONED = ['acme', 'globex', 'initech'];
const ADOPTED = 150;

describe.skipIf(!hasChromium())('Schemas view: tenants under their template (web mode)', () => {
  const journey = useWebJourney({ screenshotName: 'schemas-tenants', viewport: { width: 1440, height: 900 } });
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster();
    await loadGeneratedTemplate(cluster, DB, 'tmpl', 2);
    await cluster.query('CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int)', DB);
    const { snapshot, pool } = await makeSnapshot(cluster, DB, 'tmpl');
    const provisioner = await createProvisioner(profileFor(cluster, DB), { concurrency: 1 });
    try {
      const summary = await provisioner.provisionMany(snapshotSource(snapshot, 'v1'), PROVISIONED);
      expect(summary.failed).toBe(0);
    } finally {
      await provisioner.close();
    }
    // Made by "migrations", then adopted: in the register with how = 'adopted'.
    await cluster.query(
      `DO $$ BEGIN
         FOR i IN 1..${ADOPTED} LOOP
           EXECUTE format('CREATE SCHEMA %I; CREATE TABLE %I.t (id int)', 'mig_' || lpad(i::text, 3, '0'), 'mig_' || lpad(i::text, 3, '0'));
         END LOOP;
       END $$;
       INSERT INTO _tenantry.tenants (tenant, template, how) SELECT 'mig_' || lpad(i::text, 3, '0'), 'tmpl', 'adopted' FROM generate_series(1, ${ADOPTED}) AS i;`,
      DB,
    );
    const db: pg.Pool = await createPool(profileFor(cluster, DB), 2);
    try {
      await ensurePoolSchema(db);
      await setPoolTarget(db, 2);
      expect((await fillPool(db, pool)).built).toHaveLength(2);
    } finally {
      await db.end();
    }
    const registered = await cluster.query('SELECT count(*)::int AS n FROM _tenantry.tenants WHERE template = $$tmpl$$', DB);
    expect(registered.rows[0]).toEqual({ n: PROVISIONED.length + ADOPTED });
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('folds the registered tenants into one collapsed row under the template, beside its spares', async () => {
    const { ui, app, browser } = journey;
    await ui.open(app.url);
    await saveClusterConnection(ui, cluster, DB);
    await ui.goTo('Schemas');
    await ui.schemas.waitForSchema('tmpl');
    await ui.schemas.chooseTemplate('tmpl');
    const group = ui.schemas.tenantGroup('tmpl');
    await group.waitFor();
    expect(await group.textContent()).toBe('▸ 153 tenants of tmpl');
    expect(await group.getAttribute('aria-expanded')).toBe('false');
    // The candidates are the template and the unregistered schema: no tenant is offered as a template.
    const radios = await ui.schemas.schemaRadios().evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(radios.sort()).toEqual(['Template billing', 'Template public', 'Template tmpl']);
    const rows = await browser.page.getByRole('region', { name: 'Schemas' }).locator('tbody tr').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    const at = rows.findIndex((r) => r.startsWith('tmpl'));
    expect(rows.slice(at + 1, at + 3)).toEqual(['▸ 153 tenants of tmpl', '▸ 2 warm-pool spares of tmpl']);
    await browser.screenshot('schemas-tenants-collapsed');
    expect(browser.errors).toEqual([]);
  });

  it('unfolds the first 100 as indented rows that cannot be chosen, then says how many more', async () => {
    const { ui, browser } = journey;
    const group = ui.schemas.tenantGroup('tmpl');
    await group.click();
    await expect.poll(() => group.getAttribute('aria-expanded')).toBe('true');
    expect(await group.textContent()).toBe('▾ 153 tenants of tmpl');
    const tenantRadios = browser.page.getByRole('radio', { name: /^Template (acme|globex|initech|mig_\d+)$/ });
    await expect.poll(() => tenantRadios.count()).toBe(100);
    for (const name of PROVISIONED) await expect(browser.page.getByRole('radio', { name: `Template ${name}` }).isDisabled()).resolves.toBe(true);
    await browser.page.getByText(/^53 more tenants: filter by name, or/).waitFor();
    // A click on a tenant's row chooses nothing: tmpl stays the template.
    await browser.page.getByRole('row', { name: /acme/ }).click();
    expect(await browser.page.getByRole('radio', { name: 'Template tmpl' }).isChecked()).toBe(true);
    await browser.page.getByText(/^53 more tenants: filter by name, or/).scrollIntoViewIfNeeded();
    await browser.screenshot('schemas-tenants-expanded');
    await group.click();
    await expect.poll(() => tenantRadios.count()).toBe(0);
  });

  it('finds a tenant by its name under its template, and the rest of the list stays out', async () => {
    const { ui, browser } = journey;
    await browser.page.getByRole('searchbox', { name: 'Filter schemas' }).fill('glob');
    const group = ui.schemas.tenantGroup('tmpl');
    await expect.poll(() => group.textContent()).toBe('▾ 1 of 153 tenants of tmpl');
    const radios = await ui.schemas.schemaRadios().evaluateAll((els) => els.map((e) => [e.getAttribute('aria-label'), (e as HTMLInputElement).disabled]));
    expect(radios).toEqual([
      ['Template tmpl', false],
      ['Template globex', true],
    ]);
    // No spare's name holds "glob": their group stays out.
    expect(await ui.schemas.spareGroup('tmpl').count()).toBe(0);
    await browser.screenshot('schemas-tenants-filtered');
    // A filter that matches no tenant leaves the group out; the pinned template stays.
    await browser.page.getByRole('searchbox', { name: 'Filter schemas' }).fill('bill');
    await expect.poll(() => ui.schemas.schemaRadios().evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual(['Template tmpl', 'Template billing']);
    expect(await group.count()).toBe(0);
    expect(browser.errors).toEqual([]);
  });
});
