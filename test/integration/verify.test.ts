import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../../support/cluster.js';
import { profileFor } from './harness/profile.js';
import { verifyTenant } from '../../electron/services/verify/verify-tenant.js';
import { TenantryError } from '../../core/errors.js';

const fixture = readFileSync(new URL('../fixtures/verify-template.sql', import.meta.url), 'utf8');
const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
/** The fixture for schema `name`; regclass literals need the quoted name with quotes doubled for the string. */
const forSchema = (name: string) => fixture.replace(/'\$S\./g, `'${q(name).replace(/'/g, "''")}.`).replace(/\$S/g, q(name));

describe('verify against real catalogs', () => {
  let cluster: Cluster;
  const db = 'app';
  const run = (sql: string) => cluster.query(sql, db);
  beforeAll(async () => {
    cluster = await startCluster();
    await cluster.createDatabase(db);
    await run('CREATE EXTENSION citext; CREATE EXTENSION pg_trgm;');
    await run(`CREATE SCHEMA tpl; ${forSchema('tpl')}`);
    // A template in public, next to the extension members that live there.
    await run(forSchema('public'));
    for (const tenant of ['acme', 'Acme Corp', 'select', "o'neil", 'tenant_日本']) await run(`CREATE SCHEMA ${q(tenant)}; ${forSchema(tenant)}`);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  for (const tenant of ['acme', 'Acme Corp', 'select', "o'neil", 'tenant_日本']) {
    it(`finds tenant ${tenant} equal to and isolated from template tpl`, async () => {
      const result = await verifyTenant(profileFor(cluster, db), { template: 'tpl', tenant });
      expect(result.differences).toEqual([]);
      expect(result.equal && result.isolated).toBe(true);
      expect(result.compared).toMatchObject({ table: 3, view: 2, sequence: 3, trigger: 1, policy: 1, enum: 1, domain: 1, rule: 1, statistics: 1, operator: 1, collation: 1 });
      expect(result.compared.function).toBe(4);
      expect(result.compared.column).toBeGreaterThan(15);
    });
  }

  it('compares with a public template, leaving the extension members in public out', async () => {
    const result = await verifyTenant(profileFor(cluster, db), { template: 'public', tenant: 'Acme Corp' });
    expect(result.differences).toEqual([]);
    expect(result.compared.function).toBe(4);
  });

  it('lists each difference and each reference back to the template', async () => {
    await run(`CREATE SCHEMA broken; ${forSchema('broken')}
      ALTER TABLE broken.accounts ALTER COLUMN created_at TYPE timestamp;
      ALTER TABLE broken.audit ALTER COLUMN id SET DEFAULT nextval('tpl.tickets'::regclass);
      CREATE OR REPLACE FUNCTION broken.account_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM tpl.accounts $$;
      ALTER FUNCTION broken.log_post() SET search_path = tpl, public;
      DROP INDEX broken.posts_account;
      CREATE TABLE broken.extra (id int);`);
    const result = await verifyTenant(profileFor(cluster, db), { template: 'tpl', tenant: 'broken' });
    expect(result.equal).toBe(false);
    expect(result.isolated).toBe(false);
    const lines = result.differences.map((d) => `${d.kind} | ${d.object} | ${d.detail}`);
    expect(lines).toContain('column | accounts.created_at | type: template timestamp with time zone ≠ tenant timestamp without time zone');
    expect(lines).toContain('index | posts_account | missing in tenant "broken"');
    expect(lines).toContain('table | extra | only in tenant "broken"');
    expect(lines.some((l) => l.startsWith('isolation | function account_count() | definition refers to the template: tpl.accounts'))).toBe(true);
    expect(lines.some((l) => l.startsWith('isolation | function log_post() | config sets a search_path naming the template schema "tpl"'))).toBe(true);
    expect(lines.some((l) => /^isolation \| default value for column id of table broken\.audit \| depends on the template's sequence tpl\.tickets/.test(l))).toBe(true);
    expect(lines.some((l) => /^isolation \| column audit\.id \| default draws from sequence tpl\.tickets/.test(l))).toBe(true);
  });

  it('says which schema is missing', async () => {
    const error = await verifyTenant(profileFor(cluster, db), { template: 'tpl', tenant: 'nobody' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenantryError);
    expect((error as TenantryError).code).toBe('TENANT_NOT_FOUND');
  });
});
