/** `tenantry verify`: compares a tenant with its template through the catalog. */
import { validateTenantName } from '../../../core/tenant/tenant-name.js';
import { listSavedTemplates } from '../protected-names.js';
import type { VerifyResult } from '../../../core/api/contract.js';
import { countKind } from '../../../core/verify/plural-kind.js';
import { verifyTenants } from '../../services/verify.js';
import type { CliCommand } from '../command.js';
import { UsageError } from '../command.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, listOption, parseOptions, requireOption, resolveCliProfile, stringOption } from './parse-options.js';

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

export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'Check that a tenant is a faithful, isolated copy of its template',
  usage: [
    'Usage: tenantry verify --template S --tenant T [--tenant T2 …] [--json] [--url URL]',
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
    '  --tenant T       the tenant schema (repeatable: the template is read once)',
    '  --json           print {"template", "ok", "tenants": [result, …]} (the same shape',
    '                   for one tenant or many)',
    CONNECTION_USAGE,
    '',
    'Exit status: 0 when every tenant is equal and isolated, 1 otherwise.',
  ].join('\n'),
  async run(argv, io) {
    const values = parseOptions(argv, { ...CONNECTION_OPTIONS, template: { type: 'string' }, tenant: { type: 'string', multiple: true }, json: { type: 'boolean' } });
    const template = requireOption(values, 'template');
    const tenants = listOption(values, 'tenant');
    if (tenants.length === 0) throw new UsageError('--tenant is required.');
    const protectedNames = [template, ...listSavedTemplates(io)];
    for (const tenant of tenants) validateTenantName(tenant, { protectedNames });
    const profile = await resolveCliProfile(stringOption(values, 'url'), io);
    const results = await verifyTenants(profile, { template, tenants });
    if (values.json === true) io.stdout(JSON.stringify(toVerifyJson(template, results), null, 2) + '\n');
    else io.stdout(results.map(formatVerifyResult).join(''));
    return results.every((r) => r.equal && r.isolated) ? 0 : 1;
  },
};
