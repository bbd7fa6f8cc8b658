/**
 * `tenantry publish`: installs a snapshot into the target database so the
 * application creates tenants with one call, `SELECT _tenantry.create_tenant($1)`
 * (or `claim_tenant($1)`, which takes a warm-pool spare when one is free)
 * (issue 13; the SQL is core/publish/). The functions belong to the publishing
 * role, EXECUTE is revoked from everyone and granted only to the roles named;
 * the stored rows are readable and writable by the publishing role only.
 */
import type pg from 'pg';
import { TenantryError } from '../../../core/errors.js';
import { buildNameRuleFunctionSql } from '../../../core/publish/name-rule-sql.js';
import { buildClaimText } from '../../../core/publish/claim-text.js';
import { buildPublishedSchemaSql, PUBLISHED_TABLE, toPublishedRow } from '../../../core/publish/published-sql.js';
import { buildTenantFunctionsSql, CLAIM_TENANT_BEFORE_PLACEMENT } from '../../../core/publish/tenant-functions-sql.js';
import type { Snapshot } from '../../../core/snapshot/format.js';
import { ensurePoolSchema, getClaimPlan } from '../pool/warm-pool.js';
import { toPoolSnapshot } from '../pool/warm-pool-snapshot.js';
import { quoteIdentifier as quoteIdent } from '../../../core/sql/quote.js';
import { formatPgError } from '../errors/pg-error.js';

export interface PublishOptions {
  /** Defaults to the first 12 hex digits of the body checksum. */
  label?: string;
  /** Roles that may call create_tenant. */
  grants?: readonly string[];
}

export interface PublishResult {
  label: string;
  checksum: string;
  /** False when the same snapshot was already published under this label (only grants were applied). */
  created: boolean;
  granted: string[];
}

export interface PublishedEntry {
  label: string;
  checksum: string;
  template: string;
  publishedAt: Date;
  publishedBy: string;
  bytes: number;
}

/** The application's functions; EXECUTE on each is granted to --grant roles only. */
const ENTRY_POINTS = ['_tenantry.create_tenant(text, text)', '_tenantry.claim_tenant(text, text, text)'];
/** Helpers: owner only (the entry points run as the owner, so they can call them). */
const HELPERS = [
  '_tenantry.tenant_name_problem(text, text[])',
  `_tenantry.published_seal(${PUBLISHED_TABLE})`,
  `_tenantry.check_published(${PUBLISHED_TABLE}, boolean)`,
  `_tenantry.render_published(${PUBLISHED_TABLE}, text)`,
  `_tenantry.render_text(${PUBLISHED_TABLE}, text, text, text)`,
  '_tenantry.published_for_tenant(text, text)',
  '_tenantry.published_full(text, text)',
  `_tenantry.execute_published(${PUBLISHED_TABLE}, text, text, name)`,
  '_tenantry.run_claim(text)',
];

/** Publishes `snapshot` (parsed with parseSnapshot: sealed and contained) in one transaction. */
export async function publishSnapshot(db: pg.Pool, snapshot: Snapshot, options: PublishOptions = {}): Promise<PublishResult> {
  const label = options.label ?? snapshot.header.checksum.slice(0, 12);
  // The pool's own plan for this snapshot: claim_tenant runs on a spare exactly what the pool's claim runs.
  const row = toPublishedRow(snapshot, label, buildClaimText(snapshot, getClaimPlan(toPoolSnapshot(snapshot))));
  const grants = [...new Set(options.grants ?? [])];
  const encoding = (await db.query<{ server_encoding: string }>('SHOW server_encoding')).rows[0]?.server_encoding;
  if (encoding !== 'UTF8') {
    throw new TenantryError('PUBLISH_FAILED', `The database's encoding is ${encoding ?? 'unknown'}; publishing needs a UTF8 database (tenant names are checked as UTF-8). Provision tenants with \`tenantry provision\` instead.`);
  }
  await ensurePoolSchema(db);
  const client = await db.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('tenantry:publish', 0))`);
    // claim_tenant(name, label) became claim_tenant(name, label, placement): the old one goes (a call with one or two
    // arguments would match both), and the roles that could call it can call the new one.
    const carried = await dropClaimBeforePlacement(client);
    const functions = [...ENTRY_POINTS, ...HELPERS];
    // By name: to_regprocedure fails outright while the row type in a signature does not exist yet.
    const present = await client.query<{ proname: string }>(`SELECT p.proname FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = '_tenantry'`);
    const fresh = functions.filter((fn) => !present.rows.some((r) => fn.startsWith(`_tenantry.${r.proname}(`)));
    await client.query(buildNameRuleFunctionSql('_tenantry'));
    await client.query(buildPublishedSchemaSql());
    await client.query(buildTenantFunctionsSql());
    for (const fn of functions) {
      await client.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      // Default privileges may have granted EXECUTE to other roles when the function was created: take those back once.
      if (fresh.includes(fn)) await revokeOthers(client, fn);
    }
    for (const role of carried) await client.query(`GRANT EXECUTE ON FUNCTION ${ENTRY_POINTS[1]} TO ${quoteIdent(role)}`);
    const existing = await client.query<{ body_checksum: string; seal: string }>(`SELECT body_checksum, seal FROM ${PUBLISHED_TABLE} WHERE label = $1 FOR UPDATE`, [label]);
    const prior = existing.rows[0];
    if (prior !== undefined && prior.seal !== row.seal && prior.body_checksum === row.bodyChecksum) {
      // The same snapshot published by an older Tenantry (its row lacks the fields added since, e.g. body_chunks): sealed again.
      await client.query(
        `UPDATE ${PUBLISHED_TABLE} SET template = $2, placeholder = $3, contexts = $4, occurrences = $5, session_settings = $6, creates_schema = $7, claim_plan = $8, body_chunks = $9, seal = $10 WHERE label = $1`,
        [row.label, row.template, row.placeholder, row.contexts, row.occurrences, row.sessionSettings, row.createsSchema, row.claimPlan ?? null, row.bodyChunks ?? null, row.seal],
      );
    } else if (prior !== undefined && prior.seal !== row.seal) {
      throw new TenantryError('PUBLISH_FAILED', `The label ${JSON.stringify(label)} is already published with another snapshot (checksum ${prior.body_checksum.slice(0, 12)}). Choose another label, or unpublish it first with \`tenantry publish --unpublish ${label}\`.`);
    }
    if (prior === undefined) {
      await client.query(
        `INSERT INTO ${PUBLISHED_TABLE} (label, body_checksum, template, placeholder, contexts, occurrences, session_settings, creates_schema, claim_plan, body_chunks, body, seal) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [row.label, row.bodyChecksum, row.template, row.placeholder, row.contexts, row.occurrences, row.sessionSettings, row.createsSchema, row.claimPlan ?? null, row.bodyChunks ?? null, row.body, row.seal],
      );
      const check = (await client.query<{ ok: boolean }>(`SELECT _tenantry.published_seal(p) = p.seal AS ok FROM ${PUBLISHED_TABLE} p WHERE label = $1`, [label])).rows[0];
      if (check?.ok !== true) throw new TenantryError('PUBLISH_FAILED', 'The database stored the snapshot differently from how it was sent (the seal does not match); nothing was published. Check that the database encoding is UTF8.');
    }
    for (const role of grants) {
      await client.query(`GRANT USAGE ON SCHEMA _tenantry TO ${quoteIdent(role)}`);
      for (const fn of ENTRY_POINTS) await client.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ${quoteIdent(role)}`);
    }
    await client.query('COMMIT');
    return { label, checksum: row.bodyChecksum, created: prior === undefined, granted: grants };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    if (error instanceof TenantryError) throw error;
    throw new TenantryError('PUBLISH_FAILED', `Publishing the snapshot failed and nothing was changed: ${(error as Error).message}. The role needs CREATE on the database and must own the _tenantry schema and its functions when they exist; --grant roles must exist.`, { detail: formatPgError(error), cause: error });
  } finally {
    client.release(broken ? true : undefined);
  }
}

