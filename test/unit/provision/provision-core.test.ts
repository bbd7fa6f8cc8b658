import { describe, expect, it } from 'vitest';
import { runQueue } from '../../../core/provision/run-queue.js';
import { buildSessionPreamble } from '../../../core/provision/session-preamble.js';
import { buildPsqlTenantScript, buildTenantAbsentCheckSql, buildTenantLockSql, TENANT_EXISTS_MARKER } from '../../../core/provision/tenant-guard.js';

describe('runQueue', () => {
  it('never runs more than `concurrency` at once and keeps result order', async () => {
    let running = 0;
    let peak = 0;
    const results = await runQueue(
      [5, 1, 4, 2, 3],
      async (n) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, n * 3));
        running--;
        return n * 10;
      },
      { concurrency: 2 },
    );
    expect(peak).toBe(2);
    expect(results).toEqual([50, 10, 40, 20, 30]);
  });
  it('stops starting tasks when told to', async () => {
    let stop = false;
    const results = await runQueue(
      ['a', 'b', 'c', 'd'],
      async (s) => {
        if (s === 'b') stop = true;
        return s;
      },
      { concurrency: 1, shouldStop: () => stop },
    );
    expect(results).toEqual(['a', 'b', undefined, undefined]);
  });
});

describe('tenant guard', () => {
  it('locks on the tenant name as a safe literal', () => {
    expect(buildTenantLockSql("o'neil")).toBe("SELECT pg_catalog.pg_advisory_xact_lock(1414416980, pg_catalog.hashtext('o''neil'));");
  });
  it('checks existence with the exact name and a recognisable message', () => {
    const sql = buildTenantAbsentCheckSql('Acme Corp');
    expect(sql).toContain("WHERE nspname = 'Acme Corp'");
    expect(sql).toContain(`MESSAGE = '${TENANT_EXISTS_MARKER} Acme Corp'`);
    expect(sql).toContain("ERRCODE = 'duplicate_schema'");
  });
  it('cannot be broken out of by a name containing the dollar tag or quotes', () => {
    const sql = buildTenantAbsentCheckSql("x$tenantry_guard$'; DROP TABLE t; --");
    // The name only ever appears inside string literals with doubled quotes.
    expect(sql).toContain("nspname = 'x$tenantry_guard$''; DROP TABLE t; --'");
    expect(sql.startsWith('DO $tenantry_guard1$\n')).toBe(true);
    expect(sql.endsWith('\n$tenantry_guard1$;')).toBe(true);
  });
  it('puts the guard before the rendered SQL', () => {
    const script = buildPsqlTenantScript('acme', 'CREATE SCHEMA acme;');
    expect(script.indexOf('pg_advisory_xact_lock')).toBeLessThan(script.indexOf('CREATE SCHEMA acme;'));
    expect(script.endsWith('CREATE SCHEMA acme;\n')).toBe(true);
  });
});

describe('buildSessionPreamble', () => {
  it('applies the snapshot settings with SET LOCAL, over the defaults', () => {
    const sql = buildSessionPreamble({ client_encoding: "'UTF8'", check_function_bodies: 'false', search_path: "''", default_tablespace: "''" });
    expect(sql.split('\n').filter(Boolean)).toEqual([
      'SET LOCAL standard_conforming_strings = on;',
      'SET LOCAL check_function_bodies = false;',
      'SET LOCAL client_min_messages = warning;',
      "SET LOCAL search_path = '';",
      "SET LOCAL client_encoding = 'UTF8';",
      "SET LOCAL default_tablespace = '';",
    ]);
  });
  it('always sets standard_conforming_strings = on, first, whatever the snapshot says (names are escaped for on)', () => {
    for (const value of ['off', "'off'", 'false']) {
      const lines = buildSessionPreamble({ standard_conforming_strings: value, client_encoding: "'UTF8'" }).split('\n');
      expect(lines[0]).toBe('SET LOCAL standard_conforming_strings = on;');
      expect(lines.filter((l) => l.includes('standard_conforming_strings'))).toHaveLength(1);
    }
    expect(buildSessionPreamble({ standard_conforming_strings: 'off' }, { scope: 'session', omit: ['search_path'] })).toBe(
      'SET standard_conforming_strings = on;\nSET check_function_bodies = false;\nSET client_min_messages = warning;\n',
    );
  });
  it('uses the defaults for a snapshot without settings', () => {
    expect(buildSessionPreamble(undefined)).toContain('SET LOCAL check_function_bodies = false;');
  });
  it.each([
    [{ 'search_path; drop table t; --': 'x' }],
    [{ search_path: "public; drop table t" }],
    [{ search_path: "'a'; drop table t; --'" }],
  ])('refuses a setting that is not plain: %j', (settings) => {
    expect(() => buildSessionPreamble(settings)).toThrowError(expect.objectContaining({ code: 'SNAPSHOT_INVALID' }));
  });
});
