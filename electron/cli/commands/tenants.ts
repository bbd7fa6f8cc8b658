/** `tenantry tenants` (the register and census of a template's tenants) and `tenantry tenants adopt`. */
import type { RegisterRow } from '../../../core/fleet/register-sql.js';
import type { Cohort } from '../../../core/fleet/census.js';
import type { AdoptionEvidence } from '../../../core/fleet/adoption-sql.js';
import { createPool } from '../../services/connection/open-connection.js';
import { adoptTenants, findAdoptionCandidates } from '../../services/fleet/adopt.js';
import { takeCensus, type CensusResult } from '../../services/fleet/census.js';
import { readRegister } from '../../services/fleet/register.js';
import type { CliCommand, CliIo } from '../command.js';
import { UsageError } from '../command.js';
import { EXIT } from '../exit-status.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, parseOptions, requireOption, resolveCliProfile, stringOption } from './parse-options.js';

/** One tenant in `tenants --json` (documented in the usage; fields only added, never renamed). */
export interface TenantJson {
  tenant: string;
  template: string;
  snapshot: string | null;
  snapshotChecksum: string | null;
  how: RegisterRow['how'];
  createdAt: string;
  verifiedAt: string | null;
  verifyResult: RegisterRow['verifyResult'] | null;
  /** Cohort id (census), null when the schema is missing. */
  cohort: string | null;
}

/** One cohort in `tenants --json` and `drift --json`. */
export interface CohortJson {
  id: string;
  name: string;
  status: Cohort['status'];
  snapshot: string | null;
  differingKinds: string[];
  size: number;
  members: string[];
}

export function toCohortJson(c: Cohort): CohortJson {
  return { id: c.id, name: c.name, status: c.status, snapshot: c.snapshot ?? null, differingKinds: c.differingKinds, size: c.members.length, members: c.members };
}

function toTenantJson(r: RegisterRow, cohortOf: Map<string, string>): TenantJson {
  return {
    tenant: r.tenant,
    template: r.template,
    snapshot: r.snapshotLabel ?? null,
    snapshotChecksum: r.snapshotChecksum ?? null,
    how: r.how,
    createdAt: r.createdAt.toISOString(),
    verifiedAt: r.verifiedAt?.toISOString() ?? null,
    verifyResult: r.verifyResult ?? null,
    cohort: cohortOf.get(r.tenant) ?? null,
  };
}

/** Where a census's keys came from, for a person: "keys of 3 schema(s) computed, 9,998 reused from an earlier census". */
export function describeKeys(keys: CensusResult['keys']): string {
  const n = (x: number) => x.toLocaleString('en-US');
  if (keys.reused === 0) return `keys of ${n(keys.computed)} schema(s) computed`;
  if (keys.computed === 0) return `keys of all ${n(keys.reused)} schema(s) reused from an earlier census`;
  return `keys of ${n(keys.computed)} schema(s) computed, ${n(keys.reused)} reused from an earlier census`;
}

function printCensus(io: CliIo, census: CensusResult): void {
  io.stdout(`Template "${census.template}": ${census.tenants} tenant(s): ${census.summary} (${census.elapsedMs} ms; ${describeKeys(census.keys)}).\n`);
  for (const c of census.cohorts) {
    const kinds = c.differingKinds.length > 0 ? ` — differs in: ${c.differingKinds.join(', ')}` : '';
    const shown = c.members.slice(0, 10).join(', ') + (c.members.length > 10 ? `, … (${c.members.length - 10} more)` : '');
    io.stdout(`  cohort ${c.id}  ${String(c.members.length).padStart(6)}  ${c.name}${kinds}\n      ${shown}\n`);
  }
  if (census.missing.length > 0) io.stdout(`  ${census.missing.length} registered tenant(s) whose schema no longer exists: ${census.missing.join(', ')}\n`);
}

function printEvidence(io: CliIo, e: AdoptionEvidence): void {
  io.stdout(
    `  ${e.schema}  match ${(e.match * 100).toFixed(0)}%: relations ${e.sharedRelations}/${e.templateRelations}, columns ${e.sharedColumns}/${e.templateColumns}` +
      `${e.extraRelations > 0 ? `, ${e.extraRelations} extra relation(s)` : ''}${e.missingRelations.length > 0 ? `, missing ${e.missingRelations.join(', ')}` : ''}\n`,
  );
}

