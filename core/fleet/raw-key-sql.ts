/**
 * The census's first pass (issue 14): one key per schema from raw catalog
 * columns, for thousands of schemas in one query. Deparsing functions
 * (pg_get_indexdef, pg_get_constraintdef, pg_get_viewdef, pg_get_triggerdef,
 * pg_get_expr with a relation) open every relation they describe and fill the
 * backend's relation cache; at 10,000 tenants that is most of the time and
 * memory. Here indexes are indkey/indclass/indoption, constraints conkey/
 * confkey and their operators, triggers tgtype/tgfoid, and expressions (check
 * constraints, index expressions, views, policies, rules) their stored node
 * trees with `:location` (and the statement's) removed and every number of five digits or more (the
 * object OIDs) written apart, resolved to `kind:name` when it is an object of
 * the schema's own and kept as is otherwise. Column defaults use
 * pg_get_expr(adbin, 0), which opens nothing. ACLs are compared as text with
 * the owner's name normalised.
 *
 * The key is a refinement of the fingerprint of core/fleet/fingerprint-sql.ts:
 * two schemas with equal keys have equal fingerprints (what the fingerprint
 * prints is read here too, in raw form), but schemas with equal fingerprints may
 * have different keys (a column dropped once shifts attnums; an enum constant in
 * a view is stored by its label's OID). So the census fingerprints one member of
 * each key class with the full query and gives its fingerprint to the class:
 * the cohorts are exactly those of the full fingerprint, at the cost of one
 * catalog pass plus a few full fingerprints.
 *
 * Run with search_path = '' like the fingerprint query; $1 is the schema names (text[]).
 * The lines of a schema are combined order-independently (two sums of 64-bit
 * hashes and a count), so no sort of millions of lines is needed; each line is
 * computed once (OFFSET 0 keeps the planner from evaluating it per hash).
 *
 * Cost at 10,000 schemas: the schemas' relations are read in one scan of
 * pg_class (CTE rel); what hangs off most relations (columns, indexes,
 * triggers) is read through its relation's index (attrelid, indrelid, tgrelid)
 * rather than by a scan of the whole catalog, while policies and rules (rare)
 * come from one scan of their catalog hash-joined to rel; no catalog is read by
 * namespace through an index whose first column is a name (pg_type's (typname,
 * typnamespace) scanned once per schema is quadratic), nor joined to the
 * schemas by a nested loop. Measured at 1,000 tenants of 20 tables (backend CPU
 * per tenant, warm cache) with the trees normalised in SQL: node-tree
 * normalisation (views' and check constraints' trees, regular expressions)
 * ~3.5 ms, columns ~1.5 ms, relations ~0.6 ms, indexes ~0.4 ms, the rest
 * ~0.7 ms. So the census runs buildRawKeyStreamSql: the server sums the lines
 * holding no tree and streams the others with their trees raw, which the
 * client normalises (core/fleet/node-tree.ts) and hashes as the server would
 * (core/fleet/pg-hash.ts); buildRawKeySql, all in SQL, gives the same keys and
 * is the reference the tests compare with.
 */
import { COMMENT, LINES, normalise, normaliseColumn } from './fingerprint-sql.js';

/**
 * What nodeTreeSql writes apart: a number of five or more digits (an OID, written `:consttype 16962`) or a 4-byte
 * by-value constant (an enum label or regclass constant is stored as its OID's bytes, printed as signed chars: `:constvalue 4 [ -100 64 0 0 0 0 0 0 ]`).
 */
const TREE_NUMBERS = String.raw`' ([0-9]{5,})|:constvalue 4 \[ (-?[0-9]+) (-?[0-9]+) (-?[0-9]+) (-?[0-9]+) 0 0 0 0 \]'`;

/**
 * A node tree (pg_node_tree) in a form equal across schemas made from the same DDL: `:location` (and the statement's)
 * removed, the numbers of TREE_NUMBERS masked, and their ordered list appended, each value naming an object of schema
 * `ns` resolved to `c:`, `t:`, `p:` or `e:` plus its name (relation, type, function, enum label). Other values stay as
 * they are: OIDs of objects outside the schema are the same for every schema. (A constant that happens to equal the OID
 * of one of the schema's objects is written as that object; two schemas are only confused if the same happens in both,
 * for different constants and the same object. Likewise an OID is resolved in the first catalog holding it among the
 * schema's objects — pg_class, pg_type, pg_proc, pg_enum — OIDs being unique per catalog, not across them.)
 */
