/**
 * A stored expression tree (pg_node_tree text: a view's query, a check
 * constraint, an index expression or predicate, a policy, a rule, a partition
 * bound) in a form equal across schemas made from the same DDL, computed here
 * instead of in the server (the census's first pass, core/fleet/raw-key-sql.ts;
 * three regular-expression passes per tree were most of the server's time).
 * The result is exactly the text the SQL form (nodeTreeSql in raw-key-sql.ts)
 * gives: `:location` (and the statement's) removed; every number of five or
 * more digits (an OID) and every 4-byte by-value constant (an enum label or
 * regclass constant is stored as its OID's bytes) masked as ` #`; then `|` and
 * the masked values in order, each one naming an object of the schema's own
 * written as that object (`c:`, `t:`, `p:`, `e:` plus its name), others as
 * they are (`v` and the constant's value for a constant).
 */

/** The numbers the SQL form masks: ` 12345…` (group 1) or `:constvalue 4 [ b0 b1 b2 b3 0 0 0 0 ]` (groups 2-5, signed chars). */
const TREE_NUMBERS = / ([0-9]{5,})|:constvalue 4 \[ (-?[0-9]+) (-?[0-9]+) (-?[0-9]+) (-?[0-9]+) 0 0 0 0 \]/g;
const LOCATIONS = / :(location|stmt_location|stmt_len) -?[0-9]+/g;

/** The OIDs of user objects (FirstNormalObjectId) up to the largest OID: only these are looked up. */
const FIRST_USER_OID = 16384;
const MAX_OID = 4294967295;

/** A tree with its numbers masked: `values[i]` is the i-th masked number as written, `oids[i]` the OID to try (or -1). */
export interface MaskedTree {
  masked: string;
  values: string[];
  oids: number[];
}

/** The unsigned value of four signed chars as outDatum prints them (PostgreSQL's `%` keeps the dividend's sign, as JavaScript's does). */
function bytesValue(b0: string, b1: string, b2: string, b3: string): number {
  const u = (s: string) => (Number(s) + 256) % 256;
  return u(b0) + u(b1) * 256 + u(b2) * 65536 + u(b3) * 16777216;
}

/** Masks one tree's numbers; the caller resolves `oids` for the schema and calls finishTree. */
export function maskTree(text: string): MaskedTree {
  const values: string[] = [];
  const oids: number[] = [];
  const located = text.replace(LOCATIONS, '');
  const masked = located.replace(TREE_NUMBERS, (_m, digits: string | undefined, b0: string, b1: string, b2: string, b3: string) => {
    if (digits !== undefined) {
      const v = digits.length <= 10 ? Number(digits) : -1;
      values.push(digits);
      oids.push(v >= FIRST_USER_OID && v <= MAX_OID ? v : -1);
    } else {
      const v = bytesValue(b0, b1, b2, b3);
      values.push(`v${v}`);
      oids.push(v >= FIRST_USER_OID && v <= MAX_OID ? v : -1);
    }
    return ' #';
  });
  return { masked, values, oids };
}

/** The normalised tree: `masked|v1,v2,…` with each OID `resolve` names (an object of the schema's own) replaced by its name. */
export function finishTree(tree: MaskedTree, resolve: (oid: number) => string | undefined): string {
  let list = '';
  for (let i = 0; i < tree.values.length; i++) {
    const oid = tree.oids[i]!;
    const name = oid >= 0 ? resolve(oid) : undefined;
    list += (i > 0 ? ',' : '') + (name ?? tree.values[i]!);
  }
  return `${tree.masked}|${list}`;
}
