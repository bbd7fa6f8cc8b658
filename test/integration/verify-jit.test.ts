/**
 * Verify's catalog queries run without JIT. Beside thousands of tenants the
 * catalogs are large enough for the planner's estimates to pass
 * jit_above_cost, and compiling a catalog query cost more than running it
 * (240 ms of JIT for a 75-row query at 10,000 tenants). Here jit_above_cost is
 * 0, so every query the server would compile is compiled unless the session
 * turns JIT off, and pg_stat_statements counts what was compiled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { profileFor } from './harness/profile.js';
import { verifyTenant } from '../../electron/services/verify/verify-tenant.js';

const SCHEMA = (name: string) => `
CREATE SCHEMA ${name};
CREATE TYPE ${name}.state AS ENUM ('on', 'off');
CREATE TABLE ${name}.accounts (id serial PRIMARY KEY, state ${name}.state DEFAULT 'on', email text UNIQUE);
CREATE VIEW ${name}.active AS SELECT id FROM ${name}.accounts WHERE state = 'on';
CREATE FUNCTION ${name}.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER accounts_touch BEFORE UPDATE ON ${name}.accounts FOR EACH ROW EXECUTE FUNCTION ${name}.touch();
GRANT SELECT ON ${name}.accounts TO PUBLIC;
`;

let cluster: Cluster;
let jit = false;

beforeAll(async () => {
  cluster = await startCluster({ conf: { shared_preload_libraries: "'pg_stat_statements'", jit: 'on', jit_above_cost: 0, jit_inline_above_cost: -1, jit_optimize_above_cost: -1 } });
  await cluster.createDatabase('app');
  await cluster.query(`CREATE EXTENSION pg_stat_statements; ${SCHEMA('tmpl')} ${SCHEMA('acme')}`, 'app');
  const { rows } = await cluster.query('select pg_catalog.pg_jit_available() as jit', 'app');
  jit = rows[0]?.jit === true;
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('verify and JIT', () => {
  it('compiles nothing, even where the server would compile every query', async (ctx) => {
    if (!jit) {
      ctx.skip('skipped: this PostgreSQL build has no JIT (pg_jit_available() is false), so there is nothing to turn off');
      return;
    }
    // The server does compile here: a catalog query outside verify is JIT-compiled.
    await cluster.query('select public.pg_stat_statements_reset()', 'app');
    await cluster.query("select count(*) from pg_catalog.pg_class where relname like 'acc%'", 'app');
    const outside = await cluster.query("select coalesce(sum(jit_functions), 0)::text as n from public.pg_stat_statements where query like '%relname like%'", 'app');
    expect(Number(outside.rows[0]?.n)).toBeGreaterThan(0);

    await cluster.query('select public.pg_stat_statements_reset()', 'app');
    const result = await verifyTenant(profileFor(cluster, 'app'), { template: 'tmpl', tenant: 'acme' });
    expect({ equal: result.equal, isolated: result.isolated, differences: result.differences }).toEqual({ equal: true, isolated: true, differences: [] });
    const { rows } = await cluster.query(
      `select query, jit_functions::text from public.pg_stat_statements where jit_functions > 0 and query not like '%pg_stat_statements%' order by jit_functions desc`,
      'app',
    );
    expect((rows as { query: string; jit_functions: string }[]).map((r) => `${r.jit_functions} functions: ${r.query.replace(/\s+/g, ' ').slice(0, 120)}`)).toEqual([]);
  });
});
