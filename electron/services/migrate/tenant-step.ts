/**
 * One tenant's part of a rollout: its pending versions in units (consecutive
 * transactional versions in one transaction, a version that must run alone on
 * its own, core/migrate/statement-kinds.ts), each unit committing its versions'
 * records (and the application's ledger rows) with it. The tenant's 'done' mark
 * is the runner's, in batches (runner-session.ts).
 */
import type pg from 'pg';
import { renderMigrationStep } from '../../../core/migrate/render-migration.js';
import type { MigrationPlan, MigrationVersion } from '../../../core/migrate/plan-migration.js';
import { ALREADY_APPLIED_MARKER, buildCloseTenantSql, buildOpenTenantSql, buildTenantSettingsSql, TENANT_MISSING_MARKER, type LedgerTarget } from '../../../core/migrate/rollout-sql.js';
import { TENANT_LOCK_CLASS } from '../../../core/provision/tenant-guard.js';
import { splitStatements } from '../../../core/sql/split-statements.js';
import { touchesSessionState } from '../../../core/pool/touches-session.js';
import { quoteIdentifier } from '../../../core/sql/quote.js';
import { lineColumnAt } from '../../../core/sql/line-column.js';
import { isConnectionLost } from '../provision/lost-connection.js';
import type { LockBlocker, LockWatchHandle, WatchTarget } from '../provision/lock-watch.js';
import { runStatementsOneByOne } from '../citus/run-statements.js';
import { readAppliedVersions } from './rollout-store.js';

export interface Unit {
  kind: 'transaction' | 'alone';
  versions: MigrationVersion[];
}

/** The units of a tenant's pending versions, in order. */
export function groupUnits(pending: readonly MigrationVersion[]): Unit[] {
  const units: Unit[] = [];
  let open: Unit | undefined;
  for (const v of pending) {
    if (v.step.kind === 'alone') {
      units.push({ kind: 'alone', versions: [v] });
      open = undefined;
      continue;
    }
    if (open === undefined) units.push((open = { kind: 'transaction', versions: [] }));
    open.versions.push(v);
    if (v.step.commitAfter === true) open = undefined;
  }
  return units;
}

/** How a unit ended. */
export type UnitOutcome =
  | { kind: 'ok' }
  | { kind: 'skipped' }
  | { kind: 'lost'; error: unknown }
  | { kind: 'error'; error: unknown; sqlstate?: string; file?: string; line?: number; statement?: string; blockers: LockBlocker[]; missing?: boolean };

export interface UnitContext {
  pool: pg.Pool;
  plan: MigrationPlan;
  rolloutId: string;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  ledger?: LedgerTarget;
  /**
   * Send a unit one statement per query (a Citus coordinator: it propagates DDL to the workers with the text of the
   * query that ran it, and a worker refuses a multi-statement text, run-statements.ts). Still one transaction.
   */
  oneByOne?: boolean;
  /**
   * The search_path of a tenant's transaction unit: null leaves the session's (the runner found the migration needs
   * none for this tenant: plan-search-path.ts, search-path-check.ts); undefined: the tenant's schema and public.
   */
  searchPath?: (tenant: string) => string | null | undefined;
  watch(target: WatchTarget): LockWatchHandle;
}

const configured = new WeakSet<pg.PoolClient>();

/**
 * Whether a version's SQL could leave session state behind (touchesSessionState), judged once per version: a
 * tenant's rendering differs from another's only in the names written, never in the statements, and lexing the
 * text again for every tenant cost the client more than the rest of its part.
 */
const touchesSession = new WeakMap<MigrationVersion, boolean>();

function versionTouchesSession(version: MigrationVersion, rendered: string): boolean {
  let touches = touchesSession.get(version);
  if (touches === undefined) touchesSession.set(version, (touches = touchesSessionState(rendered)));
  return touches;
}

/**
 * statement_timeout for the session, once per pooled connection: set inside the tenant's message it would only
 * take effect for the next message (the server arms the timer when a message starts).
 */
async function applyStatementTimeout(ctx: UnitContext, client: pg.PoolClient): Promise<void> {
  if (configured.has(client)) return;
  await client.query(`SET statement_timeout = '${Math.max(0, Math.round(ctx.statementTimeoutMs))}ms'`);
  configured.add(client);
}

