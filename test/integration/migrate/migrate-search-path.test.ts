/**
 * A migration runs without the tenant's schema on search_path only when that
 * cannot change what it does (core/migrate/plan-search-path.ts,
 * electron/services/migrate/search-path-check.ts), against a real cluster:
 * public holds a same-named type (`mood`) with other labels, so a name that
 * resolved without the tenant on the path would silently take public's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { planAgainstTemplate, recordRollout } from '../../../electron/services/migrate/prepare-migration.js';
import { runRollout, type RolloutResult } from '../../../electron/services/migrate/run-rollout.js';
import type { RolloutSettings } from '../../../electron/services/migrate/rollout-store.js';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { profileFor } from '../harness/profile.js';
import { makeFleet } from './fleet.js';

const DB = 'rollpath';
const SETTINGS: RolloutSettings = { lockTimeoutMs: 3000, statementTimeoutMs: 60_000, retries: 0, concurrency: 2, canary: 0, continueOnError: true };

describe('search_path of a rollout', () => {
  let cluster: Cluster;
  let profile: ConnectionProfile;
  const tenants = ['t0001', 't0002', 't0003'];

  const migrate = async (name: string, sql: string, only = tenants): Promise<RolloutResult> => {
    const plan = await planAgainstTemplate(profile, [{ name, sql }], { template: 'tpl' });
    const rollout = await recordRollout(profile, plan, { tenants: only, includeTemplate: false, settings: SETTINGS });
    const result = await runRollout(profile, rollout);
    expect(result.failures).toEqual([]);
    return result;
  };
  /** The schema of the type of column `column` of each tenant's items table. */
  const typeSchemas = async (column: string): Promise<Record<string, string>> => {
    const { rows } = await cluster.query(
      `SELECT n.nspname AS tenant, tn.nspname AS type_schema FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_type ty ON ty.oid = a.atttypid JOIN pg_namespace tn ON tn.oid = ty.typnamespace WHERE c.relname = 'items' AND a.attname = '${column}' AND n.nspname <> 'tpl'`,
      DB,
    );
    return Object.fromEntries(rows.map((r) => [String(r.tenant), String(r.type_schema)]));
  };

  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase(DB);
    await makeFleet(cluster, DB, 3);
    profile = profileFor(cluster, DB);
    // public's mood, and a drifted tenant with its own.
    await cluster.query("CREATE TYPE public.mood AS ENUM ('public'); CREATE TYPE t0002.mood AS ENUM ('tenant');", DB);
  }, 300_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('runs a migration of qualified DDL without the path, and its objects are the tenants\'', async () => {
    const result = await migrate(
      'V2__free.sql',
      `ALTER TABLE tpl.items ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
CREATE INDEX items_name_idx ON tpl.items (name);
CREATE OR REPLACE FUNCTION tpl.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.name := lower(NEW.name); RETURN NEW; END $$;
ALTER TABLE tpl.items ADD CONSTRAINT items_account_fk FOREIGN KEY (account_id) REFERENCES tpl.accounts (id);`,
    );
    expect(result.searchPath).toEqual({ free: true, kept: 0 });
    const schemasOf = async (sql: string) => (await cluster.query(sql, DB)).rows.map((r) => String(r.s));
    expect(await schemasOf("SELECT n.nspname AS s FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'items_name_idx' ORDER BY 1")).toEqual(tenants);
    expect(await schemasOf("SELECT n.nspname AS s FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = 'touch' ORDER BY 1")).toEqual(tenants);
  });

  it("a tenant whose schema holds a type named like the migration's unqualified name keeps the path; the others mean public's, as their template does", async () => {
    const result = await migrate('V3__mood.sql', 'ALTER TABLE tpl.items ADD COLUMN m mood;');
    expect(result.searchPath).toEqual({ free: true, kept: 1 });
    // Without the check, t0002 would have taken public.mood.
    expect(await typeSchemas('m')).toEqual({ t0001: 'public', t0002: 't0002', t0003: 'public' });
  });

  it('an unqualified CREATE TABLE keeps the path: the table lands in each tenant, none in public', async () => {
    const result = await migrate('V4__audit.sql', 'CREATE TABLE audit_log (id bigint, m mood);');
    expect(result.searchPath).toMatchObject({ free: false });
    const { rows } = await cluster.query("SELECT n.nspname AS s FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'audit_log' ORDER BY 1", DB);
    expect(rows.map((r) => r.s)).toEqual(tenants);
  });

  it('an enabled event trigger makes every tenant keep the path', async () => {
    await cluster.query(
      `CREATE FUNCTION public.note_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN NULL; END $$;
       CREATE EVENT TRIGGER note_ddl ON ddl_command_end EXECUTE FUNCTION public.note_ddl();`,
      DB,
    );
    try {
      const result = await migrate('V5__more.sql', 'ALTER TABLE tpl.items ADD COLUMN m2 mood;');
      expect(result.searchPath).toEqual({ free: false, reason: 'an event trigger is enabled' });
      expect(await typeSchemas('m2')).toEqual({ t0001: 'public', t0002: 't0002', t0003: 'public' });
    } finally {
      await cluster.query('DROP EVENT TRIGGER note_ddl; DROP FUNCTION public.note_ddl();', DB);
    }
  });

  it("a PL/pgSQL function in public named like one of the names keeps the path for every tenant (it would run with a different one)", async () => {
    await cluster.query('CREATE FUNCTION public.label(t text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN t; END $$;', DB);
    const result = await migrate('V6__label.sql', 'CREATE INDEX items_label_idx ON tpl.items (label(name));');
    expect(result.searchPath).toEqual({ free: false, reason: 'public has function label' });
  });

  it('a domain in public named like one of the names keeps the path for every tenant (its checks would run with a different one)', async () => {
    await cluster.query("CREATE DOMAIN public.label_text AS text CHECK (VALUE <> '');", DB);
    const result = await migrate('V7__domain.sql', 'ALTER TABLE tpl.items ADD COLUMN l label_text;');
    expect(result.searchPath).toEqual({ free: false, reason: 'public has type label_text' });
  });
});
