/** `tenantry provision`: creates tenants from a snapshot file. */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { TenantryError } from '../../../core/errors.js';
import { describeRepeatedNames, findRepeatedNames } from '../../../core/provision/repeated-names.js';
import { buildPsqlTenantScript } from '../../../core/provision/tenant-guard.js';
import { cancelledAndRolledBack, neverStarted } from '../../../core/provision/cancelled-tenants.js';
import { parseSnapshot } from '../../../core/snapshot/format.js';
import { validateTenantName } from '../../../core/tenant/tenant-name.js';
import { buildSessionPreamble } from '../../../core/provision/session-preamble.js';
import { toPoolSnapshot } from '../../services/pool/warm-pool-snapshot.js';
import type { PoolSnapshot } from '../../services/pool/warm-pool.js';
import { createProvisioner, snapshotSource, type ProvisionSummary, type ProvisionVia } from '../../services/provision/provisioner.js';
import { listSavedTemplates } from '../protected-names.js';
import { findSnapshotCarries } from '../../../core/verify/snapshot-carries.js';
import { verifyCreated } from '../../services/fleet/verify-all.js';
import { formatVerifyResult, toVerifyJson } from './verify.js';
import { describeCliConnection, recordCliHistory, writeCliHistory } from '../cli-history.js';
import { UsageError, type CliCommand, type CliIo } from '../command.js';
import { EXIT } from '../exit-status.js';
import { createProgressLine } from '../progress-line.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, listOption, parseOptions, requireOption, resolveCliProfile, stringOption } from './parse-options.js';
import { DEFAULT_BATCH_CONCURRENCY, MAX_BATCH_CONCURRENCY } from '../../../core/provision/batch-concurrency.js';

async function readText(path: string, what: string, io: CliIo): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, path), 'utf8');
  } catch (error) {
    throw new TenantryError('FILE_NOT_FOUND', `The ${what} ${path} cannot be read: ${(error as Error).message}.`, { cause: error });
  }
}

/** Tenant names from a file: one per line; blank lines and lines starting with # are skipped. */
export function parseTenantsFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
}

const LISTED_NAMES = 50;

function listNames(label: string, names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const shown = names.slice(0, LISTED_NAMES).join(', ');
  return [`${label}: ${shown}${names.length > LISTED_NAMES ? ` … and ${names.length - LISTED_NAMES} more (--json lists every tenant)` : ''}`];
}

/** The human-readable summary: counts, then which tenants were created and what happened to the others. */
export function formatSummary(summary: ProvisionSummary, via: ProvisionVia): string {
  const built = summary.created - summary.claimed;
  const claimed = summary.claimed > 0 ? ` (${summary.claimed} claimed from the warm pool${built > 0 ? `, ${built} built` : ''})` : '';
  const unknown = summary.tenants.filter((t) => t.error?.code === 'PROVISION_OUTCOME_UNKNOWN');
  const cancelled = summary.tenants.filter(cancelledAndRolledBack).length;
  const parts = [
    `${summary.created} created${claimed}`,
    `${summary.exists} already existed`,
    `${summary.failed} failed${unknown.length > 0 ? ` (${unknown.length} with unknown outcome)` : ''}`,
    ...(cancelled > 0 ? [`${cancelled} cancelled and rolled back`] : []),
    `${summary.skipped} not started`,
  ];
  const lines = [`${parts.join(', ')} — ${summary.elapsedMs} ms via ${via}.`];
  lines.push(...listNames('Created', summary.tenants.filter((t) => t.status === 'created').map((t) => t.tenant)));
  for (const t of summary.tenants) {
    if (t.status === 'failed' || t.status === 'exists' || cancelledAndRolledBack(t)) {
      lines.push(`  ${t.tenant}: [${t.error?.code ?? t.status}] ${t.error?.userMessage ?? ''}${t.error?.detail ? `\n    ${t.error.detail.replace(/\n/g, '\n    ')}` : ''}`);
    }
    if (t.status === 'created' && t.note) lines.push(`  ${t.tenant}: ${t.note}`);
  }
  lines.push(...listNames('Not started', summary.tenants.filter(neverStarted).map((t) => t.tenant)));
  return lines.join('\n') + '\n';
}

