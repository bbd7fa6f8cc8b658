/** `tenantry template`: turn a schema-only dump into a snapshot file, offline. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TenantryError } from '../../../core/errors.js';
import { refusedError } from '../../../core/snapshot/containment.js';
import { createSnapshot, type TemplateReport } from '../../../core/snapshot/template.js';
import { exportDecisions } from '../../../core/snapshot/reference-ids.js';
import { readDecisionsFile } from '../decisions-file.js';
import type { SnapshotHeader } from '../../../core/snapshot/format.js';
import { UsageError, type CliCommand, type CliIo } from '../command.js';
import { writeOutputFile } from '../write-output.js';

const USAGE = [
  'Usage: tenantry template DUMP.sql --schema S -o SNAPSHOT.sql [--placeholder P] [--minify]',
  '                         [--no-owner] [--skip-flagged] [--decisions FILE] [--export-decisions FILE]',
  '                         [--report REPORT.json] [--json]',
  '',
  'Reads a pg_dump --schema-only file and replaces every reference to schema S',
  '(identifiers, name literals, search_path settings, function bodies, dynamic SQL,',
  'comments) with the placeholder, using a real SQL lexer. Statements that cannot',
  'run once per tenant (psql meta-commands, the session preamble, extensions, roles',
  '…) are stripped and listed. Offline: no database is needed.',
  '',
  '  --schema S           the template schema (case-sensitive; unquoted names are lower case)',
  '  -o, --output FILE    where to write the snapshot (- for standard output)',
  '  --placeholder P      the placeholder text (default #{prefix})',
  '  --minify             drop comments and blank lines, collapse white space',
  '  --no-owner           strip ALTER … OWNER TO statements',
  '  --skip-flagged       leave references that need review (dynamic SQL, hand-written comments) as they are',
  '  --decisions FILE     keep or replace single references: JSON {"decisions": {"<id or line:column>": "keep"|"replace"}};',
  '                       ids (see --report) name the pg_dump object, so they survive a new dump of the template.',
  '                       A decision that matches no reference is an error.',
  '  --export-decisions FILE  write what was done with every reference that needs review, as a decisions file',
  '  --report FILE        write every reference (line, column, kind, context) as JSON',
  '  --json               print the summary as JSON on standard output',
].join('\n');

interface TemplateArgs {
  dump: string;
  schema: string;
  output: string;
  placeholder?: string;
  minify: boolean;
  noOwner: boolean;
  skipFlagged: boolean;
  decisions?: string;
  exportDecisions?: string;
  report?: string;
  json: boolean;
}

function parse(argv: string[]): TemplateArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        schema: { type: 'string' },
        output: { type: 'string', short: 'o' },
        placeholder: { type: 'string' },
        minify: { type: 'boolean' },
        'no-owner': { type: 'boolean' },
        'skip-flagged': { type: 'boolean' },
        decisions: { type: 'string' },
        'export-decisions': { type: 'string' },
        report: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the dump file to template.' : `expected one dump file, got ${positionals.length}.`);
  if (!values.schema) throw new UsageError('--schema is required: the name of the template schema in the dump.');
  if (!values.output) throw new UsageError('-o/--output is required: where to write the snapshot.');
  return {
    dump: positionals[0] as string,
    schema: values.schema,
    output: values.output,
    ...(values.placeholder !== undefined ? { placeholder: values.placeholder } : {}),
    minify: values.minify === true,
    noOwner: values['no-owner'] === true,
    skipFlagged: values['skip-flagged'] === true,
    ...(values.decisions !== undefined ? { decisions: values.decisions } : {}),
    ...(values['export-decisions'] !== undefined ? { exportDecisions: values['export-decisions'] } : {}),
    ...(values.report !== undefined ? { report: values.report } : {}),
    json: values.json === true,
  };
}

/** Reads a text file, turning "not found" into a TenantryError. */
export async function readTextFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new TenantryError('FILE_NOT_FOUND', `The ${what} ${path} does not exist. Check the path.`, { cause: error });
    throw error;
  }
}

