/** `tenantry schemas`: lists the schemas of a database with owner, counts and size. */
import type { SchemaSummary } from '../../../core/api/contract.js';
import { isReservedSchemaName } from '../../../core/pool/spare-name.js';
import { listSchemas } from '../../services/schemas.js';
import type { CliCommand } from '../command.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, parseOptions, resolveCliProfile, stringOption } from './parse-options.js';

function formatSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** A plain-text table of schemas. */
export function formatSchemaTable(schemas: SchemaSummary[]): string {
  const header = ['schema', 'owner', 'tables', 'views', 'functions', 'sequences', 'size', 'notes'];
  const rows = schemas.map((s) => [
    s.name,
    s.owner,
    String(s.tables),
    String(s.views),
    String(s.functions),
    String(s.sequences),
    formatSize(s.sizeBytes),
    [s.system ? 'system' : '', s.extensionOwned ? 'extension' : '', isReservedSchemaName(s.name) ? 'tenantry pool' : ''].filter(Boolean).join(', '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 6 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

export const schemasCommand: CliCommand = {
  name: 'schemas',
  summary: 'List the schemas of a database with owner, object counts and size',
  usage: [
    'Usage: tenantry schemas [--url URL] [--all] [--json]',
    '',
    'Lists the schemas of the database with their owner, counts of tables, views,',
    'functions and sequences, and size. System schemas are hidden unless --all.',
    '',
    CONNECTION_USAGE,
    '  --all            include pg_catalog, information_schema and pg_toast',
    '  --json           print the list as JSON',
  ].join('\n'),
  async run(argv, io) {
    const values = parseOptions(argv, { ...CONNECTION_OPTIONS, all: { type: 'boolean' }, json: { type: 'boolean' } });
    const profile = await resolveCliProfile(stringOption(values, 'url'), io);
    const schemas = (await listSchemas(profile)).filter((s) => values.all === true || !s.system);
    io.stdout(values.json === true ? JSON.stringify(schemas, null, 2) + '\n' : formatSchemaTable(schemas));
    return 0;
  },
};