async function runAdopt(argv: string[], io: CliIo): Promise<number> {
  const values = parseOptions(argv, { ...CONNECTION_OPTIONS, template: { type: 'string' }, 'min-match': { type: 'string' }, yes: { type: 'boolean' }, json: { type: 'boolean' } });
  const template = requireOption(values, 'template');
  const minText = stringOption(values, 'min-match') ?? '0.8';
  const minMatch = Number(minText);
  if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(minText)) throw new UsageError('--min-match needs a number from 0 to 1 (e.g. 0.8).');
  const profile = await resolveCliProfile(stringOption(values, 'url'), io, values);
  const db = await createPool(profile, 2);
  try {
    const candidates = await findAdoptionCandidates(db, template, minMatch);
    const adopted = values.yes === true ? await adoptTenants(db, template, candidates.map((c) => c.schema)) : [];
    if (values.json === true) {
      io.stdout(JSON.stringify({ template, minMatch, candidates, adopted }, null, 2) + '\n');
    } else {
      io.stdout(`${candidates.length} schema(s) match template "${template}" at ${(minMatch * 100).toFixed(0)}% or more:\n`);
      for (const c of candidates) printEvidence(io, c);
      if (values.yes === true) io.stdout(`Recorded ${adopted.length} as adopted tenants of "${template}" (nothing in them was changed).\n`);
      else if (candidates.length > 0) io.stdout('Nothing recorded. Add --yes to record them as adopted tenants (nothing in them is changed).\n');
    }
    return EXIT.ok;
  } finally {
    await db.end();
  }
}

export const tenantsCommand: CliCommand = {
  name: 'tenants',
  summary: "List a template's tenants from the register, grouped into cohorts by structure",
  usage: [
    'Usage: tenantry tenants --template S [--cohort C] [--no-privileges] [--fresh] [--json] [--url URL]',
    '       tenantry tenants adopt --template S [--min-match 0.8] [--yes] [--json] [--url URL]',
    '',
    'Reads the tenant register (_tenantry.tenants, written by every provisioning path),',
    'fingerprints the template and every tenant in a few catalog queries and groups the',
    'tenants into cohorts: equal to the template, equal to a snapshot (the shape most of',
    "its tenants have), or drifted. Each tenant's fingerprint is stored in the register.",
    'A schema whose catalog rows are unchanged since an earlier census reuses the key that',
    'census kept (_tenantry.census_keys); --fresh computes every key again.',
    '',
    '  --template S     the template schema',
    '  --cohort C       list only the tenants of cohort C (its id)',
    '  --no-privileges  leave privileges out of the comparison',
    '  --fresh          reuse no kept key (and keep none)',
    '  --json           {"template", "summary", "cohorts": [{id, name, status, snapshot,',
    '                   differingKinds, size, members}], "tenants": [{tenant, template,',
    '                   snapshot, snapshotChecksum, how, createdAt, verifiedAt, verifyResult,',
    '                   cohort}], "missing": [names], "keys": {reused, computed}}',
    '',
    'adopt: finds schemas not in the register whose relations and columns (with types)',
    'match the template at --min-match (default 0.8) or more, shows the evidence, and with',
    '--yes records them as adopted tenants. Nothing in an adopted schema is changed.',
    CONNECTION_USAGE,
  ].join('\n'),
  async run(argv, io) {
    if (argv[0] === 'adopt') return runAdopt(argv.slice(1), io);
    const values = parseOptions(argv, { ...CONNECTION_OPTIONS, template: { type: 'string' }, cohort: { type: 'string' }, 'no-privileges': { type: 'boolean' }, fresh: { type: 'boolean' }, json: { type: 'boolean' } });
    const template = requireOption(values, 'template');
    const only = stringOption(values, 'cohort');
    const profile = await resolveCliProfile(stringOption(values, 'url'), io, values);
    const db = await createPool(profile, 2);
    try {
      const census = await takeCensus(db, { template, record: true, privileges: values['no-privileges'] !== true, reuseKeys: values.fresh !== true });
      const cohorts = only === undefined ? census.cohorts : census.cohorts.filter((c) => c.id === only || c.fingerprint === only);
      if (only !== undefined && cohorts.length === 0) throw new UsageError(`No cohort "${only}" among the tenants of "${template}". Cohorts: ${census.cohorts.map((c) => c.id).join(', ') || 'none'}.`);
      const cohortOf = new Map(census.cohorts.flatMap((c) => c.members.map((m) => [m, c.id] as const)));
      const members = new Set(cohorts.flatMap((c) => c.members));
      const rows = (await readRegister(db, { template })).filter((r) => only === undefined || members.has(r.tenant));
      if (values.json === true) {
        io.stdout(JSON.stringify({ template, summary: census.summary, cohorts: cohorts.map(toCohortJson), tenants: rows.map((r) => toTenantJson(r, cohortOf)), missing: census.missing, keys: census.keys }, null, 2) + '\n');
      } else {
        printCensus(io, { ...census, cohorts });
      }
      return EXIT.ok;
    } finally {
      await db.end();
    }
  },
};
