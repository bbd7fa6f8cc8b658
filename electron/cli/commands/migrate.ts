/** `tenantry migrate`: rolls a migration out to every tenant (electron/services/migrate/), status and resume. */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { ConnectionProfile } from '../../../core/connection/profile.js';
import { TenantryError } from '../../../core/errors.js';
import type { MigrationPlan } from '../../../core/migrate/plan-migration.js';
import { renderMigrationStep } from '../../../core/migrate/render-migration.js';
import { parseLedgerTarget } from '../../../core/migrate/rollout-sql.js';
import { describeRepeatedNames, findRepeatedNames } from '../../../core/provision/repeated-names.js';
import { assertPlanRunnable, checkTenants, planAgainstTemplate, readMigrationFiles, readRollout, recordRollout, rehearse } from '../../services/migrate/prepare-migration.js';
import { openRolloutConnections, runRollout, type RolloutEvent, type RolloutResult } from '../../services/migrate/run-rollout.js';
import { listRollouts, type RolloutSettings, type StoredRollout } from '../../services/migrate/rollout-store.js';
import type pg from 'pg';
import type { MigrationFile } from '../../../core/migrate/migration-files.js';
import type { ReferenceDecisions } from '../../../core/snapshot/reference-ids.js';
import { createPool } from '../../services/connection/open-connection.js';
import { chooseTenants, type TenantSource } from '../../services/migrate/rollout-tenants.js';
import { parseTenantOrder, TENANT_ORDERS, type TenantOrder } from '../../../core/migrate/order-tenants.js';
import { readDecisionsFile } from '../decisions-file.js';
import { checkOutputPath, writeOutputFile } from '../write-output.js';
import { refreshAfterRollout } from '../../services/migrate/refresh-after-rollout.js';
import { describeCliConnection, recordCliHistory } from '../cli-history.js';
import { UsageError, type CliCommand, type CliIo } from '../command.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, listOption, parseOptions, requireOption, resolveCliProfile, stringOption, type OptionValues } from './parse-options.js';
import { parseLockTimeout, parseTenantsFile } from './provision.js';

async function readTenantsFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new TenantryError('FILE_NOT_FOUND', `The tenants file ${path} cannot be read: ${(error as Error).message}.`, { cause: error });
  }
}

