/**
 * Fingerprints many schemas in a few catalog queries and groups a template's
 * tenants into cohorts (core/fleet/census.ts). The API other areas build on
 * (tenantry migrate): takeCensus(db, { template }) → cohorts with members.
 */
import type pg from 'pg';
import type { VerifyResult } from '../../../core/api/contract.js';
import { TenantryError } from '../../../core/errors.js';
import { combineFingerprint, describeCensus, groupCohorts, type Cohort, type KindHashes } from '../../../core/fleet/census.js';
import { buildFingerprintSql, FINGERPRINT_KINDS, type FingerprintKind } from '../../../core/fleet/fingerprint-sql.js';
import { buildRawKeyStreamSql } from '../../../core/fleet/raw-key-sql.js';
import { buildFingerprintUpdateSql } from '../../../core/fleet/register-sql.js';
import { buildExternalRefsSql, buildGlobalStampSql, buildStampSql, CENSUS_KEYS_FORGET_SQL, CENSUS_KEYS_READ_SQL, CENSUS_KEYS_TABLE, CENSUS_KEYS_WRITE_SQL } from '../../../core/fleet/stamp-sql.js';
import { sha256Hex } from '../../../core/snapshot/sha256.js';
import type { SnapshotCarries } from '../../../core/verify/snapshot-carries.js';
import { verifyTenantWith } from '../verify/verify-tenant.js';
import { readRawKeys } from './raw-keys.js';
import { readRegister } from './register.js';

/** Schemas per fingerprint query: a few queries for 10,000 tenants, each with bounded memory. */
const CHUNK = 2500;

/** Per-kind hashes of `schemas` by the full fingerprint query (absent schemas are missing from the map). */
export async function readFingerprints(client: pg.ClientBase, schemas: readonly string[], kinds: readonly FingerprintKind[] = FINGERPRINT_KINDS): Promise<Map<string, KindHashes>> {
  return inCatalogSnapshot(client, () => fingerprintChunks(client, schemas, kinds));
}