export function nodeTreeSql(expr: string, ns: string, q = 's'): string {
  // The first catalog holding the OID wins (pg_class, most trees' references, is probed first; the others only on a miss).
  const resolve = (n: string) => `coalesce(
      (select 'c:' || rc.relname from pg_catalog.pg_class rc where rc.oid = ${n}::oid and rc.relnamespace = ${ns}),
      (select 't:' || rt.typname from pg_catalog.pg_type rt where rt.oid = ${n}::oid and rt.typnamespace = ${ns}),
      (select 'p:' || rp.proname || '(' || ${normaliseAs('pg_catalog.pg_get_function_identity_arguments(rp.oid)', q)} || ')' from pg_catalog.pg_proc rp where rp.oid = ${n}::oid and rp.pronamespace = ${ns}),
      (select 'e:' || re.typname || '.' || e.enumlabel from pg_catalog.pg_enum e join pg_catalog.pg_type re on re.oid = e.enumtypid where e.oid = ${n}::oid and re.typnamespace = ${ns}))`;
  // outDatum prints each byte as a signed char.
  const bytes = `((m.a[2]::bigint + 256) % 256 + (m.a[3]::bigint + 256) % 256 * 256 + (m.a[4]::bigint + 256) % 256 * 65536 + (m.a[5]::bigint + 256) % 256 * 16777216)`;
  const list = `(select string_agg(coalesce(case when n.v between 16384 and 4294967295 then ${resolve('n.v')} end, n.t), ',' order by m.i)
      from pg_catalog.regexp_matches(t.v, ${TREE_NUMBERS}, 'g') with ordinality as m(a, i)
      cross join lateral (select case when m.a[1] is not null then m.a[1] else 'v' || ${bytes} end as t,
                                 case when m.a[1] is null then ${bytes} when length(m.a[1]) <= 10 then m.a[1]::bigint end as v) n)`;
  return `(select pg_catalog.regexp_replace(t.v, ${TREE_NUMBERS}, ' #', 'g') || '|' || coalesce(${list}, '')
    from (select pg_catalog.regexp_replace((${expr})::text, ' :(location|stmt_location|stmt_len) -?[0-9]+', '', 'g') as v offset 0) t where t.v is not null)`;
}

/** normalise() for the schema whose q/qq columns are those of `alias`. */
const normaliseAs = (expr: string, alias: string) => normalise(expr).replaceAll('s.q', `${alias}.q`);

/** An ACL as text with the owner's name (as aclitem prints it) written (owner); NULL (the default ACL) as `default`. */
function acl(value: string, owner: string): string {
  return `case when ${value} is null then 'default' else (select
      replace(replace(replace(replace(${value}::text, '{' || o.n || '=', '{(owner)='), ',' || o.n || '=', ',(owner)='), '/' || o.n || ',', '/(owner),'), '/' || o.n || '}', '/(owner)}')
      from (select case when u.r ~ '^[[:alnum:]_]*$' then u.r else '"' || replace(u.r, '"', '""') || '"' end as n from (select pg_catalog.pg_get_userbyid(${owner})::text as r) u) o) end`;
}

/**
 * Not a member of an extension (ext: the members' classid/objid, read once). NOT IN over a subquery is a hashed subplan,
 * a hash lookup per row however many members there are; NOT EXISTS became an anti join, which the planner may run as a
 * nested loop scanning every member for every relation when its estimate of ext is a row or two.
 */
const notExt = (catalog: string, oid: string) => `${oid} not in (select ext.objid from ext where ext.classid = '${catalog}'::regclass)`;


/**
 * A field of a line: SQL text, or a node tree (SQL giving a pg_node_tree) of the schema `ns` (its q/qq columns those of
 * `q`). `when` (SQL), where given, is false whenever the tree is NULL: the normalisation in SQL (a subquery, run per row
 * even for a NULL tree) then runs only where it holds.
 */
type Field = string | { tree: string; ns: string; q: string; when?: string };