const USAGE = [
  'Usage: tenantry migrate --template S (--file M.sql | --dir D) (--all | --cohort C | --tenants a,b,c | --tenants-file F)',
  '                        [--order name|created|size[:desc]]',
  '                        [--canary N] [--concurrency N] [--lock-timeout 3s] [--statement-timeout 10min]',
  '                        [--retries 5] [--continue-on-error] [--ledger TABLE[(COLUMN)]] [--no-template]',
  '                        [--decisions FILE] [--placeholder P] [--dry-run] [--json] [--url URL]',
  '       tenantry migrate status [ID] [--json] [--url URL]',
  '       tenantry migrate resume ID [--concurrency N] [--json] [--url URL]',
  '       tenantry migrate refresh ID -o SNAPSHOT.sql [--no-pool] [--json] [--url URL]',
  '',
  'Applies a migration written against the template schema (or with the placeholder) to',
  'the template and to each tenant, one transaction per tenant: its SQL templated like a',
  'snapshot, its versions, the ledger row and the rollout\'s mark committed together.',
  'A folder is applied in version order (V12__add_tags.sql, 20240101120000_x.sql).',
  'Waves: the template, then a canary of N tenants one at a time, then the rest.',
  'Recorded in _tenantry: `migrate status ID` shows it, `migrate resume ID` continues',
  'it after a crash, a kill or a server restart. A tenant already at a version (by',
  'Tenantry\'s record or the ledger) is skipped; two runs never apply a version twice.',
  'After it, `migrate refresh ID -o FILE` dumps the migrated template into a new',
  'snapshot FILE, records the rollout\'s tenants in the register as at that snapshot,',
  'and replaces the warm pool\'s spares of the old snapshot with spares of the new one',
  '(--no-pool leaves the pool alone).',
  '',
  '  --template S        the template schema the migration is written against',
  '  --file M.sql        one migration file (one version)',
  '  --dir D             a folder of .sql files, one version each',
  '  --all               every tenant of the template in the register (_tenantry.tenants)',
  '  --cohort C          the tenants of one census cohort (its id, as tenantry tenants shows it)',
  '  --tenants a,b,c     the tenants, in this order (comma-separated; repeatable)',
  '  --tenants-file F    one tenant name per line (# comments allowed), in this order',
  '  --order K[:desc]    the order they are taken in (the canary comes first): name,',
  '                      created (the register\'s creation time, oldest first) or size',
  '                      (tables with indexes and TOAST, smallest first); default name',
  '                      for --all and --cohort, the listed order for a list',
  '  --canary N          tenants migrated one at a time first; any failure stops (default 1)',
  '  --concurrency N     tenants at once after the canary (default 4; capped by the lock table)',
  '  --lock-timeout D    longest wait for each lock (default 3s); the tenant is rolled back',
  '                      and retried later with backoff, then reported with the blocking pid',
  '  --statement-timeout D  longest statement of a tenant (default 10min)',
  '  --retries N         retries after a lock timeout (default 5)',
  '  --continue-on-error carry on after a failed tenant (default: stop starting new ones)',
  '  --ledger T[(C)]     also write the version into each tenant\'s table T, column C',
  '                      (default version), e.g. schema_migrations; read to skip tenants',
  '  --no-template       leave the template alone (it already has the migration)',
  '  --decisions FILE    keep/replace decisions for references that need review',
  '  --placeholder P     the placeholder the migration uses (default #{prefix})',
  '  --dry-run           show the templated SQL, references to review, refused statements',
  '                      and the steps; run it on the first tenant in a transaction that',
  '                      is rolled back (time and locks); change nothing',
  '  --json              JSON lines: one event per line, the result last',
  CONNECTION_USAGE,
  '',
  'Statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY, VACUUM, …)',
  'must be alone in their file and safe to run again (IF NOT EXISTS): they run as their',
  'own step per tenant. Everything else of a tenant runs in one transaction.',
  '',
  'Exit status: 0 when every tenant is done or skipped, 1 otherwise, 130 after Ctrl+C.',
].join('\n');

function parseDuration(text: string, option: string): number {
  try {
    return parseLockTimeout(text);
  } catch {
    throw new UsageError(`${option} needs a duration such as 3s, 1500ms or 2min.`);
  }
}

