/**
 * The warm pool: spare tenants built ahead of time from the current snapshot,
 * under reserved names (`_tenantry_spare_<checksum8>_<n>`) and without the
 * snapshot's grants, so the application's roles cannot use them. Claiming one
 * is a single short transaction: lock a spare's bookkeeping row with FOR UPDATE
 * SKIP LOCKED, rename its schema to the tenant's name, rewrite what stores the
 * schema name as text (core/pool/claim-plan.ts), apply the grants, delete the
 * row, commit. Filling builds one spare per transaction, so a spare is either
 * complete and registered or absent.
 *
 * Ownership: the pool belongs to one snapshot (`pool_config.owner_checksum`),
 * set by the fill that builds it. A fill for another snapshot does nothing
 * unless asked to replace the pool (`replace`, a confirmed action in the CLI
 * and the app): spares someone else built are never dropped in passing.
 *
 * "Invisible" means: no role other than the owner (and superusers) has any
 * privilege on a spare schema or the `_tenantry` schema — the snapshot's
 * GRANTs are not run, and what database-wide default privileges grant on new
 * schemas is revoked and kept in `withheld_acl` to be granted back at claim —
 * so the application cannot read, write or resolve names in them (permission
 * denied), they are not on anyone's search_path, and information_schema does
 * not list the schemas. Their names are still in pg_namespace and pg_class,
 * which every role can read (PostgreSQL has no per-row catalog visibility), so
 * psql's \dn shows them; Tenantry's own listings hide the reserved prefix.
 * Table-level grants that database-wide default privileges put on new tables
 * stay on a spare's tables (a fresh tenant gets them too); they are useless
 * without USAGE on the schema, but information_schema.tables lists such
 * tables to their grantee.
 *
 * On a Citus coordinator a spare is placed like the tenant it becomes: a
 * distributed schema by default, or kept on the coordinator when the pool was
 * filled with `placement: 'local'` (the CLI's --local). Each spare's row
 * records its placement, the pool records the placement it is filled with
 * (background refills keep it), and a claim takes only a spare of the
 * placement it asks for, so --local never hands out a distributed tenant and
 * the default never hands out a local one.
 */
import type pg from 'pg';
import { TenantryError } from '../../../core/errors.js';
import { planClaim, renderPieces, type ClaimPlan } from '../../../core/pool/claim-plan.js';
import { formatSpareName, POOL_SCHEMA, SPARE_PREFIX } from '../../../core/pool/spare-name.js';
import { buildSessionPreamble } from '../../../core/provision/session-preamble.js';
import { buildProvisionLimitsSql, DEFAULT_LOCK_TIMEOUT_MS } from '../../../core/provision/provision-limits.js';
import { validateTenantName } from '../../../core/tenant/tenant-name.js';
import { buildTenantLockSql, TENANT_EXISTS_MARKER } from '../../../core/provision/tenant-guard.js';
import { planProvisionLocks } from '../provision/lock-budget.js';
import { freshFromPool, isConnectionLost, settleLostTenant } from '../provision/lost-connection.js';
import { quoteIdentifier, quoteLiteral } from '../../../core/sql/quote.js';
import { buildWithholdSql, pickDollarTag } from '../../../core/pool/withhold-sql.js';
import { buildRegisterInsertSql } from '../../../core/fleet/register-sql.js';
import { ensureRegister } from '../fleet/register.js';
import { formatPgError } from '../errors/pg-error.js';
import { POOL_EMPTY_MARKER, toClaimError } from './pool-errors.js';
import { buildCitusTenantSql, type CitusPlacement } from '../../../core/citus/tenant-sql.js';
import { readCitusFacts } from '../citus/citus-target.js';
import { runStatementsOneByOne } from '../citus/run-statements.js';

/**
 * Runs a multi-statement text as one query, or one statement per query on a Citus node (Citus propagates DDL
 * with the text of the query that ran it: see citus/run-statements.ts). Returns every statement's result.
 */
async function runPoolSql(db: pg.Pool, client: pg.PoolClient, sql: string): Promise<pg.QueryResult[]> {
  if ((await readCitusFacts(db, undefined, client)).installed) return runStatementsOneByOne(client, sql);
  const result = (await client.query(sql)) as unknown as pg.QueryResult | pg.QueryResult[];
  return Array.isArray(result) ? result : [result];
}