/** A tree field normalised in SQL, behind its `when` guard (a CASE evaluates a subquery only in the branch taken). */
const treeSql = (f: Exclude<Field, string>): string => (f.when ? `case when ${f.when} then ${nodeTreeSql(f.tree, f.ns, f.q)} end` : nodeTreeSql(f.tree, f.ns, f.q));

/**
 * One part of the lines: `select <ns>, concat_ws('|', <fields>) <from>`. `hasTree` (SQL) is true when a line may hold a
 * non-null tree, and every tree field is NULL where it is false; the trees of a part without it are normalised in SQL.
 */
interface Part {
  ns: string;
  fields: Field[];
  from: string;
  where?: string;
  hasTree?: string;
  /** Where the lines holding trees are read from, when a scan filtered by `hasTree` beats `from` (default `from`). */
  treeFrom?: string;
}

const PARTS: Part[] = [
  // Relations: tables, views (their _RETURN rule's tree), sequences, composite types; ACLs and comments.
  {
    ns: 'c.ns',
    fields: [
      `'r'`, 'c.relname', 'c.relkind', 'c.relpersistence', 'c.reloptions::text', 'c.relrowsecurity', 'c.relforcerowsecurity', 'c.relispartition',
      { tree: 'case when c.relispartition then c.relpartbound end', ns: 'c.ns', q: 'c' },
      'd.description', '%ACL%',
      `case when c.relkind = 'p' then (select concat_ws('|', pt.partstrat, pt.partnatts, pt.partattrs::text, pt.partclass::text, pt.partcollation::text)
                                         from pg_catalog.pg_partitioned_table pt where pt.partrelid = c.oid) end`,
      { tree: `case when c.relkind = 'p' then (select pt.partexprs from pg_catalog.pg_partitioned_table pt where pt.partrelid = c.oid) end`, ns: 'c.ns', q: 'c' },
      { tree: `case when c.relkind in ('v', 'm') then (select w.ev_action from pg_catalog.pg_rewrite w where w.ev_class = c.oid and w.rulename = '_RETURN') end`, ns: 'c.ns', q: 'c' },
      'seq.line', 'inh.parents',
    ],
    from: `from rel c
     left join seq on seq.seqrelid = c.oid
     left join inh on inh.inhrelid = c.oid
     ${COMMENT('d', 'pg_catalog.pg_class', 'c.oid')}`,
    hasTree: `(c.relispartition or c.relkind in ('p', 'v', 'm'))`,
  },
  // Columns, with defaults (defs: pg_get_expr without a relation opens nothing; generated columns refer to columns, so their tree).
  {
    ns: 'c.ns',
    fields: [
      `'a'`, 'c.relname', 'a.attname', 'a.attnum', `coalesce('@' || y.typname, a.atttypid::text)`, 'a.atttypmod', 'a.attndims', 'a.attnotnull', 'a.attidentity', 'a.attgenerated', 'a.attcollation',
      `case when a.atthasdef and a.attgenerated = '' then df.v end`,
      {
        tree: `case when a.atthasdef and a.attgenerated <> '' then (select ad.adbin from pg_catalog.pg_attrdef ad where ad.adrelid = a.attrelid and ad.adnum = a.attnum) end`,
        ns: 'c.ns',
        q: 'c',
        // Without the guard the tree's subquery ran for each of the fleet's columns: the columns' part at 1,000 x 20 took
        // 3.2-4.0 s of backend CPU with it, 2.9-3.4 s without (paired runs, load 15-19).
        when: `a.attgenerated <> ''`,
      },
      // A column's comment by a probe of pg_description's index per column. (Joined from a set of the schemas' column
      // comments, the planner took a nested loop over that set for every column when pg_description's statistics said
      // no column had a comment: after 400,000 comments were added, the key pass of 100 schemas of a 10,000-tenant
      // database took 101 s of backend CPU. A probe is linear whatever the statistics.)
      `(select d.description from pg_catalog.pg_description d where d.objoid = a.attrelid and d.classoid = 'pg_catalog.pg_class'::regclass and d.objsubid = a.attnum)`,
      'case when a.attacl is not null then %COLACL% end',
    ],
    // Each relation's columns by index (attrelid, attnum): OFFSET 0 keeps the planner from scanning all of pg_attribute.
    from: `from rel c cross join lateral (select a.* from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped offset 0) a
     -- The schema's own types by name (a table's row type is left out: a column of one is compared by OID, so only splits).
     left join own_types y on y.oid = a.atttypid and y.ns = c.ns
     left join defs df on df.adrelid = a.attrelid and df.adnum = a.attnum`,
    where: `c.relkind <> 'S'`,
    // Generated columns are rare: their trees are normalised in SQL rather than read in a second pass over pg_attribute.
  },
  // Constraints: the raw columns pg_get_constraintdef prints from; check constraints' trees.
  {
    ns: 'k.connamespace',
    fields: [
      `'k'`, `coalesce(c.relname, (select '@' || y.typname from pg_catalog.pg_type y where y.oid = k.contypid))`, 'k.conname', 'k.contype', 'k.condeferrable', 'k.condeferred',
      'k.convalidated', 'k.conislocal', 'k.coninhcount', 'k.connoinherit', 'k.conkey::text', 'k.confkey::text', 'k.conpfeqop::text', 'k.conppeqop::text', 'k.conffeqop::text', 'k.conexclop::text',
      'k.confupdtype', 'k.confdeltype', 'k.confmatchtype', 'k.confdelsetcols::text',
      `case when k.confrelid <> 0 then coalesce((select '@' || f.relname from pg_catalog.pg_class f where f.oid = k.confrelid and f.relnamespace = k.connamespace), k.confrelid::text) end`,
      { tree: 'k.conbin', ns: 'k.connamespace', q: 's' },
      'd.description',
    ],
    // The schemas' constraints by a semi join (the schemas hashed): joined plainly, the planner hashed all of pg_constraint.
    from: `from (select k.* from pg_catalog.pg_constraint k where k.connamespace in (select s.oid from s) offset 0) k join s on s.oid = k.connamespace
     left join rel c on c.oid = k.conrelid
     ${COMMENT('d', 'pg_catalog.pg_constraint', 'k.oid')}`,
    hasTree: '(k.conbin is not null)',
  },
  // Indexes: indkey/indclass/indoption and friends, expressions and predicates as trees.
  {
    ns: 'c.ns',
    fields: [
      `'i'`, 'i.relname', 'c.relname', 'x.indnatts', 'x.indnkeyatts', 'x.indisunique', 'x.indnullsnotdistinct', 'x.indisprimary', 'x.indisexclusion', 'x.indimmediate', 'x.indisclustered',
      'x.indkey::text', 'x.indcollation::text', 'x.indclass::text', 'x.indoption::text', 'i.relam', 'i.reloptions::text',
      { tree: 'x.indexprs', ns: 'c.ns', q: 'c' }, { tree: 'x.indpred', ns: 'c.ns', q: 'c' }, 'd.description',
    ],
    from: `from rel c cross join lateral (select x.* from pg_catalog.pg_index x where x.indrelid = c.oid offset 0) x join pg_catalog.pg_class i on i.oid = x.indexrelid
     ${COMMENT('d', 'pg_catalog.pg_class', 'i.oid')}`,
    // Only these relkinds have indexes (partitioned tables their partitioned ones): most of rel is sequences, probed for nothing.
    where: `c.relkind in ('r', 'p', 'm')`,
    hasTree: '(x.indexprs is not null or x.indpred is not null)',
    // The few indexes with trees by one scan of pg_index, not a probe per relation.
    treeFrom: `from pg_catalog.pg_index x join rel c on c.oid = x.indrelid join pg_catalog.pg_class i on i.oid = x.indexrelid
     ${COMMENT('d', 'pg_catalog.pg_class', 'i.oid')}`,
  },
  // Triggers: a trigger function takes no arguments, so its name identifies one of the schema's own.
  {
    ns: 'c.ns',
    fields: [
      `'g'`, 'c.relname', 'g.tgname', 'g.tgtype', 'g.tgenabled', `coalesce((select '@' || p.proname from pg_catalog.pg_proc p where p.oid = g.tgfoid and p.pronamespace = c.ns), g.tgfoid::text)`,
      'g.tgnargs', 'g.tgargs::text', 'g.tgattr::text', 'g.tgdeferrable', 'g.tginitdeferred', 'g.tgoldtable', 'g.tgnewtable',
      `case when g.tgconstrrelid <> 0 then coalesce((select '@' || f.relname from pg_catalog.pg_class f where f.oid = g.tgconstrrelid and f.relnamespace = c.ns), g.tgconstrrelid::text) end`,
      { tree: 'g.tgqual', ns: 'c.ns', q: 'c' }, 'd.description',
    ],
    from: `from rel c cross join lateral (select g.* from pg_catalog.pg_trigger g where g.tgrelid = c.oid and not g.tgisinternal offset 0) g
     ${COMMENT('d', 'pg_catalog.pg_trigger', 'g.oid')}`,
    // Sequences and composite types have no triggers (views have INSTEAD OF ones; a matview none, kept for safety).
    where: `c.relkind in ('r', 'p', 'v', 'f', 'm')`,
    hasTree: '(g.tgqual is not null and not g.tgisinternal)',
    treeFrom: `from pg_catalog.pg_trigger g join rel c on c.oid = g.tgrelid
     ${COMMENT('d', 'pg_catalog.pg_trigger', 'g.oid')}`,
  },
  {
    ns: 'c.ns',
    fields: [`'y'`, 'c.relname', 'p.polname', 'p.polcmd', 'p.polpermissive', 'p.polroles::text', { tree: 'p.polqual', ns: 'c.ns', q: 'c' }, { tree: 'p.polwithcheck', ns: 'c.ns', q: 'c' }],
    // Few relations have policies or rules of their own: one scan of the catalog hash-joined to rel, not a probe per relation.
    from: 'from pg_catalog.pg_policy p join rel c on c.oid = p.polrelid',
    hasTree: 'true',
  },
  {
    ns: 'c.ns',
    fields: [`'w'`, 'c.relname', 'w.rulename', 'w.ev_type', 'w.ev_enabled', 'w.is_instead', { tree: 'w.ev_qual', ns: 'c.ns', q: 'c' }, { tree: 'w.ev_action', ns: 'c.ns', q: 'c' }],
    from: 'from pg_catalog.pg_rewrite w join rel c on c.oid = w.ev_class',
    where: `w.rulename <> '_RETURN'`,
    hasTree: 'true',
  },
  // Functions and types: few per schema, so the fingerprint's own lines (they open no relation).
  {
    ns: 'x.ns',
    fields: [`'f|' || x.line || '|' || coalesce(%PROACL%, '')`],
    from: `from (${LINES.function.replace('select p.pronamespace,', 'select p.oid as oid_, p.pronamespace,')}) as x(oid_, ns, line) join pg_catalog.pg_proc p on p.oid = x.oid_`,
  },
  {
    ns: 'x.ns',
    fields: [`'t|' || x.line || '|' || coalesce(%TYPACL%, '')`],
    from: `from (${LINES.type.replace('select t.typnamespace,', 'select t.oid as oid_, t.typnamespace,')}) as x(oid_, ns, line) join pg_catalog.pg_type t on t.oid = x.oid_`.replace(
      'left join pg_catalog.pg_class c on c.oid = t.typrelid',
      'left join rel c on c.oid = t.typrelid',
    ),
  },
  { ns: 'n.oid', fields: [`'n|' || %NSPACL%`], from: 'from pg_catalog.pg_namespace n join s on s.oid = n.oid' },
];

