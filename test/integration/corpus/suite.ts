/**
 * The corpus suite: one real schema loaded into a fresh database on its own
 * cluster, snapshotted, provisioned as five awkwardly-named tenants through
 * the driver and through psql, verified, and exercised.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { startCluster, type Cluster } from '../../../support/cluster.js';
import { loadCorpus, type CorpusCase } from '../harness/corpus.js';
import { profileFor } from '../harness/profile.js';
import { createTenantSnapshot, type TenantSnapshot } from '../../../electron/services/snapshot/create-tenant-snapshot.js';
import { createProvisioner, snapshotSource, type ProvisionVia, type TenantSource } from '../../../electron/services/provision/provisioner.js';
import { verifyTenants } from '../../../electron/services/verify/verify-tenant.js';
import { dropTenant } from '../../../electron/services/provision/drop-tenant.js';
import { parseSnapshot } from '../../../core/snapshot/format.js';

export const TENANTS = ['acme', 'Acme Corp', 'select', "o'neil", 'tenant_日本'];

export const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const lit = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** What one tenant's exercise must show; `run` uses the tenant's quoted name. */
export interface Exercise {
  name: string;
  run(client: pg.ClientBase, tenant: string, index: number): Promise<void>;
}

/** Row counts and sequence positions of the template, to prove it is unchanged. */
async function readTemplateState(client: pg.ClientBase, schema: string): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  const seqs = await client.query<{ name: string; last_value: string | null }>(
    'select sequencename as name, last_value::text from pg_sequences where schemaname = $1 order by 1',
    [schema],
  );
  for (const s of seqs.rows) state[`sequence ${s.name}`] = s.last_value ?? 'null';
  const tables = await client.query<{ name: string }>("select relname as name from pg_class where relnamespace = $1::regnamespace and relkind in ('r') order by 1", [q(schema)]);
  for (const t of tables.rows) {
    const { rows } = await client.query<{ n: string }>(`select count(*)::text as n from ${q(schema)}.${q(t.name)}`);
    state[`rows ${t.name}`] = rows[0]?.n ?? '?';
  }
  return state;
}

/**
 * Every column default and identity of the tenant that draws from a sequence
 * draws from the tenant's own: evaluating the default (what an INSERT does)
 * advances the tenant's sequence. Then a row of defaults goes into the first
 * table that takes one.
 */
export const insertUsesOwnSequence: Exercise = {
  name: "inserts take their keys from the tenant's own sequences",
  async run(client, tenant) {
    const { rows: defaults } = await client.query<{ table: string; column: string; expr: string | null; seq_schema: string; own: boolean; seq: string }>(
      `select c.relname as table, a.attname as column,
              case when a.attidentity = '' then pg_get_expr(d.adbin, d.adrelid) end as expr,
              s.relnamespace::regnamespace::text as seq_schema, s.relnamespace = c.relnamespace as own, s.relname as seq
         from pg_class c
         join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
         left join pg_attrdef d on d.adrelid = c.oid and d.adnum = a.attnum
         join pg_depend dep on dep.refclassid = 'pg_class'::regclass and
              ((a.attidentity = '' and dep.classid = 'pg_attrdef'::regclass and dep.objid = d.oid) or
               (a.attidentity <> '' and dep.classid = 'pg_class'::regclass and dep.refobjid = c.oid and dep.refobjsubid = a.attnum and dep.deptype = 'i'))
         join pg_class s on s.relkind = 'S' and s.oid = case when a.attidentity = '' then dep.refobjid else dep.objid end
        where c.relnamespace = $1::regnamespace and c.relkind in ('r', 'p')
        order by 1, 2`,
      [q(tenant)],
    );
    for (const d of defaults) {
      expect(`${d.table}.${d.column} uses ${d.seq_schema}.${d.seq} (own: ${d.own})`).toBe(`${d.table}.${d.column} uses ${d.seq_schema}.${d.seq} (own: true)`);
      const value = d.expr
        ? (await client.query<{ v: string }>(`select (${d.expr})::text as v`)).rows[0]?.v
        : (await client.query<{ v: string }>(`select nextval($1::regclass)::text as v`, [`${q(tenant)}.${q(d.seq)}`])).rows[0]?.v;
      const last = (await client.query<{ v: string }>(`select last_value::text as v from ${q(tenant)}.${q(d.seq)}`)).rows[0]?.v;
      expect(value).toBe(last);
    }
  },
};

export interface SuiteExpectations {
  /** Objects in other schemas that the snapshot report must name as depending on the template. */
  dependents?: string[];
}

