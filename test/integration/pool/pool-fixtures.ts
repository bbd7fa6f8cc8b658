/**
 * Shared set-up of the warm pool and lock budget tests: a generated template
 * loaded into a database, dumped with the real pg_dump and templated by the
 * snapshot service (catalog-aware), as the CLI would.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Cluster } from '../../../support/cluster.js';
import { generateTemplateSql } from '../../../support/generate-template.js';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { renderSnapshot } from '../../../core/snapshot/render.js';
import type { Snapshot } from '../../../core/snapshot/format.js';
import { createTenantSnapshot } from '../../../electron/services/snapshot/create-tenant-snapshot.js';
import type { PoolSnapshot } from '../../../electron/services/pool/warm-pool.js';
import { toPoolSnapshot } from '../../../electron/services/pool/warm-pool-snapshot.js';

const run = promisify(execFile);

/** Loads a generated template of `tables` tables into `schema` of a new database. */
export async function loadGeneratedTemplate(cluster: Cluster, database: string, schema: string, tables: number, extraSql = ''): Promise<void> {
  await cluster.createDatabase(database);
  await cluster.query(generateTemplateSql({ schema, tables }) + extraSql, database);
}

/** pg_dump --schema-only of one schema. */
export async function dumpSchema(cluster: Cluster, database: string, schema: string): Promise<string> {
  const { stdout } = await run('pg_dump', ['--schema-only', `--schema=${schema}`, '--strict-names', '-d', cluster.url(database)], { maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}

/** The superuser's connection profile for a database of the cluster (plain TCP). */
export function profileFor(cluster: Cluster, database: string): ConnectionProfile {
  return { host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database, sslmode: 'disable' };
}

/** The snapshot of a template schema, made by the snapshot service, and its PoolSnapshot. */
export async function makeSnapshot(cluster: Cluster, database: string, schema: string): Promise<{ snapshot: Snapshot; pool: PoolSnapshot; render: (tenant: string) => string }> {
  const { snapshot } = await createTenantSnapshot(profileFor(cluster, database), { schema });
  return { snapshot, pool: toPoolSnapshot(snapshot), render: (tenant) => renderSnapshot(snapshot, tenant) };
}