/** Where a failed statement is: its version, file line and text, from the server's error position or by replaying. */
interface Located {
  file?: string;
  line?: number;
  statement?: string;
}

function locate(plan: MigrationPlan, version: MigrationVersion, rendered: string, offset: number): Located {
  const line = lineColumnAt(rendered, Math.max(0, Math.min(offset, rendered.length))).line;
  const statement = [...version.step.statements].reverse().find((s) => s.line <= line);
  const text = statement ? rendered.split('\n').slice(statement.line - 1, statement.line + 2).join(' ') : '';
  void plan;
  return { file: version.file, line: statement?.line ?? line, statement: text.replace(/\s+/g, ' ').trim().slice(0, 200) };
}

/**
 * A lane of a wave (run-rollout.ts): the pooled connection it keeps for the transaction units of its tenants, one after
 * another, taken at its first unit and given back when the wave ends (releaseLane) or before a unit that must run alone
 * (which takes its own and closes it). Taking a connection from the pool for every tenant and giving it back cost
 * the client more than the rest of a tenant's bookkeeping (issue 15). A broken connection is closed at once; the next
 * unit takes another.
 */
export interface Lane {
  client?: pg.PoolClient;
}

/** Gives the lane's connection back to the pool (its session settings are the pool's as before: statement_timeout). */
export function releaseLane(lane: Lane): void {
  const client = lane.client;
  lane.client = undefined;
  client?.release();
}

/** Runs a transaction unit for `tenant` on the lane's connection. */
export async function runTransactionUnit(ctx: UnitContext, tenant: string, unit: Unit, lane: Lane): Promise<UnitOutcome> {
  const { plan, rolloutId } = ctx;
  const rendered = unit.versions.map((v) => renderMigrationStep(plan, v.step, tenant));
  // One statement of bookkeeping before the migration (a second after it with a ledger), one message for the whole transaction (rollout-sql.ts).
  let sql = `BEGIN;\n${buildOpenTenantSql(rolloutId, tenant, unit.versions, ctx.lockTimeoutMs, ctx.ledger, ctx.searchPath?.(tenant))}\n`;
  const segments: { start: number; end: number }[] = [];
  for (const text of rendered) {
    segments.push({ start: sql.length, end: sql.length + text.length });
    sql += `${text}\n;\n`;
  }
  sql += `${buildCloseTenantSql(tenant, unit.versions, ctx.ledger)}\nCOMMIT;`;
  const client = lane.client ?? (lane.client = await ctx.pool.connect());
  const pid = (client as pg.PoolClient & { processID?: number }).processID;
  const watch = pid ? ctx.watch({ pid }) : undefined;
  let broken: Error | boolean | undefined;
  try {
    await applyStatementTimeout(ctx, client);
    if (ctx.oneByOne === true) await runStatementsOneByOne(client, sql);
    else await client.query(sql);
    // A plain SET in the migration outlives its transaction: the pooled connection goes back clean.
    if (rendered.some((r, k) => versionTouchesSession(unit.versions[k] as MigrationVersion, r))) await client.query(`RESET ALL;\nSET statement_timeout = '${ctx.statementTimeoutMs}ms';`);
    return { kind: 'ok' };
  } catch (error) {
    const blockers = watch?.stop() ?? [];
    if (isConnectionLost(error)) {
      broken = true;
      return { kind: 'lost', error };
    }
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    const e = error as { code?: string; message?: string; position?: string };
    if (typeof e.message === 'string' && e.message.startsWith(ALREADY_APPLIED_MARKER)) return { kind: 'skipped' };
    if (e.code === '3F000' && typeof e.message === 'string' && e.message.startsWith(TENANT_MISSING_MARKER)) return { kind: 'error', error, sqlstate: e.code, blockers, missing: true };
    let where: Located = {};
    const position = Number(e.position);
    if (Number.isInteger(position) && position > 0) {
      const at = position - 1;
      const k = segments.findIndex((s) => at >= s.start && at <= s.end);
      if (k !== -1) where = locate(plan, unit.versions[k] as MigrationVersion, rendered[k] as string, at - (segments[k] as { start: number }).start);
    } else if (e.code !== '55P03' && e.code !== '57014' && broken !== true) {
      where = await replay(ctx, client, tenant, unit, rendered);
    }
    return { kind: 'error', error, ...(e.code !== undefined ? { sqlstate: e.code } : {}), ...where, blockers };
  } finally {
    watch?.stop();
    if (broken !== undefined && broken !== false) {
      lane.client = undefined;
      client.release(broken);
    }
  }
}

