/** The Provision view's batch summary counted only created and failed: a re-run over existing tenants read "0 created, 0 failed". */
import { describe, expect, it } from 'vitest';
import { formatProvisionSummary } from '../../../renderer/src/lib/provision-summary.js';

describe('formatProvisionSummary', () => {
  it('says how many already existed and how many never started', () => {
    const text = formatProvisionSummary({
      created: 3,
      failed: 0,
      elapsedMs: 1100,
      tenants: [
        { tenant: 'a', status: 'created' },
        { tenant: 'b', status: 'created' },
        { tenant: 'c', status: 'created' },
        { tenant: 'acme', status: 'exists' },
        { tenant: 'z', status: 'cancelled' },
      ],
    });
    expect(text).toMatch(/^3 created, 0 failed, 1 already existed \(left untouched\), 1 not started in 1\.1 s\.$/);
  });

  it('says how many were claimed from the warm pool and how many built', () => {
    const text = formatProvisionSummary({
      created: 3,
      failed: 0,
      elapsedMs: 250,
      tenants: [
        { tenant: 'a', status: 'created', via: 'claimed' },
        { tenant: 'b', status: 'created', via: 'built' },
        { tenant: 'c', status: 'created', via: 'claimed' },
      ],
    });
    expect(text).toBe('3 created, 0 failed (2 claimed from the warm pool, 1 built) in 250 ms.');
    expect(formatProvisionSummary({ created: 1, failed: 0, elapsedMs: 8, tenants: [{ tenant: 'a', status: 'created', via: 'claimed' }] })).toBe('1 created, 0 failed (1 claimed from the warm pool) in 8 ms.');
  });

  it('stays short when everything was created', () => {
    expect(formatProvisionSummary({ created: 1, failed: 0, elapsedMs: 80, tenants: [{ tenant: 'a', status: 'created' }] })).toBe('1 created, 0 failed in 80 ms.');
  });
});

describe('formatProvisionSummary after Cancel', () => {
  it('says the batch was cancelled and how many never started, instead of a plain success line', () => {
    const tenants = [
      ...Array.from({ length: 96 }, (_, i) => ({ tenant: `c${i}`, status: 'created' as const })),
      ...Array.from({ length: 104 }, (_, i) => ({ tenant: `n${i}`, status: 'cancelled' as const })),
    ];
    expect(formatProvisionSummary({ created: 96, failed: 0, elapsedMs: 2000, tenants }, { cancelled: true })).toBe('Cancelled: 96 created, 104 not started in 2.0 s.');
  });

  it('does not call a tenant that was under way and rolled back "not started" (CI: the row said cancelled, the summary 35 not started)', () => {
    const tenants = [
      { tenant: 'a', status: 'created' as const },
      { tenant: 'b', status: 'cancelled' as const, error: { code: 'CANCELLED' as const, userMessage: 'Creating tenant "b" was cancelled and rolled back; nothing was created.' } },
      { tenant: 'c', status: 'cancelled' as const },
      { tenant: 'd', status: 'cancelled' as const },
    ];
    expect(formatProvisionSummary({ created: 1, failed: 0, elapsedMs: 388, tenants }, { cancelled: true })).toBe('Cancelled: 1 created, 1 cancelled and rolled back, 2 not started in 388 ms.');
    expect(formatProvisionSummary({ created: 1, failed: 0, elapsedMs: 388, tenants })).toBe('1 created, 0 failed, 1 cancelled and rolled back, 2 not started in 388 ms.');
  });
});