/** The most trees a line holds (the relations' part: partition bound, partition expressions, view). */
export const TREE_SLOTS = 3;

/** `select ns, line` of a part with every tree normalised in SQL (the reference form; one query does everything). */
function serverLine(part: Part): string {
  const fields = part.fields.map((f) => (typeof f === 'string' ? f : treeSql(f)));
  return `select ${part.ns}, concat_ws('|', ${fields.join(', ')}) ${part.from}${part.where ? ` where ${part.where}` : ''}`;
}

/**
 * `select ns, s0, t1, s1, …` of a part's lines holding trees: the trees raw (text, NULL when absent), the fields between
 * them as segments `concat_ws('|', '', …)` ('' when every field of the segment is NULL, else '|' and the fields). The line
 * is the non-empty segments (less their leading '|') and the non-null trees, normalised, joined by '|' in order.
 */
function treeRows(part: Part): string {
  const columns: string[] = [];
  let segment: string[] = [];
  const flush = () => columns.push(segment.length > 0 ? `concat_ws('|', '', ${segment.join(', ')})` : `''`);
  for (const f of part.fields) {
    if (typeof f === 'string') {
      segment.push(f);
      continue;
    }
    flush();
    segment = [];
    columns.push(`(${f.tree})::text`);
  }
  flush();
  while (columns.length < 2 * TREE_SLOTS + 1) columns.push('null', `''`);
  const where = [part.where, part.hasTree].filter(Boolean).join(' and ');
  return `select ${part.ns}, ${columns.join(', ')} ${part.treeFrom ?? part.from} where ${where}`;
}