/** Drops claim_tenant(text, text) when it exists; returns the roles other than its owner that could execute it. */
async function dropClaimBeforePlacement(client: pg.PoolClient): Promise<string[]> {
  const { rows } = await client.query<{ grantee: string | null }>(
    `SELECT r.rolname AS grantee FROM pg_catalog.pg_proc p LEFT JOIN pg_catalog.aclexplode(p.proacl) a ON a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner
       LEFT JOIN pg_catalog.pg_roles r ON r.oid = a.grantee
     WHERE p.oid = pg_catalog.to_regprocedure($1)`,
    [CLAIM_TENANT_BEFORE_PLACEMENT],
  );
  if (rows.length === 0) return [];
  await client.query(`DROP FUNCTION ${CLAIM_TENANT_BEFORE_PLACEMENT}`);
  return [...new Set(rows.flatMap((r) => (r.grantee !== null ? [r.grantee] : [])))];
}

async function revokeOthers(client: pg.PoolClient, fn: string): Promise<void> {
  const { rows } = await client.query<{ grantee: string }>(
    `SELECT DISTINCT r.rolname AS grantee FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) a JOIN pg_catalog.pg_roles r ON r.oid = a.grantee
     WHERE p.oid = $1::regprocedure AND a.grantee <> p.proowner`,
    [fn],
  );
  for (const { grantee } of rows) await client.query(`REVOKE ALL ON FUNCTION ${fn} FROM ${quoteIdent(grantee)}`);
}

/** The published snapshots, newest first (what create_tenant without a label uses is the first). */
export async function listPublished(db: pg.Pool): Promise<PublishedEntry[]> {
  const exists = (await db.query<{ t: string | null }>(`SELECT pg_catalog.to_regclass('${PUBLISHED_TABLE}')::text AS t`)).rows[0];
  if (exists?.t == null) return [];
  const { rows } = await db.query<{ label: string; body_checksum: string; template: string; published_at: Date; published_by: string; bytes: number }>(
    `SELECT label, body_checksum, template, published_at, published_by, pg_catalog.octet_length(body) AS bytes FROM ${PUBLISHED_TABLE} ORDER BY published_at DESC, label DESC`,
  );
  return rows.map((r) => ({ label: r.label, checksum: r.body_checksum, template: r.template, publishedAt: r.published_at, publishedBy: r.published_by, bytes: r.bytes }));
}

/** Removes one published snapshot; tenants already created are not touched. */
export async function unpublish(db: pg.Pool, label: string): Promise<void> {
  const exists = (await db.query<{ t: string | null }>(`SELECT pg_catalog.to_regclass('${PUBLISHED_TABLE}')::text AS t`)).rows[0];
  const deleted = exists?.t == null ? 0 : ((await db.query(`DELETE FROM ${PUBLISHED_TABLE} WHERE label = $1`, [label])).rowCount ?? 0);
  if (deleted === 0) throw new TenantryError('PUBLISH_FAILED', `No snapshot is published under the label ${JSON.stringify(label)}. List them with \`tenantry publish --list\`.`);
}