/** What the pool needs of a snapshot (see toPoolSnapshot in warm-pool-snapshot.ts). */
export interface PoolSnapshot {
  /** SHA-256 of the snapshot body, hex. */
  checksum: string;
  /** The body in placeholder form. */
  body: string;
  placeholder: string;
  /** The text replacing the placeholder occurrence at `offset` of the body, for schema `name` (quoted and escaped for its context). */
  nameAt(offset: number, name: string): string;
  /** The snapshot's own verdict: the occurrence at `offset` keeps the name as text in the catalog. */
  storedAsText?(offset: number): boolean;
  /** Settings pg_dump's preamble set (check_function_bodies = false, …), applied with SET LOCAL. */
  sessionSettings?: Record<string, string>;
  /** Schemas no tenant may be named (the snapshot's template schema). */
  protectedNames?: readonly string[];
  /** The template schema the snapshot was taken from, recorded with the pool so that drop refuses it, and in the register with each claimed tenant. */
  templateSchema?: string;
  /** The snapshot's name in the tenant register (a file or saved name). */
  label?: string;
}

/** Renders planned body pieces for a schema name. */
function renderFor(snapshot: PoolSnapshot, pieces: Parameters<typeof renderPieces>[2], name: string): string {
  return renderPieces(snapshot.body, snapshot.placeholder, pieces, (offset) => snapshot.nameAt(offset, name));
}

/** SET LOCAL for the snapshot's session settings (the same preamble provisioning uses). */
function sessionSettingsSql(snapshot: PoolSnapshot): string {
  return buildSessionPreamble(snapshot.sessionSettings);
}

export interface SpareInfo {
  schema: string;
  checksum: string;
  builtAt: Date;
  /** Where it was built on a Citus coordinator (absent elsewhere, and for a spare built before placement was recorded: distributed). */
  placement?: CitusPlacement;
  /** Its schema is gone (dropped by hand): the row is dropped by the next fill and never claimed. */
  missing?: boolean;
}

export interface PoolStatus {
  target: number;
  /**
   * The snapshot the pool belongs to: the recorded owner, else (a pool from
   * before ownership was recorded, or one emptied while being built) the
   * snapshot of its newest spare; null when it belongs to none.
   */
  owner: string | null;
  /** On a Citus coordinator: the placement the pool is filled with (set by a fill given one; refills keep it). */
  placement?: CitusPlacement;
  /** Spares built from the given snapshot (claimable), and of the given placement when one is given. */
  ready: SpareInfo[];
  /** Spares of other snapshots or placements, and rows whose schema was dropped by hand (dropped by the next fill). */
  stale: SpareInfo[];
}

export interface ClaimResult {
  tenant: string;
  spare: string;
  /** Wall time of the claim transaction in milliseconds. */
  ms: number;
}

const SPARES = `${quoteIdentifier(POOL_SCHEMA)}.pool_spares`;
const CONFIG = `${quoteIdentifier(POOL_SCHEMA)}.pool_config`;
/** Whether the spare row `s` still has its schema (one dropped by hand is never claimed, and the next fill removes its row). */
const SPARE_PRESENT = 'EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.nspname = s.schema_name)';

/**
 * The condition on spare row `s` that it has `placement` (none on a target that is no Citus coordinator). A row
 * from before placement was recorded counts as distributed: on a coordinator, spares were built distributed.
 * Read through to_jsonb so that a bookkeeping table of the older shape is read, not refused.
 */
function placementCondition(placement: CitusPlacement | undefined): string {
  if (placement === undefined) return 'true';
  const stored = `(pg_catalog.to_jsonb(s) ->> 'placement')`;
  return placement === 'local' ? `${stored} = 'local'` : `${stored} IS DISTINCT FROM 'local'`;
}

/** Whether the spares of `db` are placed at all: it is a Citus coordinator (read once per pool). */
async function isCoordinator(db: pg.Pool, held?: pg.PoolClient): Promise<boolean> {
  const facts = await readCitusFacts(db, undefined, held);
  return facts.installed && facts.role === 'coordinator';
}

/** The placement a claim or fill on `db` asks for: `asked` or the default (distributed) on a Citus coordinator, undefined elsewhere. */
export async function sparePlacementFor(db: pg.Pool, asked: CitusPlacement | undefined, held?: pg.PoolClient): Promise<CitusPlacement | undefined> {
  return (await isCoordinator(db, held)) ? (asked ?? 'distributed') : undefined;
}

/** Session advisory lock key that makes one filler per database. */
const FILL_LOCK = `pg_catalog.hashtextextended('tenantry:pool-fill', 0)`;


const plans = new Map<string, ClaimPlan>();

/** The build/claim plan of a snapshot, computed once per checksum. */
export function getClaimPlan(snapshot: PoolSnapshot): ClaimPlan {
  let plan = plans.get(snapshot.checksum);
  if (!plan) {
    plan = planClaim(snapshot.body, snapshot.placeholder, snapshot.storedAsText ? { storedAsText: (offset) => snapshot.storedAsText!(offset) } : {});
    if (plans.size > 16) plans.clear();
    plans.set(snapshot.checksum, plan);
  }
  return plan;
}

