/** `tenantry schemas`: lists the schemas of a database with owner, counts and size. */
import type { SchemaSummary } from '../../../core/api/contract.js';
import { isReservedSchemaName } from '../../../core/pool/spare-name.js';
import { listSchemas } from '../../services/catalog/list-schemas.js';
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

/** Terminal columns a string takes: CJK and other wide characters count 2, combining marks 0. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if ((cp >= 0x300 && cp <= 0x36f) || cp === 0x200d) continue;
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) || (cp >= 0x20000 && cp <= 0x3fffd);
    width += wide ? 2 : 1;
  }
  return width;
}

/** A schema name as one table cell: control characters (a newline in a name) shown escaped so rows stay rows. */
function cellName(name: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being escaped
  return /[\u0000-\u001f\u007f]/.test(name) ? JSON.stringify(name) : name;
}

/** A plain-text table of schemas. */
export function formatSchemaTable(schemas: SchemaSummary[]): string {
  const header = ['schema', 'owner', 'tables', 'views', 'functions', 'sequences', 'size', 'notes'];
  const rows = schemas.map((s) => [
    cellName(s.name),
    s.owner,
    String(s.tables),
    String(s.views),
    String(s.functions),
    String(s.sequences),
    formatSize(s.sizeBytes),
    [s.system ? 'system' : '', s.extensionOwned ? 'extension' : '', isReservedSchemaName(s.name) ? 'tenantry pool' : ''].filter(Boolean).join(', '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const pad = (c: string, i: number) => ' '.repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(c)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i <= 6 ? pad(c, i) + c : c + pad(c, i))).join('  ').trimEnd();
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
    const profile = await resolveCliProfile(stringOption(values, 'url'), io, values);
    const schemas = (await listSchemas(profile)).filter((s) => values.all === true || !s.system);
    io.stdout(values.json === true ? JSON.stringify(schemas, null, 2) + '\n' : formatSchemaTable(schemas));
    return 0;
  },
};
