/** `tenantry verify`: compares a tenant with its template through the catalog. */
import { validateTenantName } from '../../../core/tenant/tenant-name.js';
import { listSavedTemplates } from '../protected-names.js';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { VerifyResult } from '../../../core/api/contract.js';
import { TenantryError } from '../../../core/errors.js';
import { parseSnapshot } from '../../../core/snapshot/format.js';
import { findSnapshotCarries, type SnapshotCarries } from '../../../core/verify/snapshot-carries.js';
import { countKind } from '../../../core/verify/plural-kind.js';
import { verifyTenants } from '../../services/verify/verify-tenant.js';
import type { CliCommand, CliIo } from '../command.js';
import { createPool } from '../../services/connection/open-connection.js';
import { readRegister } from '../../services/fleet/register.js';
import { verifyAll } from '../../services/fleet/verify-all.js';
import { EXIT } from '../exit-status.js';
import { UsageError } from '../command.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, listOption, parseOptions, requireOption, resolveCliProfile, stringOption, type OptionValues } from './parse-options.js';

/** The human-readable verification report. */
export function formatVerifyResult(result: VerifyResult): string {
  const counts = Object.entries(result.compared)
    .map(([kind, n]) => countKind(n, kind))
    .join(', ');
  const lines = [`Compared tenant "${result.tenant}" with template "${result.template}": ${counts || 'no objects'}.`];
  if (result.equal && result.isolated) {
    lines.push('Equal and isolated.');
  } else {
    if (!result.equal) lines.push('Not equal to the template:');
    for (const d of result.differences.filter((d) => d.kind !== 'isolation')) lines.push(`  - ${d.kind} ${d.object}: ${d.detail}`);
    if (!result.isolated) lines.push('Not isolated from the template:');
    for (const d of result.differences.filter((d) => d.kind === 'isolation')) lines.push(`  - ${d.object}: ${d.detail}`);
  }
  if (result.notes.length > 0) {
    lines.push(`Notes (${result.notes.length}; text naming the template that does not reach it, for you to read):`);
    for (const d of result.notes) lines.push(`  - ${d.object}: ${d.detail}`);
  }
  for (const what of result.notCompared) lines.push(`Not compared: ${what}`);
  return lines.join('\n') + '\n';
}

/** The `--json` document: one shape whatever the number of tenants. */
export interface VerifyJson {
  template: string;
  /** Whether every tenant is equal and isolated (the exit status is 0 exactly then). */
  ok: boolean;
  tenants: VerifyResult[];
}

/** Builds the `--json` document. */
export function toVerifyJson(template: string, results: readonly VerifyResult[]): VerifyJson {
  return { template, ok: results.every((r) => r.equal && r.isolated), tenants: [...results] };
}