function assertPoolable(plan: ClaimPlan): void {
  if (plan.unsupported.length > 0) {
    throw new TenantryError(
      'POOL_UNSUPPORTED',
      `This snapshot cannot be used with the warm pool: ${plan.unsupported.length} statement(s) store the schema name as text in a way a claim cannot rewrite. Provision tenants directly instead.`,
      { detail: plan.unsupported.map((u) => `line ${u.line}: ${u.excerpt} (${u.reason})`).join('\n') },
    );
  }
}

/** Creates the `_tenantry` bookkeeping schema and tables when missing; no other role gets access. */
export async function ensurePoolSchema(db: pg.Pool): Promise<void> {
  // The tenant register lives next to the pool; claims write it (and publish's create_tenant calls register_tenant).
  await ensureRegister(db);
  const exists = await db.query(
    // The columns added later (a bookkeeping schema from before lacks them).
    `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = pg_catalog.to_regclass(${quoteLiteral(CONFIG)}) AND attname = 'owner_checksum' AND NOT attisdropped)
        AND EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = pg_catalog.to_regclass(${quoteLiteral(SPARES)}) AND attname = 'placement' AND NOT attisdropped) AS ok`,
  );
  if ((exists.rows[0] as { ok: boolean }).ok) return;
  const client = await db.connect();
  let broken = false;
  try {
    // On Citus the bookkeeping schema stays a plain schema on the coordinator, whatever citus.enable_schema_based_sharding says.
    const citus = (await readCitusFacts(db, undefined, client)).installed;
    await runPoolSql(db, client, `BEGIN;
${citus ? 'SET LOCAL citus.enable_schema_based_sharding = off;\n' : ''}SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('tenantry:pool-schema', 0));
CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(POOL_SCHEMA)};
${buildWithholdSql(POOL_SCHEMA)}
CREATE TABLE IF NOT EXISTS ${SPARES} (
  schema_name name PRIMARY KEY,
  snapshot_checksum text NOT NULL,
  built_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
  -- Schema privileges a fresh CREATE SCHEMA got from default privileges, withheld from the spare and granted back at claim.
  withheld_acl aclitem[]
);
CREATE INDEX IF NOT EXISTS pool_spares_checksum_idx ON ${SPARES} (snapshot_checksum, built_at);
CREATE SEQUENCE IF NOT EXISTS ${quoteIdentifier(POOL_SCHEMA)}.spare_number;
CREATE TABLE IF NOT EXISTS ${CONFIG} (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  target integer NOT NULL CHECK (target >= 0)
);
INSERT INTO ${CONFIG} (target) VALUES (0) ON CONFLICT DO NOTHING;
-- Which snapshot the pool belongs to (added after the first release: a pool made before gets the snapshot of its newest spare).
ALTER TABLE ${CONFIG} ADD COLUMN IF NOT EXISTS owner_checksum text;
UPDATE ${CONFIG} SET owner_checksum = (SELECT s.snapshot_checksum FROM ${SPARES} s ORDER BY s.built_at DESC, s.schema_name DESC LIMIT 1) WHERE owner_checksum IS NULL;
-- The owning snapshot's template schema: drop refuses it (a pool's template is no tenant).
ALTER TABLE ${CONFIG} ADD COLUMN IF NOT EXISTS owner_template text;
-- On a Citus coordinator: the placement fills use (NULL: the default, distributed) and each spare's (NULL elsewhere).
ALTER TABLE ${CONFIG} ADD COLUMN IF NOT EXISTS owner_placement text CHECK (owner_placement IN ('distributed', 'local'));
ALTER TABLE ${SPARES} ADD COLUMN IF NOT EXISTS placement text CHECK (placement IN ('distributed', 'local'));
COMMIT;`);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw new TenantryError('PG_QUERY_FAILED', `Creating or updating the warm pool's bookkeeping schema ${POOL_SCHEMA} failed. The role needs CREATE on the database (and to own ${POOL_SCHEMA} when it exists).`, { detail: formatPgError(error), cause: error });
  } finally {
    client.release(broken ? true : undefined);
  }
}

/** Sets how many spares the pool keeps. */
export async function setPoolTarget(db: pg.Pool, target: number): Promise<void> {
  if (!Number.isInteger(target) || target < 0 || target > 10_000) {
    throw new TenantryError('USAGE', `The pool size must be a whole number from 0 to 10000 (got ${target}).`);
  }
  await ensurePoolSchema(db);
  await db.query(`UPDATE ${CONFIG} SET target = ${target}`);
}

/** Whether the warm pool's bookkeeping table exists in the database (looks only). */
export async function hasPoolSchema(db: pg.Pool): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>(`SELECT pg_catalog.to_regclass(${quoteLiteral(CONFIG)}) IS NOT NULL AS ok`);
  return rows[0]?.ok === true;
}

/**
 * The pool's target size and its spares, split into those of `checksum` (and of `placement`, when given: spares of
 * the other placement are stale) and stale ones.
 */