function summary(header: SnapshotHeader, report: TemplateReport, output: string): string {
  const lines = [`Wrote snapshot of schema ${JSON.stringify(header.schema)} to ${output} (${header.counts.replaced} placeholder occurrences).`];
  const kinds = Object.entries(header.counts.byKind).map(([k, n]) => `${n} ${k}`);
  lines.push(`  References by kind: ${kinds.join(', ') || 'none'}.`);
  const flagged = report.flagged;
  if (flagged.length > 0) {
    lines.push(`  Replaced, please review (${flagged.length}):`);
    for (const r of flagged.slice(0, 25)) lines.push(`    ${r.line}:${r.column} ${r.kind} [${r.id}]: ${r.context.trim().slice(0, 120)}`);
    if (flagged.length > 25) lines.push(`    … and ${flagged.length - 25} more (see --report)`);
  }
  const skipped = report.skipped;
  if (skipped.length > 0) {
    lines.push(`  Left pointing at ${header.schema} (${skipped.length}):`);
    for (const r of skipped.slice(0, 25)) lines.push(`    ${r.line}:${r.column} ${r.kind} [${r.id}]: ${r.context.trim().slice(0, 120)}`);
    if (skipped.length > 25) lines.push(`    … and ${skipped.length - 25} more (see --report)`);
  }
  if (report.stripped.length > 0) {
    lines.push(`  Stripped (${report.stripped.length}):`);
    for (const s of report.stripped) lines.push(`    ${s.line}: ${s.text.split('\n')[0]?.slice(0, 80)}  — ${s.reason}`);
  }
  for (const w of report.warnings) lines.push(`  Warning: ${w}`);
  return lines.join('\n') + '\n';
}

async function runTemplate(argv: string[], io: CliIo): Promise<number> {
  const args = parse(argv);
  const dumpPath = resolve(io.cwd, args.dump);
  const sql = await readTextFile(dumpPath, 'dump file');
  const decisions = args.decisions !== undefined ? await readDecisionsFile(resolve(io.cwd, args.decisions)) : undefined;
  const { snapshot, head, report } = createSnapshot(sql, {
    ...(decisions !== undefined ? { decisions } : {}),
    schema: args.schema,
    ...(args.placeholder !== undefined ? { placeholder: args.placeholder } : {}),
    minify: args.minify,
    stripOwner: args.noOwner,
    skipFlagged: args.skipFlagged,
  });
  // A snapshot that provisioning would refuse is not written (containment.ts).
  const firstRefused = report.refused[0];
  if (firstRefused !== undefined) throw refusedError(firstRefused, report.refused.length, true);
  const toStdout = args.output === '-';
  const output = toStdout ? '-' : resolve(io.cwd, args.output);
  // Head and body apart: joining them would copy the whole snapshot once more (template.ts).
  if (toStdout) {
    io.stdout(head);
    io.stdout(snapshot.body);
  } else await writeOutputFile(output, [head, snapshot.body], { mode: 0o644 });
  const header = snapshot.header;
  if (args.report !== undefined) {
    const full = { header: snapshot.header, references: report.references, stripped: report.stripped, warnings: report.warnings };
    await writeOutputFile(resolve(io.cwd, args.report), JSON.stringify(full, null, 2) + '\n');
  }
  if (args.exportDecisions !== undefined) {
    await writeOutputFile(resolve(io.cwd, args.exportDecisions), JSON.stringify(exportDecisions(header.schema, report.flagged, report.skipped), null, 2) + '\n');
  }
  if (args.json) {
    const result = {
      output,
      schema: header.schema,
      placeholder: header.placeholder,
      checksum: header.checksum,
      counts: header.counts,
      flagged: report.flagged.map((r) => ({ id: r.id, line: r.line, column: r.column, kind: r.kind, text: r.text, context: r.context })),
      skipped: report.skipped.map((r) => ({ id: r.id, line: r.line, column: r.column, kind: r.kind, keep: r.keep === true, text: r.text, context: r.context })),
      stripped: report.stripped.map((s) => ({ line: s.line, text: s.text, reason: s.reason })),
      requires: header.requires,
      warnings: header.warnings,
    };
    (toStdout ? io.stderr : io.stdout)(JSON.stringify(result, null, 2) + '\n');
  } else {
    (toStdout ? io.stderr : io.stdout)(summary(header, report, output));
  }
  return 0;
}

export const templateCommand: CliCommand = {
  name: 'template',
  summary: 'Template a schema-only dump into a snapshot file (offline)',
  usage: USAGE,
  run: runTemplate,
};
