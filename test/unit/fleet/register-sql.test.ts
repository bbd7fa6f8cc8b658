import { describe, expect, it } from 'vitest';
import { buildFingerprintUpdateSql, buildRegisterDeleteSql, buildRegisterInsertSql, buildRegisterSchemaSql, buildVerificationUpdateSql } from '../../../core/fleet/register-sql.js';
import { buildPsqlTenantScript } from '../../../core/provision/tenant-guard.js';

describe('register SQL', () => {
  it.each([
    ['plain', { tenant: 'acme', template: 'tmpl', snapshotChecksum: 'ab12', snapshotLabel: 'v1', how: 'built' as const }, "VALUES ('acme', 'tmpl', 'ab12', 'v1', 'built', CURRENT_USER)"],
    ['no snapshot (adopted)', { tenant: 'old', template: 'tmpl', how: 'adopted' as const }, "VALUES ('old', 'tmpl', NULL, NULL, 'adopted', CURRENT_USER)"],
    ['a quote in the name', { tenant: "o'brien", template: 'tmpl', how: 'claimed' as const }, "VALUES ('o''brien', 'tmpl', NULL, NULL, 'claimed', CURRENT_USER)"],
    ['a backslash in the name', { tenant: 'a\\', template: 'Tmpl "x"', how: 'built' as const }, "VALUES (E'a\\\\', 'Tmpl \"x\"', NULL, NULL, 'built', CURRENT_USER)"],
  ])('writes the row of %s as literals', (_name, entry, values) => {
    const sql = buildRegisterInsertSql(entry);
    expect(sql).toContain(values);
    expect(sql).toMatch(/^INSERT INTO _tenantry\.tenants AS r/);
    // A name that was dropped by hand and made again replaces the stale row, resetting what was known about the old one.
    expect(sql).toContain('ON CONFLICT (tenant) DO UPDATE SET');
    expect(sql).toContain('fingerprint = NULL');
  });

  it('the SQL function runs the same upsert over its parameters', () => {
    const ddl = buildRegisterSchemaSql();
    // Its callers are SECURITY DEFINER functions: CURRENT_USER would be their owner, SESSION_USER is the caller's role.
    expect(ddl).toContain("VALUES (p_tenant, p_template, p_snapshot_checksum, p_snapshot_label, p_how, SESSION_USER)");
    expect(ddl).toContain('REVOKE ALL ON FUNCTION _tenantry.register_tenant(text, text, text, text, text) FROM PUBLIC');
    expect(ddl).toContain("CHECK (how IN ('built', 'claimed', 'adopted', 'published'))");
  });

  it('deletes and updates by name, quoting every value', () => {
    expect(buildRegisterDeleteSql("x'; drop table t; --")).toBe("DELETE FROM _tenantry.tenants WHERE tenant = 'x''; drop table t; --'");
    expect(buildVerificationUpdateSql([{ tenant: "a'b", result: 'different' }, { tenant: 'c', result: 'equal', summary: 'ok' }])).toContain("unnest(ARRAY['a''b', 'c']::text[], ARRAY['different', 'equal']::text[], ARRAY[NULL, 'ok']::text[])");
    expect(buildFingerprintUpdateSql([{ tenant: 'a', fingerprint: 'f1' }])).toContain("unnest(ARRAY['a']::text[], ARRAY['f1']::text[])");
  });

  it('psql runs the register row after the body and before the transaction check', () => {
    const script = buildPsqlTenantScript('acme', 'CREATE SCHEMA acme', '', { transactionKey: 'k'.repeat(16), afterBody: 'INSERT INTO _tenantry.tenants VALUES (1);\n' });
    const body = script.indexOf('CREATE SCHEMA acme');
    const row = script.indexOf('INSERT INTO _tenantry.tenants');
    const check = script.indexOf('$tenantry_transaction_check$');
    expect(body).toBeLessThan(row);
    expect(row).toBeLessThan(check);
    // The body's last statement may lack its semicolon: the row starts a statement of its own.
    expect(script.slice(body, row)).toBe('CREATE SCHEMA acme\n;\n');
  });
});
