/**
 * The Rollouts panel (web mode): a migration rolled out from the Tenants view
 * over six tenants of a template, two of them drifted so the migration fails
 * there (their items table lost the column the new index needs). Review with
 * references counted, dry run, canary, then the rest while another session
 * holds a lock on one tenant (the rollout in progress); the failures list
 * shows tenant, error, file and line, statement; one drifted tenant is
 * repaired and retried, the other skipped; the image is refreshed and the
 * fleet shown after it. Screenshots at 1440 and 1024 of the rollout in
 * progress, its failures and the fleet after it go to test-artifacts/.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../electron/services/connection/open-connection.js';
import { adoptTenants } from '../../electron/services/fleet/adopt.js';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { profileFor } from '../integration/harness/profile.js';
import { makeFleet, TYPICAL_MIGRATION } from '../integration/migrate/fleet.js';
import { RolloutsPage } from './pages/rollouts-page.js';
import { TenantsPage } from './pages/tenants-page.js';
import { hasChromium, type Browser } from './support/browser.js';
import { saveClusterConnection, useWebJourney } from './support/journey.js';

const DB = 'rollouts';

/** Screenshots at 1440 and 1024 px with a region of the panel scrolled into view at each width (the layout changes between them). */
async function screenshotRegion(browser: Browser, region: string, name: string): Promise<void> {
  for (const size of [
    { width: 1440, height: 900 },
    { width: 1024, height: 700 },
  ]) {
    await browser.page.setViewportSize(size);
    await browser.page.getByRole('region', { name: region }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await browser.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await browser.screenshot(`${name}-${size.width}`);
  }
  await browser.page.setViewportSize({ width: 1440, height: 900 });
}
const LONG = { timeout: 120_000 };

describe.skipIf(!hasChromium())('Rollouts panel (web mode)', () => {
  const journey = useWebJourney({ screenshotName: 'rollouts', viewport: { width: 1440, height: 900 } });
  let cluster: Cluster;
  let dir: string;
  let migration: string;
  let holder: pg.PoolClient | undefined;
  let db: pg.Pool;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tenantry-rollouts-e2e-'));
    migration = join(dir, 'V2__typical.sql');
    writeFileSync(migration, TYPICAL_MIGRATION);
    cluster = await startCluster();
    await cluster.createDatabase(DB);
    const tenants = await makeFleet(cluster, DB, 6);
    await cluster.query('ALTER TABLE t0003.items DROP COLUMN account_id; ALTER TABLE t0006.items DROP COLUMN account_id;', DB);
    db = await createPool(profileFor(cluster, DB), 2);
    expect(await adoptTenants(db, 'tpl', tenants)).toHaveLength(6);
  }, 300_000);
  afterAll(async () => {
    holder?.release();
    await db?.end();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reviews, dry-runs, runs the canary, then the rest: the drifted tenants fail and are listed while the others finish', async () => {
    const { ui, app, browser } = journey;
    const tenants = new TenantsPage(browser.page);
    const rollouts = new RolloutsPage(browser.page);
    await ui.open(app.url);
    await saveClusterConnection(ui, cluster, DB);
    await ui.goTo('Tenants');
    await tenants.waitForCensus(/6 tenants/);
    await rollouts.open();

    const found = await rollouts.review(migration);
    await expect(found.textContent()).resolves.toMatch(/V2__typical\.sql \(version 2, in each tenant's transaction\): 6 references of tpl become the placeholder\./);
    // The references are highlighted in the editor as in the snapshot editor.
    await browser.page.locator('.rollout-editor .ref-hl-identifier').first().waitFor();

    const dry = await rollouts.dryRun();
    await expect(dry.textContent()).resolves.toMatch(/^Dry run on t0001: .* rolled back; \d+ lock table entries\..*AccessExclusiveLock on t0001\.items/);

    // Long lock waits: the tenant held below stays in progress until the test lets it go.
    await rollouts.setNumber('Lock timeout (s)', 120);
    await rollouts.runCanary();
    await expect.poll(() => rollouts.counts().textContent(), LONG).toBe('2 done, 0 skipped, 0 failed, 5 to go');
    await expect(rollouts.tenantRow('t0001').textContent()).resolves.toMatch(/done/);

    holder = await db.connect();
    await holder.query('BEGIN; LOCK TABLE t0005.items IN ACCESS SHARE MODE');
    await rollouts.continueWithTheRest();
    await expect.poll(() => rollouts.counts().textContent(), LONG).toMatch(/^4 done, 0 skipped, 2 failed, 1 to go/);
    await expect(rollouts.tenantRow('t0005').textContent()).resolves.toMatch(/running/);
    await expect(browser.page.getByLabel('Throughput').textContent()).resolves.toMatch(/tenants\/s/);
    await screenshotRegion(browser, 'Rollout progress', 'rollout-in-progress');

    await holder.query('COMMIT');
    holder.release();
    holder = undefined;
    await expect.poll(() => rollouts.counts().textContent(), LONG).toBe('5 done, 0 skipped, 2 failed, 0 to go');
    const failed = rollouts.failedRow('t0003');
    await expect(failed.textContent()).resolves.toMatch(/MIGRATION_FAILED 42703.*column "account_id" does not exist.*V2__typical\.sql, line 2.*CREATE INDEX items_account_idx/);
    await expect(rollouts.failures().getByRole('row').count()).resolves.toBe(3);
    await screenshotRegion(browser, 'Failures', 'rollout-failures');
    expect(browser.errors).toEqual([]);
  });

  it('retries a repaired tenant, skips the other, refreshes the image and shows the fleet after it', async () => {
    const { browser } = journey;
    const tenants = new TenantsPage(browser.page);
    const rollouts = new RolloutsPage(browser.page);
    await cluster.query('ALTER TABLE t0003.items ADD COLUMN account_id bigint', DB);
    await rollouts.retry('t0003');
    await expect.poll(() => rollouts.counts().textContent(), LONG).toBe('6 done, 0 skipped, 1 failed, 0 to go');
    await expect(rollouts.tenantRow('t0003').textContent()).resolves.toMatch(/done/);
    await rollouts.skip('t0006');
    await expect.poll(() => rollouts.counts().textContent(), LONG).toBe('6 done, 1 skipped, 0 failed, 0 to go');
    await expect(rollouts.failures().count()).resolves.toBe(0);

    const refreshed = await rollouts.refresh();
    await expect(refreshed.textContent()).resolves.toMatch(/^Snapshot tpl-v2 saved .*; 5 tenant\(s\) recorded at it; warm pool: the warm pool is empty with size 0\.$/);
    const { rows } = await cluster.query("SELECT tenant FROM _tenantry.tenants WHERE snapshot_label = 'tpl-v2' ORDER BY 1", DB);
    expect(rows.map((r) => r.tenant)).toEqual(['t0001', 't0002', 't0003', 't0004', 't0005']);

    await rollouts.backToTenants();
    await tenants.waitForCensusLoaded();
    await expect(tenants.cohorts().allTextContents()).resolves.toEqual(['4 equal to the template', expect.stringMatching(/^1 drifted/), expect.stringMatching(/^1 drifted/)]);
    await browser.screenshotWidths('rollout-fleet-after');
    expect(browser.errors).toEqual([]);
  });
});
