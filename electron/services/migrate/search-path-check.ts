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

const TENANT_OBJECTS_SQL = `
WITH n AS (SELECT oid, nspname FROM pg_catalog.pg_namespace WHERE nspname OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.name[]))
SELECT DISTINCT n.nspname::text AS schema FROM n JOIN (
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
) o ON o.ns OPERATOR(pg_catalog.=) n.oid`;

/** Code in public a name could reach, which would run with a different path; and event triggers. */
const PUBLIC_CODE_SQL = `
WITH p AS (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname OPERATOR(pg_catalog.=) 'public'),
unsafe AS (
  SELECT f.oid FROM pg_catalog.pg_proc f JOIN pg_catalog.pg_language l ON l.oid OPERATOR(pg_catalog.=) f.prolang
   WHERE (l.lanname OPERATOR(pg_catalog.<>) ALL (ARRAY['c', 'internal']::pg_catalog.name[]) OR f.prokind OPERATOR(pg_catalog.=) 'a')
     AND NOT EXISTS (SELECT 1 FROM pg_catalog.unnest(f.proconfig) AS c (setting) WHERE c.setting OPERATOR(pg_catalog.~~) 'search\\_path=%')
)
SELECT pg_catalog.current_schemas(false) OPERATOR(pg_catalog.=) ARRAY['public']::pg_catalog.name[] AS session_public,
  EXISTS (SELECT 1 FROM pg_catalog.pg_event_trigger WHERE evtenabled OPERATOR(pg_catalog.<>) 'D') AS event_trigger,
  (SELECT pg_catalog.string_agg(what, ', ') FROM (
     SELECT pg_catalog.concat('function ', proname) AS what FROM pg_catalog.pg_proc WHERE pronamespace OPERATOR(pg_catalog.=) (SELECT oid FROM p) AND proname OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.name[]) AND oid IN (SELECT oid FROM unsafe)
     UNION ALL SELECT pg_catalog.concat('operator ', oprname) FROM pg_catalog.pg_operator WHERE oprnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM p) AND oprname OPERATOR(pg_catalog.=) ANY ($2::pg_catalog.name[]) AND oprcode IN (SELECT oid FROM unsafe)
     UNION ALL SELECT pg_catalog.concat('type ', typname) FROM pg_catalog.pg_type t WHERE typnamespace OPERATOR(pg_catalog.=) (SELECT oid FROM p) AND typname OPERATOR(pg_catalog.=) ANY ($1::pg_catalog.name[])
       AND (typtype OPERATOR(pg_catalog.=) ANY (ARRAY['d', 'r', 'm']::pg_catalog.char[]) OR typinput IN (SELECT oid FROM unsafe) OR typoutput IN (SELECT oid FROM unsafe)
            OR typreceive IN (SELECT oid FROM unsafe) OR typsend IN (SELECT oid FROM unsafe)
            OR EXISTS (SELECT 1 FROM pg_catalog.pg_cast k WHERE (k.castsource OPERATOR(pg_catalog.=) t.oid OR k.casttarget OPERATOR(pg_catalog.=) t.oid) AND k.castfunc IN (SELECT oid FROM unsafe)))
  ) x) AS public_code`;

/** Reads the facts for `schemas` (the tenants to run, the template among them when it runs). */
export async function readSearchPathFacts(db: pg.Pool | pg.ClientBase, plan: Extract<SearchPathPlan, { free: true }>, schemas: readonly string[]): Promise<SearchPathFacts> {
  const [objects, code] = await Promise.all([
    db.query<{ schema: string }>(TENANT_OBJECTS_SQL, [schemas, plan.names, plan.operators]),
    db.query<{ session_public: boolean; event_trigger: boolean; public_code: string | null }>(PUBLIC_CODE_SQL, [plan.names, plan.operators]),
  ]);
  const row = code.rows[0];
  const keep = new Set(objects.rows.map((r) => r.schema));
  const keepAll = row?.event_trigger === true ? 'an event trigger is enabled' : row?.public_code ? `public has ${row.public_code}` : row === undefined ? 'no answer' : undefined;
  return { ...(keepAll !== undefined ? { keepAll } : {}), keep, sessionPublic: row?.session_public === true };
}