export async function readPoolStatus(db: pg.Pool, checksum?: string, placement?: CitusPlacement): Promise<PoolStatus> {
  // Looking creates the bookkeeping when there is none, but leaves an older table shape to the next fill (read via to_jsonb either way).
  if (!(await hasPoolSchema(db))) await ensurePoolSchema(db);
  const config = await db.query(`SELECT c.target, pg_catalog.to_jsonb(c) ->> 'owner_checksum' AS owner, pg_catalog.to_jsonb(c) ->> 'owner_placement' AS placement FROM ${CONFIG} c`);
  const { rows } = await db.query(
    `SELECT s.schema_name, s.snapshot_checksum, s.built_at, ${SPARE_PRESENT} AS present, pg_catalog.to_jsonb(s) ->> 'placement' AS placement FROM ${SPARES} s ORDER BY s.built_at, s.schema_name`,
  );
  const spares = (rows as { schema_name: string; snapshot_checksum: string; built_at: Date; present: boolean; placement: CitusPlacement | null }[]).map((r) => ({
    schema: r.schema_name,
    checksum: r.snapshot_checksum,
    builtAt: r.built_at,
    ...(r.placement !== null ? { placement: r.placement } : {}),
    ...(r.present ? {} : { missing: true }),
  }));
  const placedAsAsked = (s: SpareInfo): boolean => placement === undefined || (s.placement ?? 'distributed') === placement;
  const usable = (s: SpareInfo): boolean => s.missing !== true && (checksum === undefined || s.checksum === checksum) && placedAsAsked(s);
  const row = config.rows[0] as { target: number; owner: string | null; placement: CitusPlacement | null } | undefined;
  return {
    target: row?.target ?? 0,
    owner: row?.owner ?? spares.at(-1)?.checksum ?? null,
    ...(row?.placement != null ? { placement: row.placement } : {}),
    ready: spares.filter(usable),
    stale: spares.filter((s) => !usable(s)),
  };
}

/**
 * How many claimable spares of `checksum` the database holds: 0 when it has no warm pool or the role cannot
 * read it (such a role could not claim either). Looks only, creates nothing (unlike readPoolStatus). A hint
 * for batches: the claims themselves are what is concurrency-safe.
 */
