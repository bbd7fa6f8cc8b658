/** `tenantry snapshot reseal FILE`: show what changed in an edited snapshot, check it, and seal it again. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isTenantryError } from '../../../core/errors.js';
import { resealSnapshot } from '../../../core/snapshot/reseal.js';
import { UsageError, type CliIo } from '../command.js';
import { checkOutputPath, writeOutputFile } from '../write-output.js';
import { readTextFile } from './template.js';

export const RESEAL_USAGE = [
  'Usage: tenantry snapshot reseal FILE [-o OUT] [--check]',
  '',
  'Shows what changed in an edited snapshot (body against the checksum its header',
  'records, the header against its seal, the session settings and quoting contexts',
  'it carries), checks every statement as provisioning does, and only then writes',
  'a new seal. A statement a snapshot may not hold (transaction control, psql',
  'meta-commands, DROP, database-wide objects, …) is listed and nothing is written.',
  '',
  '  -o, --output OUT  write the sealed snapshot to OUT (default: FILE itself)',
  '  --check           show and check only; write nothing',
].join('\n');

/** Runs `snapshot reseal`. */
export async function runReseal(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { output: { type: 'string', short: 'o' }, check: { type: 'boolean' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('give exactly one snapshot FILE.');
  const file = resolve(io.cwd, positionals[0] as string);
  const output = values.output !== undefined ? resolve(io.cwd, values.output) : file;
  const text = await readTextFile(file, 'snapshot file');
  let result;
  try {
    result = resealSnapshot(text);
  } catch (error) {
    // The report of what changed comes in the error's detail: show it before the error itself.
    if (isTenantryError(error) && error.detail) io.stdout(`${file}:\n  ${error.detail.replace(/\n/g, '\n  ')}\n`);
    if (isTenantryError(error)) throw Object.assign(error, { detail: undefined });
    throw error;
  }
  io.stdout(`${file}:\n  ${result.report.changes.join('\n  ')}\n`);
  if (values.check === true) {
    io.stdout(result.report.unchanged ? 'The seal is intact; nothing to do.\n' : 'Checked; nothing was written (--check).\n');
    return 0;
  }
  if (result.report.unchanged && output === file) {
    io.stdout('The seal is intact; nothing to do.\n');
    return 0;
  }
  await checkOutputPath(output);
  await writeOutputFile(output, result.text, { mode: 0o600 });
  io.stdout(`Sealed ${output}.\n`);
  return 0;
}