/** The template a snapshot file was made from and what of owners and privileges it carries. */
export async function readSnapshotCarries(path: string): Promise<{ schema: string; carries: SnapshotCarries }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TenantryError('FILE_NOT_FOUND', `The snapshot ${path} cannot be read: ${(error as Error).message}.`, { cause: error });
  }
  const snapshot = parseSnapshot(text);
  return { schema: snapshot.header.schema, carries: findSnapshotCarries(snapshot.body) };
}

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'Check that a tenant is a faithful, isolated copy of its template',
  usage: [
    'Usage: tenantry verify (--template S | --snapshot FILE) (--tenant T [--tenant T2 …] | --all [--concurrency N]) [--json] [--url URL]',
    '',
    'Compares tenant T with template S through the catalog (tables, columns, types,',
    'defaults, constraints, indexes, sequences, views, functions, triggers, policies,',
    'comments, enums, domains) and checks that nothing in T refers back to S: names',
    'PostgreSQL resolves or runs (code, reg* literals, SQL text in strings passed to',
    'functions or run by function bodies, search_path settings, pg_depend). Text that',
    'names S but cannot reach it (setting names, names built by concatenation, data',
    'both hold) is listed as a note, not a failure.',
    '',
    '  --template S     the template schema',
    '  --snapshot FILE  the snapshot the tenants came from: its template is the one',
    '                   compared with, and owners and privileges (the schema\'s own',
    '                   included) are compared as far as the snapshot carried them;',
    '                   without it they are not compared, and the report says so',
    '  --tenant T       the tenant schema (repeatable: the template is read once)',
    '  --all            every tenant of the template in the register (_tenantry.tenants),',
    '                   N at a time (--concurrency, default 4); each outcome is stored in',
    '                   the register; tenants whose verify could not run are listed under',
    '                   "failed" in --json ([{tenant, error}]) and make the exit status 1',
    '  --json           print {"template", "ok", "tenants": [result, …]} (the same shape',
    '                   for one tenant or many)',
    CONNECTION_USAGE,
    '',
    'Exit status: 0 when every tenant is equal and isolated, 4 when one differs or',
    'refers back to the template, 3 when the server cannot be reached, 1 on failure.',
  ].join('\n'),
  async run(argv, io) {
    const values = parseOptions(argv, { ...CONNECTION_OPTIONS, template: { type: 'string' }, snapshot: { type: 'string' }, tenant: { type: 'string', multiple: true }, json: { type: 'boolean' }, all: { type: 'boolean' }, concurrency: { type: 'string' } });
    const snapshotPath = stringOption(values, 'snapshot');
    let template = stringOption(values, 'template');
    let carries: SnapshotCarries | undefined;
    if (snapshotPath !== undefined) {
      const from = await readSnapshotCarries(resolve(io.cwd, snapshotPath));
      if (template !== undefined && template !== from.schema) {
        throw new UsageError(`The snapshot ${snapshotPath} was made from template "${from.schema}", not "${template}". Leave out --template or give the snapshot of "${template}".`);
      }
      template = from.schema;
      carries = from.carries;
    }
    if (template === undefined) template = requireOption(values, 'template');
    const tenants = listOption(values, 'tenant');
    if (values.all === true) {
      if (tenants.length > 0) throw new UsageError('Give either --all or --tenant, not both.');
      return verifyEveryTenant(template, carries, stringOption(values, 'concurrency') ?? '4', values.json === true, values, io);
    }
    if (tenants.length === 0) throw new UsageError('--tenant (or --all) is required.');
    const protectedNames = [template, ...listSavedTemplates(io)];
    for (const tenant of tenants) validateTenantName(tenant, { protectedNames });
    const profile = await resolveCliProfile(stringOption(values, 'url'), io, values);
    const results = await verifyTenants(profile, { template, tenants, ...(carries === undefined ? {} : { carries }) });
    if (values.json === true) io.stdout(JSON.stringify(toVerifyJson(template, results), null, 2) + '\n');
    else io.stdout(results.map(formatVerifyResult).join(''));
    return results.every((r) => r.equal && r.isolated) ? EXIT.ok : EXIT.differs;
  },
};

/** `verify --all`: every registered tenant of the template, N at a time, outcomes stored in the register. */
async function verifyEveryTenant(template: string, carries: SnapshotCarries | undefined, concurrencyText: string, json: boolean, values: OptionValues, io: CliIo): Promise<number> {
  const concurrency = Number(concurrencyText);
  if (!/^\d+$/.test(concurrencyText) || concurrency < 1 || concurrency > 16) throw new UsageError('--concurrency needs a whole number from 1 to 16.');
  // With --ssh every tenant's session goes through the one tunnel.
  const profile = await resolveCliProfile(stringOption(values, 'url'), io, values);
  const db = await createPool(profile, 1);
  let tenants: string[];
  try {
    tenants = (await readRegister(db, { template })).map((r) => r.tenant);
  } finally {
    await db.end();
  }
  const summary = await verifyAll(profile, {
    template,
    tenants,
    concurrency,
    ...(carries ? { carries } : {}),
    ...(io.interrupts ? { signal: io.interrupts() } : {}),
    onProgress: (done, total, o) => {
      if (!json && o.result && !(o.result.equal && o.result.isolated)) io.stderr(`differs  ${o.tenant} (${done}/${total})\n`);
      if (!json && o.error) io.stderr(`failed   ${o.tenant}: ${o.error}\n`);
    },
  });
  const results = summary.outcomes.flatMap((o) => (o.result ? [o.result] : []));
  const failed = summary.outcomes.flatMap((o) => (o.error !== undefined ? [{ tenant: o.tenant, error: o.error }] : []));
  if (json) io.stdout(JSON.stringify({ ...toVerifyJson(template, results), ok: results.every((r) => r.equal && r.isolated) && failed.length === 0 && summary.skipped === 0, failed, skipped: summary.skipped }, null, 2) + '\n');
  else io.stdout(`Verified ${summary.total - summary.skipped} of ${summary.total} tenant(s) of "${template}" in ${summary.elapsedMs} ms: ${summary.equal} equal and isolated, ${summary.different} differ, ${summary.failed} could not be verified${summary.skipped > 0 ? `, ${summary.skipped} not started` : ''}.\n`);
  if (failed.length > 0 || summary.skipped > 0) return EXIT.failed;
  return summary.different > 0 ? EXIT.differs : EXIT.ok;
}
