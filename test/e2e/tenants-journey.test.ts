/**
 * The Tenants view (web mode, 1440 px): a database with 120 tenants made from
 * a snapshot, three of them changed by hand and one schema made without
 * Tenantry. The census bar names the three drifted cohorts; a cohort opens its
 * differences; filter, sort, verify, CSV export, adoption and drop work by
 * accessible names. Screenshots of the view, the census and a cohort's
 * differences are saved to test-artifacts/.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { createProvisioner, snapshotSource } from '../../electron/services/provision/provisioner.js';
import { loadGeneratedTemplate, makeSnapshot, profileFor } from '../integration/pool/pool-fixtures.js';
import { AppPage } from './pages/app-page.js';
import { TenantsPage } from './pages/tenants-page.js';
import { hasChromium, launchBrowser, type Browser } from './support/browser.js';
import { startWebApp, type WebApp } from '../../support/web-app.js';

const DB = 'fleet';
const TENANTS = Array.from({ length: 120 }, (_, i) => `acme_${String(i + 1).padStart(3, '0')}`);

describe.skipIf(!hasChromium())('Tenants view (web mode, Debian Chromium)', () => {
  let cluster: Cluster;
  let app: WebApp;
  let browser: Browser;
  let ui: AppPage;
  let tenants: TenantsPage;

  beforeAll(async () => {
    cluster = await startCluster();
    await loadGeneratedTemplate(cluster, DB, 'tmpl', 5);
    const { snapshot, render } = await makeSnapshot(cluster, DB, 'tmpl');
    const provisioner = await createProvisioner(profileFor(cluster, DB), { concurrency: 2 });
    try {
      expect((await provisioner.provisionMany(snapshotSource(snapshot, 'v1'), TENANTS)).created).toBe(TENANTS.length);
    } finally {
      await provisioner.close();
    }
    // Three tenants changed by hand, and one schema made without Tenantry (the same SQL, no register row).
    await cluster.query(
      `ALTER TABLE acme_017.t_2 ADD COLUMN note text;
       DROP INDEX acme_058.t_3_status_idx;
       CREATE OR REPLACE FUNCTION acme_101.count_t_5(p_status acme_101.status) RETURNS bigint LANGUAGE plpgsql STABLE AS $$ BEGIN RETURN 42; END; $$;
       ${render('legacy_co')}`,
      DB,
    );
    app = await startWebApp();
    browser = await launchBrowser();
    await browser.page.setViewportSize({ width: 1440, height: 900 });
    ui = new AppPage(browser.page);
    tenants = new TenantsPage(browser.page);
  }, 300_000);
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await browser?.screenshot(`tenants-failed-${ctx.task.name.replace(/\W+/g, '-')}`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await cluster?.stop();
  });

  it('shows every tenant with the census: 117 equal to the template, 3 drifted', async () => {
    await ui.open(app.url);
    await ui.connections.addConnection();
    await ui.connections.pasteUrl(`postgresql://postgres:${encodeURIComponent(cluster.password)}@127.0.0.1:${cluster.port}/${DB}?sslmode=disable`);
    await expect.poll(() => ui.connections.field('Port').inputValue()).toBe(String(cluster.port));
    await ui.connections.save();
    await ui.goTo('Tenants');
    await tenants.waitForCensus(/120 tenants/);
    await expect(tenants.cohorts().allTextContents()).resolves.toEqual([
      '117 equal to the template',
      expect.stringMatching(/^1 drifted from snapshot v1· (column|index|function)$/),
      expect.stringMatching(/^1 drifted from snapshot v1· (column|index|function)$/),
      expect.stringMatching(/^1 drifted from snapshot v1· (column|index|function)$/),
    ]);
    await expect(tenants.shownCount().textContent()).resolves.toBe('120 of 120 shown');
    // Virtualised: far fewer rows in the page than tenants.
    const rendered = await tenants.renderedRows().count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(60);
    await expect(tenants.table().getAttribute('aria-rowcount')).resolves.toBe('121');
    // A second census reuses the keys the first kept (the template's and the 120 tenants'): the bar says so.
    await tenants.census().getByRole('button', { name: 'Refresh' }).click();
    await tenants.waitForCensus(/census .* · 121 of 121 schemas unchanged/);
    await browser.screenshot('tenants-view');
    expect(browser.errors).toEqual([]);
  });

  it("opens a drifted cohort's differences and shows only its member", async () => {
    await tenants.cohort(/drifted from snapshot v1.*column/).click();
    await expect(tenants.shownCount().textContent()).resolves.toBe('1 of 120 shown');
    await expect(tenants.renderedRows().first().textContent()).resolves.toMatch(/^acme_017/);
    const panel = tenants.differences();
    await panel.getByRole('status', { name: 'Verification of acme_017' }).waitFor({ timeout: 60_000 });
    await expect(panel.textContent()).resolves.toMatch(/1 difference.*column.*t_2\.note.*only in tenant "acme_017"/s);
    // The panel is headed by the cohort's name as the census bar gives it (it was headed by the bare fingerprint id).
    await expect(panel.getByRole('heading').textContent()).resolves.toBe('Drifted from snapshot v1 · column');
    await browser.screenshot('tenants-cohort-differences');
    await tenants.cohort(/drifted from snapshot v1.*column/).click();
    await expect(tenants.shownCount().textContent()).resolves.toBe('120 of 120 shown');
    // The census as a DBA reads it: the bar, and the three drifted tenants on top when sorted by cohort, descending.
    await tenants.sortBy('Cohort');
    await tenants.sortBy('Cohort');
    await expect.poll(() => tenants.renderedRows().evaluateAll((rows) => rows.slice(0, 3).map((r) => (r.textContent ?? '').slice(0, 8)).sort())).toEqual(['acme_017', 'acme_058', 'acme_101']);
    // Each drifted row says what drifted, as the census chips do (the rows read only 'drifted from snapshot v1').
    const drifted = await tenants.renderedRows().evaluateAll((rows) => rows.slice(0, 3).map((r) => /drifted from snapshot v1 · (column|index|function)/.exec(r.textContent ?? '')?.[1]));
    expect(drifted.sort()).toEqual(['column', 'function', 'index']);
    await browser.screenshot('tenants-census');
    await tenants.sortBy('Tenant');
  });

  it('filters by name and sorts by a column', async () => {
    await tenants.filter('acme_01');
    await expect.poll(() => tenants.shownCount().textContent()).toBe('10 of 120 shown');
    await tenants.sortBy('Tenant');
    await expect(tenants.renderedRows().first().textContent()).resolves.toMatch(/^acme_019/);
    await tenants.sortBy('Tenant');
    await expect(tenants.renderedRows().first().textContent()).resolves.toMatch(/^acme_010/);
  });

  it('verifies the selected tenants and records the outcome', async () => {
    await tenants.select('acme_017');
    await tenants.select('acme_018');
    const summary = await tenants.verifySelected();
    await tenants.waitForCensusLoaded();
    await expect(summary.textContent()).resolves.toMatch(/^1 equal, 1 different, 0 could not be verified.*acme_017: 1 difference/);
    const { rows } = await cluster.query(`SELECT tenant, verify_result FROM _tenantry.tenants WHERE tenant IN ('acme_017', 'acme_018') ORDER BY 1`, DB);
    expect(rows).toEqual([
      { tenant: 'acme_017', verify_result: 'different' },
      { tenant: 'acme_018', verify_result: 'equal' },
    ]);
    await tenants.status('Verified different');
    await expect.poll(() => tenants.shownCount().textContent(), { timeout: 60_000 }).toBe('1 of 120 shown');
    await tenants.status('Any status');
    // With the verify panel open the toolbar is narrow: its actions stay on one line together (Export CSV used to wrap).
    for (const width of [1440, 1024]) {
      await browser.page.setViewportSize({ width, height: 900 });
      const boxes = await Promise.all(['Verify selected', 'Verify shown', 'Drop…', 'Export CSV'].map((name) => browser.page.getByRole('button', { name, exact: true }).boundingBox()));
      const tops = new Set(boxes.map((b) => Math.round(b?.y ?? -1)));
      expect({ width, tops: [...tops] }).toEqual({ width, tops: [Math.round(boxes[0]?.y ?? -1)] });
      expect(boxes[3]?.height).toBe(boxes[0]?.height);
      await browser.screenshot(`tenants-toolbar-${width}`);
    }
    await browser.page.setViewportSize({ width: 1440, height: 900 });
  });

  it('exports the shown rows as CSV', async () => {
    const download = await tenants.exportCsv();
    expect(download.suggestedFilename()).toBe('tenants-tmpl.csv');
    const csv = readFileSync((await download.path()) ?? '', 'utf8').split('\r\n');
    expect(csv[0]).toBe('tenant,cohort,cohort_name,snapshot,how,created_at,verified_at,verify_result,status');
    expect(csv).toHaveLength(12);
    expect(csv.some((l) => /^acme_017,[0-9a-f]{12},drifted from snapshot v1,v1,built,\d{4}-.*,different,different$/.test(l))).toBe(true);
    await tenants.filter('');
  });

  it('adopts a schema made without Tenantry', async () => {
    const card = await tenants.adopt('tmpl');
    await expect(card.getByRole('table', { name: 'Adoption candidates' }).textContent()).resolves.toMatch(/legacy_co100 %/);
    await card.getByRole('button', { name: 'Adopt 1 schema' }).click();
    await expect(browser.page.getByRole('status', { name: 'Tenants notice' }).textContent()).resolves.toMatch(/Recorded 1 schema as adopted tenants of tmpl/);
    await tenants.waitForCensus(/121 tenants/);
  });

  it('drops a tenant only after its name is typed', async () => {
    await tenants.filter('acme_120');
    await expect.poll(() => tenants.shownCount().textContent()).toBe('1 of 121 shown');
    await tenants.select('acme_120');
    const notice = await tenants.drop('acme_120');
    await expect(notice.textContent()).resolves.toMatch(/Dropped tenant acme_120 \(\d+ objects\)/);
    await tenants.waitForCensus(/120 tenants/);
    const { rows } = await cluster.query(`SELECT (SELECT count(*)::int FROM pg_namespace WHERE nspname = 'acme_120') AS schemas, (SELECT count(*)::int FROM _tenantry.tenants WHERE tenant = 'acme_120') AS registered`, DB);
    expect(rows[0]).toEqual({ schemas: 0, registered: 0 });
    expect(browser.errors).toEqual([]);
  });
});
