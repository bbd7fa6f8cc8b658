/**
 * Verifies a tenant against its template through the catalog: the same
 * objects with the same definitions (schema name normalised), and nothing in
 * the tenant that reaches back into the template.
 */
import type { VerifyDifference, VerifyResult } from '../../../core/api/contract.js';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { TenantryError } from '../../../core/errors.js';
import { compareCatalogs, type CatalogComparison, type CatalogObject, type SchemaCatalog } from '../../../core/verify/compare-catalogs.js';
import { reparseDefinitions } from './reparse-definitions.js';
import { judgeIsolation } from '../../../core/verify/judge-isolation.js';
import { matchCarriedPartitions, type ForeignPartitionFact } from '../../../core/verify/carried-partitions.js';
import { readForeignPartitions } from '../catalog/read-foreign-partitions.js';
import type { TemplateNames } from '../../../core/verify/scan-template-names.js';
import type { SnapshotCarries } from '../../../core/verify/snapshot-carries.js';
import { openClient } from '../connection/open-connection.js';
import { readCatalogFacts } from '../catalog/read-catalog-facts.js';
import { readIsolationFacts } from './read-isolation-facts.js';
import { readPartitionPrivileges, readPrivileges, type PrivilegeOptions } from './read-privileges.js';
import { withCarriedPrivileges } from '../../../core/verify/carried-privileges.js';
import { readSchemaCatalog } from './read-schema-catalog.js';
import type pg from 'pg';

export interface VerifyOptions {
  template: string;
  tenant: string;
  /** What the snapshot the tenant came from carried: owners and privileges are compared where it did. Unknown: not compared. */
  carries?: SnapshotCarries;
}

async function requireSchema(client: pg.ClientBase, name: string, code: 'SCHEMA_NOT_FOUND' | 'TENANT_NOT_FOUND'): Promise<void> {
  const { rowCount } = await client.query('select 1 from pg_catalog.pg_namespace where nspname = $1', [name]);
  if (!rowCount) {
    const what = code === 'TENANT_NOT_FOUND' ? 'Tenant schema' : 'Template schema';
    throw new TenantryError(code, `${what} "${name}" does not exist in this database. Names are case-sensitive; run \`tenantry schemas\` to list them.`);
  }
}

export interface TemplateSide {
  catalog: SchemaCatalog;
  names: TemplateNames;
  /** `partitions`: owners and privileges of the template's partitions in other schemas, keyed by `partitionKey`. */
  privileges?: { options: PrivilegeOptions; catalog: SchemaCatalog; partitions: Map<string, CatalogObject[]> };
  /** The template's partitions in other schemas: a tenant made with --carry-partitions has them as its own. */
  partitions: ForeignPartitionFact[];
  notCompared: string[];
}

/** Kinds whose catalog name (before any `(` or `.`) is the name of a schema object. */
const NAMED_KINDS = new Set(['table', 'view', 'sequence', 'index', 'function', 'enum', 'domain', 'type', 'collation', 'statistics']);

/** Which owners and privileges to compare, and sentences for what is not compared. */
async function planPrivileges(client: pg.ClientBase, template: string, carries: SnapshotCarries | undefined): Promise<{ options?: PrivilegeOptions; notCompared: string[] }> {
  const notCompared = ['table rows (verify compares definitions), default privileges (ALTER DEFAULT PRIVILEGES) and objects in other schemas.'];
  if (carries === undefined) {
    notCompared.unshift('owners and privileges: no snapshot was given to say whether they were carried (pass --snapshot FILE to compare what it carried).');
    return { notCompared };
  }
  if (!carries.owners) notCompared.unshift('owners: the snapshot has no OWNER TO (made with --no-owner), so tenant objects belong to the role that provisioned them.');
  if (!carries.privileges) notCompared.unshift('privileges: the snapshot has no GRANT or REVOKE (made with --no-privileges, or the template grants nothing).');
  if (!carries.owners && !carries.privileges) return { notCompared };
  const owner = await client.query<{ owner: string }>('select pg_catalog.pg_get_userbyid(nspowner) as owner from pg_catalog.pg_namespace where nspname = $1', [template]);
  const skipSchemaOwner = owner.rows[0]?.owner === 'pg_database_owner';
  if (carries.owners && skipSchemaOwner) notCompared.unshift("the schema's owner: the template belongs to pg_database_owner (public's stock owner), which a tenant never gets; it belongs to the role that provisioned it.");
  return { options: { owners: carries.owners, privileges: carries.privileges, skipSchemaOwner }, notCompared };
}

/** Connections verify has turned JIT off on. */
const withoutJit = new WeakSet<pg.ClientBase>();

/**
 * Turns JIT off for the session, once per connection (verify's connections are Tenantry's own: a verify's, verify
 * all's pool, the census's). Beside thousands of tenants the catalogs are large enough for the planner's estimates to
 * pass jit_above_cost, and compiling a catalog query cost more than running it: at 10,000 tenants of 20 tables, the
 * cross-dependency query took 234 ms, 240 ms of it JIT (319 functions), for 75 rows. Every query verify sends is a
 * catalog query, and every read (readSchemaCatalog, readPrivileges, readIsolationFacts) runs after this.
 */
