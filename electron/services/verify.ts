/**
 * Verifies a tenant against its template through the catalog: the same
 * objects with the same definitions (schema name normalised), and nothing in
 * the tenant that reaches back into the template.
 */
import type { VerifyResult } from '../../core/api/contract.js';
import type { ConnectionProfile } from '../../core/connection/profile.js';
import { TenantryError } from '../../core/errors.js';
import { compareCatalogs } from '../../core/verify/compare-catalogs.js';
import { findTemplateReferences } from '../../core/verify/find-template-references.js';
import { openClient } from './catalog/connect.js';
import { readCatalogFacts } from './catalog/read-catalog-facts.js';
import { readIsolationFacts } from './verify/read-isolation-facts.js';
import { readSchemaCatalog } from './verify/read-schema-catalog.js';
import type pg from 'pg';

export interface VerifyOptions {
  template: string;
  tenant: string;
}

async function requireSchema(client: pg.ClientBase, name: string, code: 'SCHEMA_NOT_FOUND' | 'TENANT_NOT_FOUND'): Promise<void> {
  const { rowCount } = await client.query('select 1 from pg_catalog.pg_namespace where nspname = $1', [name]);
  if (!rowCount) {
    const what = code === 'TENANT_NOT_FOUND' ? 'Tenant schema' : 'Template schema';
    throw new TenantryError(code, `${what} "${name}" does not exist in this database. Names are case-sensitive; run \`tenantry schemas\` to list them.`);
  }
}

/** Compares `tenant` with `template` on an open connection. */
export async function verifyTenantWith(client: pg.ClientBase, options: VerifyOptions): Promise<VerifyResult> {
  await requireSchema(client, options.template, 'SCHEMA_NOT_FOUND');
  await requireSchema(client, options.tenant, 'TENANT_NOT_FOUND');
  const template = await readSchemaCatalog(client, options.template);
  const tenant = await readSchemaCatalog(client, options.tenant);
  const facts = await readCatalogFacts(client, options.template);
  const ownNames = [...facts.objects.relations, ...facts.objects.types, ...facts.objects.functions];
  const { differences, compared } = compareCatalogs(template, tenant);
  const isolation = [...findTemplateReferences(tenant, { schema: options.template, ownNames }), ...(await readIsolationFacts(client, options.tenant, options.template))];
  return {
    tenant: options.tenant,
    template: options.template,
    equal: differences.length === 0,
    isolated: isolation.length === 0,
    differences: [...differences, ...isolation],
    compared,
  };
}

/** Compares `tenant` with `template` in the profile's database. */
export async function verifyTenant(profile: ConnectionProfile, options: VerifyOptions): Promise<VerifyResult> {
  const client = await openClient(profile);
  try {
    return await verifyTenantWith(client, options);
  } finally {
    await client.end();
  }
}
