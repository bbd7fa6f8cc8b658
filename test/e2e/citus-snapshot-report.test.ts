/**
 * The snapshot editor on a Citus coordinator shows the compatibility report `tenantry snapshot` prints there:
 * what Citus refuses of the snapshot in a distributed schema and what Tenantry rewrites, each with its line,
 * and that provisioning distributed tenants from it would stop before the first. Before, the app built the
 * snapshot without a word about Citus. Skipped, with the reason, where Citus or Chromium is not installed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citusSkipReason, startCitusCluster, type CitusCluster } from '../../support/citus-cluster.js';
import { hasChromium } from './support/browser.js';
import { useWebJourney } from './support/journey.js';

const skip = citusSkipReason() ?? (hasChromium() ? undefined : 'Chromium is not installed');
if (skip) console.warn(`Citus snapshot report journey skipped: ${skip}.`);

const DB = 'tenantry';
/** An identity column (pg_dump writes ALTER TABLE … ADD GENERATED: rewritten) and an inherited table (refused). */
const TEMPLATE = `
CREATE SCHEMA tpl;
CREATE TABLE tpl.accounts (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
CREATE TABLE tpl.events (id bigint, at timestamptz NOT NULL DEFAULT now());
CREATE TABLE tpl.signup_events (email text) INHERITS (tpl.events);
`;

describe.skipIf(Boolean(skip))(skip ? `Citus report in the snapshot editor — SKIPPED: ${skip}` : 'Citus report in the snapshot editor (web mode)', () => {
  const journey = useWebJourney({ screenshotName: 'citus-snapshot-report' });
  let citus: CitusCluster;

  beforeAll(async () => {
    citus = await startCitusCluster({ database: DB });
    await citus.coordinator.query(TEMPLATE, DB);
  }, 180_000);
  afterAll(async () => {
    await citus?.stop();
  });

  it('lists what Citus refuses and what Tenantry rewrites, each with its line', async () => {
    const { ui, browser } = journey;
    await ui.open(journey.app.url);
    await ui.connections.addConnection();
    await ui.connections.pasteUrl(`postgresql://postgres:${encodeURIComponent(citus.coordinator.password)}@127.0.0.1:${citus.coordinator.port}/${DB}?sslmode=disable`);
    await expect.poll(() => ui.connections.field('Port').inputValue()).toBe(String(citus.coordinator.port));
    await ui.connections.save();
    await ui.goTo('Schemas');
    await ui.schemas.waitForSchema('tpl');
    await ui.schemas.chooseTemplate('tpl');
    await ui.schemas.dump();
    await ui.goTo('Snapshot editor');
    await ui.snapshot.referenceCount();
    await ui.snapshot.replaceAll();
    const report = ui.snapshot.citusReport();
    await report.waitFor();
    // Open by itself: something is refused.
    expect(await report.getAttribute('open')).not.toBeNull();
    const text = (await report.textContent()) ?? '';
    expect(text).toMatch(/Citus compatibility \(\d+ findings, 1 refused\)/);
    expect(text).toMatch(/Citus 1[23]\.\S+ coordinator, 2 workers, schema-based sharding off\. Tenants provisioned here become distributed schemas\./);
    expect(text).toContain('provisioning tenants here from it stops before the first');
    const findings = report.getByRole('listitem');
    const items = await findings.allTextContents();
    const inherit = items.find((t) => t.includes('INHERITS') || t.includes('signup_events'));
    expect(inherit).toMatch(/^line \d+ refused CREATE TABLE #\{prefix\}\.signup_events/);
    expect(inherit).toContain('Citus: tables in a distributed schema cannot inherit or be inherited');
    const identity = items.find((t) => t.includes('rewritten'));
    expect(identity).toMatch(/^line \d+ rewritten ALTER TABLE #\{prefix\}\.accounts ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY/);
    expect(identity).toContain('Citus: alter table command is currently unsupported (ADD GENERATED … AS IDENTITY)');
    // The CLI's "provision with --local" in app wording: the app has no such control, the command line does.
    expect(inherit).toContain('Tenantry: Distributed provisioning stops before any tenant; keep tenants on the coordinator (command line: tenantry provision --local), or change the template.');
    // Each line is the line of that statement in the snapshot the editor shows (after the snapshot's header).
    await ui.snapshot.save('citus');
    const dir = join(journey.app.dataDir, 'snapshots');
    const file = readdirSync(dir).find((f) => f.endsWith('.sql'));
    const lines = readFileSync(join(dir, file ?? ''), 'utf8').split('\n');
    for (const [item, start] of [[inherit, 'CREATE TABLE #{prefix}.signup_events'], [identity, 'ALTER TABLE #{prefix}.accounts ALTER COLUMN id ADD GENERATED']] as const) {
      const line = Number(/^line (\d+)/.exec(item ?? '')?.[1]);
      expect(lines[line - 1], `line ${line}`).toContain(start);
    }
    await browser.screenshotWidths('citus-snapshot-report');
  }, 240_000);
});