async function turnJitOff(client: pg.ClientBase): Promise<void> {
  if (withoutJit.has(client)) return;
  await client.query('SET jit = off');
  withoutJit.add(client);
}

export async function readTemplateSide(client: pg.ClientBase, template: string, carries?: SnapshotCarries): Promise<TemplateSide> {
  await turnJitOff(client);
  await requireSchema(client, template, 'SCHEMA_NOT_FOUND');
  const catalog = await readSchemaCatalog(client, template);
  const facts = await readCatalogFacts(client, template);
  const own = new Set([...facts.objects.relations, ...facts.objects.types, ...facts.objects.functions, ...(facts.objects.sequences ?? [])]);
  for (const o of catalog.objects) if (NAMED_KINDS.has(o.kind)) own.add(o.kind === 'function' ? o.name.slice(0, o.name.indexOf('(')) : o.name);
  const shared = new Set(Object.values(facts.extensionObjects).flatMap((list: string[] | undefined) => list ?? []));
  const plan = await planPrivileges(client, template, carries);
  const partitions = (await readForeignPartitions(client, template)).partitions.map(({ schema, name, parent, bound }) => ({ schema, name, parent, bound }));
  const privileges = plan.options === undefined ? undefined : {
    options: plan.options,
    catalog: await readPrivileges(client, template, plan.options),
    partitions: await readPartitionPrivileges(client, partitions, plan.options),
  };
  return { catalog, names: { schema: template, own, shared }, ...(privileges === undefined ? {} : { privileges }), partitions, notCompared: plan.notCompared };
}

export async function compareWithTemplate(client: pg.ClientBase, template: string, side: TemplateSide, tenantName: string): Promise<VerifyResult> {
  await turnJitOff(client);
  await requireSchema(client, tenantName, 'TENANT_NOT_FOUND');
  const tenant = await readSchemaCatalog(client, tenantName);
  const carried = matchCarriedPartitions(tenant, side.partitions);
  const { differences, compared, settled } = await compareDefinitions(client, side.catalog, carried.tenant);
  differences.push(...carried.differences);
  if (side.partitions.length > 0) compared.partition = carried.matched;
  if (side.privileges !== undefined) {
    // Carried partitions are compared with the template's partitions they correspond to.
    const expected = withCarriedPrivileges(side.privileges.catalog, side.privileges.partitions, carried.pairs);
    const own = compareCatalogs(expected, await readPrivileges(client, tenantName, side.privileges.options), { rewriteAttributes: false });
    differences.push(...own.differences);
    compared.privileges = own.compared.privileges ?? 0;
  }
  const judged = judgeIsolation(tenant, side.names, side.catalog);
  const isolation = [...judged.failures, ...(await readIsolationFacts(client, tenantName, template))];
  return {
    tenant: tenantName,
    template,
    equal: differences.length === 0,
    isolated: isolation.length === 0,
    differences: [...differences, ...isolation],
    notes: [...carried.notes, ...judged.notes, ...settled.map(describeSettled)],
    notCompared: side.notCompared,
    compared,
  };
}

/**
 * compareCatalogs, then once more for the definitions that differ: both sides' printed text parsed and printed
 * again by the server, so a definition that only prints differently after the pg_dump round trip one side went
 * through is not a difference.
 */
async function compareDefinitions(client: pg.ClientBase, template: SchemaCatalog, tenant: SchemaCatalog): Promise<CatalogComparison> {
  const first = compareCatalogs(template, tenant);
  if (first.mismatches.length === 0) return first;
  const reparsed = await reparseDefinitions(client, first.mismatches);
  if (reparsed.template.size === 0 && reparsed.tenant.size === 0) return first;
  return compareCatalogs(template, tenant, { reparsed });
}

function describeSettled(d: VerifyDifference): VerifyDifference {
  return { kind: d.kind, object: d.object, detail: `prints differently (${d.detail}), and the same once both went through the round trip a pg_dump and reload makes: equal` };
}

/** Compares `tenant` with `template` on an open connection. */
export async function verifyTenantWith(client: pg.ClientBase, options: VerifyOptions): Promise<VerifyResult> {
  return compareWithTemplate(client, options.template, await readTemplateSide(client, options.template, options.carries), options.tenant);
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

/** Compares several tenants with one template, reading the template's catalog once. */
export async function verifyTenants(profile: ConnectionProfile, options: { template: string; tenants: readonly string[]; carries?: SnapshotCarries }): Promise<VerifyResult[]> {
  const client = await openClient(profile);
  try {
    const side = await readTemplateSide(client, options.template, options.carries);
    const results: VerifyResult[] = [];
    for (const tenant of options.tenants) results.push(await compareWithTemplate(client, options.template, side, tenant));
    return results;
  } finally {
    await client.end();
  }
}