function intOption(values: OptionValues, name: string, fallback: number, min: number, max: number): number {
  const text = stringOption(values, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} needs a whole number from ${min} to ${max}.`);
  return n;
}

/** Where the rollout's tenants come from (exactly one of --all, --cohort, a list) and their order. */
async function readTenantSource(values: OptionValues, io: CliIo): Promise<{ source: TenantSource; order?: TenantOrder }> {
  const raw = values.tenants;
  const listed = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).flatMap((v) => String(v).split(',')).map((t) => t.trim()).filter((t) => t.length > 0);
  const file = stringOption(values, 'tenants-file');
  const fromFile = file === undefined ? [] : parseTenantsFile(await readTenantsFile(resolve(io.cwd, file)));
  const tenants = [...listed, ...fromFile];
  const cohort = stringOption(values, 'cohort');
  const orderText = stringOption(values, 'order');
  const order = orderText === undefined ? undefined : parseTenantOrder(orderText);
  if (orderText !== undefined && order === undefined) throw new UsageError(`--order must be ${TENANT_ORDERS.join(', ')}, optionally followed by :asc or :desc (e.g. size:desc).`);
  const sources = [values.all === true, cohort !== undefined, tenants.length > 0].filter(Boolean).length;
  if (sources > 1) throw new UsageError('Choose the tenants one way: --all, --cohort C, or --tenants / --tenants-file.');
  if (sources === 0) throw new UsageError('Name the tenants with --all, --cohort C, --tenants a,b,c or --tenants-file F.');
  const withOrder = order ? { order } : {};
  if (values.all === true) return { source: { kind: 'all' }, ...withOrder };
  if (cohort !== undefined) return { source: { kind: 'cohort', cohort }, ...withOrder };
  const repeated = findRepeatedNames(tenants);
  if (repeated.length > 0) throw new UsageError(describeRepeatedNames(repeated));
  return { source: { kind: 'list', tenants }, ...withOrder };
}

/** The plan for a reader: versions with how each runs, references to review, refused statements. */
export function formatPlan(plan: MigrationPlan, sampleTenant?: string): string {
  const lines = [`Migration of template ${plan.template}: ${plan.versions.length} version(s), plan ${plan.checksum.slice(0, 12)}.`];
  for (const v of plan.versions) {
    lines.push(`  ${v.version.padEnd(16)} ${v.file}  ${v.step.kind === 'alone' ? `alone: ${v.step.rule ?? ''}` : `in the tenant's transaction${v.step.commitAfter ? ' (commits before the next version: ALTER TYPE … ADD VALUE)' : ''}`}`);
  }
  if (plan.review.length > 0) {
    lines.push(`${plan.review.length} reference(s) to review (decide with --decisions {"decisions": {"<id>": "keep"|"replace"}}):`);
    for (const r of plan.review) lines.push(`  ${r.file}:${r.line}:${r.column} ${r.kind} ${r.outcome}: ${r.context}\n    id ${r.id}`);
  }
  if (plan.refused.length > 0) {
    lines.push(`${plan.refused.length} statement(s) refused:`);
    for (const r of plan.refused) lines.push(`  ${r.file}:${r.line}: ${r.text}\n    ${r.reason}`);
  }
  if (sampleTenant !== undefined) {
    lines.push(`SQL for tenant ${sampleTenant}:`);
    for (const v of plan.versions) lines.push(`-- ${v.file}`, renderMigrationStep(plan, v.step, sampleTenant).trimEnd());
  }
  return lines.join('\n') + '\n';
}

function describeEvent(event: RolloutEvent): string | undefined {
  switch (event.type) {
    case 'start':
      return `rollout ${event.rolloutId}: ${event.pending} to migrate, ${event.skipped} already there (of ${event.total})`;
    case 'wave':
      return `${event.wave === 'template' ? 'template' : event.wave === 'canary' ? `canary (${event.tenants} tenant${event.tenants === 1 ? '' : 's'}, one at a time)` : `the rest (${event.tenants} tenants, ${event.concurrency} at a time)`}…`;
    case 'template-found':
      return `template ${event.template} already has the migration: its structure equals ${event.tenant}'s ${event.how === 'rehearsed' ? 'with the migration applied (rehearsed and rolled back)' : 'as migrated'} (fingerprint ${event.fingerprint.slice(0, 12)}); recorded for the template, not run there again`;
    case 'tenant':
      if (event.status === 'done' || event.status === 'skipped') return undefined;
      return `${event.status.padEnd(8)} ${event.tenant} (attempt ${event.attempt}): [${event.error?.code ?? ''}${event.error?.sqlstate ? ` ${event.error.sqlstate}` : ''}] ${event.error?.message ?? ''}${event.error?.file ? `\n         at ${event.error.file}${event.error.line !== undefined ? `:${event.error.line}` : ''}${event.error.statement ? `: ${event.error.statement}` : ''}` : ''}`;
    default:
      return undefined;
  }
}

function formatResult(result: RolloutResult): string {
  const lines = [`Rollout ${result.rolloutId}: ${result.done} done, ${result.skipped} skipped, ${result.failed} failed, ${result.remaining} not finished — ${result.elapsedMs} ms, ${result.concurrency} at a time${result.lockBudget?.capped ? ` (capped by the lock table: about ${result.lockBudget.locksPerTenant} locks per tenant)` : ''}.`];
  for (const f of result.failures) {
    lines.push(`  ${f.tenant}: [${f.error.code}${f.error.sqlstate ? ` ${f.error.sqlstate}` : ''}] ${f.error.message}${f.error.file ? `\n    at ${f.error.file}${f.error.line !== undefined ? `:${f.error.line}` : ''}${f.error.statement ? `: ${f.error.statement}` : ''}` : ''}`);
  }
  if (result.stopped !== undefined) {
    const why = { template: 'the migration failed on the template, so no tenant was touched', canary: 'a canary tenant failed', failure: 'a tenant failed (--continue-on-error carries on)', connection: `the server could not be reached (${result.stopError?.message ?? ''})`, signal: 'it was interrupted' }[result.stopped];
    lines.push(`Stopped: ${why}. Continue with: tenantry migrate resume ${result.rolloutId}`);
  } else if (result.failed > 0) lines.push(`Retry the failed tenants with: tenantry migrate resume ${result.rolloutId}`);
  return lines.join('\n') + '\n';
}