/** `select ns, line` of a part's lines holding no tree (the complement of treeRows); a part without `hasTree` entirely, its trees in SQL. */
function plainLine(part: Part): string {
  const fields = part.fields.flatMap((f) => (typeof f === 'string' ? [f] : part.hasTree ? [] : [treeSql(f)]));
  const where = [part.where, part.hasTree ? `not ${part.hasTree}` : undefined].filter(Boolean).join(' and ');
  return `select ${part.ns}, concat_ws('|', ${fields.join(', ')}) ${part.from}${where ? ` where ${where}` : ''}`;
}

/** The catalog rows every part reads, for the schemas of $1 (text[]). */
function withClause(): string {
  return `with s as materialized (
  select n.oid, n.nspname, pg_catalog.quote_ident(n.nspname) as q, replace(pg_catalog.quote_ident(n.nspname), '''', '''''') as qq
    from pg_catalog.pg_namespace n where n.nspname = any($1::text[])
),
ext as materialized (
  select classid, objid from pg_catalog.pg_depend where refclassid = 'pg_catalog.pg_extension'::regclass and deptype = 'e'
),
-- The schemas' relations, read once (one scan of pg_class) for every part.
rel as materialized (
  select c.oid, c.relnamespace as ns, c.relname, c.relkind, c.relpersistence, c.reloptions, c.relrowsecurity, c.relforcerowsecurity, c.relispartition, c.relpartbound,
         c.relacl, c.relowner, s.q, s.qq
    from pg_catalog.pg_class c join s on s.oid = c.relnamespace
   where c.relkind in ('r', 'p', 'f', 'v', 'm', 'c', 'S') and ${notExt('pg_catalog.pg_class', 'c.oid')}
),
-- Sequences' parameters and owning column, joined set-wise (one pass over pg_sequence and pg_depend, not a lookup per sequence).
seq as (
  select q.seqrelid, concat_ws('|', q.seqtypid, q.seqstart, q.seqincrement, q.seqmin, q.seqmax, q.seqcache, q.seqcycle, o.owners) as line
    from rel c join pg_catalog.pg_sequence q on q.seqrelid = c.oid
    left join (select dp.objid, string_agg(coalesce(r.relname, dp.refobjid::text) || '.' || dp.refobjsubid || ' ' || dp.deptype::text, ',' order by 1) as owners
                 from pg_catalog.pg_depend dp join rel sq on sq.oid = dp.objid and sq.relkind = 'S'
                 left join pg_catalog.pg_class r on r.oid = dp.refobjid and r.relnamespace = sq.ns
                where dp.classid = 'pg_catalog.pg_class'::regclass and dp.objsubid = 0 and dp.refclassid = 'pg_catalog.pg_class'::regclass and dp.deptype in ('a', 'i')
                group by dp.objid) o on o.objid = c.oid
   where c.relkind = 'S'
),
own_types as materialized (
  -- One scan of pg_type hash-joined to the schemas; composite types' relations by a hash join to rel. (A nested loop of
  -- the schemas over pg_type, or an EXISTS over rel per pg_type row, is quadratic in the number of schemas.)
  select t.oid, t.typnamespace as ns, t.typname
    from pg_catalog.pg_type t left join rel r on r.oid = t.typrelid
   where t.typnamespace in (select s.oid from s) and (t.typrelid = 0 or r.relkind = 'c')
),
-- The columns' defaults, deparsed and normalised set-wise, hash-joined to the columns: a subquery per column (to
-- pg_attrdef, then to normalise the text) cost more than the deparsing (at 1,000 x 20 the columns' part took 2.8 s of
-- backend CPU that way, 2.4 s this way, medians of 5 alternated runs). Each relation's defaults by its index (a hash
-- join hashed all of pg_attrdef, defaults' trees included, and a generated-column check probed pg_attribute per
-- default: at 10,000 x 20 the columns' part of 2,000 schemas took 7.5-8.1 s of backend CPU that way, 3.3-3.6 s this
-- way). A generated column's expression refers to columns (Var nodes), which pg_get_expr cannot print without its
-- relation: such a tree is left undeparsed here (the columns' part reads a generated column's tree itself, and a
-- default never refers to a column). '{VAR ' cannot occur in a tree but as a Var node: constants are printed as bytes.
defs as materialized (
  select z.adrelid, z.adnum, ${normaliseColumn().replaceAll('s.q', 'z.q')} as v
    from (select ad.adrelid, ad.adnum, c.q, c.qq, case when pg_catalog.strpos(ad.adbin::text, '{VAR ') = 0 then pg_catalog.pg_get_expr(ad.adbin, 0)::text end as v
            from rel c cross join lateral (select ad.adrelid, ad.adnum, ad.adbin from pg_catalog.pg_attrdef ad where ad.adrelid = c.oid offset 0) ad
           where c.relkind <> 'S' offset 0) z
),
inh as (
  select i.inhrelid, string_agg(coalesce(case when p.relnamespace = c.relnamespace then '@' || p.relname end, p.oid::text), ',' order by i.inhseqno) as parents
    from pg_catalog.pg_inherits i join pg_catalog.pg_class c on c.oid = i.inhrelid join s on s.oid = c.relnamespace join pg_catalog.pg_class p on p.oid = i.inhparent
   group by i.inhrelid
)`;
}

