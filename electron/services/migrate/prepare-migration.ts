/**
 * Everything before a rollout runs: the migration files read, the plan made
 * against the live template (its catalog facts make the reference finder
 * exact), the tenants checked, a rehearsal on one tenant in a transaction that
 * is rolled back (time and locks), and the rollout recorded.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, isAbsolute, join } from 'node:path';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { TenantryError } from '../../../core/errors.js';
import type { MigrationFile } from '../../../core/migrate/migration-files.js';
import { planMigration, type MigrationPlan } from '../../../core/migrate/plan-migration.js';
import { renderMigrationStep } from '../../../core/migrate/render-migration.js';
import { buildTenantSettingsSql } from '../../../core/migrate/rollout-sql.js';
import type { ReferenceDecisions } from '../../../core/snapshot/reference-ids.js';
import { validateTenantName } from '../../../core/tenant/tenant-name.js';
import { TENANT_LOCK_CLASS } from '../../../core/provision/tenant-guard.js';
import { quoteLiteral } from '../../../core/sql/quote.js';
import { openClient } from '../connection/open-connection.js';
import { readCatalogFacts } from '../catalog/read-catalog-facts.js';
import { parseServerVersionNum } from '../../../core/binaries/pg-version.js';
import { findNamesInSql } from '../../../core/migrate/names-in-sql.js';
import { createPool } from '../connection/open-connection.js';
import { createRollout, ensureRolloutSchema, loadRollout, newRolloutId, type RolloutSettings, type StoredRollout } from './rollout-store.js';
import type pg from 'pg';
import type { CatalogFacts } from '../../../core/snapshot/catalog-facts.js';
import type { MigrationRehearsalInfo } from '../../../core/api/contract.js';

/** The .sql files of `--file` (one) or `--dir` (every *.sql directly inside, any order: the plan sorts by version). */
export async function readMigrationFiles(source: { file?: string; dir?: string }): Promise<MigrationFile[]> {
  const read = async (path: string): Promise<MigrationFile> => {
    try {
      return { name: basename(path), sql: await readFile(path, 'utf8') };
    } catch (error) {
      throw new TenantryError('FILE_NOT_FOUND', `The migration file ${path} cannot be read: ${(error as Error).message}.`, { cause: error });
    }
  };
  if (source.file !== undefined) return [await read(source.file)];
  if (source.dir === undefined) throw new TenantryError('USAGE', 'Pass the migration with --file M.sql or --dir FOLDER.');
  let names: string[];
  try {
    if (!(await stat(source.dir)).isDirectory()) throw new Error('not a folder');
    names = (await readdir(source.dir)).filter((n) => n.toLowerCase().endsWith('.sql'));
  } catch (error) {
    throw new TenantryError('FILE_NOT_FOUND', `The migration folder ${source.dir} cannot be read: ${(error as Error).message}.`, { cause: error });
  }
  if (names.length === 0) throw new TenantryError('USAGE', `The folder ${source.dir} holds no .sql files.`);
  return Promise.all(names.map((n) => read(join(source.dir as string, n))));
}

/**
 * The migration at `path` as the app names it (a path chosen with the file picker, "~/" for the home folder): a
 * folder's .sql files, or one .sql file. Nothing but .sql files is read, so the app's requests cannot read other files.
 */
export async function readMigrationPath(path: string, home = homedir()): Promise<MigrationFile[]> {
  const expanded = path === '~' ? home : path.startsWith('~/') ? join(home, path.slice(2)) : path;
  if (!isAbsolute(expanded)) throw new TenantryError('USAGE', `Choose the migration as a full path (or one starting with ~/): ${JSON.stringify(path)} is relative.`);
  const facts = await stat(expanded).catch((error: unknown) => {
    throw new TenantryError('FILE_NOT_FOUND', `The migration ${expanded} cannot be read: ${(error as Error).message}.`, { cause: error });
  });
  if (facts.isDirectory()) return readMigrationFiles({ dir: expanded });
  if (!expanded.toLowerCase().endsWith('.sql')) throw new TenantryError('USAGE', `The migration must be a .sql file or a folder of them; ${basename(expanded)} is neither.`);
  return readMigrationFiles({ file: expanded });
}

