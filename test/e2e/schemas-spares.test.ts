/**
 * The Schemas view groups a template's warm-pool spares under it (issue 14): a database with a template, a
 * warm pool of three spares built from its snapshot and one other schema. The spares are one folded row under
 * the template ("3 warm-pool spares of tmpl", collapsed), not candidate templates; unfolded they are listed,
 * indented, with their radio disabled. Before, spares were hidden unless system schemas were shown, and then
 * listed among the candidates by name. Screenshots: schemas-spares-collapsed, schemas-spares-expanded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { createPool } from '../../electron/services/connection/open-connection.js';
import { fillPool, setPoolTarget, ensurePoolSchema } from '../../electron/services/pool/warm-pool.js';
import { loadGeneratedTemplate, makeSnapshot, profileFor } from '../integration/pool/pool-fixtures.js';
import { hasChromium } from './support/browser.js';
import { saveClusterConnection, useWebJourney } from './support/journey.js';

const DB = 'spares';

describe.skipIf(!hasChromium())('Schemas view: spares under their template (web mode)', () => {
  const journey = useWebJourney({ screenshotName: 'schemas-spares', viewport: { width: 1440, height: 900 } });
  let cluster: Cluster;
  let spares: string[];

  beforeAll(async () => {
    cluster = await startCluster();
    await loadGeneratedTemplate(cluster, DB, 'tmpl', 3);
    await cluster.query('CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int)', DB);
    const { pool } = await makeSnapshot(cluster, DB, 'tmpl');
    const db: pg.Pool = await createPool(profileFor(cluster, DB), 2);
    try {
      await ensurePoolSchema(db);
      await setPoolTarget(db, 3);
      spares = (await fillPool(db, pool)).built.sort();
    } finally {
      await db.end();
    }
    expect(spares).toHaveLength(3);
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('folds the spares into one collapsed row under the template', async () => {
    const { ui, app, browser } = journey;
    await ui.open(app.url);
    await saveClusterConnection(ui, cluster, DB);
    await ui.goTo('Schemas');
    await ui.schemas.waitForSchema('tmpl');
    await ui.schemas.chooseTemplate('tmpl');
    const group = ui.schemas.spareGroup('tmpl');
    await group.waitFor();
    expect(await group.textContent()).toBe('▸ 3 warm-pool spares of tmpl');
    expect(await group.getAttribute('aria-expanded')).toBe('false');
    // Only real candidates have a radio: the spares are folded away, not listed as templates.
    const radios = await ui.schemas.schemaRadios().evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(radios).toEqual(expect.arrayContaining(['Template tmpl', 'Template billing']));
    expect(radios.filter((r) => r?.includes('_tenantry'))).toEqual([]);
    // The group row sits right under the template's row.
    const rows = await browser.page.getByRole('region', { name: 'Schemas' }).locator('tbody tr').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    const at = rows.findIndex((r) => r.startsWith('tmpl'));
    expect(rows[at + 1]).toBe('▸ 3 warm-pool spares of tmpl');
    await browser.screenshot('schemas-spares-collapsed');
  });

  it('unfolds them as indented rows that cannot be chosen', async () => {
    const { ui, browser } = journey;
    const group = ui.schemas.spareGroup('tmpl');
    await group.click();
    await expect.poll(() => group.getAttribute('aria-expanded')).toBe('true');
    expect(await group.textContent()).toBe('▾ 3 warm-pool spares of tmpl');
    for (const spare of spares) {
      const radio = browser.page.getByRole('radio', { name: `Template ${spare}` });
      await radio.waitFor();
      expect(await radio.isDisabled()).toBe(true);
    }
    const rows = await browser.page.getByRole('region', { name: 'Schemas' }).locator('tbody tr').evaluateAll((els) => els.map((e) => (e.textContent ?? '').split(' ')[0]));
    const at = rows.findIndex((r) => r === 'tmpl');
    expect(rows.slice(at + 2, at + 5).sort()).toEqual(spares);
    // The template stays the chosen one; a click on a spare's row chooses nothing.
    await browser.page.getByRole('row', { name: new RegExp(spares[0]!) }).click();
    expect(await browser.page.getByRole('radio', { name: 'Template tmpl' }).isChecked()).toBe(true);
    await browser.screenshot('schemas-spares-expanded');
    await group.click();
    await expect.poll(() => browser.page.getByRole('radio', { name: `Template ${spares[0]}` }).count()).toBe(0);
  });
});