/** The progress line: how many of the batch are settled and how. */
function describeProgress(counts: Record<'created' | 'exists' | 'failed' | 'cancelled', number>, total: number): string {
  const settled = counts.created + counts.exists + counts.failed + counts.cancelled;
  const parts = [`${counts.created} created`, ...(counts.exists > 0 ? [`${counts.exists} already existed`] : []), ...(counts.failed > 0 ? [`${counts.failed} failed`] : [])];
  return `[${settled}/${total}] ${parts.join(', ')}`;
}

/** 0 all created (or existing, with --if-not-exists), 5 nothing failed but some existed, 1 anything failed or not started. */
export function provisionExitStatus(summary: Pick<ProvisionSummary, 'created' | 'exists' | 'failed' | 'skipped'>, total: number, ifNotExists: boolean): number {
  if (summary.created === total) return EXIT.ok;
  if (summary.failed === 0 && summary.created + summary.exists === total) return ifNotExists ? EXIT.ok : EXIT.alreadyExists;
  return EXIT.failed;
}

/** `--lock-timeout`: PostgreSQL duration text (`5s`, `1500ms`, `2min`, or milliseconds); 0 waits without limit. */
export function parseLockTimeout(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|min)?$/.exec(text.trim());
  if (!match) throw new UsageError('--lock-timeout needs a duration such as 5s, 1500ms or 2min (0 waits without limit).');
  const factor = match[2] === 's' ? 1000 : match[2] === 'min' ? 60_000 : 1;
  const ms = Math.round(Number(match[1]) * factor);
  if (ms > 24 * 3600 * 1000) throw new UsageError('--lock-timeout may be at most 24 hours.');
  return ms;
}

