/**
 * After a rollout, the image is updated (issue 15): the migrated template is
 * dumped into a new snapshot (the source of the next tenants), the register
 * records that the rollout's tenants are now at that snapshot (so the census
 * names the fleet by it), and the warm pool's spares of the old snapshot are
 * replaced by spares of the new one (a spare built from the old snapshot would
 * give a new tenant the schema from before the migration).
 *
 * Only after the template itself is migrated (done or found there): otherwise
 * the dump would be the old image again.
 */
import type pg from 'pg';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { TenantryError } from '../../../core/errors.js';
import { SNAPSHOT_DEFAULTS } from '../../../core/dump/snapshot-defaults.js';
import { REGISTER_TABLE } from '../../../core/fleet/register-sql.js';
import { refusedError } from '../../../core/snapshot/containment.js';
import { quoteLiteral } from '../../../core/sql/quote.js';
import { createTenantSnapshot, type TenantSnapshot } from '../snapshot/create-tenant-snapshot.js';
import { fillPool, hasPoolSchema, readPoolStatus } from '../pool/warm-pool.js';
import { toPoolSnapshot } from '../pool/warm-pool-snapshot.js';
import { readRegister } from '../fleet/register.js';
import { readAppliedVersions, type StoredRollout } from './rollout-store.js';

export interface RefreshOptions {
  /** The new snapshot's name in the register (the CLI: its file name without .sql). */
  label: string;
  /** Leave the warm pool alone. */
  skipPool?: boolean;
  /** Keeps the snapshot (the CLI writes its file) before the register and the pool are changed to name it. */
  save?: (snapshot: TenantSnapshot) => Promise<void>;
  /** Passed to pg_dump's run (the CLI's environment, binaries). */
  env?: Record<string, string | undefined>;
  pgBin?: string[];
  onStderrLine?: (line: string) => void;
}

export interface RefreshResult {
  snapshot: TenantSnapshot;
  checksum: string;
  /** Register rows moved to the new snapshot (the rollout's done and skipped tenants). */
  registered: number;
  pool: { built: string[]; dropped: string[] } | { untouched: string };
}

/** Dumps the migrated template into a new snapshot, moves the register and replaces the pool's spares (file comment). */
export async function refreshAfterRollout(profile: ConnectionProfile, db: pg.Pool, rollout: StoredRollout, options: RefreshOptions): Promise<RefreshResult> {
  const template = rollout.tenants.find((t) => t.isTemplate);
  if (template === undefined || (template.status !== 'done' && template.status !== 'skipped')) {
    throw new TenantryError(
      'MIGRATION_FAILED',
      template === undefined
        ? `Rollout ${rollout.id} left the template ${rollout.template} out (--no-template), so a snapshot of it would not be the migrated image. Migrate the template first (a rollout including it finds it by fingerprint if it already has the migration).`
        : `The template ${rollout.template} is ${template.status} in rollout ${rollout.id}, not migrated: a snapshot now would be the old image. Finish the rollout first: tenantry migrate resume ${rollout.id}`,
    );
  }
  const snapshot = await createTenantSnapshot(profile, {
    schema: rollout.template,
    placeholder: SNAPSHOT_DEFAULTS.placeholder,
    minify: SNAPSHOT_DEFAULTS.minify,
    noOwner: SNAPSHOT_DEFAULTS.noOwner,
    noPrivileges: SNAPSHOT_DEFAULTS.noPrivileges,
    ledgerTables: [...SNAPSHOT_DEFAULTS.ledgerTables, ...(rollout.settings.ledger ? [rollout.settings.ledger.table] : [])],
    ...(options.env ? { env: options.env } : {}),
    ...(options.pgBin ? { pgBin: options.pgBin } : {}),
    ...(options.onStderrLine ? { onStderrLine: options.onStderrLine } : {}),
  });
  const firstRefused = snapshot.report.refused[0];
  if (firstRefused !== undefined) throw refusedError(firstRefused, snapshot.report.refused.length, true);
  const checksum = snapshot.snapshot.header.checksum;
  await options.save?.(snapshot);
  const migrated = await migratedTenants(db, rollout);
  const registered = await moveRegister(db, rollout.template, migrated, checksum, options.label);
  const pool = options.skipPool === true ? { untouched: 'left alone (--no-pool)' } : await replaceSpares(db, rollout.template, snapshot, options.label);
  return { snapshot, checksum, registered, pool };
}

