/** `tenantry publish`: installs a snapshot into the database as `_tenantry.create_tenant(name)` (issue 13). */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TenantryError } from '../../../core/errors.js';
import { parseSnapshot } from '../../../core/snapshot/format.js';
import { createPool } from '../../services/connection/open-connection.js';
import { listPublished, publishSnapshot, unpublish } from '../../services/publish/publish-snapshot.js';
import { UsageError, type CliCommand } from '../command.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, listOption, parseOptions, resolveCliProfile, stringOption } from './parse-options.js';

const USAGE = [
  'Usage: tenantry publish --snapshot FILE [--grant ROLE …] [--label L] [--url URL]',
  '       tenantry publish --list [--json] [--url URL]',
  '       tenantry publish --unpublish LABEL [--url URL]',
  '',
  'Stores the snapshot in the database (schema _tenantry) and installs',
  '_tenantry.create_tenant(name text, label text DEFAULT NULL): the application',
  'creates a tenant with `SELECT _tenantry.create_tenant($1)` in its own transaction.',
  'The function runs as the publishing role (SECURITY DEFINER); only --grant roles',
  'may call it. Without a label it uses the newest published snapshot; earlier ones',
  'stay callable by label until unpublished.',
  '',
  '  --snapshot FILE    the snapshot to publish (checked like provisioning checks it)',
  '  --grant ROLE       a role that may call create_tenant (repeatable)',
  '  --label L          the name to publish under (default: the first 12 hex digits',
  '                     of the snapshot checksum)',
  '  --list             list the published snapshots, newest first',
  '  --unpublish LABEL  remove one; tenants already created are kept',
  '  --json             machine-readable output',
  CONNECTION_USAGE,
].join('\n');

const OPTIONS = { ...CONNECTION_OPTIONS, snapshot: { type: 'string' }, grant: { type: 'string', multiple: true }, label: { type: 'string' }, list: { type: 'boolean' }, unpublish: { type: 'string' }, json: { type: 'boolean' } } as const;

export const publishCommand: CliCommand = {
  name: 'publish',
  summary: 'Publish a snapshot into the database as _tenantry.create_tenant(name)',
  usage: USAGE,
  async run(argv, io) {
    const values = parseOptions(argv, OPTIONS);
    const path = stringOption(values, 'snapshot');
    const target = stringOption(values, 'unpublish');
    const modes = [path !== undefined, values.list === true, target !== undefined].filter(Boolean).length;
    if (modes !== 1) throw new UsageError('give exactly one of --snapshot FILE, --list or --unpublish LABEL.');
    let text: string | undefined;
    if (path !== undefined) {
      try {
        text = await readFile(resolve(io.cwd, path), 'utf8');
      } catch (error) {
        throw new TenantryError('FILE_NOT_FOUND', `The snapshot ${path} cannot be read: ${(error as Error).message}.`, { cause: error });
      }
    }
    // Checked before connecting: a snapshot provisioning would refuse is never published.
    const snapshot = text === undefined ? undefined : parseSnapshot(text);
    const profile = await resolveCliProfile(stringOption(values, 'url'), io, values);
    const db = await createPool(profile, 2);
    try {
      if (snapshot !== undefined) {
        const label = stringOption(values, 'label');
        const result = await publishSnapshot(db, snapshot, { ...(label !== undefined ? { label } : {}), grants: listOption(values, 'grant') });
        if (values.json === true) io.stdout(JSON.stringify(result, null, 2) + '\n');
        else {
          io.stdout(`${result.created ? 'Published' : 'Already published:'} snapshot ${result.checksum.slice(0, 12)} as ${JSON.stringify(result.label)}.\n`);
          io.stdout(result.granted.length > 0 ? `EXECUTE granted to ${result.granted.join(', ')}.\n` : 'No role was granted EXECUTE (use --grant ROLE).\n');
          io.stdout(`Call: SELECT _tenantry.create_tenant('tenant_name', ${JSON.stringify(result.label).replace(/"/g, "'")});\n`);
        }
      } else if (target !== undefined) {
        await unpublish(db, target);
        io.stdout(`Unpublished ${JSON.stringify(target)}; tenants already created are kept.\n`);
      } else {
        const list = await listPublished(db);
        if (values.json === true) io.stdout(JSON.stringify(list, null, 2) + '\n');
        else if (list.length === 0) io.stdout('No snapshot is published in this database.\n');
        else for (const [i, p] of list.entries()) io.stdout(`${p.label}  snapshot ${p.checksum.slice(0, 12)}  template ${JSON.stringify(p.template)}  ${p.bytes} bytes  by ${p.publishedBy} at ${p.publishedAt.toISOString()}${i === 0 ? '  (default)' : ''}\n`);
      }
      return 0;
    } finally {
      await db.end();
    }
  },
};