export const provisionCommand: CliCommand = {
  name: 'provision',
  summary: 'Create tenants from a snapshot, one transaction each',
  usage: [
    'Usage: tenantry provision --snapshot SNAPSHOT.sql (--tenant T … | --tenants-file F)',
    '                          [--via driver|psql] [--concurrency N] [--continue-on-error]',
    '                          [--lock-timeout 5s] [--no-pool] [--if-not-exists] [--local] [--verify]',
    '                          [--dry-run] [--json] [--url URL]',
    '',
    'Creates each tenant in its own transaction: an advisory lock on the name, a',
    'check that the schema does not exist (an existing tenant is left untouched),',
    'the snapshot rendered for the tenant, commit. All or nothing per tenant.',
    'When the database\'s warm pool (`tenantry pool`) holds ready spares built from',
    'this snapshot, tenants claim them first (a rename in one transaction) and the',
    'rest are built; a tenant whose claim fails is built instead.',
    '',
    '  --snapshot FILE  the snapshot made by `tenantry snapshot`',
    '  --tenant T       a tenant name (repeatable)',
    '  --tenants-file F one tenant name per line (# comments allowed)',
    '  --via driver|psql  node-postgres (default) or psql --single-transaction',
    `  --concurrency N  tenants at once (default ${DEFAULT_BATCH_CONCURRENCY})`,
    '  --continue-on-error  carry on after a failed tenant (default: stop)',
    '  --lock-timeout D how long a tenant waits for a lock another session holds',
    '                   before it fails, naming the blocker (default 5s; 0: no limit)',
    '  --no-pool        build every tenant, never claim warm-pool spares',
    '  --if-not-exists  a tenant that already exists counts as done (exit 0 when every',
    '                   tenant exists afterwards), so a re-run of the same list is idempotent',
    '  --local          on a Citus coordinator, keep tenants on the coordinator',
    '                   (default there: each tenant is a distributed schema, placed',
    '                   on a worker; what Citus refuses is reported before any tenant,',
    '                   see `tenantry check --citus`); only spares of a pool filled',
    '                   with --local are claimed, and without it only distributed ones',
    '  --verify         then verify every created tenant against the template (as',
    '                   `tenantry verify --snapshot`, --concurrency at once) and record',
    '                   each result in the register; exit 4 unless all are equal',
    '                   and isolated. With --json the summary gains "verify":',
    '                   {"template", "ok", "tenants": […]}',
    '  --dry-run        print the SQL that would run, connect to nothing',
    '  --json           print the summary as JSON (each created tenant has "via": "claimed" or "built")',
    CONNECTION_USAGE,
    '',
    'A lost connection fails that tenant only; when it broke during COMMIT the',
    'catalog is checked on a fresh connection and the summary says whether the',
    'tenant exists (or that this is unknown when the server cannot be reached).',
    'Ctrl+C cancels the tenants in progress (rolled back), starts no more, prints',
    'the summary of what finished and exits 130. On a terminal a progress line shows',
    'the counts so far; piped or redirected, stderr gets one line per tenant only.',
    '',
    'Exit status: 0 when every tenant was created (or, with --if-not-exists, already',
    'existed); 5 when nothing failed but some already existed; 1 when a tenant failed',
    'or was not started; 3 when the server cannot be reached; 4 when --verify found',
    'differences; 130 after Ctrl+C.',
  ].join('\n'),
  async run(argv, io) {
    const values = parseOptions(argv, {
      ...CONNECTION_OPTIONS,
      snapshot: { type: 'string' },
      tenant: { type: 'string', multiple: true },
      'tenants-file': { type: 'string' },
      via: { type: 'string' },
      concurrency: { type: 'string' },
      'continue-on-error': { type: 'boolean' },
      'lock-timeout': { type: 'string' },
      'dry-run': { type: 'boolean' },
      'no-pool': { type: 'boolean' },
      'if-not-exists': { type: 'boolean' },
      local: { type: 'boolean' },
      verify: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const snapshotPath = requireOption(values, 'snapshot');
    const via = (stringOption(values, 'via') ?? 'driver') as ProvisionVia;
    if (via !== 'driver' && via !== 'psql') throw new UsageError('--via must be driver or psql.');
    const concurrencyText = stringOption(values, 'concurrency') ?? String(DEFAULT_BATCH_CONCURRENCY);
    const concurrency = Number(concurrencyText);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_BATCH_CONCURRENCY) throw new UsageError(`--concurrency needs a whole number from 1 to ${MAX_BATCH_CONCURRENCY}.`);
    const lockTimeoutMs = parseLockTimeout(stringOption(values, 'lock-timeout') ?? '5s');
    const tenantsFile = stringOption(values, 'tenants-file');
    const tenants = [...listOption(values, 'tenant'), ...(tenantsFile ? parseTenantsFile(await readText(tenantsFile, 'tenants file', io)) : [])];
    if (tenants.length === 0) throw new UsageError('Name at least one tenant with --tenant or --tenants-file.');
    const repeated = findRepeatedNames(tenants);
    if (repeated.length > 0) throw new UsageError(describeRepeatedNames(repeated));
    const snapshot = parseSnapshot(await readText(snapshotPath, 'snapshot', io));
    // The register names the snapshot by its file name (without .sql).
    const label = basename(snapshotPath).replace(/\.sql$/i, '');
    const source = snapshotSource(snapshot, label);
    // The app's rule exactly: not the template of this snapshot nor of any snapshot the app saved.
    const protectedNames = [snapshot.header.schema, ...listSavedTemplates(io)];
    for (const t of tenants) validateTenantName(t, { protectedNames });

    if (values['dry-run'] === true) {
      for (const tenant of tenants) {
        const sql = source.render(tenant);
        io.stdout(`-- tenant ${JSON.stringify(tenant)} via ${via}\n`);
        const script = buildPsqlTenantScript(tenant, sql, buildSessionPreamble(source.sessionSettings));
        io.stdout(via === 'psql' ? script : `BEGIN;\n${script}COMMIT;\n`);
        io.stdout('\n');
      }
      return 0;
    }

    const profile = await resolveCliProfile(stringOption(values, 'url'), io, values);
    const pgBin = listOption(values, 'pg-bin');
    const provisioner = await createProvisioner(profile, { via, concurrency, lockTimeoutMs, env: io.env, ...(pgBin.length > 0 ? { pgBin } : {}), ...(values.local === true ? { citusPlacement: 'local' as const } : {}) });
    const interrupted = io.interrupts?.();
    const progress = createProgressLine(io);
    const counts = { created: 0, exists: 0, failed: 0, cancelled: 0 };
    let summary: ProvisionSummary;
    let poolSnapshot: PoolSnapshot | undefined;
    try {
      const placement = await provisioner.citusPlacement();
      if (placement && values.json !== true) io.stderr(placement === 'distributed' ? 'Citus coordinator: each tenant becomes a distributed schema on a worker (--local keeps them here).\n' : 'Citus coordinator: tenants stay on the coordinator (--local).\n');
      summary = await provisioner.provisionMany(source, tenants, {
        continueOnError: values['continue-on-error'] === true,
        ...(interrupted ? { signal: interrupted } : {}),
        ...(values['no-pool'] === true ? {} : { claimFrom: { checksum: snapshot.header.checksum, load: () => (poolSnapshot ??= toPoolSnapshot(snapshot, label)) } }),
        onProgress: (p) => {
          if (p.status === 'running' || p.status === 'queued') return;
          counts[p.status] += 1;
          if (values.json !== true) {
            const how = p.status === 'created' && p.via === 'claimed' ? ', claimed from the warm pool' : '';
            progress.log(`${p.status.padEnd(7)} ${p.tenant}${p.elapsedMs !== undefined ? ` (${p.elapsedMs} ms${how})` : ''}\n`);
          }
          progress.update(describeProgress(counts, tenants.length));
        },
      });
    } finally {
      progress.done();
      await provisioner.close();
    }
    const database = profile.database ?? '';
    const at = new Date().toISOString();
    const connectionName = describeCliConnection(profile);
    recordCliHistory(
      io,
      summary.tenants
        .filter((t) => t.status !== 'cancelled' && t.status !== 'queued' && t.status !== 'running')
        .map((t) => ({ tenant: t.tenant, connectionName, database, snapshotName: label, status: t.status, at, action: 'provision' as const, ...(t.elapsedMs !== undefined ? { elapsedMs: t.elapsedMs } : {}) })),
    );
    if (interrupted?.aborted) {
      io.stdout(values.json === true ? JSON.stringify({ via, ...summary }, null, 2) + '\n' : formatSummary(summary, via));
      return interrupted.reason === 'SIGTERM' ? 143 : interrupted.reason === 'SIGHUP' ? 129 : 130;
    }
    const created = summary.tenants.filter((t) => t.status === 'created').map((t) => t.tenant);
    // Every tenant this run created, checked by the independent judge (not the engine that made it).
    const verified =
      values.verify === true && created.length > 0
        ? await verifyCreated(profile, { template: snapshot.header.schema, tenants: created, carries: findSnapshotCarries(snapshot.body), concurrency })
        : undefined;
    if (verified !== undefined) writeCliHistory(io, (history) => verified.forEach((v) => history.markVerified(v.tenant, database, v.equal && v.isolated)));
    const verify = verified === undefined ? undefined : toVerifyJson(snapshot.header.schema, verified);
    if (values.json === true) io.stdout(JSON.stringify({ via, ...summary, ...(verify === undefined ? {} : { verify }) }, null, 2) + '\n');
    else io.stdout(formatSummary(summary, via) + (verified === undefined ? '' : verified.map(formatVerifyResult).join('')));
    if (verify !== undefined && !verify.ok) return EXIT.differs;
    return provisionExitStatus(summary, tenants.length, values['if-not-exists'] === true);
  },
};
