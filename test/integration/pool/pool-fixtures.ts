/**
 * Shared set-up of the warm pool and lock budget tests: a generated template
 * loaded into a database, dumped with the real pg_dump and turned into a
 * PoolSnapshot.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Cluster } from '../harness/cluster.js';
import { generateTemplateSql } from '../../../bench/generate-template.js';

const run = promisify(execFile);

/** Loads a generated template of `tables` tables into `schema` of a new database and returns its pg_dump -s text. */
export async function loadGeneratedTemplate(cluster: Cluster, database: string, schema: string, tables: number, extraSql = ''): Promise<string> {
  await cluster.createDatabase(database);
  await cluster.query(generateTemplateSql({ schema, tables }) + extraSql, database);
  return dumpSchema(cluster, database, schema);
}

/** pg_dump --schema-only of one schema. */
export async function dumpSchema(cluster: Cluster, database: string, schema: string): Promise<string> {
  const { stdout } = await run('pg_dump', ['--schema-only', `--schema=${schema}`, '--strict-names', '-d', cluster.url(database)], { maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}

import { createHash } from 'node:crypto';
import type { PoolSnapshot } from '../../../electron/services/warm-pool.js';

/**
 * TEMPORARY until the snapshot engine lands: a PoolSnapshot made by replacing
 * the (distinctive) template name with a placeholder. Only for generated
 * templates whose schema name appears nowhere else.
 */
export function naivePoolSnapshot(dump: string, schema: string): PoolSnapshot {
  const placeholder = '__tenantry_placeholder__';
  const body = dump.replace(/^\\.*$/gm, '').split(schema).join(placeholder);
  return {
    checksum: createHash('sha256').update(body).digest('hex'),
    body,
    placeholder,
    render: (fragment, name) => fragment.split(placeholder).join(/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`),
  };
}

/** The PoolSnapshot of a template schema (dumping it again when no dump is given). */
export async function makePoolSnapshot(cluster: Cluster, database: string, dump: string | undefined, schema: string): Promise<PoolSnapshot> {
  return naivePoolSnapshot(dump ?? (await dumpSchema(cluster, database, schema)), schema);
}
