/**
 * The database's half of running a migration without the tenant's schema on
 * search_path (core/migrate/plan-search-path.ts has the migration's half): the
 * unqualified names the migration uses must mean the same with the tenant on
 * the path and without it. The paths differ only by the tenant's schema (the
 * session's own path is `public`, or the runner sets `public`), so, read once
 * before the run:
 *
 * - a tenant whose schema holds an object (relation, type, function, operator,
 *   collation, conversion, text search object, operator class or family,
 *   statistics object) named like one of them keeps the path (a drifted tenant
 *   as much as one whose template has it);
 * - a function, aggregate or operator in public named like one of them that is
 *   not written in C (or internal) and does not set its own search_path, or a
 *   type in public named so that is a domain (its checks), a range, or has such
 *   functions for its I/O or casts, would run with a different path: every
 *   tenant keeps it;
 * - so does an enabled event trigger (it runs on every DDL statement).
 *
 * An object created with one of those names while the rollout runs is not seen:
 * such a tenant migrates as its template did, with the name meaning what it
 * meant there.
 */
import type pg from 'pg';
import type { SearchPathPlan } from '../../../core/migrate/plan-search-path.js';

export interface SearchPathFacts {
  /** Every tenant keeps the path (the reason, for the log and the tests). */
  keepAll?: string;
  /** Tenants whose schema holds an object of one of the names. */
  keep: Set<string>;
  /** The session's own path is just public (otherwise the runner sets it per transaction). */
  sessionPublic: boolean;
}

/**
 * One statement (it runs once per run, on a backend that has touched none of these catalogs yet): the tenants whose
 * schema holds an object of one of the names ($1 tenants, $2 names, $3 operators), the code in public those names
 * could run (only the candidates' own rows are read, never all of pg_proc), event triggers, the session's path.
 */
const FACTS_SQL = `
WITH n AS (SELECT oid, nspname FROM pg_catalog.pg_namespace WHERE nspname OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.name[])),
o AS (
  SELECT relnamespace AS ns FROM pg_catalog.pg_class WHERE relname OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.name[])
  UNION ALL SELECT typnamespace FROM pg_catalog.pg_type WHERE typname OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.name[])
  UNION ALL SELECT pronamespace FROM pg_catalog.pg_proc WHERE proname OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.name[])
  UNION ALL SELECT oprnamespace FROM pg_catalog.pg_operator WHERE oprname OPERATOR(pg_catalog.=) ANY ($3::pg_catalog.name[])
  UNION ALL SELECT collnamespace FROM pg_catalog.pg_collation WHERE collname OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.name[])
  UNION ALL SELECT connamespace FROM pg_catalog.pg_conversion WHERE conname OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.name[])
  UNION ALL SELECT cfgnamespace FROM pg_catalog.pg_ts_config WHERE cfgname OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.name[])
  UNION ALL SELECT dictnamespace FROM pg_catalog.pg_ts_dict WHERE dictname OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.name[])
  UNION ALL SELECT prsnamespace FROM pg_catalog.pg_ts_parser WHERE prsname OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.name[])
  UNION ALL SELECT tmplnamespace FROM pg_catalog.pg_ts_template WHERE tmplname OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.name[])
  UNION ALL SELECT opcnamespace FROM pg_catalog.pg_opclass WHERE opcname OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.name[])
  UNION ALL SELECT opfnamespace FROM pg_catalog.pg_opfamily WHERE opfname OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.name[])
  UNION ALL SELECT stxnamespace FROM pg_catalog.pg_statistic_ext WHERE stxname OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.name[])
),
p AS (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname OPERATOR(pg_catalog.=) 'public'),
t AS (SELECT oid, typname, typtype, typinput, typoutput, typreceive, typsend FROM pg_catalog.pg_type WHERE typnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM p) AND typname OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.name[])),
f AS (
  SELECT oid AS fn, pg_catalog.concat('function ', proname) AS what FROM pg_catalog.pg_proc WHERE pronamespace OPERATOR(pg_catalog.=) (SELECT oid FROM p) AND proname OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.name[])
  UNION ALL SELECT oprcode, pg_catalog.concat('operator ', oprname) FROM pg_catalog.pg_operator WHERE oprnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM p) AND oprname OPERATOR(pg_catalog.=) ANY ($3::pg_catalog.name[])
  UNION ALL SELECT x.fn, pg_catalog.concat('type ', t.typname) FROM t, LATERAL (VALUES (t.typinput), (t.typoutput), (t.typreceive), (t.typsend)) AS x (fn)
  UNION ALL SELECT k.castfunc, pg_catalog.concat('type ', t.typname) FROM t JOIN pg_catalog.pg_cast k ON k.castsource OPERATOR(pg_catalog.=) t.oid OR k.casttarget OPERATOR(pg_catalog.=) t.oid
)
SELECT ARRAY(SELECT DISTINCT n.nspname::text FROM n JOIN o ON o.ns OPERATOR(pg_catalog.=) n.oid) AS keep,
  pg_catalog.current_schemas(false) OPERATOR(pg_catalog.=) ARRAY['public']::pg_catalog.name[] AS session_public,
  EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger WHERE evtenabled OPERATOR(pg_catalog.<>) 'D') AS event_trigger,
  pg_catalog.concat_ws(', ',
    (SELECT pg_catalog.string_agg(DISTINCT f.what, ', ') FROM f JOIN pg_catalog.pg_proc pr ON pr.oid OPERATOR(pg_catalog.=) f.fn JOIN pg_catalog.pg_language l ON l.oid OPERATOR(pg_catalog.=) pr.prolang
      WHERE (l.lanname OPERATOR(pg_catalog.<>) ALL (ARRAY['c', 'internal']::pg_catalog.name[]) OR pr.prokind OPERATOR(pg_catalog.=) 'a')
        AND NOT EXISTS (SELECT 1 FROM pg_catalog.unnest(pr.proconfig) AS c (setting) WHERE c.setting OPERATOR(pg_catalog.~~) 'search\\_path=%')),
    (SELECT pg_catalog.string_agg(pg_catalog.concat('type ', typname), ', ') FROM t WHERE typtype OPERATOR(pg_catalog.=) ANY (ARRAY['d', 'r', 'm']::pg_catalog."char"[]))
  ) AS public_code`;

/** Reads the facts for `schemas` (the tenants to run, the template among them when it runs). */
export async function readSearchPathFacts(db: pg.Pool | pg.ClientBase, plan: Extract<SearchPathPlan, { free: true }>, schemas: readonly string[]): Promise<SearchPathFacts> {
  const { rows } = await db.query<{ keep: string[]; session_public: boolean; event_trigger: boolean; public_code: string }>(FACTS_SQL, [schemas, plan.names, plan.operators]);
  const row = rows[0];
  const keepAll = row === undefined ? 'no answer' : row.event_trigger ? 'an event trigger is enabled' : row.public_code !== '' ? `public has ${row.public_code}` : undefined;
  return { ...(keepAll !== undefined ? { keepAll } : {}), keep: new Set(row?.keep ?? []), sessionPublic: row?.session_public === true };
}