/** Runs `fn` on a connection of `db` when given (the CLI keeps one pool for the whole command), else on a new one. */
async function withClient<T>(profile: ConnectionProfile, db: pg.Pool | undefined, fn: (client: pg.ClientBase) => Promise<T>): Promise<T> {
  if (db !== undefined) {
    const client = await db.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  }
  const client = await openClient(profile);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Plans the migration against the live template (catalog facts of the names the migration uses, server version);
 * SCHEMA_NOT_FOUND when the template is missing. `db`: a pool to borrow a connection from.
 */
export async function planAgainstTemplate(profile: ConnectionProfile, files: readonly MigrationFile[], options: { template: string; placeholder?: string; decisions?: ReferenceDecisions }, db?: pg.Pool): Promise<MigrationPlan> {
  return (await planWithCatalog(profile, files, options, db)).plan;
}

/** planAgainstTemplate with the catalog facts it planned with (the app's review scans the files with the same facts). */
export async function planWithCatalog(profile: ConnectionProfile, files: readonly MigrationFile[], options: { template: string; placeholder?: string; decisions?: ReferenceDecisions }, db?: pg.Pool): Promise<{ plan: MigrationPlan; catalog: CatalogFacts }> {
  return withClient(profile, db, async (client) => {
    const { rows } = await client.query<{ present: boolean; num: string; text: string }>(
      "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1) AS present, pg_catalog.current_setting('server_version_num') AS num, pg_catalog.split_part(pg_catalog.current_setting('server_version'), ' ', 1) AS text",
      [options.template],
    );
    const row = rows[0];
    if (row?.present !== true) throw new TenantryError('SCHEMA_NOT_FOUND', `The template schema ${JSON.stringify(options.template)} does not exist in this database. Names are case-sensitive; \`tenantry schemas\` lists them.`);
    const version = parseServerVersionNum(Number(row.num), row.text);
    const catalog = await readCatalogFacts(client, options.template, findNamesInSql(files.map((f) => f.sql), [options.template]));
    return { plan: planMigration(files, { template: options.template, serverMajor: version.major, catalog, ...(options.placeholder ? { placeholder: options.placeholder } : {}), ...(options.decisions ? { decisions: options.decisions } : {}) }), catalog };
  });
}

/** Refuses a plan with refused statements, naming the first. */
export function assertPlanRunnable(plan: MigrationPlan): void {
  const first = plan.refused[0];
  if (first === undefined) return;
  throw new TenantryError('MIGRATION_REFUSED', `${first.file} line ${first.line} is refused: ${first.reason}${plan.refused.length > 1 ? ` (${plan.refused.length - 1} more refused)` : ''}. Nothing was run.`, {
    detail: plan.refused.map((r) => `${r.file}:${r.line}: ${r.text}\n  ${r.reason}`).join('\n'),
  });
}

/** Checks the tenant names and that each schema exists; TENANT_NOT_FOUND names the missing ones. */
export async function checkTenants(profile: ConnectionProfile, template: string, tenants: readonly string[], db?: pg.Pool): Promise<void> {
  for (const t of tenants) validateTenantName(t, { protectedNames: [template] });
  await withClient(profile, db, async (client) => {
    const { rows } = await client.query<{ nspname: string }>('SELECT nspname::text FROM pg_catalog.pg_namespace WHERE nspname = ANY ($1::text[])', [tenants]);
    const present = new Set(rows.map((r) => r.nspname));
    const missing = tenants.filter((t) => !present.has(t));
    if (missing.length > 0) throw new TenantryError('TENANT_NOT_FOUND', `${missing.length} tenant schema(s) do not exist: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}. Nothing was run.`);
  });
}

/** The dry run's outcome: time, lock table entries and relations locked (not counting fast-path locks), or the error. */
export type Rehearsal = MigrationRehearsalInfo;

/** Runs the transactional versions on one tenant in a transaction that is rolled back: how long, which locks. */
export async function rehearse(profile: ConnectionProfile, plan: MigrationPlan, tenant: string, lockTimeoutMs: number): Promise<Rehearsal> {
  const client = await openClient(profile);
  const t0 = performance.now();
  try {
    await client.query(`BEGIN;\n${buildTenantSettingsSql('rehearsal', tenant, lockTimeoutMs)}\nSELECT pg_catalog.pg_advisory_xact_lock(${TENANT_LOCK_CLASS}, pg_catalog.hashtext(${quoteLiteral(tenant)}));`);
    try {
      for (const v of plan.versions) if (v.step.kind === 'transaction') await client.query(renderMigrationStep(plan, v.step, tenant));
    } catch (error) {
      const e = error as { code?: string; message?: string };
      return { tenant, ms: Math.round(performance.now() - t0), lockTableEntries: 0, locks: [], error: { ...(e.code ? { sqlstate: e.code } : {}), message: e.message ?? String(error) } };
    }
    const ms = Math.round(performance.now() - t0);
    const { rows } = await client.query<{ relation: string | null; mode: string; fastpath: boolean }>(
      `SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) AS relation, l.mode, l.fastpath
         FROM pg_catalog.pg_locks l LEFT JOIN pg_catalog.pg_class c ON c.oid = l.relation AND l.locktype = 'relation' LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE l.pid = pg_catalog.pg_backend_pid() AND l.granted ORDER BY 1, 2`,
    );
    return {
      tenant,
      ms,
      lockTableEntries: rows.filter((r) => !r.fastpath).length,
      locks: rows.filter((r) => r.relation !== null && !r.relation.startsWith('pg_catalog.')).map((r) => ({ relation: r.relation as string, mode: r.mode })),
    };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/** Records a new rollout of the plan over the tenants (the template first unless left out) and returns it. `db`: a pool to use. */
export async function recordRollout(profile: ConnectionProfile, plan: MigrationPlan, input: { tenants: readonly string[]; includeTemplate: boolean; settings: RolloutSettings; id?: string }, db?: pg.Pool): Promise<StoredRollout> {
  const pool = db ?? (await createPool(profile, 1));
  try {
    await ensureRolloutSchema(pool);
    return await createRollout(pool, { id: input.id ?? newRolloutId(), plan, settings: input.settings, tenants: input.tenants, includeTemplate: input.includeTemplate });
  } finally {
    if (db === undefined) await pool.end();
  }
}

/** Reads a recorded rollout (for resume and status). */
export async function readRollout(profile: ConnectionProfile, id: string, db?: pg.Pool): Promise<StoredRollout> {
  const pool = db ?? (await createPool(profile, 1));
  try {
    return await loadRollout(pool, id);
  } finally {
    if (db === undefined) await pool.end();
  }
}
