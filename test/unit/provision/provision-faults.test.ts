/**
 * The pure parts of fault handling: which errors mean "the connection is
 * gone", the limits every tenant runs under, --lock-timeout, the blocker
 * sentence and the CLI summary's lists.
 */
import { describe, expect, it } from 'vitest';
import { buildProvisionLimitsSql } from '../../../core/provision/provision-limits.js';
import { formatSummary, parseLockTimeout } from '../../../electron/cli/commands/provision.js';
import { UsageError } from '../../../electron/cli/command.js';
import { describeBlockers } from '../../../electron/services/provision/lock-watch.js';
import { isConnectionLost } from '../../../electron/services/provision/lost-connection.js';
import type { ProvisionSummary } from '../../../electron/services/provision/provisioner.js';

describe('isConnectionLost', () => {
  it.each([
    [{ code: '57P01', message: 'terminating connection due to administrator command' }, true],
    [{ code: '57P02', message: 'terminating connection because of crash of another server process' }, true],
    [{ code: '08006', message: 'connection failure' }, true],
    [new Error('Connection terminated unexpectedly'), true],
    [new Error('Client has encountered a connection error and is not queryable'), true],
    [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), true],
    [{ code: '42P07', message: 'relation "items" already exists' }, false],
    [{ code: '55P03', message: 'canceling statement due to lock timeout' }, false],
    [{ code: '57014', message: 'canceling statement due to user request' }, false],
    ['Connection terminated', false],
    [null, false],
  ])('%o → %s', (error, lost) => {
    expect(isConnectionLost(error)).toBe(lost);
  });
});

describe('provision limits', () => {
  it('sets lock_timeout always and client_connection_check_interval from PostgreSQL 14', () => {
    expect(buildProvisionLimitsSql({ lockTimeoutMs: 5000, serverMajor: 13 })).toBe("SET LOCAL lock_timeout = '5000ms';\n");
    expect(buildProvisionLimitsSql({ lockTimeoutMs: 1500.4, serverMajor: 14 })).toBe("SET LOCAL lock_timeout = '1500ms';\nSET LOCAL client_connection_check_interval = '2000ms';\n");
    expect(buildProvisionLimitsSql({ lockTimeoutMs: 0, serverMajor: 9.6 })).toBe("SET LOCAL lock_timeout = '0ms';\n");
  });
  it.each([
    ['5s', 5000],
    ['1500ms', 1500],
    ['2min', 120_000],
    ['250', 250],
    ['0', 0],
    ['0.5s', 500],
  ])('--lock-timeout %s → %i ms', (text, ms) => {
    expect(parseLockTimeout(text)).toBe(ms);
  });
  it.each(['', '5 hours', '-1s', "1s'; drop table x; --", '25h', '100000min'])('refuses --lock-timeout %j', (text) => {
    expect(() => parseLockTimeout(text)).toThrow(UsageError);
  });
});

describe('describeBlockers', () => {
  it('names the lock and each blocking pid once', () => {
    const text = describeBlockers([
      { pid: 4242, user: 'app', application: 'psql', state: 'idle in transaction', query: 'lock table\n  public.ref', lock: 'ShareRowExclusiveLock on table public.ref' },
      { pid: 4242, user: 'app', application: 'psql', state: 'idle in transaction', query: 'lock table public.ref', lock: 'ShareRowExclusiveLock on table public.ref' },
    ]);
    expect(text).toBe(
      'It waited for ShareRowExclusiveLock on table public.ref, held by pid 4242 (user app, application psql, idle in transaction, last query: lock table public.ref). End that transaction (or SELECT pg_terminate_backend(4242)), or allow a longer wait with --lock-timeout.',
    );
    expect(describeBlockers([])).toMatch(/pg_blocking_pids/);
  });
});

describe('formatSummary', () => {
  it('lists created, failed (with unknown outcomes counted), cancelled and not-started tenants', () => {
    const summary: ProvisionSummary = {
      tenants: [
        { tenant: 'a', status: 'created', elapsedMs: 1 },
        { tenant: 'b', status: 'created', elapsedMs: 1, note: 'The connection broke during COMMIT; a fresh connection shows schema "b" exists, so the commit went through.' },
        { tenant: 'c', status: 'failed', error: { code: 'PROVISION_OUTCOME_UNKNOWN', userMessage: 'unknown whether schema "c" exists.' } },
        { tenant: 'd', status: 'cancelled', error: { code: 'CANCELLED', userMessage: 'cancelled and rolled back.' } },
        { tenant: 'e', status: 'cancelled' },
      ],
      created: 2,
      failed: 1,
      exists: 0,
      claimed: 0,
      skipped: 1,
      elapsedMs: 9,
    };
    expect(formatSummary(summary, 'driver')).toBe(
      [
        '2 created, 0 already existed, 1 failed (1 with unknown outcome), 1 cancelled and rolled back, 1 not started — 9 ms via driver.',
        'Created: a, b',
        '  b: The connection broke during COMMIT; a fresh connection shows schema "b" exists, so the commit went through.',
        '  c: [PROVISION_OUTCOME_UNKNOWN] unknown whether schema "c" exists.',
        '  d: [CANCELLED] cancelled and rolled back.',
        'Not started: e',
        '',
      ].join('\n'),
    );
  });
});