export async function countReadySpares(db: pg.Pool, checksum: string, placement?: CitusPlacement): Promise<number> {
  try {
    const exists = await db.query<{ ok: boolean }>(`SELECT pg_catalog.to_regclass(${quoteLiteral(SPARES)}) IS NOT NULL AS ok`);
    if (exists.rows[0]?.ok !== true) return 0;
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${SPARES} s WHERE s.snapshot_checksum = $1 AND ${SPARE_PRESENT} AND ${placementCondition(await sparePlacementFor(db, placement))}`, [checksum]);
    return rows[0]?.n ?? 0;
  } catch {
    return 0;
  }
}

/** A spare is built like a tenant: never waiting forever behind another session's lock (pg_dump's lock_timeout = 0). */
const SPARE_LIMITS_SQL = buildProvisionLimitsSql({ lockTimeoutMs: DEFAULT_LOCK_TIMEOUT_MS, serverMajor: 0 });

/** Builds one spare in its own transaction (on a Citus coordinator with `placement`, default distributed) and registers it; returns its schema name. */
export async function buildSpare(db: pg.Pool, snapshot: PoolSnapshot, placement?: CitusPlacement): Promise<string> {
  const plan = getClaimPlan(snapshot);
  assertPoolable(plan);
  const client = await db.connect();
  let ok = false;
  let released = false;
  try {
    const { rows } = await client.query(`SELECT pg_catalog.nextval(${quoteLiteral(`${quoteIdentifier(POOL_SCHEMA)}.spare_number`)}) AS n`);
    const spare = formatSpareName(snapshot.checksum, Number((rows[0] as { n: string }).n));
    // On a Citus coordinator spares are placed like the tenants claims turn them into (distributed unless asked local).
    const placed = await sparePlacementFor(db, placement, client);
    const rendered = renderFor(snapshot, plan.build, spare);
    const sql = placed !== undefined ? buildCitusTenantSql(rendered, placed) : rendered;
    try {
      await runPoolSql(db, client,
        `BEGIN;\n${sessionSettingsSql(snapshot)}${SPARE_LIMITS_SQL}${sql}\n;\n` +
          `INSERT INTO ${SPARES} (schema_name, snapshot_checksum, withheld_acl, placement) SELECT nspname, ${quoteLiteral(snapshot.checksum)}, nspacl, ${placed !== undefined ? quoteLiteral(placed) : 'NULL'} FROM pg_catalog.pg_namespace WHERE nspname = ${quoteLiteral(spare)};\n` +
          `${buildWithholdSql(spare)}\nCOMMIT;`,
      );
    } catch (error) {
      if (isConnectionLost(error)) {
        // COMMIT went with the build: whether the spare (and its row, same transaction) exists only the catalog knows.
        // The broken client goes first: a full pool would otherwise never hand out the fresh connection.
        const pid = (client as pg.PoolClient & { processID?: number }).processID;
        released = true;
        client.release(true);
        const outcome = await settleLostTenant(freshFromPool(db), { tenant: spare, commitMayHaveBeenSent: true, cause: error, ...(pid ? { backendPid: pid } : {}) });
        if (outcome.exists) return spare;
        throw outcome.error;
      }
      await client.query('ROLLBACK').catch(() => undefined);
      throw new TenantryError('PROVISION_FAILED', `Building the spare tenant ${spare} failed; nothing was kept.`, { detail: formatPgError(error), cause: error });
    }
    // The dump's session settings (search_path = '', …) must not outlive the build on a pooled connection.
    await client.query('RESET ALL');
    ok = true;
    return spare;
  } finally {
    if (!released) client.release(ok ? undefined : true);
  }
}

async function dropSpare(db: pg.Pool, schema: string): Promise<boolean> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const { rowCount } = await client.query(`DELETE FROM ${SPARES} WHERE schema_name = $1 AND schema_name IN (SELECT schema_name FROM ${SPARES} WHERE schema_name = $1 FOR UPDATE SKIP LOCKED)`, [schema]);
    if (rowCount) await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
    await client.query('COMMIT');
    return (rowCount ?? 0) > 0;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export interface FillResult {
  built: string[];
  dropped: string[];
  /** Another session was filling the pool; this call did nothing. */
  busy: boolean;
  /** The pool belongs to this other snapshot (checksum) and `replace` was not given; this call did nothing. */
  ownedBy?: string;
  /** The pool holds spares of this snapshot placed otherwise (this placement) than the fill asked, and `replace` was not given; this call did nothing. */
  placedOtherwise?: CitusPlacement;
}

export interface FillOptions {
  target?: number;
  signal?: AbortSignal;
  onBuilt?: (schema: string) => void;
  /**
   * The pool may belong to another snapshot: make it this snapshot's, dropping
   * the other snapshot's spares. Only for an explicit, confirmed request (the
   * CLI's `--replace --yes`, the app's confirmed "Replace pool"), never for
   * background upkeep.
   */
  replace?: boolean;
  /**
   * On a Citus coordinator: where spares go (the CLI's --local: `local`). Given, it becomes the pool's placement;
   * a pool holding spares placed otherwise is left as it is unless `replace` (result `placedOtherwise`). Not given
   * (background refills): the pool's own placement, else distributed. No effect elsewhere.
   */
  placement?: CitusPlacement;
}

/** The error for a fill that found the pool's spares placed otherwise than asked (on a Citus coordinator). */
export function placedOtherwiseError(placedAs: CitusPlacement, howToReplace: string): TenantryError {
  const where = (p: CitusPlacement) => (p === 'local' ? 'kept on the coordinator (filled with --local)' : 'distributed schemas on the workers');
  return new TenantryError(
    'POOL_OWNED_BY_OTHER_SNAPSHOT',
    `The warm pool's spares of this snapshot are ${where(placedAs)}, and this fill asked for ${where(placedAs === 'local' ? 'distributed' : 'local')}, so nothing was built or dropped. To drop them and rebuild the pool placed as asked: ${howToReplace}.`,
    { detail: `pool placement ${placedAs}` },
  );
}

/** The error for a fill that found the pool owned by another snapshot (for callers that report rather than skip). */
export function ownedByOtherError(owner: string, snapshotChecksum: string, spares: number, howToReplace: string): TenantryError {
  return new TenantryError(
    'POOL_OWNED_BY_OTHER_SNAPSHOT',
    `The warm pool belongs to another snapshot (${owner.slice(0, 12)}, ${spares} spare(s)), so nothing was built or dropped. To drop its spares and rebuild the pool from this snapshot: ${howToReplace}.`,
    { detail: `pool owner ${owner}; this snapshot ${snapshotChecksum}` },
  );
}

/**
 * Brings the pool to its target for this snapshot: makes it this snapshot's
 * (when it belongs to none, or `replace`), drops spares of other snapshots,
 * then builds spares one transaction at a time. A pool that belongs to
 * another snapshot is left as it is unless `replace` (result `ownedBy`).
 * One filler per database at a time (a session advisory lock); a second
 * caller returns busy.
 */
