/**
 * Round-trips definitions through the server the way pg_dump and a reload do: the printed text is parsed again
 * into a scratch object in pg_temp, and the server prints it once more. A tenant made from a dump went through
 * that round trip; a template created from migrations did not, and PostgreSQL does not always print the two the
 * same (`(ARRAY['a'::varchar])::text[]` reloads as `ARRAY[('a'::varchar)::text]`). Everything happens in one
 * transaction that is rolled back; where the server refuses (a read-only standby, no TEMP privilege, a definition
 * that needs what a scratch copy lacks) the value is left out and the difference stays reported.
 */
import type pg from 'pg';
import { quoteIdentifierAlways, quoteLiteral } from '../../../core/sql/quote.js';
import type { AttributeMismatch, CatalogObject } from '../../../core/verify/compare-catalogs.js';

const SCRATCH = 'pg_temp.tenantry_reparse';

type Reader = (client: pg.ClientBase, o: CatalogObject, value: string) => Promise<string | null>;

/** Runs one statement with the extended protocol: a printed definition can never carry a second statement. */
async function run(client: pg.ClientBase, text: string): Promise<pg.QueryResult> {
  return client.query({ text, queryMode: 'extended' } as pg.QueryConfig);
}

async function firstValue(client: pg.ClientBase, text: string): Promise<string | null> {
  const { rows } = await client.query<{ v: string | null }>(text);
  return rows[0]?.v ?? null;
}

/** pg_get_viewdef ends with a semicolon; CREATE VIEW takes the query without one. */
const withoutSemicolon = (text: string): string => text.replace(/;\s*$/, '');

const READERS: Record<string, Record<string, Reader>> = {
  view: {
    definition: async (client, _o, value) => {
      await run(client, `CREATE VIEW ${SCRATCH} AS ${withoutSemicolon(value)}`);
      return firstValue(client, `select pg_catalog.pg_get_viewdef('${SCRATCH}'::regclass) as v`);
    },
  },
  constraint: {
    definition: async (client, o, value) => {
      if (o.attributes.type !== 'c') return null;
      const { relation, base_type: baseType } = o.context ?? {};
      if (relation !== undefined) {
        await run(client, `CREATE TABLE ${SCRATCH} (LIKE ${relation})`);
        await run(client, `ALTER TABLE ${SCRATCH} ADD CONSTRAINT tenantry_reparse ${value}`);
        return firstValue(client, `select pg_catalog.pg_get_constraintdef(oid) as v from pg_catalog.pg_constraint where conrelid = '${SCRATCH}'::regclass and conname = 'tenantry_reparse'`);
      }
      if (baseType === undefined) return null;
      await run(client, `CREATE DOMAIN ${SCRATCH} AS ${baseType}`);
      await run(client, `ALTER DOMAIN ${SCRATCH} ADD CONSTRAINT tenantry_reparse ${value}`);
      return firstValue(client, `select pg_catalog.pg_get_constraintdef(oid) as v from pg_catalog.pg_constraint where contypid = '${SCRATCH}'::regtype and conname = 'tenantry_reparse'`);
    },
  },
  column: {
    default: async (client, o, value) => {
      const { relation, column } = o.context ?? {};
      if (relation === undefined || column === undefined || o.attributes.generated !== null) return null;
      await run(client, `CREATE TABLE ${SCRATCH} (LIKE ${relation})`);
      await run(client, `ALTER TABLE ${SCRATCH} ALTER COLUMN ${quoteIdentifierAlways(column)} SET DEFAULT ${value}`);
      return firstValue(
        client,
        `select pg_catalog.pg_get_expr(d.adbin, d.adrelid) as v from pg_catalog.pg_attrdef d
           join pg_catalog.pg_attribute a on a.attrelid = d.adrelid and a.attnum = d.adnum
          where d.adrelid = '${SCRATCH}'::regclass and a.attname = ${quoteLiteral(column)}`,
      );
    },
  },
};

/** Whether the server can round-trip this attribute of this kind of object. */
export function canReparse(kind: string, attribute: string): boolean {
  return READERS[kind]?.[attribute] !== undefined;
}

/**
 * The round-tripped values of each mismatched attribute that can be re-read, for the template's and the tenant's
 * object alike; the client must not be inside a transaction.
 */
export async function reparseDefinitions(
  client: pg.ClientBase,
  mismatches: readonly AttributeMismatch[],
): Promise<{ template: Map<CatalogObject, Record<string, string | null>>; tenant: Map<CatalogObject, Record<string, string | null>> }> {
  const result = { template: new Map<CatalogObject, Record<string, string | null>>(), tenant: new Map<CatalogObject, Record<string, string | null>>() };
  const wanted = mismatches.filter((m) => canReparse(m.template.kind, m.attribute));
  if (wanted.length === 0) return result;
  await client.query('begin');
  try {
    await client.query("select pg_catalog.set_config('search_path', '', true)");
    for (const m of wanted) {
      for (const side of ['template', 'tenant'] as const) {
        const o = m[side];
        const value = o.attributes[m.attribute];
        const reader = READERS[o.kind]?.[m.attribute];
        if (value === null || value === undefined || reader === undefined) continue;
        await client.query('savepoint tenantry_reparse');
        try {
          const again = await reader(client, o, value);
          if (again !== null) result[side].set(o, { ...result[side].get(o), [m.attribute]: again });
        } catch {
          // The server could not re-read it here (read-only, no TEMP privilege, …): the difference stays as read.
        } finally {
          await client.query('rollback to savepoint tenantry_reparse');
        }
      }
    }
  } finally {
    await client.query('rollback');
  }
  return result;
}
