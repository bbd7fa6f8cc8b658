/** A template and N tenants made from it by hand (one DO block), each with a Rails-style schema_migrations ledger. */
import type { Cluster } from '../../../support/cluster.js';

export const TEMPLATE_DDL = (s: string) => `
CREATE SCHEMA ${s};
CREATE TABLE ${s}.schema_migrations (version text PRIMARY KEY);
CREATE TABLE ${s}.accounts (id bigserial PRIMARY KEY, name text NOT NULL);
CREATE TABLE ${s}.items (id bigserial PRIMARY KEY, account_id bigint, name text, price numeric);
CREATE FUNCTION ${s}.item_total(a bigint) RETURNS numeric LANGUAGE sql AS $$ SELECT sum(price) FROM ${s}.items WHERE account_id = a $$;
`;

/** The typical migration of the issue: a column with a default, an index, a replaced function, a foreign key. */
export const TYPICAL_MIGRATION = `ALTER TABLE tpl.items ADD COLUMN tags text[] NOT NULL DEFAULT '{}';
CREATE INDEX items_account_idx ON tpl.items (account_id);
CREATE OR REPLACE FUNCTION tpl.item_total(a bigint) RETURNS numeric LANGUAGE sql AS $$ SELECT coalesce(sum(price), 0) FROM tpl.items WHERE account_id = a $$;
ALTER TABLE tpl.items ADD CONSTRAINT items_account_fk FOREIGN KEY (account_id) REFERENCES tpl.accounts (id);
`;

export function tenantNames(n: number, prefix = 't'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(4, '0')}`);
}

/** Creates the template `tpl` and tenants t0001…tN in `db`. */
export async function makeFleet(cluster: Cluster, db: string, n: number, prefix = 't'): Promise<string[]> {
  await cluster.query(TEMPLATE_DDL('tpl'), db);
  const ddl = TEMPLATE_DDL('%1$I').replace(/'/g, "''");
  await cluster.query(`DO $do$ BEGIN FOR i IN 1..${n} LOOP EXECUTE format('${ddl}', '${prefix}' || lpad(i::text, 4, '0')); END LOOP; END $do$;`, db);
  return tenantNames(n, prefix);
}

/** Tenants whose items table has the tags column, the index and the foreign key (the catalog's view of "migrated"). */
export async function migratedInCatalog(cluster: Pick<Cluster, 'query'>, db: string): Promise<{ full: string[]; partial: string[] }> {
  const { rows } = await cluster.query(
    `SELECT n.nspname AS tenant,
            EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tags' AND NOT a.attisdropped) AS col,
            EXISTS (SELECT 1 FROM pg_class i WHERE i.relnamespace = n.oid AND i.relname = 'items_account_idx') AS idx,
            EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.conname = 'items_account_fk') AS fk
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'items' ORDER BY n.nspname <> 'tpl', 1`,
    db,
  );
  const full: string[] = [];
  const partial: string[] = [];
  for (const r of rows as { tenant: string; col: boolean; idx: boolean; fk: boolean }[]) {
    if (r.col && r.idx && r.fk) full.push(r.tenant);
    else if (r.col || r.idx || r.fk) partial.push(r.tenant);
  }
  return { full, partial };
}

/** Tenants whose ledger holds `version`. */
export async function ledgerHolders(cluster: Pick<Cluster, 'query'>, db: string, tenants: readonly string[], version: string): Promise<string[]> {
  const union = tenants.map((t) => `SELECT '${t}' AS t FROM ${t}.schema_migrations WHERE version = '${version}'`).join(' UNION ALL ');
  const { rows } = await cluster.query(`SELECT t FROM (${union}) u ORDER BY t <> 'tpl', 1`, db);
  return rows.map((r) => String(r.t));
}