export async function fillPool(db: pg.Pool, snapshot: PoolSnapshot, options: FillOptions = {}): Promise<FillResult> {
  assertPoolable(getClaimPlan(snapshot));
  // Building a spare is one tenant's transaction: refuse before starting when the lock table cannot hold it.
  await planProvisionLocks(db, snapshot.body, 1, snapshot);
  await ensurePoolSchema(db);
  const lockClient = await db.connect();
  const result: FillResult = { built: [], dropped: [], busy: false };
  let lockLost = false;
  try {
    const { rows } = await lockClient.query(`SELECT pg_catalog.pg_try_advisory_lock(${FILL_LOCK}) AS ok`);
    if (!(rows[0] as { ok: boolean }).ok) return { ...result, busy: true };
    try {
      const owned = await readPoolStatus(db, snapshot.checksum);
      // Ownership is read and taken under the fill lock: no other filler can change it in between.
      if (owned.owner !== null && owned.owner !== snapshot.checksum && options.replace !== true) return { ...result, ownedBy: owned.owner };
      // The placement too: asked for, else the pool's own (a background refill keeps a --local pool local).
      const placement = await sparePlacementFor(db, options.placement ?? owned.placement, lockClient);
      if (placement !== undefined && options.replace !== true) {
        const other = owned.ready.find((s) => (s.placement ?? 'distributed') !== placement);
        if (other) return { ...result, placedOtherwise: other.placement ?? 'distributed' };
      }
      if (placement !== undefined && owned.placement !== placement) await db.query(`UPDATE ${CONFIG} SET owner_placement = $1`, [placement]);
      const status = placement !== undefined ? await readPoolStatus(db, snapshot.checksum, placement) : owned;
      if (status.owner !== snapshot.checksum) await db.query(`UPDATE ${CONFIG} SET owner_checksum = $1`, [snapshot.checksum]);
      if (snapshot.templateSchema !== undefined) await db.query(`UPDATE ${CONFIG} SET owner_template = $1 WHERE owner_template IS DISTINCT FROM $1`, [snapshot.templateSchema]);
      for (const spare of status.stale) {
        if (options.signal?.aborted) return result;
        if (await dropSpare(db, spare.schema)) result.dropped.push(spare.schema);
      }
      const target = options.target ?? status.target;
      for (let have = status.ready.length; have < target; have++) {
        if (options.signal?.aborted) return result;
        const spare = await buildSpare(db, snapshot, placement);
        result.built.push(spare);
        options.onBuilt?.(spare);
      }
      return result;
    } catch (error) {
      throw withFillProgress(error, result);
    } finally {
      // A session lock ends with its connection: when that is gone there is nothing to unlock.
      await lockClient.query(`SELECT pg_catalog.pg_advisory_unlock(${FILL_LOCK})`).catch(() => (lockLost = true));
    }
  } finally {
    lockClient.release(lockLost ? true : undefined);
  }
}

/** A fill that stopped says what it had done: the spares built and dropped before the failure are real. */
function withFillProgress(error: unknown, done: FillResult): unknown {
  if (done.built.length === 0 && done.dropped.length === 0) return error;
  const info = error instanceof TenantryError ? error : new TenantryError('PROVISION_FAILED', 'Filling the warm pool failed.', { detail: formatPgError(error), cause: error });
  const list = (names: string[]) => (names.length > 0 ? names.join(', ') : 'none');
  return new TenantryError(info.code, `${info.userMessage} Before that, the fill built ${done.built.length} spare(s) (${list(done.built)}) and dropped ${done.dropped.length} stale one(s) (${list(done.dropped)}).`, {
    ...(info.detail !== undefined ? { detail: info.detail } : {}),
    cause: error,
  });
}

/**
 * Drops spares (all, or only those of one snapshot) and returns their names.
 * Leaves the bookkeeping schema; a pool emptied of every spare belongs to no
 * snapshot any more (the next fill, of any snapshot, makes it its own).
 */
export async function emptyPool(db: pg.Pool, options: { checksum?: string } = {}): Promise<string[]> {
  const status = await readPoolStatus(db);
  const dropped: string[] = [];
  // Without a snapshot filter, rows whose schema was dropped by hand (in `stale`) go too.
  for (const spare of options.checksum ? status.ready : [...status.ready, ...status.stale]) {
    if (options.checksum && spare.checksum !== options.checksum) continue;
    if (await dropSpare(db, spare.schema)) dropped.push(spare.schema);
  }
  if (!options.checksum) {
    await ensurePoolSchema(db);
    await db.query(`UPDATE ${CONFIG} SET owner_checksum = NULL WHERE NOT EXISTS (SELECT 1 FROM ${SPARES})`);
  }
  return dropped;
}

const CLAIMED_SETTING = 'tenantry.claimed_spare';

/**
 * The whole claim as one simple query (one round trip): the tenant's advisory
 * lock, then a DO block that checks the name is free, takes the oldest free
 * spare of the snapshot (FOR UPDATE SKIP LOCKED: concurrent claims take
 * different spares, never wait for each other), deletes its row and renames
 * its schema; then the rewrites and grants rendered for the tenant; COMMIT.
 */
