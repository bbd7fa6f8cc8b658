/**
 * Hostile tenant names (plus the template name given): one table for every path that takes a tenant name —
 * the handler, the CLI and provisioning (tenant-names.test.ts) and the published create_tenant/claim_tenant
 * (publish/). tenant-names.test.ts asserts exactly which of them are valid.
 */
export function hostileNames(template: string): string[] {
  return [
    'w$$b',
    'a$fn$b',
    '$lead',
    'trail$',
    'a$b',
    'PG_x',
    'pg_x',
    'a\\b',
    "x\\'; DROP SCHEMA tmpl CASCADE; --",
    'x"; DROP SCHEMA tmpl CASCADE; --',
    "o'neil",
    'a*/b',
    'a/*b',
    'select',
    'x'.repeat(63),
    'x'.repeat(64),
    '日'.repeat(21),
    '日'.repeat(22),
    'a\u202eb',
    'a\u2066b',
    'a\u0085b',
    'a\u200bb',
    'a\u{e0041}b',
    'a\nb',
    'a\tb',
    ' lead',
    'trail\u3000',
    '',
    'public',
    'information_schema',
    '_tenantry',
    '_tenantry_spare_00000000_1',
    'Acme Corp',
    'tenant_日本',
    template,
  ];
}
