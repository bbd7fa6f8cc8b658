/**
 * The app carries partitions kept in other schemas and shows configuration tables (issue 11), as the CLI does
 * with --carry-partitions and its report: a template whose partitions live elsewhere is refused with wording for
 * the app, one click dumps it again with the partitions carried, and small tables that look like configuration are
 * listed in the Schemas view and the snapshot editor, with a click that carries their rows. Before, the app had
 * neither: such a template could not be dumped at all, and tenants silently got empty configuration tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { hasChromium } from './support/browser.js';
import { saveClusterConnection, useWebJourney } from './support/journey.js';

const TEMPLATE_SQL = `
  create schema tpl;
  create schema parts;
  create table tpl.events (id bigint not null, kind text not null, at timestamptz not null default now()) partition by list (kind);
  create table parts.events_signup partition of tpl.events for values in ('signup');
  create table parts.events_other partition of tpl.events default;
  create table tpl.config (enable_teams boolean not null default true);
  insert into tpl.config values (true);
  create table tpl.accounts (id bigint generated always as identity primary key, name text not null);`;

describe.skipIf(!hasChromium())('dump options: carry partitions, configuration tables (web mode)', () => {
  const journey = useWebJourney({ screenshotName: 'partitions-config' });
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.query(TEMPLATE_SQL);
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('refuses partitions elsewhere in app wording, then carries them with one click', async () => {
    const { ui, app } = journey;
    await ui.open(app.url);
    await saveClusterConnection(ui, cluster);
    await ui.goTo('Schemas');
    await ui.schemas.waitForSchema('tpl');
    await ui.schemas.chooseTemplate('tpl');
    const carry = ui.schemas.carryPartitionsBox();
    expect(await carry.isChecked()).toBe(false);
    const refused = await ui.schemas.dump();
    const text = (await refused.textContent()) ?? '';
    expect(text).toContain('events (2 in parts)');
    expect(text).toContain('Dump again with the partitions carried');
    expect(text).not.toMatch(/--carry-partitions/);
    const done = await ui.schemas.carryPartitionsAndDumpAgain();
    expect(await done.textContent()).toMatch(/Dumped tpl/);
    expect(await carry.isChecked()).toBe(true);
  });

  it('lists the configuration table beside the dump and in the snapshot editor', async () => {
    const { ui, browser } = journey;
    const hints = ui.schemas.configTables();
    await hints.waitFor();
    expect(await hints.getByRole('listitem').allTextContents()).toEqual(['config (1 row)']);
    await browser.screenshot('partitions-config-schemas');
    await ui.goTo('Snapshot editor');
    await ui.snapshot.referenceCount();
    const inEditor = ui.snapshot.configTables();
    await inEditor.waitFor();
    expect(await inEditor.textContent()).toContain('config (1 row)');
    // What the dump carried is said where the editor lists what tenants share.
    expect(await ui.snapshot.sharedList().textContent()).toMatch(/2 partitions of events \(kept in parts\) are created in each tenant schema/);
    await ui.snapshot.replaceAll();
    await browser.screenshot('partitions-config-snapshot');
  });

  it('carries the configuration rows with one click: the dump holds them and the hint is gone', async () => {
    const { ui } = journey;
    await ui.goTo('Schemas');
    const done = await ui.schemas.carryConfigRowsAndDumpAgain();
    // The click starts a new dump; the finished box that follows names the rows carried.
    await expect.poll(() => done.textContent(), { timeout: 120_000 }).toMatch(/ledger rows from config \(1 rows?\)/);
    expect(await ui.schemas.ledgerField().inputValue()).toBe('config');
    expect(await ui.schemas.configTables().count()).toBe(0);
    await ui.goTo('Snapshot editor');
    await ui.snapshot.referenceCount();
    expect(await ui.snapshot.configTables().count()).toBe(0);
  });
});
