/** `tenantry dump`: pg_dump --schema-only of one schema, with the right pg_dump. */
import { resolve } from 'node:path';
import { dumpSchema } from '../../services/dump/dump-schema.js';
import type { CliCommand } from '../command.js';
import { checkOutputPath, writeOutputFile } from '../write-output.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, listOption, parseOptions, requireOption, resolveCliProfile, stringOption } from './parse-options.js';
import { SNAPSHOT_DEFAULTS } from '../../../core/dump/snapshot-defaults.js';

export const dumpCommand: CliCommand = {
  name: 'dump',
  summary: 'Dump the definition of one schema with a suitable pg_dump',
  usage: [
    'Usage: tenantry dump --schema S [-o FILE] [--no-owner] [--no-privileges] [--url URL]',
    '',
    'Runs pg_dump --schema-only for exactly schema S (the name as stored: case and',
    'special characters count) with a pg_dump at least as new as the server.',
    '',
    '  --schema S       the schema to dump',
    '  -o, --output FILE  write the SQL to FILE (default: standard output)',
    '  --no-owner       leave out OWNER TO statements',
    '  --no-privileges  leave out GRANT/REVOKE statements',
    CONNECTION_USAGE,
  ].join('\n'),
  async run(argv, io) {
    const values = parseOptions(argv, {
      ...CONNECTION_OPTIONS,
      schema: { type: 'string' },
      output: { type: 'string', short: 'o' },
      'no-owner': { type: 'boolean' },
      'no-privileges': { type: 'boolean' },
    });
    const schema = requireOption(values, 'schema');
    const output = stringOption(values, 'output');
    if (output) await checkOutputPath(resolve(io.cwd, output));
    const profile = await resolveCliProfile(stringOption(values, 'url'), io, values);
    const pgBin = listOption(values, 'pg-bin');
    const dump = await dumpSchema(profile, {
      schema,
      noOwner: values['no-owner'] === true || SNAPSHOT_DEFAULTS.noOwner,
      noPrivileges: values['no-privileges'] === true || SNAPSHOT_DEFAULTS.noPrivileges,
      env: io.env,
      ...(pgBin.length > 0 ? { pgBin } : {}),
      onStderrLine: (line) => io.stderr(`${line.startsWith('pg_dump:') ? '' : 'pg_dump: '}${line}\n`),
    });
    if (output) {
      await writeOutputFile(resolve(io.cwd, output), dump.sql);
      io.stderr(`Dumped schema "${schema}" (${dump.bytes} bytes) to ${output} with pg_dump ${dump.pgDump.version} (${dump.pgDump.path}); server ${dump.serverVersion}.\n`);
    } else {
      io.stdout(dump.sql);
      io.stderr(`Dumped schema "${schema}" with pg_dump ${dump.pgDump.version} (${dump.pgDump.path}); server ${dump.serverVersion}.\n`);
    }
    return 0;
  },
};
