/**
 * The warm pool's size field shows the pool's real target. The pool is resized
 * and filled by another client (what the CLI or a colleague's window does);
 * when Provision is shown again it reads "2 of 2 spares ready" with Pool size
 * 2, and leaving the field does not resize the pool. The old panel kept the
 * size of its first read (0) next to "2 of 2 ready", and leaving the field
 * then set the pool's target to 0; nor did it read the pool again when the
 * view was shown.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { APIRequestContext } from 'playwright-core';
import { hasChromium } from './support/browser.js';
import { saveDemoSnapshot, useWebJourney } from './support/journey.js';

/** One API call as another client with this browser's session. */
async function call(request: APIRequestContext, origin: string, channel: string, body: unknown): Promise<unknown> {
  const response = await request.post(`${origin}/api/invoke/${channel}`, { data: body, headers: { Origin: origin } });
  const result = (await response.json()) as { ok: boolean; value?: unknown; error?: unknown };
  if (!result.ok) throw new Error(`${channel}: ${JSON.stringify(result.error)}`);
  return result.value;
}

describe.skipIf(!hasChromium())('Provision: the warm pool size field (web mode)', () => {
  const journey = useWebJourney({ screenshotName: 'pool-size' });

  beforeAll(async () => {
    await saveDemoSnapshot(journey, 'pool-size');
  });

  it('follows a pool resized and filled elsewhere, and leaving the field changes nothing', async () => {
    await journey.ui.goTo('Provision');
    await journey.ui.provision.chooseSnapshot(/^pool-size/);
    await expect.poll(() => journey.ui.provision.poolStatus().textContent()).toMatch(/^\s*0 of 0 spares ready/);
    const field = journey.browser.page.getByRole('spinbutton', { name: 'Pool size' });
    expect(await field.inputValue()).toBe('0');

    // Another client sizes the pool to 2 and fills it.
    const request = journey.browser.context.request;
    const snapshots = (await call(request, journey.app.origin, 'snapshot:list', {})) as { id: string; name: string }[];
    const snapshotId = snapshots.find((s) => s.name.startsWith('pool-size'))?.id;
    const target = { connectionId: 'sandbox' };
    await call(request, journey.app.origin, 'pool:size', { target, size: 2 });
    await call(request, journey.app.origin, 'pool:fill', { target, snapshotId });
    await expect.poll(async () => ((await call(request, journey.app.origin, 'pool:status', { target, snapshotId })) as { ready: number }).ready, { timeout: 120_000 }).toBe(2);

    await journey.ui.goTo('Schemas');
    await journey.ui.goTo('Provision');
    await journey.ui.provision.waitForPoolReady(2);
    expect(await journey.ui.provision.poolStatus().textContent()).toMatch(/^\s*2 of 2 spares ready/);
    expect(await field.inputValue()).toBe('2');
    await journey.browser.screenshotWidths('pool-size-field');

    // Focus and leave the field without typing: the pool keeps its size.
    await field.focus();
    await field.blur();
    await journey.ui.provision.fillPool();
    await expect.poll(async () => ((await call(request, journey.app.origin, 'pool:status', { target, snapshotId })) as { target: number }).target).toBe(2);
    expect(await field.inputValue()).toBe('2');
  });
});
