/**
 * The published `_tenantry.claim_tenant(name, label, placement)` on a real
 * Citus cluster (a coordinator and two workers) honours the warm pool's
 * placement as `tenantry pool claim` does: by default it takes only a
 * distributed spare and `'local'` only one kept on the coordinator, so a
 * tenant is never placed otherwise than asked. With no spare placed as asked
 * it builds a local tenant, and refuses (nothing created, the spares left) to
 * build a distributed one. The claim statements (a function body naming the
 * schema, the snapshot's grants) run on the renamed distributed schema.
 * Called by an application role with only EXECUTE. Skipped, with the reason
 * in the test name, where Citus is not installed.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citusSkipReason, startCitusCluster, type CitusCluster } from '../harness/citus.js';
import { profileFor } from '../harness/profile.js';
import { schemaPlacement } from '../harness/citus-placement.js';
import { createTenantSnapshot } from '../../../electron/services/snapshot/create-tenant-snapshot.js';
import { fillPool, type PoolSnapshot } from '../../../electron/services/pool/warm-pool.js';
import { toPoolSnapshot } from '../../../electron/services/pool/warm-pool-snapshot.js';
import { publishSnapshot } from '../../../electron/services/publish/publish-snapshot.js';
import { createPool } from '../../../electron/services/connection/open-connection.js';

const skip = citusSkipReason();
if (skip) console.warn(`Citus published claim tests skipped: ${skip}.`);

const DB = 'tenantry';
const APP = { user: 'app_user', password: 'app-secret' };

const TEMPLATE = `
CREATE ROLE app_user LOGIN PASSWORD 'app-secret';
CREATE SCHEMA tmpl;
CREATE TABLE tmpl.items (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label text NOT NULL);
CREATE FUNCTION tmpl.item_count() RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM tmpl.items); END $$;
GRANT USAGE ON SCHEMA tmpl TO app_user;
GRANT SELECT, INSERT ON tmpl.items TO app_user;
GRANT EXECUTE ON FUNCTION tmpl.item_count() TO app_user;
`;

describe.skipIf(Boolean(skip))(skip ? `Citus published claim_tenant — SKIPPED: ${skip}` : 'Citus published claim_tenant placement', () => {
  let citus: CitusCluster;
  let db: pg.Pool;
  let snapshot: PoolSnapshot;
  const q = async <T extends Record<string, unknown>>(sql: string) => (await citus.coordinator.query(sql, DB)).rows as T[];
  const spares = () => q<{ schema_name: string; placement: string | null }>('SELECT schema_name, placement FROM _tenantry.pool_spares ORDER BY built_at, schema_name');

  const placed = (schema: string) => schemaPlacement(citus.coordinator, DB, schema);

  /** Claims as the application role in one transaction: the spare taken ('' when built), or the error's code and message. */
  async function claim(...args: (string | null)[]): Promise<{ spare: string } | { code: string; message: string }> {
    const client = new pg.Client({ host: citus.coordinator.host, port: citus.coordinator.port, database: DB, ...APP });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT _tenantry.claim_tenant(${args.map((_, i) => `$${i + 1}`).join(', ')})`, args);
      const { rows } = await client.query<{ spare: string }>(`SELECT coalesce(current_setting('tenantry.claimed_spare', true), '') AS spare`);
      await client.query('COMMIT');
      return rows[0]!;
    } catch (error) {
      const e = error as { code: string; message: string };
      return { code: e.code, message: e.message };
    } finally {
      await client.end();
    }
  }

  /** The tenant works for the application role: a row goes in, and the rewritten function counts it in the tenant. */
  async function expectUsable(tenant: string): Promise<void> {
    const client = new pg.Client({ host: citus.coordinator.host, port: citus.coordinator.port, database: DB, ...APP });
    await client.connect();
    try {
      await client.query(`INSERT INTO ${tenant}.items (label) VALUES ('one')`);
      expect((await client.query(`SELECT ${tenant}.item_count()::int AS n`)).rows).toEqual([{ n: 1 }]);
      expect((await client.query(`SELECT pg_get_functiondef('${tenant}.item_count()'::regprocedure) AS def`)).rows[0].def).not.toContain('tmpl');
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    citus = await startCitusCluster({ database: DB });
    await citus.coordinator.query(TEMPLATE, DB);
    const made = await createTenantSnapshot(profileFor(citus.coordinator, DB), { schema: 'tmpl' });
    snapshot = toPoolSnapshot(made.snapshot);
    db = await createPool(profileFor(citus.coordinator, DB), 2);
    await publishSnapshot(db, made.snapshot, { label: 'v1', grants: [APP.user] });
  }, 240_000);
  afterAll(async () => {
    await db?.end();
    await citus?.stop();
  });

  it('local spares go only to claims asking for local; the default claim builds no distributed tenant from the body', async () => {
    await fillPool(db, snapshot, { target: 2, placement: 'local' });
    expect((await spares()).map((s) => s.placement)).toEqual(['local', 'local']);

    const refused = await claim('wants_distributed');
    expect(refused).toMatchObject({ code: 'P0002' });
    expect((refused as { message: string }).message).toContain('no distributed warm-pool spare of the published snapshot v1 is free');
    expect(await q(`SELECT 1 FROM pg_namespace WHERE nspname = 'wants_distributed'`)).toEqual([]);
    expect(await spares()).toHaveLength(2);

    const [first] = await spares();
    expect(await claim('acme_local', null, 'local')).toEqual({ spare: first!.schema_name });
    expect(await placed('acme_local')).toBe('local');
    await expectUsable('acme_local');
    expect(await spares()).toHaveLength(1);
  }, 180_000);

  it('distributed spares go to the default claim (the tenant works for the application); local claims then build', async () => {
    await fillPool(db, snapshot, { target: 1, placement: 'distributed', replace: true });
    const [spare] = await spares();
    expect(spare?.placement).toBe('distributed');

    expect(await claim('initech')).toEqual({ spare: spare!.schema_name });
    expect(await placed('initech')).toBe('distributed');
    await expectUsable('initech');

    await fillPool(db, snapshot, { target: 1 });
    expect((await spares()).map((s) => s.placement)).toEqual(['distributed']);
    expect(await claim('globex_local', 'v1', 'local')).toEqual({ spare: '' });
    expect(await placed('globex_local')).toBe('local');
    await expectUsable('globex_local');
    expect(await spares()).toHaveLength(1);
    expect(await q(`SELECT tenant, how FROM _tenantry.tenants WHERE tenant IN ('acme_local', 'initech', 'globex_local') ORDER BY tenant`)).toEqual([
      { tenant: 'acme_local', how: 'claimed' },
      { tenant: 'globex_local', how: 'published' },
      { tenant: 'initech', how: 'claimed' },
    ]);
  }, 180_000);

  it('refuses an unknown placement before touching anything', async () => {
    const before = await spares();
    expect(await claim('nowhere_tenant', null, 'elsewhere')).toMatchObject({ code: '22023', message: 'tenantry: the placement "elsewhere" is not known; nothing was created.' });
    expect(await spares()).toEqual(before);
  });
});