/**
 * The rollout's tenants that have the migration: done, or skipped with every version recorded (or in the ledger). A
 * failed tenant left out by the user is skipped too, but stays at the old version: the register must not move it.
 */
async function migratedTenants(db: pg.Pool, rollout: StoredRollout): Promise<string[]> {
  const done = rollout.tenants.filter((t) => !t.isTemplate && t.status === 'done').map((t) => t.tenant);
  const skipped = rollout.tenants.filter((t) => !t.isTemplate && t.status === 'skipped').map((t) => t.tenant);
  if (skipped.length === 0) return done;
  const versions = rollout.plan.versions.map((v) => v.version);
  const applied = await readAppliedVersions(db, skipped, versions, rollout.settings.ledger);
  return [...done, ...skipped.filter((t) => versions.every((v) => applied.get(t)?.has(v) === true))];
}

/** The register's rows of the migrated tenants now name the new snapshot; their stored fingerprint and verification are stale. */
async function moveRegister(db: pg.Pool, template: string, tenants: readonly string[], checksum: string, label: string): Promise<number> {
  const { rows } = await db.query<{ ok: boolean }>(`SELECT pg_catalog.to_regclass(${quoteLiteral(REGISTER_TABLE)}) IS NOT NULL AS ok`);
  if (rows[0]?.ok !== true || tenants.length === 0) return 0;
  const result = await db.query(
    `UPDATE ${REGISTER_TABLE} SET snapshot_checksum = $1, snapshot_label = $2, fingerprint = NULL, fingerprint_at = NULL, verified_at = NULL, verify_result = NULL, verify_summary = NULL
      WHERE template = $3 AND tenant = ANY ($4::text[])`,
    [checksum, label, template, tenants],
  );
  return result.rowCount ?? 0;
}

/**
 * The pool's spares, when the pool is this template's (recorded with it, or its owner snapshot is one the register
 * has tenants of this template at): dropped and built again from the new snapshot, to the same target.
 */
async function replaceSpares(db: pg.Pool, template: string, snapshot: TenantSnapshot, label: string): Promise<RefreshResult['pool']> {
  if (!(await hasPoolSchema(db))) return { untouched: 'this database has no warm pool' };
  const status = await readPoolStatus(db);
  if (status.owner === null && status.target === 0) return { untouched: 'the warm pool is empty with size 0' };
  const { rows } = await db.query<{ owner_template: string | null }>("SELECT pg_catalog.to_jsonb(c) ->> 'owner_template' AS owner_template FROM _tenantry.pool_config c");
  const ownerTemplate = rows[0]?.owner_template ?? null;
  // A pool from before its template was recorded: it is this template's when the register has tenants of the template at its snapshot.
  const registered = ownerTemplate === null && status.owner !== null && (await readRegister(db, { template })).some((r) => r.snapshotChecksum === status.owner);
  const ours = ownerTemplate === template || (ownerTemplate === null && (status.owner === null || registered));
  if (!ours) return { untouched: `the warm pool belongs to template ${ownerTemplate ?? 'unknown'}'s snapshot ${status.owner?.slice(0, 12) ?? ''}, not ${template}'s` };
  const fill = await fillPool(db, toPoolSnapshot(snapshot.snapshot, label), { replace: true });
  if (fill.busy) return { untouched: 'another session is filling the warm pool now; run tenantry pool fill --replace --yes with the new snapshot afterwards' };
  return { built: fill.built, dropped: fill.dropped };
}