/** Adds each tenant a rollout run migrated, skipped or failed to the history the app shows. */
function addRolloutToHistory(io: CliIo, profile: ConnectionProfile, rollout: StoredRollout, outcomes: { tenant: string; status: 'migrated' | 'skipped' | 'failed'; ms: number }[]): void {
  const at = new Date().toISOString();
  const connectionName = describeCliConnection(profile);
  const versions = rollout.plan.versions.map((v) => v.version).join(', ');
  const snapshotName = `rollout ${rollout.id}${versions ? ` (${versions})` : ''}`;
  recordCliHistory(io, outcomes.map((o) => ({ tenant: o.tenant, connectionName, database: profile.database ?? '', snapshotName, status: o.status, at, elapsedMs: o.ms, action: 'migrate' as const })));
}

/** Runs a recorded rollout, printing events (JSON lines or text; a progress line on a terminal); returns the exit status. */
async function runAndReport(profile: ConnectionProfile, pool: pg.Pool, rollout: StoredRollout, json: boolean, io: CliIo): Promise<number> {
  const tty = !json && process.stderr.isTTY === true;
  const interrupted = io.interrupts?.();
  let line = false;
  const outcomes: { tenant: string; status: 'migrated' | 'skipped' | 'failed'; ms: number }[] = [];
  await openRolloutConnections(pool, rollout);
  const result = await runRollout(profile, rollout, {
    pool,
    ...(interrupted ? { signal: interrupted } : {}),
    onEvent: (event) => {
      if (event.type === 'tenant' && event.status !== 'retrying') outcomes.push({ tenant: event.tenant, status: event.status === 'done' ? 'migrated' : event.status, ms: event.ms });
      if (json) {
        io.stdout(JSON.stringify(event) + '\n');
        return;
      }
      if (event.type === 'progress') {
        if (tty) {
          io.stderr(`\r${event.done} done, ${event.skipped} skipped, ${event.failed} failed, ${event.remaining} left — ${event.perSecond}/s${event.etaSeconds !== undefined ? `, ETA ${event.etaSeconds}s` : ''}   `);
          line = true;
        }
        return;
      }
      const text = describeEvent(event);
      if (text === undefined) return;
      io.stderr(`${line ? '\n' : ''}${text}\n`);
      line = false;
    },
  });
  if (line) io.stderr('\n');
  addRolloutToHistory(io, profile, rollout, outcomes);
  io.stdout(json ? JSON.stringify({ type: 'result', ...result }) + '\n' : formatResult(result));
  if (result.stopped === 'signal') return interrupted?.reason === 'SIGTERM' ? 143 : 130;
  return result.failed === 0 && result.remaining === 0 ? 0 : 1;
}

async function runStatus(argv: string[], io: CliIo): Promise<number> {
  const positional = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : undefined;
  const values = parseOptions(positional === undefined ? argv : argv.slice(1), { ...CONNECTION_OPTIONS, json: { type: 'boolean' } });
  const profile = await resolveCliProfile(stringOption(values, 'url'), io, values);
  if (positional === undefined) {
    const pool = await createPool(profile, 1);
    try {
      const rollouts = await listRollouts(pool);
      if (values.json === true) io.stdout(JSON.stringify(rollouts, null, 2) + '\n');
      else if (rollouts.length === 0) io.stdout('No rollouts in this database.\n');
      else for (const r of rollouts) io.stdout(`${r.id}  ${r.template}  ${r.state}  versions ${r.versions.join(', ')}  done ${r.counts.done}, skipped ${r.counts.skipped}, pending ${r.counts.pending}, failed ${r.counts.failed}${r.activeSessions > 0 ? `, ${r.activeSessions} migrating now` : ''}\n`);
    } finally {
      await pool.end();
    }
    return 0;
  }
  const rollout = await readRollout(profile, positional);
  const counts = { pending: 0, running: 0, done: 0, skipped: 0, failed: 0 };
  for (const t of rollout.tenants) counts[t.status]++;
  if (values.json === true) {
    io.stdout(JSON.stringify({ id: rollout.id, template: rollout.template, createdAt: rollout.createdAt, createdBy: rollout.createdBy, state: rollout.state, runner: rollout.runner, stateAt: rollout.stateAt, versions: rollout.plan.versions.map((v) => v.version), settings: rollout.settings, counts, tenants: rollout.tenants }, null, 2) + '\n');
  } else {
    io.stdout(`Rollout ${rollout.id} of ${rollout.template} (versions ${rollout.plan.versions.map((v) => v.version).join(', ')}), started ${rollout.createdAt.toISOString()} by ${rollout.createdBy}: ${counts.done} done, ${counts.skipped} skipped, ${counts.running} running, ${counts.pending} pending, ${counts.failed} failed.\n`);
    io.stdout(describeState(rollout, counts.running) + '\n');
    for (const t of rollout.tenants.filter((x) => x.status === 'failed' || (x.status === 'pending' && x.error !== null))) {
      io.stdout(`  ${t.tenant} ${t.status} after ${t.attempts} attempt(s): [${t.sqlstate ?? ''}] ${t.error ?? ''}${t.errorFile ? `\n    at ${t.errorFile}${t.errorLine !== null ? `:${t.errorLine}` : ''}${t.statement ? `: ${t.statement}` : ''}` : ''}${t.blockingPid !== null ? `\n    blocked by pid ${t.blockingPid}: ${t.blockingQuery ?? ''}` : ''}\n`);
    }
  }
  return counts.failed === 0 && counts.pending === 0 && counts.running === 0 ? 0 : 1;
}

