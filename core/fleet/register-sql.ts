/**
 * The tenant register (issue 14): one row per tenant in Tenantry's bookkeeping
 * schema of the database the tenant lives in, `_tenantry.tenants`, written in
 * the tenant's own transaction by every provisioning path (driver, psql, a
 * warm-pool claim, `_tenantry.create_tenant`), deleted by drop in the drop's
 * transaction, and read by the census, drift and the Tenants view.
 *
 * The same upsert serves two callers: TypeScript paths embed it with literals
 * (buildRegisterInsertSql), SQL paths call `_tenantry.register_tenant(...)`
 * (plpgsql, e.g. create_tenant/claim_tenant), whose body is the same statement
 * over its parameters. A row for a name that exists already (the schema was
 * dropped by hand, outside Tenantry) is replaced: provisioning only gets here
 * after checking, under the tenant's lock, that no schema of that name exists.
 */
import { quoteLiteral } from '../sql/quote.js';
import { CENSUS_KEYS_DDL, CENSUS_KEYS_TABLE } from './stamp-sql.js';

export const REGISTER_SCHEMA = '_tenantry';
export const REGISTER_TABLE = '_tenantry.tenants';
/** Signature of the SQL entry point, for to_regprocedure / GRANT / REVOKE. */
export const REGISTER_FUNCTION = '_tenantry.register_tenant(text, text, text, text, text)';

/** How a tenant came to be: provisioned from a snapshot, claimed from the warm pool, adopted (made elsewhere), created by a published snapshot. */
export const REGISTER_HOWS = ['built', 'claimed', 'adopted', 'published'] as const;
export type RegisterHow = (typeof REGISTER_HOWS)[number];

/** The outcome of the last verification stored in the row. */
export const VERIFY_RESULTS = ['equal', 'different', 'failed'] as const;
export type VerifyResult = (typeof VERIFY_RESULTS)[number];

/** What a provisioning path knows about a tenant it creates. */
export interface RegisterEntry {
  tenant: string;
  /** The template schema the snapshot was taken from. */
  template: string;
  /** SHA-256 of the snapshot body (absent for adopted schemas). */
  snapshotChecksum?: string;
  /** A human name for the snapshot (a file name, a published label). */
  snapshotLabel?: string;
  how: RegisterHow;
}

/** One register row as read back. */
export interface RegisterRow extends RegisterEntry {
  createdAt: Date;
  createdBy: string;
  verifiedAt?: Date;
  verifyResult?: VerifyResult;
  verifySummary?: string;
  fingerprint?: string;
  fingerprintAt?: Date;
}

/**
 * The upsert over six SQL expressions (tenant, template, checksum, label, how, who created it); also a format()
 * template when given `%L`s (claim_tenant runs it in its one EXECUTE on a spare).
 */
export function buildRegisterUpsertSql(tenant: string, template: string, checksum: string, label: string, how: string, createdBy: string): string {
  return `INSERT INTO ${REGISTER_TABLE} AS r (tenant, template, snapshot_checksum, snapshot_label, how, created_by)
VALUES (${tenant}, ${template}, ${checksum}, ${label}, ${how}, ${createdBy})
ON CONFLICT (tenant) DO UPDATE SET template = excluded.template, snapshot_checksum = excluded.snapshot_checksum,
  snapshot_label = excluded.snapshot_label, how = excluded.how, created_at = excluded.created_at, created_by = excluded.created_by,
  verified_at = NULL, verify_result = NULL, verify_summary = NULL, fingerprint = NULL, fingerprint_at = NULL`;
}

/**
 * The table and `_tenantry.register_tenant`, idempotent; expects the schema to exist. Columns added in later
 * versions go in as ALTER TABLE … ADD COLUMN IF NOT EXISTS after the CREATE, so an older table catches up.
 */
