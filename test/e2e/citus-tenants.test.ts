/**
 * The Tenants view on a Citus coordinator (web mode, 1440 px): a Node column
 * shows where each tenant lives (a worker, or the coordinator for a tenant
 * provisioned --local), a Node filter narrows the table to one node, and
 * "Move to node…" moves a tenant with citus_schema_move as a job, after which
 * the column shows its new node and its rows are all there. "Propose
 * rebalance…" shows the moves by size `tenantry placement --rebalance`
 * proposes, and after a confirmation runs them; the Node column then shows
 * the planned nodes and every row is in place. Screenshots of the view
 * before and after the move and the rebalance are saved to test-artifacts/. Skipped,
 * with the reason, where Citus or Chromium is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citusSkipReason, startCitusCluster, type CitusCluster } from '../../support/citus-cluster.js';
import { createTenantSnapshot } from '../../electron/services/snapshot/create-tenant-snapshot.js';
import { createProvisioner, snapshotSource } from '../../electron/services/provision/provisioner.js';
import { openClient } from '../../electron/services/connection/open-connection.js';
import { proposeRebalance, readPlacement } from '../../electron/services/citus/placement.js';
import { profileFor } from '../integration/harness/profile.js';
import { TenantsPage } from './pages/tenants-page.js';
import { hasChromium } from './support/browser.js';
import { saveClusterConnection, useWebJourney } from './support/journey.js';

const skip = citusSkipReason() ?? (hasChromium() ? undefined : 'Chromium is not installed');
if (skip) console.warn(`Citus Tenants view journey skipped: ${skip}.`);

const DB = 'tenantry';
const TEMPLATE = `
CREATE SCHEMA tmpl;
CREATE TABLE tmpl.items (id bigserial PRIMARY KEY, label text NOT NULL);
`;
const DISTRIBUTED = ['acme', 'globex', 'initech', 'umbrella'];

describe.skipIf(Boolean(skip))(skip ? `Citus placement in the Tenants view — SKIPPED: ${skip}` : 'Citus placement and moves in the Tenants view (web mode)', () => {
  const journey = useWebJourney({ screenshotName: 'citus-tenants', viewport: { width: 1440, height: 900 } });
  let citus: CitusCluster;
  const q = async <T extends Record<string, unknown>>(sql: string) => (await citus.coordinator.query(sql, DB)).rows as T[];
  const nodeOf = async (tenant: string) =>
    (await q<{ node: string }>(`SELECT min(nodename || ':' || nodeport) AS node FROM pg_dist_schema s JOIN citus_shards sh ON sh.colocation_id = s.colocationid WHERE s.schemaid = '${tenant}'::regnamespace`))[0]?.node;

  beforeAll(async () => {
    citus = await startCitusCluster({ database: DB });
    await citus.coordinator.query(TEMPLATE, DB);
    const profile = profileFor(citus.coordinator, DB);
    const { snapshot } = await createTenantSnapshot(profile, { schema: 'tmpl' });
    const distributed = await createProvisioner(profile, { concurrency: 2 });
    const local = await createProvisioner(profile, { citusPlacement: 'local' });
    try {
      expect((await distributed.provisionMany(snapshotSource(snapshot, 'v1'), DISTRIBUTED)).created).toBe(DISTRIBUTED.length);
      await local.provisionTenant(snapshotSource(snapshot, 'v1'), 'hooli_local');
    } finally {
      await distributed.close();
      await local.close();
    }
    await q(`INSERT INTO acme.items (label) SELECT 'row ' || g FROM generate_series(1, 300) g`);
  }, 240_000);
  afterAll(async () => {
    await citus?.stop();
  });

  it('shows each tenant\'s node, filters by node, and moves a tenant to another node', async () => {
    const { ui, browser } = journey;
    const tenants = new TenantsPage(browser.page);
    await ui.open(journey.app.url);
    await saveClusterConnection(ui, citus.coordinator, DB);
    await ui.goTo('Tenants');
    await tenants.waitForCensus(/tmpl.*5 tenants/);
    const workers = citus.workerAddresses();
    const before = new Map<string, string | undefined>();
    for (const t of DISTRIBUTED) before.set(t, await nodeOf(t));

    // The Node column: each distributed tenant's worker, the --local one on the coordinator.
    await expect.poll(() => tenants.nodeCell('acme').textContent()).toBe(before.get('acme'));
    for (const t of DISTRIBUTED) expect(await tenants.nodeCell(t).textContent()).toBe(before.get(t));
    expect(await tenants.nodeCell('hooli_local').textContent()).toBe('coordinator');

    // The Node filter: one worker's tenants, then the coordinator's.
    const onFirst = DISTRIBUTED.filter((t) => before.get(t) === workers[0]);
    await tenants.node(workers[0]!);
    await expect.poll(() => tenants.shownCount().textContent()).toMatch(new RegExp(`^${onFirst.length} of 5 shown`));
    await tenants.node('On the coordinator (not distributed)');
    await expect.poll(() => tenants.shownCount().textContent()).toMatch(/^1 of 5 shown/);
    await tenants.node('Any node');
    await expect.poll(() => tenants.shownCount().textContent()).toMatch(/^5 of 5 shown/);
    await browser.screenshot('citus-tenants-placement');

    // Move acme to the other worker.
    const from = before.get('acme')!;
    const to = workers.find((w) => w !== from)!;
    await tenants.select('acme');
    const card = await tenants.openMove();
    expect(await card.textContent()).toContain(`Now on ${from}`);
    await card.getByRole('combobox', { name: 'Target node' }).selectOption(to);
    await browser.screenshot('citus-tenants-move-card');
    await card.getByRole('button', { name: 'Move', exact: true }).click();
    const notice = browser.page.getByRole('status', { name: 'Tenants notice' });
    await notice.waitFor({ timeout: 120_000 });
    expect(await notice.textContent()).toMatch(new RegExp(`Moved acme from ${from} to ${to} \\(.* MB, auto\\) in [\\d.]+ s\\.`));
    await expect.poll(() => tenants.nodeCell('acme').textContent()).toBe(to);
    expect(await nodeOf('acme')).toBe(to);
    expect(await q(`SELECT count(*)::int AS n FROM acme.items`)).toEqual([{ n: 300 }]);
    await browser.screenshot('citus-tenants-moved');
  }, 300_000);

  it('refuses to move a tenant that is not distributed, saying why', async () => {
    const { browser } = journey;
    const tenants = new TenantsPage(browser.page);
    await browser.page.getByRole('checkbox', { name: 'Select acme', exact: true }).uncheck();
    await tenants.select('hooli_local');
    // The --local tenant has no node to move from: the action stays off, with the reason in its title.
    const move = browser.page.getByRole('button', { name: 'Move to node…' });
    expect(await move.isDisabled()).toBe(true);
    expect(await move.getAttribute('title')).toContain('not a distributed schema');
  }, 60_000);

  it('proposes a rebalance by size, and applies it after a confirmation', async () => {
    const { browser } = journey;
    const tenants = new TenantsPage(browser.page);
    await browser.page.getByRole('checkbox', { name: 'Select hooli_local', exact: true }).uncheck();
    // Uneven by size: the tenants of the node holding the most of them get rows; VACUUM so sizes hold still.
    const placed = new Map<string, string | undefined>();
    for (const t of DISTRIBUTED) placed.set(t, await nodeOf(t));
    const count = (w: string) => DISTRIBUTED.filter((t) => placed.get(t) === w).length;
    const fuller = [...citus.workerAddresses()].sort((a, b) => count(b) - count(a))[0]!;
    for (const t of DISTRIBUTED.filter((x) => placed.get(x) === fuller)) await q(`INSERT INTO ${t}.items (label) SELECT repeat('x', 200) || g FROM generate_series(1, 3000) g`);
    await q('VACUUM');
    const counts = async () => Promise.all(DISTRIBUTED.map(async (t) => (await q<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}.items`))[0]!.n));
    const rowsBefore = await counts();
    // The plan the CLI would propose for this cluster.
    const client = await openClient(profileFor(citus.coordinator, DB));
    const expected = await readPlacement(client).then(proposeRebalance).finally(() => client.end());
    expect(expected.moves.length).toBeGreaterThan(0);

    await browser.page.getByRole('button', { name: 'Propose rebalance…' }).click();
    const card = browser.page.getByRole('region', { name: 'Rebalance tenants' });
    const moves = card.getByRole('table', { name: 'Proposed moves' });
    await moves.waitFor();
    const shown = await moves.getByRole('row').filter({ has: browser.page.getByRole('cell') }).allTextContents();
    expect(shown).toEqual(expected.moves.map((m) => `${m.tenant}${m.from}${m.to}${(m.bytes / 1024 / 1024).toFixed(1)} MB`));
    const perNode = await card.getByRole('table', { name: 'Bytes per node' }).getByRole('row').filter({ has: browser.page.getByRole('cell') }).allTextContents();
    expect(perNode).toEqual(Object.keys(expected.before).map((n) => `${n}${((expected.before[n] ?? 0) / 1024 / 1024).toFixed(1)} MB${((expected.after[n] ?? 0) / 1024 / 1024).toFixed(1)} MB`));
    await browser.screenshot('citus-tenants-rebalance-plan');
    // Nothing has moved yet.
    for (const t of DISTRIBUTED) expect(await nodeOf(t)).toBe(placed.get(t));

    await card.getByRole('button', { name: 'Apply these moves…' }).click();
    const n = expected.moves.length;
    expect(await card.getByRole('alert', { name: 'Confirm rebalance' }).textContent()).toContain(`Move ${n} tenant${n === 1 ? '' : 's'} with citus_schema_move (auto)`);
    await browser.screenshot('citus-tenants-rebalance-confirm');
    await card.getByRole('button', { name: `Yes, move ${n} tenant${n === 1 ? '' : 's'}` }).click();
    const notice = browser.page.getByRole('status', { name: 'Tenants notice' });
    await expect.poll(() => notice.textContent(), { timeout: 180_000, interval: 250 }).toContain(`Rebalanced: moved ${n} tenant${n === 1 ? '' : 's'}`);
    for (const m of expected.moves) {
      await expect.poll(() => tenants.nodeCell(m.tenant).textContent(), { timeout: 30_000 }).toBe(m.to);
      expect(await nodeOf(m.tenant)).toBe(m.to);
    }
    expect(await counts()).toEqual(rowsBefore);
    await browser.screenshot('citus-tenants-rebalanced');
  }, 300_000);
});
