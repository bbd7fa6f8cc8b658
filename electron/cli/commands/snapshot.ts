/** `tenantry snapshot`: dump a template schema and make a catalog-aware snapshot file. */
import { resolve } from 'node:path';
import { refusedError } from '../../../core/snapshot/containment.js';
import { RESEAL_USAGE, runReseal } from './reseal.js';
import { createTenantSnapshot, type TenantSnapshot } from '../../services/snapshot/create-tenant-snapshot.js';
import type { CliCommand } from '../command.js';
import { createSnapshotProgress } from '../snapshot-progress.js';
import { checkOutputPath, writeOutputFile } from '../write-output.js';
import { exportDecisions } from '../../../core/snapshot/reference-ids.js';
import { readDecisionsFile } from '../decisions-file.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, listOption, parseOptions, requireOption, resolveCliProfile, stringOption } from './parse-options.js';
import { SNAPSHOT_DEFAULTS } from '../../../core/dump/snapshot-defaults.js';
import { describeCitus } from '../../../core/citus/citus-facts.js';
import { formatCitusFindings } from '../../../core/citus/compat-report.js';
import type { CitusSnapshotReport } from '../../services/citus/compat-check.js';

/** The human-readable snapshot report. */
export function formatSnapshotReport(result: TenantSnapshot, output: string): string {
  const { report, dump, shared, ledger } = result;
  const lines = [
    `Wrote snapshot of schema "${dump.schema}" to ${output}.`,
    `  pg_dump ${dump.pgDump.version} (${dump.pgDump.path}), server ${dump.serverVersion}, ${dump.bytes} bytes dumped.`,
    `  References templated: ${Object.entries(report.countsByKind).map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}.`,
  ];
  // The engine flags only what a person wrote (dynamic SQL, hand-written comments); pg_dump's headers are not flagged.
  const review = report.flagged;
  if (review.length > 0) {
    lines.push(`  To review (${review.length}, names in dynamic SQL or hand-written comments):`);
    for (const r of review.slice(0, 20)) lines.push(`    line ${r.line}:${r.column} [${r.id}]: ${r.context.trim().slice(0, 120)}`);
    if (review.length > 20) lines.push(`    … and ${review.length - 20} more`);
  }
  const left = report.skipped;
  if (left.length > 0) {
    lines.push(`  Left pointing at ${dump.schema} (${left.length}; decide with --decisions):`);
    for (const r of left.slice(0, 20)) lines.push(`    line ${r.line}:${r.column} [${r.id}]: ${r.context.trim().slice(0, 120)}`);
    if (left.length > 20) lines.push(`    … and ${left.length - 20} more`);
  }
  if (ledger.tables.length > 0) lines.push(`  Migration ledger rows carried: ${ledger.tables.map((t) => `${t.name} (${t.rows})`).join(', ')}.`);
  const outside = new Map<string, number>();
  for (const d of shared.dependencies) {
    const key = d.extension ? `extension ${d.extension}` : `schema ${d.toSchema ?? '?'}`;
    outside.set(key, (outside.get(key) ?? 0) + 1);
  }
  if (outside.size > 0) lines.push(`  Tenants will share: ${[...outside].map(([k, n]) => `${k} (${n} dependenc${n === 1 ? 'y' : 'ies'})`).join(', ')}.`);
  for (const c of result.carried) lines.push(`  Carried: ${c}`);
  if (result.configTables.length > 0) {
    lines.push(`  Small tables that look like configuration (tenants get them empty; add --ledger TABLE to carry their rows): ${result.configTables.map((t) => `${t.table} (${t.rows} row${t.rows === 1 ? '' : 's'})`).join(', ')}.`);
  }
  if (result.leftOut.length > 0) {
    lines.push('  Left out:');
    for (const l of result.leftOut) lines.push(`    - ${l}`);
  }
  for (const w of report.warnings) if (!/references need review/.test(w) || review.length > 0) lines.push(`  Warning: ${w}`);
  if (result.citus) lines.push(...formatCitusSection(result.citus));
  return lines.join('\n') + '\n';
}

/** Taken on a Citus coordinator, where tenants are distributed schemas by default: what Citus refuses of the snapshot. */
function formatCitusSection(citus: CitusSnapshotReport): string[] {
  const lines = [`  ${describeCitus(citus.facts)} Tenants provisioned here become distributed schemas (--local keeps them on the coordinator).`];
  if (citus.findings.length === 0) lines.push('  Citus: nothing in this snapshot is refused in a distributed schema.');
  else {
    const refused = citus.findings.filter((f) => f.handling === 'refused').length;
    lines.push(`  Citus compatibility (${citus.findings.length} finding${citus.findings.length === 1 ? '' : 's'}, ${refused} refused${refused > 0 ? ': provisioning distributed tenants from this snapshot stops before the first; provision with --local or change the template' : ''}):`);
    for (const line of formatCitusFindings(citus.findings)) lines.push(...line.split('\n').map((l) => `    ${l}`));
  }
  return lines;
}