/**
 * Finds the statement that failed when the server gave no position (most DDL errors): the unit again, statement by
 * statement, in a transaction that is rolled back. Only on failure, so a rollout pays nothing for it otherwise.
 */
async function replay(ctx: UnitContext, client: pg.PoolClient, tenant: string, unit: Unit, rendered: string[]): Promise<Located> {
  try {
    await client.query(`BEGIN;\n${buildTenantSettingsSql(ctx.rolloutId, tenant, ctx.lockTimeoutMs)}\nSELECT pg_catalog.pg_advisory_xact_lock(${TENANT_LOCK_CLASS}, pg_catalog.hashtext($1));`.replace('$1', `'${tenant.replace(/'/g, "''")}'`));
    for (let k = 0; k < unit.versions.length; k++) {
      const text = rendered[k] as string;
      for (const s of splitStatements(text)) {
        if (s.kind !== 'sql') continue;
        try {
          await client.query(s.text);
        } catch {
          const lead = /^(?:\s+|--[^\n]*|\/\*[\s\S]*?\*\/)*/.exec(s.text)?.[0].length ?? 0;
          return locate(ctx.plan, unit.versions[k] as MigrationVersion, text, s.start + lead);
        }
      }
    }
    return {};
  } catch {
    return {};
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

/** Runs a version that cannot run in a transaction (statement-kinds.ts), under the tenant's session advisory lock. */
export async function runAloneUnit(ctx: UnitContext, tenant: string, unit: Unit): Promise<UnitOutcome> {
  const version = unit.versions[0] as MigrationVersion;
  const rendered = renderMigrationStep(ctx.plan, version.step, tenant);
  const client = await ctx.pool.connect();
  const pid = (client as pg.PoolClient & { processID?: number }).processID;
  const watch = pid ? ctx.watch({ pid }) : undefined;
  const literal = `'${tenant.replace(/'/g, "''")}'`;
  try {
    // Session settings and lock: the connection is closed afterwards, which ends both.
    await client.query(`SET statement_timeout = 0;\n${buildTenantSettingsSql(ctx.rolloutId, tenant, ctx.lockTimeoutMs, false)}\nSELECT pg_catalog.pg_advisory_lock(${TENANT_LOCK_CLASS}, pg_catalog.hashtext(${literal}));`);
    const applied = await readAppliedVersions(ctx.pool, [tenant], [version.version], ctx.ledger);
    if (applied.get(tenant)?.has(version.version) === true) return { kind: 'skipped' };
    if (version.step.dropInvalidIndex !== undefined) {
      const { rows } = await client.query<{ invalid: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND NOT i.indisvalid) AS invalid`,
        [tenant, version.step.dropInvalidIndex],
      );
      // A build that failed or was cancelled left the index INVALID; IF NOT EXISTS would keep it so.
      if (rows[0]?.invalid === true) await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdentifier(tenant)}.${quoteIdentifier(version.step.dropInvalidIndex)}`);
    }
    try {
      await client.query(rendered);
    } catch (error) {
      if (isConnectionLost(error)) return { kind: 'lost', error };
      const e = error as { code?: string };
      const statement = version.step.statements[0];
      return { kind: 'error', error, ...(e.code !== undefined ? { sqlstate: e.code } : {}), file: version.file, ...(statement ? { line: statement.line } : {}), statement: rendered.replace(/\s+/g, ' ').trim().slice(0, 200), blockers: watch?.stop() ?? [] };
    }
    // The record (under the advisory lock the session holds already, with the guard) and the ledger row.
    await client.query(`BEGIN;\n${buildOpenTenantSql(ctx.rolloutId, tenant, [version], ctx.lockTimeoutMs, ctx.ledger)}\n${buildCloseTenantSql(tenant, [version], ctx.ledger)}\nCOMMIT;`);
    return { kind: 'ok' };
  } catch (error) {
    if (isConnectionLost(error)) return { kind: 'lost', error };
    const e = error as { code?: string };
    return { kind: 'error', error, ...(e.code !== undefined ? { sqlstate: e.code } : {}), blockers: watch?.stop() ?? [] };
  } finally {
    watch?.stop();
    client.release(true);
  }
}