export function buildClaimSql(tenant: string, checksum: string, rewrites: string, settings = '', registerSql = '', placement?: CitusPlacement): string {
  const body = [
    'DECLARE spare name; r record;',
    'BEGIN',
    `  IF EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ${quoteLiteral(tenant)}) THEN`,
    `    RAISE EXCEPTION USING ERRCODE = 'duplicate_schema', MESSAGE = ${quoteLiteral(`${TENANT_EXISTS_MARKER} ${tenant}`)};`,
    '  END IF;',
    // A row whose schema was dropped by hand is passed over, so one bad row cannot block every claim.
    `  SELECT s.schema_name INTO spare FROM ${SPARES} s WHERE s.snapshot_checksum = ${quoteLiteral(checksum)} AND ${SPARE_PRESENT}${placement !== undefined ? ` AND ${placementCondition(placement)}` : ''}`,
    '    ORDER BY s.built_at, s.schema_name LIMIT 1 FOR UPDATE OF s SKIP LOCKED;',
    `  IF spare IS NULL THEN RAISE EXCEPTION USING ERRCODE = 'no_data_found', MESSAGE = ${quoteLiteral(POOL_EMPTY_MARKER)}; END IF;`,
    `  EXECUTE pg_catalog.format('ALTER SCHEMA %I RENAME TO %I', spare, ${quoteLiteral(tenant)});`,
    // Give back what default privileges gave a fresh schema (withheld while it was a spare).
    `  FOR r IN SELECT a.grantee, a.privilege_type, a.is_grantable FROM ${SPARES} s, pg_catalog.aclexplode(s.withheld_acl) a`,
    `           WHERE s.schema_name = spare AND a.grantee <> (SELECT nspowner FROM pg_catalog.pg_namespace WHERE nspname = ${quoteLiteral(tenant)}) LOOP`,
    `    EXECUTE pg_catalog.format('GRANT %s ON SCHEMA %I TO %s%s', r.privilege_type, ${quoteLiteral(tenant)},`,
    `      CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE r.grantee::regrole::text END, CASE WHEN r.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);`,
    '  END LOOP;',
    `  DELETE FROM ${SPARES} WHERE schema_name = spare;`,
    `  PERFORM pg_catalog.set_config(${quoteLiteral(CLAIMED_SETTING)}, spare, true);`,
    'END',
  ].join('\n');
  const tag = pickDollarTag(body);
  return [
    'BEGIN;',
    buildTenantLockSql(tenant),
    `DO ${tag}\n${body}\n${tag};`,
    // pg_dump writes bodies for a server that does not check them on creation; the claim re-creates them the same way.
    'SET LOCAL check_function_bodies = false;',
    settings,
    rewrites ? `${rewrites}\n;` : '',
    // The tenant register's row, in the claim's transaction.
    registerSql,
    `SELECT pg_catalog.current_setting(${quoteLiteral(CLAIMED_SETTING)}) AS spare;`,
    'COMMIT;',
  ].join('\n');
}

/**
 * The claim query for a tenant of this snapshot: buildClaimSql with the rewrites and grants rendered for the tenant;
 * `placement` (on a Citus coordinator) takes only a spare placed so.
 */
export function buildClaimSqlFor(snapshot: PoolSnapshot, tenant: string, placement?: CitusPlacement): string {
  validateTenantName(tenant, { protectedNames: snapshot.protectedNames ?? [] });
  const plan = getClaimPlan(snapshot);
  const register =
    snapshot.templateSchema !== undefined
      ? `${buildRegisterInsertSql({ tenant, template: snapshot.templateSchema, snapshotChecksum: snapshot.checksum, ...(snapshot.label !== undefined ? { snapshotLabel: snapshot.label } : {}), how: 'claimed' })};`
      : '';
  return buildClaimSql(tenant, snapshot.checksum, plan.claim.length ? renderFor(snapshot, plan.claim, tenant) : '', sessionSettingsSql(snapshot), register, placement);
}

export interface ClaimOptions {
  /** On a Citus coordinator, the placement of the tenant asked for (default distributed): only a spare placed so is taken. No effect elsewhere. */
  placement?: CitusPlacement;
}

/**
 * Claims a spare for `tenant` in one transaction. Fails with TENANT_EXISTS
 * (leaving the spare in the pool) when the schema exists, POOL_EMPTY when no
 * spare of this snapshot (and, on a Citus coordinator, of the placement asked
 * for) is free.
 */
export async function claimSpare(db: pg.Pool, snapshot: PoolSnapshot, tenant: string, options: ClaimOptions = {}): Promise<ClaimResult> {
  const placement = await sparePlacementFor(db, options.placement);
  const sql = buildClaimSqlFor(snapshot, tenant, placement);
  if (snapshot.templateSchema !== undefined) await ensureRegister(db);
  const client = await db.connect();
  const started = performance.now();
  let broken = false;
  try {
    const results = await runPoolSql(db, client, sql);
    const spare = (results.at(-2)?.rows[0] as { spare: string } | undefined)?.spare ?? '';
    return { tenant, spare, ms: performance.now() - started };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw toClaimError(error, { tenant, checksum: snapshot.checksum, ...(placement !== undefined ? { placement } : {}) });
  } finally {
    client.release(broken ? true : undefined);
  }
}