/** One sentence on what the rollout is doing, and what to do about it. */
export function describeState(rollout: StoredRollout, running: number): string {
  const by = rollout.runner !== null ? ` (${rollout.runner})` : '';
  const at = rollout.stateAt !== null ? ` at ${rollout.stateAt.toISOString()}` : '';
  switch (rollout.state) {
    case 'running':
      return `Running now${by}${rollout.runners > 1 ? `, in ${rollout.runners} processes` : ''}; ${running} tenant(s) being migrated.`;
    case 'interrupted':
      return `Interrupted: the process running it${by} stopped without finishing (killed, or the server restarted)${at}. ${running > 0 ? `${running} tenant(s) were being migrated then; each was committed or rolled back as a whole, and the record says which. ` : ''}Continue with: tenantry migrate resume ${rollout.id}`;
    case 'finished':
      return `Finished${at}.`;
    case 'stopped':
      return `Stopped before every tenant was done${at}. Continue with: tenantry migrate resume ${rollout.id}`;
    default:
      return `Recorded, never run. Run it with: tenantry migrate resume ${rollout.id}`;
  }
}

async function runResume(argv: string[], io: CliIo): Promise<number> {
  const id = argv[0];
  if (id === undefined || id.startsWith('-')) throw new UsageError('Name the rollout to resume: tenantry migrate resume ID (`tenantry migrate status` lists them).');
  const values = parseOptions(argv.slice(1), { ...CONNECTION_OPTIONS, json: { type: 'boolean' }, concurrency: { type: 'string' } });
  const profile = await resolveCliProfile(stringOption(values, 'url'), io, values);
  // One pool for the whole command: a connection is opened once, not per step (the largest --concurrency, +2 for the runner and the record).
  const pool = await createPool(profile, 66);
  try {
    return await resumeOn(profile, pool, id, values, io);
  } finally {
    await pool.end().catch(() => undefined);
  }
}

async function resumeOn(profile: ConnectionProfile, pool: pg.Pool, id: string, values: OptionValues, io: CliIo): Promise<number> {
  const rollout = await readRollout(profile, id, pool);
  const running = rollout.tenants.filter((t) => t.status === 'running').length;
  if (rollout.state === 'interrupted' || rollout.state === 'running') {
    const note = rollout.state === 'interrupted'
      ? `Resuming rollout ${rollout.id}: interrupted, its process${rollout.runner !== null ? ` (${rollout.runner})` : ''} stopped without finishing${running > 0 ? `; ${running} tenant(s) were being migrated then, and the record says which of them committed` : ''}.`
      : `Another process${rollout.runner !== null ? ` (${rollout.runner})` : ''} is running rollout ${rollout.id} now: both go ahead, and no tenant is migrated twice.`;
    if (values.json === true) io.stdout(JSON.stringify({ type: 'resume', rolloutId: rollout.id, state: rollout.state, runner: rollout.runner, running, message: note }) + '\n');
    else io.stderr(`${note}\n`);
  }
  const concurrency = intOption(values, 'concurrency', rollout.settings.concurrency, 1, 64);
  // Resume retries failed tenants too: their rows are pending work again.
  const again: StoredRollout = { ...rollout, settings: { ...rollout.settings, concurrency, canary: 0 }, tenants: rollout.tenants.map((t) => (t.status === 'failed' ? { ...t, status: 'pending' } : t)) };
  return runAndReport(profile, pool, again, values.json === true, io);
}