/** PARTS with the ACL placeholders filled in (or '' without privileges). */
/**
 * Catalog columns newer than PostgreSQL 14 that the parts read, each with what stands for it on an older server (where
 * the property it records cannot be set, so every schema has the same value).
 */
const SINCE_15: Record<string, string> = { 'x.indnullsnotdistinct': 'false', 'k.confdelsetcols::text': 'null' };

/** PARTS for a server of `serverVersionNum` (server_version_num; default: 15 or later). */
function partsFor(privileges: boolean, serverVersionNum = 150000): Part[] {
  const acls: Record<string, string> = {
    '%ACL%': acl('c.relacl', 'c.relowner'),
    '%COLACL%': acl('a.attacl', 'c.relowner'),
    '%PROACL%': acl('p.proacl', 'p.proowner'),
    '%TYPACL%': acl('t.typacl', 't.typowner'),
    '%NSPACL%': acl('n.nspacl', 'n.nspowner'),
  };
  const fill = (sql: string) => sql.replace(/%[A-Z]+%/g, (m) => (privileges ? (acls[m] ?? m) : "''"));
  const older = (sql: string) => (serverVersionNum < 150000 ? (SINCE_15[sql] ?? sql) : sql);
  return PARTS.map((part) => ({ ...part, fields: part.fields.map((f) => (typeof f === 'string' ? older(fill(f)) : f)) }));
}