export const snapshotCommand: CliCommand = {
  name: 'snapshot',
  summary: 'Dump a template schema and template it into a snapshot file; `snapshot reseal FILE` re-checks an edited one',
  usage: [
    'Usage: tenantry snapshot --schema S -o SNAPSHOT.sql [--placeholder P] [--minify]',
    '                         [--no-owner] [--no-privileges] [--ledger TABLE …] [--decisions FILE] [--carry-partitions]',
    '                         [--export-decisions FILE] [--json] [--url URL]',
    '',
    'Dumps schema S with pg_dump, reads the catalog (what belongs to S, what belongs',
    'to extensions), carries the rows of migration ledger tables (schema_migrations,',
    'django_migrations, … and every --ledger TABLE), and replaces each reference to',
    'S with the placeholder.',
    '',
    '  --schema S       the template schema',
    '  -o, --output FILE  where to write the snapshot',
    '  --placeholder P  the placeholder text (default #{prefix})',
    '  --minify         strip comments and blank lines',
    '  --no-owner       leave out OWNER TO statements',
    '  --no-privileges  leave out GRANT/REVOKE statements',
    '  --carry-partitions  partitioned tables whose partitions live in other schemas',
    '                   are refused by default; with this, each tenant gets its own',
    '                   copies of the partitions (CREATE TABLE … PARTITION OF)',
    '  --ledger TABLE   also carry the rows of TABLE (repeatable)',
    '  --decisions FILE keep or replace single references (see tenantry template --help);',
    '                   a decision that matches no reference is an error',
    '  --export-decisions FILE  write what was done with every reference that needs review',
    '  --json           print the report as JSON on standard output',
    CONNECTION_USAGE,
    '',
    RESEAL_USAGE,
  ].join('\n'),
  async run(argv, io) {
    if (argv[0] === 'reseal') return runReseal(argv.slice(1), io);
    const values = parseOptions(argv, {
      ...CONNECTION_OPTIONS,
      schema: { type: 'string' },
      output: { type: 'string', short: 'o' },
      placeholder: { type: 'string' },
      minify: { type: 'boolean' },
      'no-owner': { type: 'boolean' },
      'no-privileges': { type: 'boolean' },
      'carry-partitions': { type: 'boolean' },
      ledger: { type: 'string', multiple: true },
      decisions: { type: 'string' },
      'export-decisions': { type: 'string' },
      json: { type: 'boolean' },
    });
    const schema = requireOption(values, 'schema');
    const output = requireOption(values, 'output');
    await checkOutputPath(resolve(io.cwd, output));
    const profile = await resolveCliProfile(stringOption(values, 'url'), io, values);
    const pgBin = listOption(values, 'pg-bin');
    const placeholder = stringOption(values, 'placeholder');
    const decisionsPath = stringOption(values, 'decisions');
    const decisions = decisionsPath !== undefined ? await readDecisionsFile(resolve(io.cwd, decisionsPath)) : undefined;
    const exportPath = stringOption(values, 'export-decisions');
    const ledger = listOption(values, 'ledger');
    const progress = createSnapshotProgress(io, schema);
    const result = await createTenantSnapshot(profile, {
      schema,
      placeholder: placeholder ?? SNAPSHOT_DEFAULTS.placeholder,
      minify: values.minify === true || SNAPSHOT_DEFAULTS.minify,
      noOwner: values['no-owner'] === true || SNAPSHOT_DEFAULTS.noOwner,
      noPrivileges: values['no-privileges'] === true || SNAPSHOT_DEFAULTS.noPrivileges,
      ledgerTables: ledger.length > 0 ? ledger : [...SNAPSHOT_DEFAULTS.ledgerTables],
      carryPartitions: values['carry-partitions'] === true,
      ...(decisions !== undefined ? { decisions } : {}),
      env: io.env,
      ...(pgBin.length > 0 ? { pgBin } : {}),
      onStderrLine: (line) => progress.log(`${line.startsWith('pg_dump:') ? '' : 'pg_dump: '}${line}\n`),
      onStage: (stage) => progress.stage(stage),
    }).finally(() => progress.done());
    // A snapshot that provisioning would refuse is not written (containment.ts).
    const firstRefused = result.report.refused[0];
    if (firstRefused !== undefined) throw refusedError(firstRefused, result.report.refused.length, true);
    await writeOutputFile(resolve(io.cwd, output), [result.head, result.snapshot.body]);
    if (exportPath !== undefined) {
      await writeOutputFile(resolve(io.cwd, exportPath), JSON.stringify(exportDecisions(schema, result.report.flagged, result.report.skipped), null, 2) + '\n');
    }
    if (values.json === true) {
      const { snapshot: _s, text: _t, head: _h, ...rest } = result;
      void _s;
      void _t;
      void _h;
      io.stdout(JSON.stringify({ output, ...rest }, null, 2) + '\n');
    } else {
      io.stderr(formatSnapshotReport(result, output));
    }
    return 0;
  },
};
