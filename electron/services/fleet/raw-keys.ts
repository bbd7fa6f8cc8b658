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
import { hashBytesExtendedWords } from '../../../core/fleet/pg-hash.js';
import { buildRawKeyStreamSql, buildTreeOidSql, TREE_SLOTS } from '../../../core/fleet/raw-key-sql.js';

/** Lines per FETCH: about a megabyte of tree text (200 to 2,000 made no difference to the client CPU). */
const FETCH_ROWS = 1000;

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

/** The client's sums of one schema: each 64-bit hash summed as its high and low words (exact as numbers, see hashBytesExtendedWords). */
interface WordSums {
  hi0: number;
  lo0: number;
  hi1: number;
  lo1: number;
  n: number;
}

const sumOf = (hi: number, lo: number): bigint => BigInt(hi) * 4294967296n + BigInt(lo);

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
  const { rows: settings } = await client.query<{ version: number }>(
    "SELECT pg_catalog.set_config('cursor_tuple_fraction', '1', true), pg_catalog.current_setting('server_version_num')::int AS version",
  );
  const serverVersionNum = settings[0]!.version;
  await client.query(`DECLARE tenantry_census_keys NO SCROLL CURSOR FOR ${buildRawKeyStreamSql({ privileges, serverVersionNum })}`, [schemas]);
  const server = new Map<string, { schema: string; sums: Sums }>();
  const local = new Map<string, WordSums>();
  const oids = new Map<number, OidRows>();
  const fetch = () => client.query<Row>(`FETCH ${FETCH_ROWS} FROM tenantry_census_keys`);
  // The next batch is asked for before this one is hashed, so that the server computes it meanwhile (the client's
  // hashing and the server's work overlap rather than take turns).
  let pending: Promise<pg.QueryResult<Row>> | undefined = fetch();
  try {
    for (;;) {
      const { rows } = await pending;
      pending = undefined;
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
      pending = fetch();
      for (const line of lines) addLine(local, line, oids);
    }
  } finally {
    // A batch asked for and not read (the hashing failed): wait for it, so that nothing is left running on the connection.
    if (pending) await pending.catch(() => undefined);
  }
  await client.query('CLOSE tenantry_census_keys');
  return [...server].map(([ns, { schema, sums }]) => {
    const more = local.get(ns) ?? { hi0: 0, lo0: 0, hi1: 0, lo1: 0, n: 0 };
    return { schema, key: `${sums.sum0 + sumOf(more.hi0, more.lo0)}:${sums.sum1 + sumOf(more.hi1, more.lo1)}:${sums.n + BigInt(more.n)}` };
  });
}

/** What `unknown` OIDs name in each catalog (an OID in none is remembered as naming nothing). */
async function lookUpOids(client: pg.ClientBase, unknown: Set<number>, oids: Map<number, OidRows>): Promise<void> {
  const { rows } = await client.query<{ catalog: 'c' | 't' | 'p' | 'e'; oid: string; ns: string; name: string }>(buildTreeOidSql(), [[...unknown]]);
  for (const oid of unknown) oids.set(oid, {});
  for (const r of rows) oids.get(Number(r.oid))![r.catalog] = { ns: r.ns, name: r.name };
}

/** A buffer reused for each line's UTF-8 bytes (grown when a line needs more). */
let scratch = Buffer.alloc(1 << 20);
const words = { hi: 0, lo: 0 };

/**
 * The two hashes of each normalised line already hashed ([hi0, lo0, hi1, lo1]): tenants of one shape give the same
 * normalised text for every line holding trees, so nearly every line of a fleet is one seen before, and a Map lookup
 * (V8 hashes a string once, compares it natively) is far cheaper than encoding and hashing it twice here (~20% of this
 * process's CPU in the key pass). Bounded: emptied when its lines reach LINE_MEMO_MAX_CHARS (a fleet of all-different schemas).
 */
const lineMemo = new Map<string, readonly [number, number, number, number]>();
let lineMemoChars = 0;
const LINE_MEMO_MAX_CHARS = 16 * 1024 * 1024;

/** The two hashes of a line as hashtextextended(line, 0) and (line, 1) give them, each as high and low words. */
function hashLine(text: string): readonly [number, number, number, number] {
  const known = lineMemo.get(text);
  if (known) return known;
  if (text.length * 3 > scratch.length) scratch = Buffer.alloc(text.length * 3);
  const length = scratch.write(text, 0, 'utf8');
  hashBytesExtendedWords(scratch, length, 0, words);
  const hi0 = words.hi, lo0 = words.lo;
  hashBytesExtendedWords(scratch, length, 1, words);
  const hashes = [hi0, lo0, words.hi, words.lo] as const;
  if (lineMemoChars + text.length > LINE_MEMO_MAX_CHARS) {
    lineMemo.clear();
    lineMemoChars = 0;
  }
  lineMemo.set(text, hashes);
  lineMemoChars += text.length;
  return hashes;
}

/** Hashes one line holding trees into its schema's sums. */
function addLine(local: Map<string, WordSums>, line: TreeLine, oids: Map<number, OidRows>): void {
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
  const [hi0, lo0, hi1, lo1] = hashLine(line.pieces.map((p) => (typeof p === 'string' ? p : finishTree(p, resolve))).join('|'));
  let sums = local.get(line.ns);
  if (!sums) local.set(line.ns, (sums = { hi0: 0, lo0: 0, hi1: 0, lo1: 0, n: 0 }));
  sums.hi0 += hi0;
  sums.lo0 += lo0;
  sums.hi1 += hi1;
  sums.lo1 += lo1;
  sums.n += 1;
}