/**
 * The key of each schema from its lines: two sums of 64-bit hashes and a count (order-independent, no sort). The lines
 * are hashed before they are grouped, so the grouping handles (ns, two bigints) rather than the lines' text: grouped
 * from the text, the planner sorted every line of the fleet (500,000 at 1,000 x 20) with its text by ns.
 */
const KEY_SUMS = `(select l.ns, sum(l.h0)::text as sum0, sum(l.h1)::text as sum1, count(*) as n
          from (select l.ns, pg_catalog.hashtextextended(l.line, 0) as h0, pg_catalog.hashtextextended(l.line, 1) as h1 from lines l offset 0) l
         group by l.ns)`;

/**
 * The reference form, every tree normalised in SQL: one row per existing schema of $1, `schema` and `key` (equal keys ⇒
 * equal fingerprints over every kind). Without `privileges`, ACLs are left out of the key. The census runs
 * buildRawKeyStreamSql, which gives the same keys with the trees normalised by the client; tests compare the two.
 */
export function buildRawKeySql(options: { privileges?: boolean; serverVersionNum?: number } = {}): string {
  const parts = partsFor(options.privileges !== false, options.serverVersionNum);
  return `${withClause()},
lines as (
${parts.map((p) => `select x.ns, x.line from (${serverLine(p)}) as x(ns, line)`).join('\nunion all\n')}
)
select s.nspname as schema, k.sum0 || ':' || k.sum1 || ':' || k.n as key
  from ${KEY_SUMS} k
  join s on s.oid = k.ns`;
}

