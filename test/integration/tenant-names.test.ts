/**
 * One rule for tenant names, everywhere (core/tenant/tenant-name.ts): the app's
 * `tenant:check-name` used to call `w$$b` valid and provisioning then failed on
 * it; drop, the pool and the CLI each had rules of their own. The same table of
 * hostile names goes through the handler, the CLI (psql path) and the
 * provisioning service (driver path); all three must agree, a name they accept
 * must become exactly that schema, and a refused one must leave nothing behind.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeSnapshot, type Snapshot } from '../../core/snapshot/format.js';
import { quoteIdentifier } from '../../core/sql/quote.js';
import { main } from '../../electron/cli/main.js';
import { createBackend, type Backend } from '../../electron/handlers/create-handlers.js';
import { createMemorySecretStore } from '../../electron/services/storage/secrets.js';
import { createProvisioner, snapshotSource } from '../../electron/services/provision/provisioner.js';
import { createTenantSnapshot } from '../../electron/services/snapshot/create-tenant-snapshot.js';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { hostileNames } from './harness/hostile-names.js';
import { profileFor } from './harness/profile.js';

const TEMPLATE = 'tmpl';

// Accepted by all three, or refused by all three.
const HOSTILE = hostileNames(TEMPLATE);

let cluster: Cluster;
let dir: string;
let backend: Backend;
let snapshot: Snapshot;
let snapshotFile: string;

async function schemaExists(name: string): Promise<boolean> {
  const client = await cluster.connect('app');
  try {
    return ((await client.query('select 1 from pg_catalog.pg_namespace where nspname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

/** Schemas other than the template and the system ones. */
async function otherSchemas(): Promise<string[]> {
  const { rows } = await cluster.query(`select nspname from pg_namespace where nspname not in ('tmpl', 'public', 'information_schema', '_tenantry') and nspname !~ '^pg_' order by 1`, 'app');
  return rows.map((r: { nspname: string }) => r.nspname);
}

beforeAll(async () => {
  cluster = await startCluster();
  await cluster.createDatabase('app');
  await cluster.query(
    `create schema tmpl; create table tmpl.t (id serial primary key, note text default 'n');
     create function tmpl.f() returns bigint language plpgsql as $$ begin return (select count(*) from tmpl.t); end $$;
     comment on table tmpl.t is 'the t of tmpl';`,
    'app',
  );
  dir = mkdtempSync(join(tmpdir(), 'tenantry-names-'));
  backend = createBackend({ mode: 'web', version: 't', dataDir: join(dir, 'data'), secrets: createMemorySecretStore(), emit: () => undefined });
  snapshot = (await createTenantSnapshot(profileFor(cluster, 'app'), { schema: TEMPLATE })).snapshot;
  const text = serializeSnapshot(snapshot);
  await backend.handlers['snapshot:save']({ name: 'tmpl', text });
  snapshotFile = join(dir, 'tmpl.snap.sql');
  writeFileSync(snapshotFile, text);
}, 120_000);

afterAll(async () => {
  await backend?.shutdown();
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a tenant name means the same to the handler, the CLI and provisioning', () => {
  it.each(HOSTILE)('%j', async (name) => {
    const check = await backend.handlers['tenant:check-name']({ name });

    let stdout = '';
    const code = await main(['provision', '--snapshot', snapshotFile, '--tenant', name, '--via', 'psql', '--no-pool', '--json', '--url', cluster.url('app')], {
      stdout: (t) => void (stdout += t),
      stderr: () => undefined,
      env: { PATH: process.env.PATH ?? '', TENANTRY_DATA_DIR: join(dir, 'data') },
      cwd: dir,
    });
    const viaCli = code === 0 && (await schemaExists(name));
    expect(await otherSchemas()).toEqual(viaCli ? [name] : []);
    if (viaCli) await cluster.query(`drop schema ${quoteIdentifier(name)} cascade`, 'app');
    else expect(stdout).not.toContain('"created": 1');

    const provisioner = await createProvisioner(profileFor(cluster, 'app'), { via: 'driver' });
    let viaService: boolean;
    try {
      viaService = await provisioner.provisionTenant(snapshotSource(snapshot), name).then(
        () => true,
        (error: { code?: string }) => {
          // A refused name is refused as a name, before anything runs.
          expect(error.code).toBe('INVALID_TENANT_NAME');
          return false;
        },
      );
    } finally {
      await provisioner.close();
    }
    expect(await otherSchemas()).toEqual(viaService ? [name] : []);
    if (viaService) await cluster.query(`drop schema ${quoteIdentifier(name)} cascade`, 'app');

    expect({ name, cli: viaCli, service: viaService }).toEqual({ name, cli: check.valid, service: check.valid });
    // The template is untouched whatever the name tried.
    expect((await cluster.query(`select count(*)::int as n from pg_class where relnamespace = 'tmpl'::regnamespace`, 'app')).rows[0].n).toBe(3);
  }, 60_000);

  it('accepts the awkward names that are fine and refuses the rest (the table is not vacuous)', async () => {
    const valid = [];
    for (const name of HOSTILE) if ((await backend.handlers['tenant:check-name']({ name })).valid) valid.push(name);
    expect(valid).toEqual(['a$b', 'PG_x', 'a\\b', "x\\'; DROP SCHEMA tmpl CASCADE; --", 'x"; DROP SCHEMA tmpl CASCADE; --', "o'neil", 'a*/b', 'a/*b', 'select', 'x'.repeat(63), '日'.repeat(21), 'Acme Corp', 'tenant_日本']);
  });
});