export function buildRegisterSchemaSql(): string {
  const hows = REGISTER_HOWS.map(quoteLiteral).join(', ');
  const results = VERIFY_RESULTS.map(quoteLiteral).join(', ');
  return `CREATE TABLE IF NOT EXISTS ${REGISTER_TABLE} (
  tenant text PRIMARY KEY,
  template text NOT NULL,
  snapshot_checksum text,
  snapshot_label text,
  created_at timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
  created_by text NOT NULL DEFAULT CURRENT_USER,
  how text NOT NULL CHECK (how IN (${hows})),
  verified_at timestamptz,
  verify_result text CHECK (verify_result IN (${results})),
  verify_summary text,
  fingerprint text,
  fingerprint_at timestamptz
);
CREATE INDEX IF NOT EXISTS tenants_template_idx ON ${REGISTER_TABLE} (template);
CREATE OR REPLACE FUNCTION ${REGISTER_FUNCTION.replace(/\(.*$/, '')}(p_tenant text, p_template text, p_snapshot_checksum text, p_snapshot_label text, p_how text)
RETURNS void LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $tenantry_register$
BEGIN
  -- Called from SECURITY DEFINER functions (create_tenant, claim_tenant), where CURRENT_USER is their owner: the
  -- session's role is the application's that called them.
  ${buildRegisterUpsertSql('p_tenant', 'p_template', 'p_snapshot_checksum', 'p_snapshot_label', 'p_how', 'SESSION_USER')};
END
$tenantry_register$;
REVOKE ALL ON FUNCTION ${REGISTER_FUNCTION} FROM PUBLIC;
${CENSUS_KEYS_DDL};`;
}

/**
 * A query answering (column `ok`) whether the register is there in this version's shape, and (`keys`) whether the
 * census's kept keys are: an optional table, which a register made by an older Tenantry lacks until its owner runs this one.
 */
export function buildRegisterPresentSql(): string {
  return `SELECT pg_catalog.to_regclass(${quoteLiteral(REGISTER_TABLE)}) IS NOT NULL AND pg_catalog.to_regprocedure(${quoteLiteral(REGISTER_FUNCTION)}) IS NOT NULL AS ok, pg_catalog.to_regclass(${quoteLiteral(CENSUS_KEYS_TABLE)}) IS NOT NULL AS keys`;
}

/** The statement recording `entry`, with literals, for a tenant's own transaction (no trailing semicolon). */
export function buildRegisterInsertSql(entry: RegisterEntry): string {
  const optional = (v: string | undefined) => (v === undefined ? 'NULL' : quoteLiteral(v));
  return buildRegisterUpsertSql(quoteLiteral(entry.tenant), quoteLiteral(entry.template), optional(entry.snapshotChecksum), optional(entry.snapshotLabel), quoteLiteral(entry.how), 'CURRENT_USER');
}

/** The statement removing a tenant's row (a no-op when it has none), for drop's transaction. */
export function buildRegisterDeleteSql(tenant: string): string {
  return `DELETE FROM ${REGISTER_TABLE} WHERE tenant = ${quoteLiteral(tenant)}`;
}

/** One verification outcome to store. */
export interface VerificationUpdate {
  tenant: string;
  result: VerifyResult;
  summary?: string;
}

/** One statement storing many verification outcomes (verified now); rows of unknown tenants are left alone. Multi-array unnest is FROM-clause syntax, so it cannot be schema-qualified. */
export function buildVerificationUpdateSql(updates: readonly VerificationUpdate[]): string {
  const arr = (values: readonly (string | undefined)[]) => `ARRAY[${values.map((v) => (v === undefined ? 'NULL' : quoteLiteral(v))).join(', ')}]::text[]`;
  return `UPDATE ${REGISTER_TABLE} AS r SET verified_at = pg_catalog.clock_timestamp(), verify_result = u.result, verify_summary = u.summary
FROM unnest(${arr(updates.map((u) => u.tenant))}, ${arr(updates.map((u) => u.result))}, ${arr(updates.map((u) => u.summary))}) AS u(tenant, result, summary)
WHERE r.tenant = u.tenant`;
}

/** One statement storing many fingerprints (computed now). */
export function buildFingerprintUpdateSql(fingerprints: readonly { tenant: string; fingerprint: string }[]): string {
  const arr = (values: readonly string[]) => `ARRAY[${values.map(quoteLiteral).join(', ')}]::text[]`;
  return `UPDATE ${REGISTER_TABLE} AS r SET fingerprint = u.fingerprint, fingerprint_at = pg_catalog.clock_timestamp()
FROM unnest(${arr(fingerprints.map((f) => f.tenant))}, ${arr(fingerprints.map((f) => f.fingerprint))}) AS u(tenant, fingerprint)
WHERE r.tenant = u.tenant AND r.fingerprint IS DISTINCT FROM u.fingerprint`;
}