/**
 * The census's first pass with the trees left to the client (core/fleet/node-tree.ts), one statement over $1 (text[]):
 * first one row per existing schema with `tree` false — `schema`, `ns` (its OID), and in s0, s1, s2 the sums of the
 * two hashes and the count over its lines holding no tree — then, with `tree` true, one row per line holding trees:
 * `ns`, segments s0..s3 and raw trees t1..t3 (see treeRows). The key is the server's sums plus the client's over these
 * lines (hashBytesExtended, core/fleet/pg-hash.ts), written `sum0:sum1:count` as buildRawKeySql writes it.
 */
export function buildRawKeyStreamSql(options: { privileges?: boolean; serverVersionNum?: number } = {}): string {
  const parts = partsFor(options.privileges !== false, options.serverVersionNum);
  const plain = parts.filter((p) => p.hasTree !== 'true');
  const trees = parts.filter((p) => p.hasTree !== undefined);
  const t = Array.from({ length: TREE_SLOTS }, (_, i) => i + 1);
  const cols = ['s0', ...t.flatMap((i) => [`t${i}`, `s${i}`])];
  return `${withClause()},
lines as (
${plain.map((p) => `select x.ns, x.line from (${plainLine(p)}) as x(ns, line)`).join('\nunion all\n')}
)
select false as tree, s.nspname as schema, s.oid::int8 as ns, k.sum0 as s0, null::text as t1, k.sum1 as s1, null::text as t2, k.n::text as s2${t.slice(2).map((i) => `, null::text as t${i}, null::text as s${i}`).join('')}
  from ${KEY_SUMS} k
  join s on s.oid = k.ns
union all
select true, null, x.ns::int8, ${cols.map((c) => `x.${c}`).join(', ')} from (
${trees.map((p) => treeRows(p)).join('\nunion all\n')}
) as x(ns, ${cols.join(', ')})`;
}

/**
 * What the trees' OIDs name, for the client (the lookups the SQL form makes per number): for each OID of $1 (int8[])
 * its row, if any, in pg_class, pg_type, pg_proc and pg_enum (`catalog` c, t, p, e), with the namespace and the text
 * the SQL form writes for it (a function's arguments normalised for its own schema).
 */
export function buildTreeOidSql(): string {
  return `with o as (select distinct x::oid as oid from unnest($1::int8[]) as x)
select 'c' as catalog, rc.oid::int8 as oid, rc.relnamespace::int8 as ns, 'c:' || rc.relname as name from o join pg_catalog.pg_class rc on rc.oid = o.oid
union all
select 't', rt.oid::int8, rt.typnamespace::int8, 't:' || rt.typname from o join pg_catalog.pg_type rt on rt.oid = o.oid
union all
select 'p', rp.oid::int8, rp.pronamespace::int8, 'p:' || rp.proname || '(' || ${normaliseAs('pg_catalog.pg_get_function_identity_arguments(rp.oid)', 'n')} || ')'
  from o join pg_catalog.pg_proc rp on rp.oid = o.oid
  cross join lateral (select pg_catalog.quote_ident(n.nspname) as q, replace(pg_catalog.quote_ident(n.nspname), '''', '''''') as qq
                        from pg_catalog.pg_namespace n where n.oid = rp.pronamespace) n
union all
select 'e', e.oid::int8, re.typnamespace::int8, 'e:' || re.typname || '.' || e.enumlabel from o join pg_catalog.pg_enum e on e.oid = o.oid join pg_catalog.pg_type re on re.oid = e.enumtypid`;
}
