/**
 * The census's key per schema (core/fleet/raw-key-sql.ts) with the expression
 * trees normalised here rather than by regular expressions in the server:
 * the server sums the hashes of the lines holding no tree and streams the
 * lines holding trees raw (through a cursor, a batch at a time, so memory is
 * bounded whatever the fleet); each tree is masked (core/fleet/node-tree.ts),
 * the OIDs it names looked up once per batch, and the line hashed as
 * hashtextextended hashes it (core/fleet/pg-hash.ts) and added to the
 * server's sums. The keys are those buildRawKeySql computes in one query.
 */
import type pg from 'pg';
import { finishTree, maskTree, type MaskedTree } from '../../../core/fleet/node-tree.js';
import { hashBytesExtended } from '../../../core/fleet/pg-hash.js';
import { buildRawKeyStreamSql, buildTreeOidSql, TREE_SLOTS } from '../../../core/fleet/raw-key-sql.js';

/** Lines per FETCH: a few megabytes of tree text. */
const FETCH_ROWS = 2000;

type Row = { tree: boolean; schema: string | null; ns: string } & Record<`s${number}` | `t${number}`, string | null>;

/** The catalog rows an OID has among pg_class, pg_type, pg_proc, pg_enum (OIDs are unique per catalog, not across). */
type OidRows = Partial<Record<'c' | 't' | 'p' | 'e', { ns: string; name: string }>>;

/** The line's pieces in order: segments (text) and masked trees. */
interface TreeLine {
  ns: string;
  pieces: (string | MaskedTree)[];
}

interface Sums {
  sum0: bigint;
  sum1: bigint;
  n: bigint;
}

/** A line's pieces from a streamed row: non-empty segments less their leading '|', non-null trees masked. */
function piecesOf(row: Row): (string | MaskedTree)[] {
  const pieces: (string | MaskedTree)[] = [];
  for (let i = 0; i <= TREE_SLOTS; i++) {
    if (i > 0) {
      const t = row[`t${i}`];
      if (t !== null && t !== undefined) pieces.push(maskTree(t));
    }
    const s = row[`s${i}`];
    if (s) pieces.push(s.slice(1));
  }
  return pieces;
}

/** The key of every existing schema of `schemas` (inside the caller's catalog snapshot), as buildRawKeySql gives it. */
export async function readRawKeys(client: pg.ClientBase, schemas: readonly string[], privileges: boolean): Promise<{ schema: string; key: string }[]> {
  // A cursor is planned for its first rows unless told otherwise; this one is read to the end.
  await client.query("SELECT pg_catalog.set_config('cursor_tuple_fraction', '1', true)");
  await client.query(`DECLARE tenantry_census_keys NO SCROLL CURSOR FOR ${buildRawKeyStreamSql({ privileges })}`, [schemas]);
  const server = new Map<string, { schema: string; sums: Sums }>();
  const local = new Map<string, Sums>();
  const oids = new Map<number, OidRows>();
  for (;;) {
    const { rows } = await client.query<Row>(`FETCH ${FETCH_ROWS} FROM tenantry_census_keys`);
    if (rows.length === 0) break;
    const lines: TreeLine[] = [];
    const unknown = new Set<number>();
    for (const row of rows) {
      if (!row.tree) {
        server.set(row.ns, { schema: row.schema!, sums: { sum0: BigInt(row.s0!), sum1: BigInt(row.s1!), n: BigInt(row.s2!) } });
        continue;
      }
      const line: TreeLine = { ns: row.ns, pieces: piecesOf(row) };
      for (const p of line.pieces) if (typeof p !== 'string') for (const oid of p.oids) if (oid >= 0 && !oids.has(oid)) unknown.add(oid);
      lines.push(line);
    }
    if (unknown.size > 0) await lookUpOids(client, unknown, oids);
    for (const line of lines) addLine(local, line, oids);
  }
  await client.query('CLOSE tenantry_census_keys');
  return [...server].map(([ns, { schema, sums }]) => {
    const more = local.get(ns) ?? { sum0: 0n, sum1: 0n, n: 0n };
    return { schema, key: `${sums.sum0 + more.sum0}:${sums.sum1 + more.sum1}:${sums.n + more.n}` };
  });
}

/** What `unknown` OIDs name in each catalog (an OID in none is remembered as naming nothing). */
async function lookUpOids(client: pg.ClientBase, unknown: Set<number>, oids: Map<number, OidRows>): Promise<void> {
  const { rows } = await client.query<{ catalog: 'c' | 't' | 'p' | 'e'; oid: string; ns: string; name: string }>(buildTreeOidSql(), [[...unknown]]);
  for (const oid of unknown) oids.set(oid, {});
  for (const r of rows) oids.get(Number(r.oid))![r.catalog] = { ns: r.ns, name: r.name };
}

/** Hashes one line holding trees into its schema's sums. */
function addLine(local: Map<string, Sums>, line: TreeLine, oids: Map<number, OidRows>): void {
  // The first catalog holding the OID among the schema's own objects wins, as in the SQL form.
  const resolve = (oid: number): string | undefined => {
    const rows = oids.get(oid);
    if (!rows) return undefined;
    for (const catalog of ['c', 't', 'p', 'e'] as const) {
      const row = rows[catalog];
      if (row && row.ns === line.ns) return row.name;
    }
    return undefined;
  };
  const text = line.pieces.map((p) => (typeof p === 'string' ? p : finishTree(p, resolve))).join('|');
  const bytes = Buffer.from(text, 'utf8');
  const sums = local.get(line.ns) ?? { sum0: 0n, sum1: 0n, n: 0n };
  sums.sum0 += hashBytesExtended(bytes, 0);
  sums.sum1 += hashBytesExtended(bytes, 1);
  sums.n += 1n;
  local.set(line.ns, sums);
}
