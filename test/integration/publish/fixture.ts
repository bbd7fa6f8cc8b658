/**
 * The setting of the publish tests: a cluster with database `app`, a
 * publishing role that owns the demo template, an application role with no
 * privileges of its own, and the template's snapshot.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseSnapshot, serializeSnapshot, type Snapshot } from '../../../core/snapshot/format.js';
import { quoteIdentifier } from '../../../core/sql/quote.js';
import { createPool } from '../../../electron/services/connection/open-connection.js';
import { createTenantSnapshot } from '../../../electron/services/snapshot/create-tenant-snapshot.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { profileFor } from '../harness/profile.js';

export const TEMPLATE = 'tenant_template';
export const PUBLISHER = { user: 'publisher', password: 'pub-secret' };
export const APP = { user: 'app_user', password: 'app-secret' };
const DEMO = fileURLToPath(new URL('../../../assets/demo-schema.sql', import.meta.url));

export interface PublishFixture {
  cluster: Cluster;
  snapshot: Snapshot;
  publisherDb: pg.Pool;
  /** A fresh connection as the application role (closed after `fn`). */
  asApp<T>(fn: (client: pg.Client) => Promise<T>): Promise<T>;
  /** A connection as the application role that the caller ends. */
  connectApp(): Promise<pg.Client>;
  schemaExists(name: string): Promise<boolean>;
  dropTenant(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startPublishFixture(): Promise<PublishFixture> {
  const cluster = await startCluster();
  await cluster.createDatabase('app');
  await cluster.query(
    `create role publisher login password 'pub-secret';
     create role app_user login password 'app-secret';
     grant create on database app to publisher;
     revoke create on schema public from public;
     create extension pgcrypto with schema public;`,
    'app',
  );
  // The template belongs to the role that publishes (the application's owner / migration role).
  await cluster.query(`set role publisher;\n${readFileSync(DEMO, 'utf8')}`, 'app');
  const taken = (await createTenantSnapshot(profileFor(cluster, 'app'), { schema: TEMPLATE })).snapshot;
  const snapshot = parseSnapshot(serializeSnapshot(taken));
  const publisherDb = await createPool(profileFor(cluster, 'app', PUBLISHER), 2);
  const connectApp = async (): Promise<pg.Client> => {
    const client = new pg.Client({ host: cluster.host, port: cluster.port, database: 'app', user: APP.user, password: APP.password });
    await client.connect();
    return client;
  };
  return {
    cluster,
    snapshot,
    publisherDb,
    connectApp,
    async asApp(fn) {
      const client = await connectApp();
      try {
        return await fn(client);
      } finally {
        await client.end();
      }
    },
    async schemaExists(name) {
      return ((await cluster.query(`select 1 from pg_namespace where nspname = ${pg.escapeLiteral(name)}`, 'app')).rowCount ?? 0) > 0;
    },
    async dropTenant(name) {
      await cluster.query(`drop schema if exists ${quoteIdentifier(name)} cascade`, 'app');
    },
    async stop() {
      await publisherDb.end();
      await cluster.stop();
    },
  };
}

/** The error a promise rejects with, or `{ message: 'no error' }`. */
export function errorOf(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  return promise.then(
    () => ({ message: 'no error' }),
    (error: { code?: string; message: string }) => error,
  );
}