export function defineCorpusSuite(corpus: CorpusCase, exercises: Exercise[] = [], expectations: SuiteExpectations = {}): void {
  describe(`corpus ${corpus.file} (template ${corpus.template})`, () => {
    let cluster: Cluster;
    let result: TenantSnapshot;
    let source: TenantSource;
    let templateBefore: Record<string, string>;
    const db = corpus.file.replace(/\.sql$/, '').replace(/\W/g, '_');

    beforeAll(async () => {
      cluster = await startCluster();
      await loadCorpus(cluster, db, corpus);
      const client = await cluster.connect(db);
      try {
        templateBefore = await readTemplateState(client, corpus.template);
      } finally {
        await client.end();
      }
      result = await createTenantSnapshot(profileFor(cluster, db), { schema: corpus.template });
      const reparsed = parseSnapshot(result.text);
      source = snapshotSource(reparsed);
    });
    afterAll(async () => {
      await cluster?.stop();
    });

    it('makes a snapshot that reports what tenants share', () => {
      expect(result.dump.pgDump.version).toMatch(/^15\./);
      expect(result.catalog.objects.relations.length).toBeGreaterThan(0);
      for (const name of expectations.dependents ?? []) {
        expect(result.shared.dependents.some((d) => d.from.includes(name))).toBe(true);
        expect(result.leftOut.join('\n')).toContain('depend on the template');
      }
      if (corpus.ledger) {
        expect(result.ledger.tables.map((t) => t.name)).toContain(corpus.ledger.table);
        expect(result.ledger.tables.find((t) => t.name === corpus.ledger?.table)?.rows).toBeGreaterThan(10);
      }
    });

    it('leaves the pooled connection with exactly the settings it had (driver)', async () => {
      const provisioner = await createProvisioner(profileFor(cluster, db), { concurrency: 1 });
      const settings = async (client: pg.ClientBase) =>
        new Map((await client.query<{ name: string; value: string }>("select name, setting || ' (' || source || ')' as value from pg_settings")).rows.map((r) => [r.name, r.value]));
      try {
        const client = await provisioner.pool.connect();
        const before = await settings(client);
        client.release();
        await provisioner.provisionTenant(source, 'settings_check');
        const again = await provisioner.pool.connect();
        try {
          const after = await settings(again);
          expect(Object.fromEntries([...before.keys()].map((name) => [name, after.get(name)]))).toEqual(Object.fromEntries(before));
          // Creating plpgsql functions loads plpgsql, whose own settings then appear: at their defaults.
          const added = [...after].filter(([name]) => !before.has(name));
          expect(added.filter(([, value]) => !value.endsWith('(default)'))).toEqual([]);
        } finally {
          again.release();
        }
      } finally {
        await provisioner.close();
      }
      await dropTenant(profileFor(cluster, db), 'settings_check', { confirmed: true });
    });

    for (const via of ['driver', 'psql'] as ProvisionVia[]) {
      it(`provisions ${TENANTS.length} tenants through ${via}, each verified equal and isolated`, async () => {
        const provisioner = await createProvisioner(profileFor(cluster, db), { via, concurrency: 2 });
        try {
          const summary = await provisioner.provisionMany(source, TENANTS, { continueOnError: true });
          const failures = summary.tenants.filter((t) => t.status !== 'created').map((t) => `${t.tenant}: ${t.error?.code} ${t.error?.detail ?? t.error?.userMessage}`);
          expect(failures).toEqual([]);
        } finally {
          await provisioner.close();
        }
        const verdicts = await verifyTenants(profileFor(cluster, db), { template: corpus.template, tenants: TENANTS });
        expect(verdicts.map((v) => v.tenant)).toEqual(TENANTS);
        expect(verdicts.flatMap((v) => v.differences.map((d) => `${v.tenant}: ${d.kind} ${d.object}: ${d.detail}`))).toEqual([]);
        expect(verdicts.every((v) => v.equal && v.isolated && (v.compared.table ?? 0) > 0)).toBe(true);
      });

      if (corpus.ledger) {
        it(`carries the ledger rows into every tenant (${via})`, async () => {
          const table = corpus.ledger!.table;
          const expected = await cluster.query(`select * from ${q(corpus.template)}.${q(table)} order by 1`, db);
          for (const tenant of TENANTS) {
            const got = await cluster.query(`select * from ${q(tenant)}.${q(table)} order by 1`, db);
            expect(got.rows).toEqual(expected.rows);
          }
        });
      }

      it(`lets each tenant work on its own, leaving the template unchanged (${via})`, async () => {
        const client = await cluster.connect(db);
        try {
          for (const [index, tenant] of TENANTS.entries()) {
            await client.query('begin');
            try {
              await insertUsesOwnSequence.run(client, tenant, index);
              for (const exercise of exercises) await exercise.run(client, tenant, index);
              await client.query('commit');
            } catch (error) {
              await client.query('rollback');
              throw error;
            }
          }
          expect(await readTemplateState(client, corpus.template)).toEqual(templateBefore);
        } finally {
          await client.end();
        }
      });

      it(`drops the tenants again (${via})`, async () => {
        for (const tenant of TENANTS) await dropTenant(profileFor(cluster, db), tenant, { confirmed: true });
        const { rows } = await cluster.query(`select count(*)::int as n from pg_namespace where nspname = any(array[${TENANTS.map(lit).join(', ')}])`, db);
        expect(rows[0].n).toBe(0);
      });
    }
  });
}
