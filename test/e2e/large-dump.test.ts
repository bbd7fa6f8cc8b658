/**
 * A 10 MB dump stays responsive: the references of a large template are
 * found in a worker, and the main thread is never blocked for long while they
 * are found and drawn. Prints what it measured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { hasChromium } from './support/browser.js';
import { saveClusterConnection, useWebJourney } from './support/journey.js';

const TABLES = 3200;

/** A schema whose schema-only dump is about 10 MB: tables, indexes, comments, and functions whose bodies name the schema. */
const BIG_SCHEMA_SQL = `
create schema big;
do $$
declare body text;
begin
  for i in 1..${TABLES} loop
    execute format('create table big.t_%s (id bigint generated always as identity primary key, account_id bigint not null, name text not null, email text, status text not null default %L, amount_cents bigint not null default 0, currency char(3) not null default %L, notes text, created_at timestamptz not null default now(), updated_at timestamptz not null default now(), payload jsonb)', i, 'new', 'EUR');
    execute format('create index t_%s_account on big.t_%s (account_id, created_at)', i, i);
    execute format('comment on table big.t_%s is %L', i, 'Table number ' || i || ' of the large template used to check that the editor stays responsive.');
    body := 'begin' || repeat(format('
  update big.t_%1$s set updated_at = now() where id = new.id and status <> %3$L;
  insert into big.t_%1$s (account_id, name, status) select account_id, name, %2$L from big.t_%1$s where id = new.id;
  delete from big.t_%1$s where status = %3$L and created_at < now() - interval %4$L;
  perform count(*) from big.t_%1$s where account_id = new.account_id and currency = %5$L;', i, 'copy', 'void', '30 days', 'EUR'), 5) || '
  return new;
end';
    execute format('create function big.touch_%s() returns trigger language plpgsql as %L', i, body);
  end loop;
end $$;`;

describe.skipIf(!hasChromium())('a 10 MB dump in the snapshot editor (web mode)', () => {
  const journey = useWebJourney({ screenshotName: 'large-dump' });
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ conf: { max_locks_per_transaction: 4096 } });
    await cluster.query(BIG_SCHEMA_SQL);
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('finds the references off the main thread and keeps the page responsive', async () => {
    const { ui, browser, app } = journey;
    await ui.open(app.url);
    await saveClusterConnection(ui, cluster);
    await ui.goTo('Schemas');
    await ui.schemas.waitForSchema('big');
    await ui.schemas.chooseTemplate('big');
    const dumped = await ui.schemas.dump();
    const dumpText = (await dumped.textContent()) ?? '';
    expect(dumpText).toMatch(/Dumped big/);
    const size = Number(/: ([\d.]+) MB/.exec(dumpText)?.[1] ?? 0);
    expect(size).toBeGreaterThanOrEqual(9);

    await browser.page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push(e.duration))).observe({ type: 'longtask' });
    });
    const started = Date.now();
    await ui.goTo('Snapshot editor');
    const count = await ui.snapshot.referenceCount();
    const shownMs = Date.now() - started;
    // While the worker works and after the decorations are drawn, the page still answers input at once.
    const probe = Date.now();
    await browser.page.getByRole('textbox', { name: 'Placeholder' }).fill('#{tenant}');
    const inputMs = Date.now() - probe;
    const longTasks = await browser.page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    const longest = Math.round(Math.max(0, ...longTasks));
    console.log(`large dump: ${size} MB, ${count} references shown after ${shownMs} ms; longest main-thread task ${longest} ms (${longTasks.length} tasks > 50 ms); input answered in ${inputMs} ms`);
    expect(count).toBeGreaterThan(TABLES * 5);
    // Measured here: 2–4 s to show, longest task 0.3–0.8 s (Monaco taking the 10 MB model), input 0.6–1.1 s
    // (Playwright fill while the decorations are still being added, one slice per frame).
    // The bounds leave room for a busy CI machine; before slicing the decorations the longest task was 25 s.
    expect(inputMs).toBeLessThan(3000);
    expect(longest).toBeLessThan(2000);
    await browser.screenshot('large-dump');
  });
});