/** Runs `fn` in a read-only transaction with an empty search_path (every name PostgreSQL prints is then qualified). */
async function inCatalogSnapshot<T>(client: pg.ClientBase, fn: () => Promise<T>, snapshot?: string): Promise<T> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    // A helper reads the catalog as of the leader's snapshot (pg_export_snapshot), so both halves see one state.
    if (snapshot !== undefined) await client.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`);
    // JIT only adds compile time to a catalog query; hash joins over the catalog want more than the default work_mem.
    // No merge joins: the planner, misled by the CTEs' row estimates, sorted every column line (by type, then again by
    // relation, spilling to disk) to merge-join the key pass's small lookups (own_types, defs); hash
    // joins read each once. Key pass at 1,000 x 20: 5.4 s of backend CPU with merge joins, 4.75 s without (medians of
    // 5 alternated runs). No memoize: the key pass looks up each index's and trigger's own row (unique keys), so a cache
    // in front of the lookups only misses; at 10,000 x 20 the key pass of 5,000 schemas took 19.8-21.2 s of backend CPU
    // without it, 21.8-22.8 s with it (3 alternated pairs, load 4-5). (Servers before 14 have no such setting.)
    // How constants are printed (dates, intervals, time zones, floats, bytea) is pinned, so that keys kept by one
    // census compare with keys computed by the next whatever the session's settings (core/fleet/stamp-sql.ts).
    await client.query(
      "SELECT pg_catalog.set_config('search_path', '', true), pg_catalog.set_config('jit', 'off', true), pg_catalog.set_config('work_mem', '64MB', true), pg_catalog.set_config('enable_mergejoin', 'off', true), CASE WHEN pg_catalog.current_setting('enable_memoize', true) IS NOT NULL THEN pg_catalog.set_config('enable_memoize', 'off', true) END, " +
        "pg_catalog.set_config('DateStyle', 'ISO, MDY', true), pg_catalog.set_config('IntervalStyle', 'postgres', true), pg_catalog.set_config('TimeZone', 'UTC', true), pg_catalog.set_config('extra_float_digits', '1', true), " +
        "pg_catalog.set_config('bytea_output', 'hex', true), pg_catalog.set_config('quote_all_identifiers', 'off', true), pg_catalog.set_config('standard_conforming_strings', 'on', true)",
    );
    return await fn();
  } finally {
    await client.query('ROLLBACK');
  }
}

/** Below this many schemas the key pass stays on one connection (a second backend's start costs more than it saves). */
export const SPLIT_MIN_SCHEMAS = 1000;

/**
 * Raw keys of `schemas`, the second half read by `helper` (another backend, in the same snapshot) at the same time as
 * the first: the key pass is CPU-bound in the server, one backend per core. Without a helper, or below `splitAt`
 * schemas, one query on `client`.
 */
async function readRawKeysSplit(client: pg.ClientBase, schemas: readonly string[], privileges: boolean, helper: pg.ClientBase | undefined, splitAt: number): Promise<{ schema: string; key: string }[]> {
  return splitAcross(client, helper, schemas, splitAt, (c, part) => readRawKeys(c, part, privileges));
}

/** `read` over `schemas`, the second half on `helper` in the same snapshot when there are at least `splitAt` of them. */
async function splitAcross<T>(client: pg.ClientBase, helper: pg.ClientBase | undefined, schemas: readonly string[], splitAt: number, read: (c: pg.ClientBase, part: readonly string[]) => Promise<T[]>): Promise<T[]> {
  if (!helper || schemas.length < Math.max(2, splitAt)) return read(client, schemas);
  const half = Math.ceil(schemas.length / 2);
  const [first, second] = await alongside(client, helper, (c) => read(c, schemas.slice(0, half)), (h) => read(h, schemas.slice(half)));
  return [...first, ...second];
}

/** `here` on `client` and, at the same time, `there` on `helper` in the snapshot of `client`'s transaction. */
async function alongside<A, B>(client: pg.ClientBase, helper: pg.ClientBase, here: (c: pg.ClientBase) => Promise<A>, there: (h: pg.ClientBase) => Promise<B>): Promise<[A, B]> {
  const { rows } = await client.query<{ id: string }>('SELECT pg_catalog.pg_export_snapshot() AS id');
  return Promise.all([here(client), inCatalogSnapshot(helper, () => there(helper), rows[0]!.id)]);
}

/** A schema's key to keep in the bookkeeping schema, with the stamp it was computed at. */
export interface KeptKey {
  ns: string;
  stamp: string;
  key: string;
}

/** Where the keys of a census came from, and the keys it computed that may be kept for the next. */
export interface KeyReuse {
  /** Keys taken from the kept ones (their schemas' stamps unchanged). */
  reused: number;
  /** Keys computed by the key pass. */
  computed: number;
  /** The format the kept keys were looked up under (undefined: none could be read). */
  format?: string;
  /** Computed keys that may be kept (schemas whose key deparses nothing from outside the schema and the system). */
  keep: KeptKey[];
}

/**
 * Keys of `schemas`, reusing those kept by an earlier census (core/fleet/stamp-sql.ts) for every schema whose stamp is
 * unchanged, in the caller's catalog snapshot. Without a readable keys table, the key pass over all of them.
 */
async function readKeysReusing(client: pg.ClientBase, schemas: readonly string[], privileges: boolean, helper: pg.ClientBase | undefined, splitAt: number): Promise<{ rows: { schema: string; key: string }[]; reuse: KeyReuse }> {
  const { rows: can } = await client.query<{ ok: boolean; version: number }>(
    `SELECT pg_catalog.to_regclass('${CENSUS_KEYS_TABLE}') IS NOT NULL AND pg_catalog.has_table_privilege('${CENSUS_KEYS_TABLE}', 'SELECT') AS ok, pg_catalog.current_setting('server_version_num')::int AS version`,
  );
  if (can[0]?.ok !== true) return readKeysAfresh(client, schemas, privileges, helper, splitAt);
  const { rows: global } = await client.query<{ stamp: string }>(buildGlobalStampSql());
  // The key's own SQL is part of the format: a Tenantry that computes keys differently reuses none of these.
  const format = sha256Hex([global[0]!.stamp, String(privileges), buildRawKeyStreamSql({ privileges, serverVersionNum: can[0].version }), buildStampSql()].join('\n'));
  const stamps = await splitAcross(client, helper, schemas, splitAt, async (c, part) => (await c.query<{ schema: string; ns: string; stamp: string }>(buildStampSql(), [part])).rows);
  const { rows: kept } = await client.query<KeptKey>(CENSUS_KEYS_READ_SQL, [stamps.map((s) => s.ns), format]);
  const keptBy = new Map(kept.map((k) => [k.ns, k]));
  const rows: { schema: string; key: string }[] = [];
  const misses: typeof stamps = [];
  for (const s of stamps) {
    const k = keptBy.get(s.ns);
    if (k && k.stamp === s.stamp) rows.push({ schema: s.schema, key: k.key });
    else misses.push(s);
  }
  const keep: KeptKey[] = [];
  if (misses.length > 0) {
    const names = misses.map((m) => m.schema);
    const readExternal = async (c: pg.ClientBase, part: readonly string[]) => (await c.query<{ schema: string }>(buildExternalRefsSql(), [part])).rows;
    let computed: { schema: string; key: string }[];
    let externalRows: { schema: string }[];
    if (helper && names.length < Math.max(2, splitAt)) {
      // Too few to split the key pass: the helper finds the external references meanwhile, in the same snapshot (at
      // 10,000 x 20 with 100 tenants changed, ~0.5 s of the census's wall time).
      [computed, externalRows] = await alongside(client, helper, (c) => readRawKeys(c, names, privileges), (h) => readExternal(h, names));
    } else {
      computed = await readRawKeysSplit(client, names, privileges, helper, splitAt);
      externalRows = await splitAcross(client, helper, names, splitAt, readExternal);
    }
    const external = new Set(externalRows.map((r) => r.schema));
    const missBy = new Map(misses.map((m) => [m.schema, m]));
    for (const r of computed) {
      rows.push(r);
      const m = missBy.get(r.schema)!;
      if (!external.has(r.schema)) keep.push({ ns: m.ns, stamp: m.stamp, key: r.key });
    }
  }
  return { rows, reuse: { reused: stamps.length - misses.length, computed: misses.length, format, keep } };
}

/** Keys of `schemas` by the key pass over all of them (no kept key read or kept). */
async function readKeysAfresh(client: pg.ClientBase, schemas: readonly string[], privileges: boolean, helper: pg.ClientBase | undefined, splitAt: number): Promise<{ rows: { schema: string; key: string }[]; reuse: KeyReuse }> {
  const rows = await readRawKeysSplit(client, schemas, privileges, helper, splitAt);
  return { rows, reuse: { reused: 0, computed: rows.length, keep: [] } };
}

/**
 * Keeps `reuse.keep` for the next census, in OID order (two censuses writing at once take the rows' locks in one
 * order), and forgets the keys of schemas dropped since. Nothing the census reports depends on it: a role that may not
 * write the table, a read-only server or any other failure leaves the next census to compute those keys.
 */
async function keepKeys(db: pg.Pool, reuse: KeyReuse): Promise<void> {
  if (reuse.keep.length === 0 || reuse.format === undefined) return;
  const keep = [...reuse.keep].sort((a, b) => Number(a.ns) - Number(b.ns));
  try {
    await db.query(CENSUS_KEYS_WRITE_SQL, [keep.map((k) => k.ns), keep.map((k) => k.stamp), keep.map((k) => k.key), reuse.format]);
    await db.query(CENSUS_KEYS_FORGET_SQL);
  } catch {
    // The keys are not kept: the next census computes them.
  }
}

/**
 * Per-kind hashes of `schemas` in two passes (core/fleet/raw-key-sql.ts): a key per schema from raw catalog columns in one
 * query, then the full fingerprint of one schema per distinct key (and of every schema in `always`), given to every
 * schema with that key. Equal keys imply equal fingerprints, so the result equals readFingerprints over all schemas.
 * With `helper` (a second connection to the same database), the key pass is split between the two backends, both
 * reading one snapshot of the catalog; `splitAt` (default SPLIT_MIN_SCHEMAS) is the fewest schemas worth splitting.
 */
export async function readFingerprintsByKey(
  client: pg.ClientBase,
  schemas: readonly string[],
  options: { kinds?: readonly FingerprintKind[]; always?: readonly string[]; helper?: pg.ClientBase; splitAt?: number; reuse?: boolean } = {},
): Promise<{ hashes: Map<string, KindHashes>; keys: Map<string, string>; classes: number; reuse: KeyReuse }> {
  const kinds = options.kinds ?? FINGERPRINT_KINDS;
  return inCatalogSnapshot(client, async () => {
    const privileges = kinds.includes('privileges');
    const splitAt = options.splitAt ?? SPLIT_MIN_SCHEMAS;
    const { rows, reuse } = options.reuse === true ? await readKeysReusing(client, schemas, privileges, options.helper, splitAt) : await readKeysAfresh(client, schemas, privileges, options.helper, splitAt);
    const byKey = new Map<string, string[]>();
    for (const r of rows) {
      const members = byKey.get(r.key);
      if (members) members.push(r.schema);
      else byKey.set(r.key, [r.schema]);
    }
    const present = new Set(rows.map((r) => r.schema));
    const representatives = new Set((options.always ?? []).filter((s) => present.has(s)));
    for (const members of byKey.values()) if (!members.some((m) => representatives.has(m))) representatives.add(members[0]!);
    const full = await fingerprintChunks(client, [...representatives], kinds);
    const hashes = new Map<string, KindHashes>();
    for (const members of byKey.values()) {
      const rep = members.find((m) => full.has(m));
      for (const m of members) hashes.set(m, full.get(m) ?? full.get(rep!) ?? {});
    }
    return { hashes, keys: new Map(rows.map((r) => [r.schema, r.key])), classes: byKey.size, reuse };
  });
}

/** The full fingerprint query over `schemas`, CHUNK at a time (inside a catalog snapshot). */
async function fingerprintChunks(client: pg.ClientBase, schemas: readonly string[], kinds: readonly FingerprintKind[]): Promise<Map<string, KindHashes>> {
  const out = new Map<string, KindHashes>();
  const sql = buildFingerprintSql(kinds);
  for (let i = 0; i < schemas.length; i += CHUNK) {
    const chunk = schemas.slice(i, i + CHUNK);
    const { rows: present } = await client.query<{ nspname: string }>('SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname = ANY($1::text[])', [chunk]);
    for (const r of present) out.set(r.nspname, {});
    const { rows } = await client.query<{ schema: string; kind: FingerprintKind; hash: string }>(sql, [chunk]);
    for (const r of rows) {
      const entry = out.get(r.schema);
      if (entry) entry[r.kind] = r.hash;
    }
  }
  return out;
}

export interface CensusOptions {
  template: string;
  /** The tenants to take (default: the register's tenants of `template`). */
  tenants?: readonly string[];
  /** Compare owners-normalised privileges too (default true). */
  privileges?: boolean;
  /** Store each tenant's fingerprint in the register (default false; skipped when the role may not write it). */
  record?: boolean;
  /**
   * Reuse the keys an earlier census kept for schemas whose catalog rows are unchanged, and keep the keys computed now
   * (default true; core/fleet/stamp-sql.ts). False computes every key afresh and keeps none.
   */
  reuseKeys?: boolean;
}

export interface CensusResult {
  template: string;
  templateFingerprint: string;
  kinds: FingerprintKind[];
  /** Tenants counted (present in the catalog). */
  tenants: number;
  cohorts: Cohort[];
  /** Register tenants whose schema no longer exists (dropped outside Tenantry). */
  missing: string[];
  summary: string;
  /** How many keys (one per schema, the template's too) came from an earlier census and how many were computed. */
  keys: { reused: number; computed: number };
  elapsedMs: number;
}

/** Fingerprints the template and its tenants and groups them into cohorts. */
export async function takeCensus(db: pg.Pool, options: CensusOptions): Promise<CensusResult> {
  const started = performance.now();
  const kinds = options.privileges === false ? FINGERPRINT_KINDS.filter((k) => k !== 'privileges') : [...FINGERPRINT_KINDS];
  const register = await readRegister(db, { template: options.template });
  const tenants = options.tenants ? [...options.tenants] : register.map((r) => r.tenant);
  const snapshotOf = new Map(register.map((r) => [r.tenant, r.snapshotLabel ?? r.snapshotChecksum?.slice(0, 12)]));
  const schemas = [options.template, ...tenants.filter((t) => t !== options.template)];
  const client = await db.connect();
  // A second backend for the key pass when the fleet is large enough to gain from it and the pool has one free now
  // (never wait for one: a caller may hold the pool's other connection while it takes the census).
  const free = db.idleCount > 0 || db.totalCount < (db.options.max ?? 10);
  const helper = schemas.length >= SPLIT_MIN_SCHEMAS && free ? await db.connect() : undefined;
  let hashes: Map<string, KindHashes>;
  let reuse: KeyReuse;
  try {
    ({ hashes, reuse } = await readFingerprintsByKey(client, schemas, { kinds, always: [options.template], reuse: options.reuseKeys !== false, ...(helper ? { helper } : {}) }));
  } finally {
    // The backends have read thousands of schemas' catalog rows into their caches: end them rather than keep them in the pool.
    client.release(true);
    helper?.release(true);
  }
  await keepKeys(db, reuse);
  const templateHashes = hashes.get(options.template);
  if (!templateHashes) throw new TenantryError('SCHEMA_NOT_FOUND', `Template schema "${options.template}" does not exist in this database. Names are case-sensitive; run \`tenantry schemas\` to list them.`);
  hashes.delete(options.template);
  const missing = tenants.filter((t) => t !== options.template && !hashes.has(t));
  const cohorts = groupCohorts({ template: options.template, templateHashes, tenants: hashes, snapshotOf, kinds });
  if (options.record === true && hashes.size > 0) {
    const fingerprints = [...hashes].map(([tenant, h]) => ({ tenant, fingerprint: combineFingerprint(h, kinds) }));
    // A role that may read but not write the register still gets its census.
    await db.query(buildFingerprintUpdateSql(fingerprints)).catch((error: unknown) => {
      if ((error as { code?: string }).code !== '42501') throw error;
    });
  }
  return {
    template: options.template,
    templateFingerprint: combineFingerprint(templateHashes, kinds),
    kinds,
    tenants: hashes.size,
    cohorts,
    missing,
    summary: describeCensus(cohorts),
    keys: { reused: reuse.reused, computed: reuse.computed },
    elapsedMs: Math.round(performance.now() - started),
  };
}

/** A cohort's differences from the template: the verify comparison run on one representative (or every member listed). */
export async function describeCohort(db: pg.Pool, options: { template: string; cohort: Pick<Cohort, 'members'>; carries?: SnapshotCarries; all?: boolean }): Promise<VerifyResult[]> {
  const members = options.all === true ? options.cohort.members : options.cohort.members.slice(0, 1);
  const client = await db.connect();
  try {
    const results: VerifyResult[] = [];
    for (const tenant of members) results.push(await verifyTenantWith(client, { template: options.template, tenant, ...(options.carries ? { carries: options.carries } : {}) }));
    return results;
  } finally {
    client.release();
  }
}