export type PoolEvent =
  | { type: 'built'; schema: string }
  | { type: 'dropped'; schema: string }
  | { type: 'claimed'; tenant: string; spare: string; ms: number }
  /** A refill started (`refilling: true`) or ended (`false`). */
  | { type: 'refilling'; refilling: boolean }
  /** Another session holds the fill lock; the refill tries again shortly. */
  | { type: 'busy' }
  /** The pool belongs to another snapshot: nothing was built or dropped. */
  | { type: 'not-owner'; owner: string }
  | { type: 'error'; error: unknown };

export interface WarmPoolOptions {
  /** How long to wait before trying again when another session is filling the pool (default 1 s). */
  busyRetryMs?: number;
}

/** Resolves after `ms`, or at once when `signal` aborts; never keeps the process alive. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    timer.unref?.();
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * A warm pool kept at its target in the background: every claim triggers a
 * refill. It only ever fills a pool its snapshot owns (or one nobody owns):
 * a pool of another snapshot is left alone (`not-owner` event).
 * A refill never rejects: failures arrive as `error` events. When another
 * session holds the fill lock, the refill waits and tries again, so a claim
 * or a snapshot change during someone else's fill is not lost.
 */
export class WarmPool {
  private snapshot: PoolSnapshot;
  private refilling: Promise<void> | undefined;
  private again = false;
  private readonly abort = new AbortController();
  private readonly busyRetryMs: number;

  constructor(
    private readonly db: pg.Pool,
    snapshot: PoolSnapshot,
    private readonly onEvent: (event: PoolEvent) => void = () => undefined,
    options: WarmPoolOptions = {},
  ) {
    this.snapshot = snapshot;
    this.busyRetryMs = options.busyRetryMs ?? 1000;
  }

  /** The snapshot spares are built from. */
  get checksum(): string {
    return this.snapshot.checksum;
  }

  /** A refill is running (or about to run again). */
  get busy(): boolean {
    return this.refilling !== undefined;
  }

  /** stop() was called: no more work starts. */
  get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  /** Claims a spare for the tenant and starts refilling behind it. */
  async claim(tenant: string): Promise<ClaimResult> {
    const result = await claimSpare(this.db, this.snapshot, tenant);
    this.onEvent({ type: 'claimed', ...result });
    void this.refill();
    return result;
  }

  /** Uses a new snapshot from now on; it refills only a pool that snapshot owns (or one nobody owns). */
  setSnapshot(snapshot: PoolSnapshot): void {
    this.snapshot = snapshot;
    void this.refill();
  }

  /** Starts a refill unless one runs; a refill requested meanwhile runs right after it. Never rejects. */
  refill(): Promise<void> {
    if (this.abort.signal.aborted) return Promise.resolve();
    if (this.refilling) {
      this.again = true;
      return this.refilling;
    }
    this.refilling = (async () => {
      this.onEvent({ type: 'refilling', refilling: true });
      try {
        do {
          this.again = false;
          if (this.abort.signal.aborted) return;
          const snapshot = this.snapshot;
          try {
            const result = await fillPool(this.db, snapshot, { signal: this.abort.signal, onBuilt: (schema) => this.onEvent({ type: 'built', schema }) });
            for (const schema of result.dropped) this.onEvent({ type: 'dropped', schema });
            // Background upkeep never takes a pool from another snapshot: it leaves it alone and says so.
            if (result.ownedBy !== undefined) this.onEvent({ type: 'not-owner', owner: result.ownedBy });
            // Nor re-places its spares: a pool whose spares are placed otherwise than it records is reported, not rebuilt.
            if (result.placedOtherwise !== undefined) this.onEvent({ type: 'error', error: placedOtherwiseError(result.placedOtherwise, 'fill it with the placement wanted and --replace --yes (tenantry pool fill)') });
            if (result.busy && !this.abort.signal.aborted) {
              this.onEvent({ type: 'busy' });
              await pause(this.busyRetryMs, this.abort.signal);
              this.again = true;
            }
          } catch (error) {
            // Reported, then the loop ends unless more work was asked for meanwhile (a later claim or snapshot retries).
            if (!this.abort.signal.aborted) this.onEvent({ type: 'error', error });
          }
          if (snapshot !== this.snapshot) this.again = true;
        } while (this.again && !this.abort.signal.aborted);
      } finally {
        this.refilling = undefined;
        this.onEvent({ type: 'refilling', refilling: false });
      }
    })();
    return this.refilling;
  }

  /** Waits for a running refill to finish. */
  async idle(): Promise<void> {
    while (this.refilling) await this.refilling;
  }

  /** Stops refilling after the spare being built; resolves when no work runs. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.idle();
  }
}

export { SPARE_PREFIX };
