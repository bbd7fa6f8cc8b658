/** `tenantry render`: the exact SQL a snapshot becomes for one tenant, offline. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildSessionPreamble } from '../../../core/provision/session-preamble.js';
import { parseSnapshot } from '../../../core/snapshot/format.js';
import { renderProvisioningSql } from '../../../core/snapshot/render.js';
import { validateTenantName } from '../../../core/tenant/tenant-name.js';
import { listSavedTemplates } from '../protected-names.js';
import { UsageError, type CliCommand, type CliIo } from '../command.js';
import { writeOutputFile } from '../write-output.js';
import { readTextFile } from './template.js';

const USAGE = [
  'Usage: tenantry render SNAPSHOT.sql --tenant T [-o FILE] [--session] [--json]',
  '',
  'Checks the snapshot (checksum, placeholder occurrences) and prints the SQL that',
  'provisioning would run for tenant T, with the name quoted for each context.',
  '',
  '  --tenant T         the tenant schema name (1–63 bytes, not starting with pg_)',
  '  -o, --output FILE  write the SQL to FILE instead of standard output',
  '  --session          start with the session settings provisioning applies',
  '                     (standard_conforming_strings = on, check_function_bodies =',
  '                     false, …), for running with psql. Without it the SQL',
  '                     assumes standard_conforming_strings = on.',
  '  --json             print a JSON summary on standard output',
].join('\n');

async function runRender(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: { tenant: { type: 'string' }, output: { type: 'string', short: 'o' }, session: { type: 'boolean' }, json: { type: 'boolean' } },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the snapshot file to render.' : `expected one snapshot file, got ${positionals.length}.`);
  if (values.tenant === undefined) throw new UsageError('--tenant is required: the schema name to render for.');
  const snapshot = parseSnapshot(await readTextFile(resolve(io.cwd, positionals[0] as string), 'snapshot file'));
  validateTenantName(values.tenant, { protectedNames: [snapshot.header.schema, ...listSavedTemplates(io)] });
  let sql = renderProvisioningSql(snapshot, values.tenant);
  if (values.session === true) {
    // The settings provisioning applies (standard_conforming_strings = on first, whatever the header says: the
    // name is escaped for it), as plain SET for a psql session; search_path stays the reader's.
    sql = buildSessionPreamble(snapshot.header.sessionSettings, { scope: 'session', omit: ['search_path'] }) + sql;
  }
  const output = values.output === undefined ? undefined : resolve(io.cwd, values.output);
  if (output !== undefined) await writeOutputFile(output, sql);
  if (values.json === true) {
    const { header } = snapshot;
    io.stdout(
      JSON.stringify(
        { tenant: values.tenant, output: output ?? null, bytes: Buffer.byteLength(sql), occurrences: header.counts.replaced, requires: header.requires, sessionSettings: header.sessionSettings, ...(output === undefined ? { sql } : {}) },
        null,
        2,
      ) + '\n',
    );
  } else if (output === undefined) {
    io.stdout(sql);
  } else {
    io.stderr(`Wrote ${Buffer.byteLength(sql)} bytes of SQL for tenant ${JSON.stringify(values.tenant)} to ${output}.\n`);
  }
  return 0;
}

export const renderCommand: CliCommand = {
  name: 'render',
  summary: 'Render a snapshot into the exact SQL for one tenant (offline)',
  usage: USAGE,
  run: runRender,
};
