/**
 * Whether the template already has a migration that no record says it has
 * (a developer ran it on the template by hand, or the framework did without
 * Tenantry's record): its structure equals that of a migrated tenant, by the
 * census's fingerprint (core/fleet/fingerprint-sql.ts) without privileges.
 * Then the rollout records the versions for the template instead of running
 * them a second time there (which would fail, or, for a migration that can run
 * twice, change the template twice).
 *
 * The migrated tenant: one the record already shows at every version, else
 * the first pending tenant with the migration applied in a transaction that is
 * rolled back, the fingerprint read inside it. The rehearsal is only needed when
 * the template differs from that tenant as it is now; in the common case
 * (template and tenants alike, both unmigrated) one catalog query decides.
 */
import type pg from 'pg';
import { combineFingerprint, type KindHashes } from '../../../core/fleet/census.js';
import { buildFingerprintSql, FINGERPRINT_KINDS } from '../../../core/fleet/fingerprint-sql.js';
import type { MigrationPlan } from '../../../core/migrate/plan-migration.js';
import { renderMigrationStep } from '../../../core/migrate/render-migration.js';
import { buildTenantSettingsSql } from '../../../core/migrate/rollout-sql.js';
import { TENANT_LOCK_CLASS } from '../../../core/provision/tenant-guard.js';
import { quoteLiteral } from '../../../core/sql/quote.js';

/** Privileges are left out: a template's grants often differ from its tenants', and a migration is about structure. */
const KINDS = FINGERPRINT_KINDS.filter((k) => k !== 'privileges');

export interface TemplateCheck {
  /** The template's structure equals the migrated tenant's. */
  found: boolean;
  /** The tenant compared with, and how it was migrated ('recorded': already; 'rehearsed': in a rolled-back transaction). */
  tenant?: string;
  how?: 'recorded' | 'rehearsed';
  fingerprint?: string;
}

/** Fingerprints (without privileges) of the schemas, read on `client` in its current transaction with search_path ''. */
async function fingerprintsHere(client: pg.ClientBase, schemas: readonly string[]): Promise<Map<string, string>> {
  await client.query("SELECT pg_catalog.set_config('search_path', '', true), pg_catalog.set_config('jit', 'off', true)");
  const { rows } = await client.query<{ schema: string; kind: (typeof KINDS)[number]; hash: string }>(buildFingerprintSql(KINDS), [schemas]);
  const hashes = new Map<string, KindHashes>(schemas.map((s) => [s, {}]));
  for (const r of rows) {
    const h = hashes.get(r.schema);
    if (h) h[r.kind] = r.hash;
  }
  return new Map([...hashes].map(([s, h]) => [s, combineFingerprint(h, KINDS)]));
}

/** Runs `fn` in a transaction that is always rolled back. */
async function rolledBack<T>(client: pg.ClientBase, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    return await fn();
  } finally {
    await client.query('ROLLBACK');
  }
}

/**
 * Compares the template with a migrated tenant (see the file comment). `migrated`: a tenant the record shows at every
 * version; `pending`: one to rehearse on. Never throws for the rehearsal's sake: a migration that fails there leaves
 * the template to the normal template wave, which reports the failure.
 */
export async function checkTemplateMigrated(pool: pg.Pool, plan: MigrationPlan, sample: { migrated?: string; pending?: string }, lockTimeoutMs: number): Promise<TemplateCheck> {
  const template = plan.template;
  const client = await pool.connect();
  let broken = false;
  try {
    if (sample.migrated !== undefined) {
      const tenant = sample.migrated;
      const fps = await rolledBack(client, () => fingerprintsHere(client, [template, tenant]));
      const fingerprint = fps.get(tenant) as string;
      return { found: fps.get(template) === fingerprint, tenant, how: 'recorded', fingerprint };
    }
    const tenant = sample.pending;
    // A version that must run outside a transaction cannot be rehearsed and rolled back.
    if (tenant === undefined || plan.versions.some((v) => v.step.kind !== 'transaction')) return { found: false };
    const now = await rolledBack(client, () => fingerprintsHere(client, [template, tenant]));
    if (now.get(template) === now.get(tenant)) return { found: false };
    try {
      return await rolledBack(client, async () => {
        await client.query(`${buildTenantSettingsSql('template-check', tenant, lockTimeoutMs)}\nSELECT pg_catalog.pg_advisory_xact_lock(${TENANT_LOCK_CLASS}, pg_catalog.hashtext(${quoteLiteral(tenant)}));`);
        for (const v of plan.versions) await client.query(renderMigrationStep(plan, v.step, tenant));
        const after = await fingerprintsHere(client, [template, tenant]);
        const fingerprint = after.get(tenant) as string;
        return { found: after.get(template) === fingerprint, tenant, how: 'rehearsed' as const, fingerprint };
      });
    } catch (error) {
      broken = (error as { code?: string }).code === undefined;
      return { found: false };
    }
  } finally {
    client.release(broken || undefined);
  }
}
