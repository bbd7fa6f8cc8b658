/** `tenantry check --citus`: what Citus refuses of a snapshot in a distributed schema, before any work. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatCitusFindings, hasRefusals } from '../../../core/citus/compat-report.js';
import { describeCitus, type CitusFacts } from '../../../core/citus/citus-facts.js';
import { TenantryError } from '../../../core/errors.js';
import { parseSnapshot } from '../../../core/snapshot/format.js';
import { openClient } from '../../services/connection/open-connection.js';
import { readReferenceTables, snapshotFindings } from '../../services/citus/compat-check.js';
import { detectCitus } from '../../services/citus/detect-citus.js';
import { UsageError, type CliCommand } from '../command.js';
import { parseOptions, requireOption, resolveCliProfile, stringOption } from './parse-options.js';
import { SSH_OPTIONS, SSH_USAGE } from './ssh-options.js';

export const checkCommand: CliCommand = {
  name: 'check',
  summary: 'Check a snapshot against a target before any work (--citus: what Citus refuses)',
  usage: [
    'Usage: tenantry check --citus --snapshot SNAPSHOT.sql [--url URL] [--json]',
    '',
    'Lists every statement of the snapshot that Citus refuses in a distributed',
    'schema (foreign keys into other schemas except to reference tables,',
    'inheritance, foreign tables, partitions in another schema, ALTER TABLE forms',
    'Citus does not propagate), each with its line and what Tenantry does about it:',
    'rewritten (an equivalent form Citus accepts), setting (a Citus setting for the',
    'tenant\'s transaction), accepted, or refused (distributed provisioning stops',
    'before any tenant; --local keeps tenants on the coordinator).',
    '',
    '  --citus          the Citus check (the only check so far)',
    '  --snapshot FILE  the snapshot made by `tenantry snapshot`',
    '  --url URL        also read the target: its Citus role and reference tables',
    '                   (a foreign key to a reference table is accepted); without',
    '                   it the check reads no database',
    '  --json           print {"citus", "findings", "refused"} as JSON',
    SSH_USAGE,
    '',
    'Exit status: 0 when Citus refuses nothing, 1 when it refuses something.',
  ].join('\n'),
  async run(argv, io) {
    const values = parseOptions(argv, { citus: { type: 'boolean' }, snapshot: { type: 'string' }, url: { type: 'string' }, json: { type: 'boolean' }, ...SSH_OPTIONS });
    if (values.citus !== true) throw new UsageError('Name the check: --citus.');
    const path = requireOption(values, 'snapshot');
    let text: string;
    try {
      text = await readFile(resolve(io.cwd, path), 'utf8');
    } catch (error) {
      throw new TenantryError('FILE_NOT_FOUND', `The snapshot ${path} cannot be read: ${(error as Error).message}.`, { cause: error });
    }
    const snapshot = parseSnapshot(text);
    const url = stringOption(values, 'url');
    let citus: CitusFacts | undefined;
    let referenceTables: Set<string> | undefined;
    if (url !== undefined) {
      const client = await openClient(await resolveCliProfile(url, io, values));
      try {
        citus = await detectCitus(client);
        if (citus.installed) referenceTables = await readReferenceTables(client);
      } finally {
        await client.end().catch(() => undefined);
      }
    }
    const findings = snapshotFindings(snapshot, referenceTables);
    const refused = hasRefusals(findings);
    if (values.json === true) {
      io.stdout(JSON.stringify({ ...(citus ? { citus } : {}), findings, refused }, null, 2) + '\n');
    } else {
      if (citus) io.stdout(`${describeCitus(citus)}\n`);
      else io.stdout('Offline check (no --url): a foreign key into another schema is counted as refused unless the target makes that table a reference table.\n');
      io.stdout(formatCitusFindings(findings).join('\n') + '\n');
      const counts = new Map<string, number>();
      for (const f of findings) counts.set(f.handling, (counts.get(f.handling) ?? 0) + 1);
      if (findings.length > 0) io.stdout(`${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}.\n`);
    }
    return refused ? 1 : 0;
  },
};
