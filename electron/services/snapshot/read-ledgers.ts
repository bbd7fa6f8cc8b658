/**
 * Reads the migration ledger tables of the template schema and turns their
 * rows into SQL appended to the dump (core/ledger/ledger-inserts.ts), so that
 * every tenant starts with the template's migration history.
 */
import type pg from 'pg';
import { buildLedgerInserts, type LedgerColumn } from '../../../core/ledger/ledger-inserts.js';
import { KNOWN_LEDGER_TABLES, selectLedgerTables } from '../../../core/ledger/ledger-tables.js';
import { TenantryError } from '../../../core/errors.js';
import { quoteIdentifier } from '../../../core/sql/quote.js';

export interface LedgerRead {
  tables: { name: string; rows: number }[];
  /** User-chosen tables that are not in the schema. */
  missing: string[];
  sql: string;
}

/** The tables of schema $1 among the names $2 (pg_class's (relname, relnamespace) index). */
export const LEDGER_CANDIDATES_SQL = `
select c.relname from pg_catalog.pg_class c
 where c.relname = any ($2::name[]) and c.relnamespace = (select oid from pg_catalog.pg_namespace where nspname = $1) and c.relkind in ('r', 'p')`;

async function readTable(client: pg.ClientBase, schema: string, table: string): Promise<{ sql: string; rows: number }> {
  const cols = await client.query<{ name: string; identity: string }>(
    `select a.attname as name, a.attidentity::text as identity
       from pg_catalog.pg_attribute a
      where a.attrelid = (quote_ident($1) || '.' || quote_ident($2))::regclass
        and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
      order by a.attnum`,
    [schema, table],
  );
  const columns: LedgerColumn[] = cols.rows.map((c) => (c.identity === 'a' ? { name: c.name, identityAlways: true } : { name: c.name }));
  const select = columns.map((c) => `${quoteIdentifier(c.name)}::text`).join(', ');
  const order = columns.map((_, i) => String(i + 1)).join(', ');
  const data = await client.query<(string | null)[]>({ text: `select ${select} from ${quoteIdentifier(schema)}.${quoteIdentifier(table)} order by ${order}`, rowMode: 'array' });
  const seqs = await client.query<{ name: string }>(
    `select s.relname as name
       from pg_catalog.pg_depend d join pg_catalog.pg_class s on s.oid = d.objid and s.relkind = 'S'
      where d.classid = 'pg_catalog.pg_class'::regclass and d.refclassid = 'pg_catalog.pg_class'::regclass
        and d.refobjid = (quote_ident($1) || '.' || quote_ident($2))::regclass and d.deptype in ('a', 'i')
      order by 1`,
    [schema, table],
  );
  const sequences = [];
  for (const seq of seqs.rows) {
    const { rows } = await client.query<{ last_value: string; is_called: boolean }>(`select last_value::text, is_called from ${quoteIdentifier(schema)}.${quoteIdentifier(seq.name)}`);
    const row = rows[0];
    if (row) sequences.push({ name: seq.name, lastValue: row.last_value, isCalled: row.is_called });
  }
  return { sql: buildLedgerInserts({ schema, table, columns, rows: data.rows, sequences }), rows: data.rows.length };
}

/** Finds the ledger tables of `schema` (known names plus `userTables`) and reads their rows as SQL. */
export async function readLedgers(client: pg.ClientBase, schema: string, userTables: string[] = []): Promise<LedgerRead> {
  // Only the names that can be ledgers, looked up through pg_class's (relname, relnamespace) index: listing the
  // schema's tables would scan pg_class, which grows with every tenant in the database.
  const { rows } = await client.query<{ relname: string }>(LEDGER_CANDIDATES_SQL, [schema, [...new Set([...KNOWN_LEDGER_TABLES, ...userTables])]]);
  const { tables, missing } = selectLedgerTables(
    rows.map((r) => r.relname),
    userTables,
  );
  if (missing.length > 0) {
    throw new TenantryError('USAGE', `Ledger table${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not found in schema "${schema}". Names are case-sensitive.`);
  }
  const parts: string[] = [];
  const read: LedgerRead['tables'] = [];
  for (const table of tables) {
    const { sql, rows: count } = await readTable(client, schema, table);
    parts.push(sql);
    read.push({ name: table, rows: count });
  }
  return { tables: read, missing, sql: parts.join('') };
}
