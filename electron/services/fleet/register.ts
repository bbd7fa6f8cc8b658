/**
 * The tenant register in the database (core/fleet/register-sql.ts): creating it
 * when missing, checking that the provisioning role can write it, reading it.
 * The rows themselves are written by the provisioning paths inside each
 * tenant's transaction, never from here.
 */
import type pg from 'pg';
import { TenantryError } from '../../../core/errors.js';
import { buildRegisterPresentSql, buildRegisterSchemaSql, REGISTER_SCHEMA, REGISTER_TABLE, type RegisterHow, type RegisterRow, type VerifyResult } from '../../../core/fleet/register-sql.js';
import { CENSUS_KEYS_DDL } from '../../../core/fleet/stamp-sql.js';
import { buildWithholdSql } from '../../../core/pool/withhold-sql.js';
import { quoteIdentifier, quoteLiteral } from '../../../core/sql/quote.js';

/** Databases (by pool) whose register was found writable: checked once per pool, not once per tenant. */
const ready = new WeakMap<pg.Pool, Promise<void>>();

/** The lock every change to the bookkeeping schema's shape takes (the warm pool's ensure takes it too). */
export const BOOKKEEPING_LOCK_SQL = `SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('tenantry:pool-schema', 0))`;

/**
 * Makes sure `_tenantry.tenants` and `_tenantry.register_tenant` exist and the connected role can write them;
 * once per pool. A freshly created `_tenantry` gets no privileges for other roles (as the pool's). Throws
 * REGISTER_UNWRITABLE with what to grant when the schema belongs to a role this one cannot act for.
 */
export function ensureRegister(db: pg.Pool): Promise<void> {
  let done = ready.get(db);
  if (!done) {
    done = createRegister(db);
    ready.set(db, done);
    done.catch(() => ready.delete(db));
  }
  return done;
}

async function createRegister(db: pg.Pool): Promise<void> {
  const present = await db.query<{ ok: boolean; keys: boolean }>(buildRegisterPresentSql());
  // The census's kept keys (core/fleet/stamp-sql.ts) in a register made by an older Tenantry: created when this role
  // may, else left missing (the census then reuses and keeps nothing); never a reason to refuse to provision.
  if (present.rows[0]?.ok === true && present.rows[0].keys !== true) await db.query(CENSUS_KEYS_DDL).catch(() => undefined);
  if (present.rows[0]?.ok !== true) {
    const client = await db.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      await client.query(BOOKKEEPING_LOCK_SQL);
      const fresh = await client.query<{ fresh: boolean }>(`SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ${quoteLiteral(REGISTER_SCHEMA)}) AS fresh`);
      if (fresh.rows[0]?.fresh === true) await client.query(`CREATE SCHEMA ${quoteIdentifier(REGISTER_SCHEMA)};\n${buildWithholdSql(REGISTER_SCHEMA)}`);
      await client.query(buildRegisterSchemaSql());
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (broken = true));
      throw await unwritable(db, error);
    } finally {
      client.release(broken ? true : undefined);
    }
  }
  const can = await db.query<{ ok: boolean }>(
    `SELECT pg_catalog.has_schema_privilege(${quoteLiteral(REGISTER_SCHEMA)}, 'USAGE') AND pg_catalog.has_table_privilege(${quoteLiteral(REGISTER_TABLE)}, 'SELECT, INSERT, UPDATE, DELETE') AS ok`,
  );
  if (can.rows[0]?.ok !== true) throw await unwritable(db);
}

async function unwritable(db: pg.Pool, cause?: unknown): Promise<TenantryError> {
  const facts = await db
    .query<{ me: string; owner: string | null }>(`SELECT CURRENT_USER AS me, (SELECT nspowner::regrole::text FROM pg_catalog.pg_namespace WHERE nspname = ${quoteLiteral(REGISTER_SCHEMA)}) AS owner`)
    .then((r) => r.rows[0])
    .catch(() => undefined);
  const me = facts?.me ?? 'this role';
  const owner = facts?.owner ? ` (owned by ${facts.owner})` : '';
  const e = cause as { code?: string; message?: string } | undefined;
  return new TenantryError(
    'REGISTER_UNWRITABLE',
    `Tenantry records every tenant in ${REGISTER_TABLE}, and role ${me} cannot create or write it in schema ${REGISTER_SCHEMA}${owner}; nothing was created. Connect as the owner of ${REGISTER_SCHEMA}, or have it run: GRANT USAGE ON SCHEMA ${REGISTER_SCHEMA} TO ${quoteIdentifier(me)}; GRANT SELECT, INSERT, UPDATE, DELETE ON ${REGISTER_TABLE} TO ${quoteIdentifier(me)};`,
    e ? { detail: [e.code ? `SQLSTATE ${e.code}` : undefined, e.message].filter(Boolean).join(': '), cause } : {},
  );
}

/** The register's rows (all, or those of one template), ordered by tenant; empty when the database has no register. */
export async function readRegister(db: pg.Pool | pg.ClientBase, options: { template?: string } = {}): Promise<RegisterRow[]> {
  const exists = await db.query<{ ok: boolean }>(`SELECT pg_catalog.to_regclass(${quoteLiteral(REGISTER_TABLE)}) IS NOT NULL AS ok`);
  if (exists.rows[0]?.ok !== true) return [];
  const { rows } = await db.query<{
    tenant: string;
    template: string;
    snapshot_checksum: string | null;
    snapshot_label: string | null;
    how: RegisterHow;
    created_at: Date;
    created_by: string;
    verified_at: Date | null;
    verify_result: VerifyResult | null;
    verify_summary: string | null;
    fingerprint: string | null;
    fingerprint_at: Date | null;
  }>(`SELECT * FROM ${REGISTER_TABLE} WHERE $1::text IS NULL OR template = $1 ORDER BY tenant`, [options.template ?? null]);
  return rows.map((r) => ({
    tenant: r.tenant,
    template: r.template,
    how: r.how,
    createdAt: r.created_at,
    createdBy: r.created_by,
    ...(r.snapshot_checksum !== null ? { snapshotChecksum: r.snapshot_checksum } : {}),
    ...(r.snapshot_label !== null ? { snapshotLabel: r.snapshot_label } : {}),
    ...(r.verified_at !== null ? { verifiedAt: r.verified_at } : {}),
    ...(r.verify_result !== null ? { verifyResult: r.verify_result } : {}),
    ...(r.verify_summary !== null ? { verifySummary: r.verify_summary } : {}),
    ...(r.fingerprint !== null ? { fingerprint: r.fingerprint } : {}),
    ...(r.fingerprint_at !== null ? { fingerprintAt: r.fingerprint_at } : {}),
  }));
}