/** `tenantry migrate refresh ID -o FILE`: the image updated after a rollout (services/migrate/refresh-after-rollout.ts). */
async function runRefresh(argv: string[], io: CliIo): Promise<number> {
  const id = argv[0];
  if (id === undefined || id.startsWith('-')) throw new UsageError('Name the rollout: tenantry migrate refresh ID -o SNAPSHOT.sql (`tenantry migrate status` lists them).');
  const values = parseOptions(argv.slice(1), { ...CONNECTION_OPTIONS, output: { type: 'string', short: 'o' }, 'no-pool': { type: 'boolean' }, json: { type: 'boolean' } });
  const output = requireOption(values, 'output');
  const path = resolve(io.cwd, output);
  await checkOutputPath(path);
  const profile = await resolveCliProfile(stringOption(values, 'url'), io, values);
  const pgBin = listOption(values, 'pg-bin');
  const pool = await createPool(profile, 2);
  try {
    const rollout = await readRollout(profile, id, pool);
    const result = await refreshAfterRollout(profile, pool, rollout, {
      label: basename(output).replace(/\.sql$/i, ''),
      skipPool: values['no-pool'] === true,
      env: io.env,
      ...(pgBin.length > 0 ? { pgBin } : {}),
      onStderrLine: (line) => io.stderr(`${line.startsWith('pg_dump:') ? '' : 'pg_dump: '}${line}\n`),
      save: (snapshot) => writeOutputFile(path, [snapshot.head, snapshot.snapshot.body]),
    });
    if (values.json === true) io.stdout(JSON.stringify({ output, checksum: result.checksum, registered: result.registered, pool: result.pool }) + '\n');
    else {
      const poolText = 'untouched' in result.pool ? `left alone: ${result.pool.untouched}` : `${result.pool.built.length} spare(s) built from it, ${result.pool.dropped.length} of the old snapshot dropped`;
      io.stdout(`New snapshot ${output} of the migrated template ${rollout.template} (checksum ${result.checksum.slice(0, 12)}). Register: ${result.registered} tenant(s) now at it. Warm pool: ${poolText}.\n`);
    }
    return 0;
  } finally {
    await pool.end().catch(() => undefined);
  }
}

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'Roll a migration out to the template and every tenant (status, resume)',
  usage: USAGE,
  async run(argv, io) {
    if (argv[0] === 'status') return runStatus(argv.slice(1), io);
    if (argv[0] === 'resume') return runResume(argv.slice(1), io);
    if (argv[0] === 'refresh') return runRefresh(argv.slice(1), io);
    const values = parseOptions(argv, {
      ...CONNECTION_OPTIONS,
      template: { type: 'string' },
      file: { type: 'string' },
      dir: { type: 'string' },
      tenants: { type: 'string', multiple: true },
      'tenants-file': { type: 'string' },
      all: { type: 'boolean' },
      order: { type: 'string' },
      cohort: { type: 'string' },
      canary: { type: 'string' },
      concurrency: { type: 'string' },
      'lock-timeout': { type: 'string' },
      'statement-timeout': { type: 'string' },
      retries: { type: 'string' },
      'continue-on-error': { type: 'boolean' },
      ledger: { type: 'string' },
      'no-template': { type: 'boolean' },
      decisions: { type: 'string' },
      placeholder: { type: 'string' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const template = requireOption(values, 'template');
    const file = stringOption(values, 'file');
    const dir = stringOption(values, 'dir');
    if ((file === undefined) === (dir === undefined)) throw new UsageError('Pass exactly one of --file M.sql or --dir D.');
    const ledgerText = stringOption(values, 'ledger');
    const ledger = ledgerText === undefined ? undefined : parseLedgerTarget(ledgerText);
    if (ledgerText !== undefined && ledger === undefined) throw new UsageError('--ledger needs a table name, optionally with its column: schema_migrations or schema_migrations(version).');
    const settings: RolloutSettings = {
      lockTimeoutMs: parseDuration(stringOption(values, 'lock-timeout') ?? '3s', '--lock-timeout'),
      statementTimeoutMs: parseDuration(stringOption(values, 'statement-timeout') ?? '10min', '--statement-timeout'),
      retries: intOption(values, 'retries', 5, 0, 100),
      concurrency: intOption(values, 'concurrency', 4, 1, 64),
      canary: intOption(values, 'canary', 1, 0, 10_000),
      continueOnError: values['continue-on-error'] === true,
      ...(ledger ? { ledger } : {}),
    };
    const listed = await readTenantSource(values, io);
    const files = await readMigrationFiles(file !== undefined ? { file: resolve(io.cwd, file) } : { dir: resolve(io.cwd, dir as string) });
    const decisionsPath = stringOption(values, 'decisions');
    const decisions = decisionsPath === undefined ? undefined : await readDecisionsFile(resolve(io.cwd, decisionsPath));
    const profile = await resolveCliProfile(stringOption(values, 'url'), io, values);
    const placeholder = stringOption(values, 'placeholder');
    // One pool for the whole command: planning, checking, recording and running share its connections.
    const pool = await createPool(profile, settings.concurrency + 2);
    try {
      return await migrateOn(profile, pool, { values, template, files, settings, listed, io, ...(placeholder ? { placeholder } : {}), ...(decisions ? { decisions } : {}) });
    } finally {
      await pool.end().catch(() => undefined);
    }
  },
};

interface MigrateInput {
  values: OptionValues;
  template: string;
  files: MigrationFile[];
  settings: RolloutSettings;
  listed: { source: TenantSource; order?: TenantOrder };
  io: CliIo;
  placeholder?: string;
  decisions?: ReferenceDecisions;
}

async function migrateOn(profile: ConnectionProfile, pool: pg.Pool, input: MigrateInput): Promise<number> {
  const { values, template, files, settings, listed, io, placeholder, decisions } = input;
  const plan = await planAgainstTemplate(profile, files, { template, ...(placeholder ? { placeholder } : {}), ...(decisions ? { decisions } : {}) }, pool);
  const chosen = await chooseTenants(pool, template, listed.source, listed.order);
  if (chosen.gone.length > 0) io.stderr(`warning: ${chosen.gone.length} tenant(s) in the register have no schema any more and are left out: ${chosen.gone.slice(0, 10).join(', ')}${chosen.gone.length > 10 ? ', …' : ''}\n`);
  const tenants = chosen.tenants;
  await checkTenants(profile, template, tenants, pool);
  if (values['dry-run'] === true) {
    const sample = tenants[0] as string;
    const rehearsal = plan.refused.length === 0 ? await rehearse(profile, plan, sample, settings.lockTimeoutMs) : undefined;
    if (values.json === true) io.stdout(JSON.stringify({ type: 'dry-run', plan, rehearsal }) + '\n');
    else {
      io.stdout(formatPlan(plan, sample));
      if (rehearsal !== undefined) {
        io.stdout(rehearsal.error
          ? `Rehearsal on ${rehearsal.tenant} failed after ${rehearsal.ms} ms (rolled back): [${rehearsal.error.sqlstate ?? ''}] ${rehearsal.error.message}\n`
          : `Rehearsal on ${rehearsal.tenant} (rolled back): ${rehearsal.ms} ms, ${rehearsal.lockTableEntries} lock table entries; locks: ${rehearsal.locks.map((l) => `${l.mode} on ${l.relation}`).join(', ') || 'none beyond the fast path'}.\n`);
      }
    }
    return plan.refused.length === 0 && rehearsal?.error === undefined ? 0 : 1;
  }
  assertPlanRunnable(plan);
  const rollout = await recordRollout(profile, plan, { tenants, includeTemplate: values['no-template'] !== true, settings }, pool);
  if (values.json !== true) io.stderr(`Rollout ${rollout.id} recorded (tenantry migrate status ${rollout.id}).\n`);
  return runAndReport(profile, pool, rollout, values.json === true, io);
}
