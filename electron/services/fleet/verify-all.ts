/**
 * Verify all (issue 14): the full verify (structure and isolation) over many
 * tenants with a concurrency limit, progress and cancel; results are stored
 * in the register. Connections are recycled after a number of uses: a
 * backend's catalog caches grow with every schema it reads, and thousands of
 * tenants would otherwise grow them without bound.
 */
import type pg from 'pg';
import type { VerifyResult } from '../../../core/api/contract.js';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { isTenantryError, TenantryError, type ErrorCode } from '../../../core/errors.js';
import { buildVerificationUpdateSql, type VerificationUpdate } from '../../../core/fleet/register-sql.js';
import { runQueue } from '../../../core/provision/run-queue.js';
import type { SnapshotCarries } from '../../../core/verify/snapshot-carries.js';
import { createPool } from '../connection/open-connection.js';
import { compareWithTemplate, readTemplateSide, type TemplateSide } from '../verify/verify-tenant.js';

/** Verifications per connection before it is ended and replaced. */
export const VERIFY_MAX_USES = 200;

export interface VerifyAllOptions {
  template: string;
  tenants: readonly string[];
  concurrency?: number;
  carries?: SnapshotCarries;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, result: VerifyAllOutcome) => void;
  /** Store each outcome in the register (default true; skipped when the role may not write it). */
  record?: boolean;
}

export interface VerifyAllOutcome {
  tenant: string;
  result?: VerifyResult;
  /** The verify could not run (the schema is gone, the connection failed). */
  error?: string;
  errorCode?: ErrorCode;
}

export interface VerifyAllSummary {
  template: string;
  total: number;
  equal: number;
  different: number;
  failed: number;
  /** Not started (cancelled). */
  skipped: number;
  outcomes: VerifyAllOutcome[];
  elapsedMs: number;
}

/** Verifies every tenant against the template. */
export async function verifyAll(profile: ConnectionProfile, options: VerifyAllOptions): Promise<VerifyAllSummary> {
  const started = performance.now();
  const concurrency = Math.max(1, Math.min(16, options.concurrency ?? 4));
  const db = await createPool(profile, concurrency, { maxUses: VERIFY_MAX_USES });
  // The template side is read once per backend: a recycled connection reads it again.
  const sides = new WeakMap<pg.PoolClient, Promise<TemplateSide>>();
  let done = 0;
  try {
    const outcomes = await runQueue(
      options.tenants,
      async (tenant): Promise<VerifyAllOutcome> => {
        let outcome: VerifyAllOutcome;
        const client = await db.connect();
        let broken = false;
        try {
          let side = sides.get(client);
          if (!side) sides.set(client, (side = readTemplateSide(client, options.template, options.carries)));
          outcome = { tenant, result: await compareWithTemplate(client, options.template, await side, tenant) };
        } catch (error) {
          if (isTenantryError(error) && error.code === 'SCHEMA_NOT_FOUND') throw error;
          broken = !isTenantryError(error);
          outcome = isTenantryError(error) ? { tenant, error: error.userMessage, errorCode: error.code } : { tenant, error: (error as Error).message };
        } finally {
          client.release(broken ? true : undefined);
        }
        options.onProgress?.(++done, options.tenants.length, outcome);
        return outcome;
      },
      { concurrency, shouldStop: () => options.signal?.aborted ?? false },
    );
    const finished = outcomes.filter((o): o is VerifyAllOutcome => o !== undefined);
    if (options.record !== false && finished.length > 0) {
      const updates: VerificationUpdate[] = finished.map((o) => ({
        tenant: o.tenant,
        result: o.result === undefined ? 'failed' : o.result.equal && o.result.isolated ? 'equal' : 'different',
        ...(o.result && o.result.differences.length > 0 ? { summary: `${o.result.differences.length} difference(s)` } : o.error ? { summary: o.error } : {}),
      }));
      const present = await db.query<{ ok: boolean }>(`SELECT pg_catalog.to_regclass('_tenantry.tenants') IS NOT NULL AS ok`);
      if (present.rows[0]?.ok === true) {
        await db.query(buildVerificationUpdateSql(updates)).catch((error: unknown) => {
          if ((error as { code?: string }).code !== '42501') throw error;
        });
      }
    }
    return {
      template: options.template,
      total: options.tenants.length,
      equal: finished.filter((o) => o.result?.equal && o.result.isolated).length,
      different: finished.filter((o) => o.result && !(o.result.equal && o.result.isolated)).length,
      failed: finished.filter((o) => o.error !== undefined).length,
      skipped: options.tenants.length - finished.length,
      outcomes: finished,
      elapsedMs: Math.round(performance.now() - started),
    };
  } finally {
    await db.end();
  }
}

/**
 * The verification after a batch (`provision --verify`, the app after every batch): verify all over the tenants the
 * batch created, results stored in the register. One that could not be verified fails the whole step with its error.
 */
export async function verifyCreated(profile: ConnectionProfile, options: Omit<VerifyAllOptions, 'record'>): Promise<VerifyResult[]> {
  const summary = await verifyAll(profile, { ...options, record: true });
  const failed = summary.outcomes.find((o) => o.error !== undefined);
  if (failed) throw new TenantryError(failed.errorCode ?? 'PG_QUERY_FAILED', `Tenant "${failed.tenant}" could not be verified: ${failed.error}`);
  if (summary.skipped > 0) throw new TenantryError('CANCELLED', `Verification was cancelled after ${summary.total - summary.skipped} of ${summary.total} tenants.`);
  return summary.outcomes.map((o) => o.result!);
}
